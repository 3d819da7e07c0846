/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR ("123456789" -> 0x29B1). */
#ifndef WL_CRC16_H
#define WL_CRC16_H

#include <stddef.h>
#include <stdint.h>

#define CRC16_INIT 0xFFFFu

/* Continues a CRC over `len` bytes; start with CRC16_INIT. */
uint16_t crc16_update(uint16_t crc, const uint8_t *data, size_t len);

/* CRC of one whole buffer. */
uint16_t crc16(const uint8_t *data, size_t len);

#endif
