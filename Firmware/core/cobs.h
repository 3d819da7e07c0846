/* Consistent Overhead Byte Stuffing: removes every 0x00 so 0x00 can delimit frames. */
#ifndef WL_COBS_H
#define WL_COBS_H

#include <stddef.h>
#include <stdint.h>

#define COBS_ERROR ((size_t)-1)

/* Worst-case encoded size of `len` bytes (without the delimiter). */
#define COBS_MAX_ENCODED(len) ((len) + (len) / 254u + 1u)

/* Encodes `len` bytes into `out` (no delimiter); returns the encoded length or COBS_ERROR if `cap` is too small. */
size_t cobs_encode(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/* Decodes one encoded block (no delimiter); returns the decoded length or COBS_ERROR if malformed or too long. */
size_t cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

#endif
