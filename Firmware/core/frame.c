#include "frame.h"

#include <string.h>

#include "crc16.h"

void frame_make(frame_t *frame, uint8_t type, uint8_t seq, const uint8_t *payload, uint8_t len)
{
    frame->type = type;
    frame->seq = seq;
    frame->len = len > FRAME_MAX_PAYLOAD ? FRAME_MAX_PAYLOAD : len;
    if (frame->len > 0) {
        memcpy(frame->payload, payload, frame->len);
    }
}

size_t frame_encode(const frame_t *frame, uint8_t *out, size_t cap)
{
    uint8_t raw[FRAME_MAX_RAW];
    if (frame->len > FRAME_MAX_PAYLOAD || cap < 2) {
        return 0;
    }
    raw[0] = frame->type;
    raw[1] = frame->seq;
    memcpy(&raw[2], frame->payload, frame->len);
    size_t n = 2u + frame->len;
    uint16_t crc = crc16(raw, n);
    raw[n++] = (uint8_t)(crc >> 8);
    raw[n++] = (uint8_t)(crc & 0xFFu);
    out[0] = 0;
    size_t enc = cobs_encode(raw, n, out + 1, cap - 2);
    if (enc == COBS_ERROR) {
        return 0;
    }
    out[1 + enc] = 0;
    return enc + 2;
}

void frame_decoder_init(frame_decoder_t *dec)
{
    memset(dec, 0, sizeof *dec);
}

static bool finish(frame_decoder_t *dec, frame_t *out)
{
    uint8_t raw[FRAME_MAX_RAW];
    size_t n = cobs_decode(dec->buf, dec->len, raw, sizeof raw);
    if (n == COBS_ERROR || n < 4) {
        dec->frames_malformed++;
        dec->bytes_dropped += (uint32_t)dec->len;
        return false;
    }
    uint16_t want = (uint16_t)(((uint16_t)raw[n - 2] << 8) | raw[n - 1]);
    if (crc16(raw, n - 2) != want) {
        dec->frames_bad_crc++;
        dec->bytes_dropped += (uint32_t)dec->len;
        return false;
    }
    out->type = raw[0];
    out->seq = raw[1];
    out->len = (uint8_t)(n - 4);
    memcpy(out->payload, &raw[2], out->len);
    dec->frames_ok++;
    return true;
}

bool frame_decoder_push(frame_decoder_t *dec, uint8_t byte, frame_t *out)
{
    if (byte != 0) {
        if (dec->len < sizeof dec->buf) {
            dec->buf[dec->len++] = byte;
        } else {
            dec->overflow = true;
            dec->bytes_dropped++;
        }
        return false;
    }
    bool ok = false;
    if (dec->overflow) {
        dec->frames_malformed++;
        dec->bytes_dropped += (uint32_t)dec->len;
    } else if (dec->len > 0) {
        ok = finish(dec, out);
    }
    dec->len = 0;
    dec->overflow = false;
    return ok;
}
