/* One link frame: type, sequence number, payload; on the wire COBS(type seq payload crc16be) followed by 0x00. */
#ifndef WL_FRAME_H
#define WL_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cobs.h"

#define FRAME_MAX_PAYLOAD 48u
#define FRAME_MAX_RAW (2u + FRAME_MAX_PAYLOAD + 2u)
/* Leading delimiter + COBS block + trailing delimiter. */
#define FRAME_MAX_WIRE (COBS_MAX_ENCODED(FRAME_MAX_RAW) + 2u)

typedef struct {
    uint8_t type;
    uint8_t seq;
    uint8_t len;
    uint8_t payload[FRAME_MAX_PAYLOAD];
} frame_t;

/* Fills a frame; `payload` may be NULL when `len` is 0. */
void frame_make(frame_t *frame, uint8_t type, uint8_t seq, const uint8_t *payload, uint8_t len);

/* Encodes a frame for the wire, delimiters included; returns the byte count, 0 if it does not fit. */
size_t frame_encode(const frame_t *frame, uint8_t *out, size_t cap);

typedef struct {
    uint8_t buf[COBS_MAX_ENCODED(FRAME_MAX_RAW)];
    size_t len;
    bool overflow;
    uint32_t frames_ok;
    uint32_t frames_bad_crc;
    uint32_t frames_malformed;
    uint32_t bytes_dropped;
} frame_decoder_t;

void frame_decoder_init(frame_decoder_t *dec);

/* Feeds one received byte; returns true and fills `out` when it completes a frame whose CRC checks. */
bool frame_decoder_push(frame_decoder_t *dec, uint8_t byte, frame_t *out);

#endif
