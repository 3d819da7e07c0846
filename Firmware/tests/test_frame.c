#include <string.h>

#include "../core/crc16.h"
#include "../core/frame.h"
#include "unit.h"

static uint32_t rng_state = 0x12345678u;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Table-driven CRC, written independently of core/crc16.c, to judge what the decoder accepts. */
static uint16_t reference_crc(const uint8_t *d, size_t n)
{
    static uint16_t table[256];
    static int built;
    if (!built) {
        for (int i = 0; i < 256; i++) {
            uint16_t c = (uint16_t)(i << 8);
            for (int b = 0; b < 8; b++) {
                c = (c & 0x8000u) ? (uint16_t)((c << 1) ^ 0x1021u) : (uint16_t)(c << 1);
            }
            table[i] = c;
        }
        built = 1;
    }
    uint16_t crc = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        crc = (uint16_t)((crc << 8) ^ table[((crc >> 8) ^ d[i]) & 0xFFu]);
    }
    return crc;
}

static int frames_equal(const frame_t *a, const frame_t *b)
{
    return a->type == b->type && a->seq == b->seq && a->len == b->len && memcmp(a->payload, b->payload, a->len) == 0;
}

static void random_frame(frame_t *f)
{
    f->type = (uint8_t)rng();
    f->seq = (uint8_t)rng();
    f->len = (uint8_t)(rng() % (FRAME_MAX_PAYLOAD + 1));
    for (unsigned i = 0; i < f->len; i++) {
        /* Plenty of zeros so COBS has work to do. */
        f->payload[i] = (rng() % 4 == 0) ? 0 : (uint8_t)rng();
    }
}

static int feed(frame_decoder_t *dec, const uint8_t *bytes, size_t n, frame_t *out, int max_out)
{
    int got = 0;
    frame_t f;
    for (size_t i = 0; i < n; i++) {
        if (frame_decoder_push(dec, bytes[i], &f) && got < max_out) {
            out[got] = f;
            got++;
        }
    }
    return got;
}

static void round_trips_every_payload_length(void)
{
    frame_decoder_t dec;
    frame_decoder_init(&dec);
    for (unsigned len = 0; len <= FRAME_MAX_PAYLOAD; len++) {
        frame_t f = {0x42, (uint8_t)len, (uint8_t)len, {0}};
        for (unsigned i = 0; i < len; i++) {
            f.payload[i] = (uint8_t)(i * 37u);
        }
        uint8_t wire[FRAME_MAX_WIRE];
        size_t n = frame_encode(&f, wire, sizeof wire);
        CHECK(n > 0);
        frame_t out[2];
        CHECK_EQ(feed(&dec, wire, n, out, 2), 1);
        CHECK(frames_equal(&f, &out[0]));
    }
    CHECK_EQ(dec.frames_ok, FRAME_MAX_PAYLOAD + 1);
    CHECK_EQ(dec.bytes_dropped, 0);
}

static void refuses_payload_over_the_maximum(void)
{
    frame_t f = {1, 1, FRAME_MAX_PAYLOAD + 1, {0}};
    uint8_t wire[FRAME_MAX_WIRE + 8];
    CHECK_EQ(frame_encode(&f, wire, sizeof wire), 0);
}

static void garbage_before_a_frame_is_dropped_and_counted(void)
{
    frame_decoder_t dec;
    frame_decoder_init(&dec);
    const uint8_t garbage[] = {0x41, 0x54, 0x0D, 0x0A, 0x7E, 0xFF};
    frame_t f = {0x10, 7, 1, {1}};
    uint8_t wire[FRAME_MAX_WIRE];
    size_t n = frame_encode(&f, wire, sizeof wire);
    frame_t out[2];
    CHECK_EQ(feed(&dec, garbage, sizeof garbage, out, 2), 0);
    CHECK_EQ(feed(&dec, wire, n, out, 2), 1);
    CHECK(frames_equal(&f, &out[0]));
    CHECK_EQ(dec.bytes_dropped, sizeof garbage);
}

static void corrupted_frame_is_rejected_and_the_next_one_accepted(void)
{
    frame_decoder_t dec;
    frame_decoder_init(&dec);
    frame_t f = {0x14, 9, 2, {0x02, 0x58}};
    uint8_t wire[FRAME_MAX_WIRE];
    size_t n = frame_encode(&f, wire, sizeof wire);
    uint8_t bad[FRAME_MAX_WIRE];
    memcpy(bad, wire, n);
    bad[3] ^= 0x04;
    frame_t out[2];
    CHECK_EQ(feed(&dec, bad, n, out, 2), 0);
    CHECK_EQ(dec.frames_bad_crc + dec.frames_malformed, 1);
    CHECK_EQ(feed(&dec, wire, n, out, 2), 1);
    CHECK(frames_equal(&f, &out[0]));
}

static void truncated_frame_is_rejected(void)
{
    frame_decoder_t dec;
    frame_decoder_init(&dec);
    frame_t f = {0x15, 3, 5, {'1', '2', '3', '4', '5'}};
    uint8_t wire[FRAME_MAX_WIRE];
    size_t n = frame_encode(&f, wire, sizeof wire);
    frame_t out[2];
    for (size_t cut = 1; cut + 1 < n; cut++) {
        uint8_t part[FRAME_MAX_WIRE];
        memcpy(part, wire, cut);
        part[cut] = 0;
        CHECK_EQ(feed(&dec, part, cut + 1, out, 2), 0);
    }
    CHECK_EQ(dec.frames_ok, 0);
    CHECK_EQ(feed(&dec, wire, n, out, 2), 1);
}

static void oversized_block_is_dropped_without_overflow(void)
{
    frame_decoder_t dec;
    frame_decoder_init(&dec);
    uint8_t junk[500];
    memset(junk, 0x55, sizeof junk);
    frame_t out[2];
    CHECK_EQ(feed(&dec, junk, sizeof junk, out, 2), 0);
    uint8_t zero = 0;
    CHECK_EQ(feed(&dec, &zero, 1, out, 2), 0);
    CHECK_EQ(dec.frames_malformed, 1);
    CHECK_EQ(dec.bytes_dropped, sizeof junk);
}

/* Tracks the wire block being fed so every frame the decoder accepts can be judged independently. */
typedef struct {
    uint8_t block[1024];
    size_t len;
    long accepted;
    long bad_accepted;
} judge_t;

static bool push_judged(frame_decoder_t *dec, judge_t *j, uint8_t b, frame_t *out)
{
    bool ok = frame_decoder_push(dec, b, out);
    if (ok) {
        j->accepted++;
        uint8_t raw[FRAME_MAX_RAW];
        size_t m = cobs_decode(j->block, j->len, raw, sizeof raw);
        if (m == COBS_ERROR || m < 4 || ((raw[m - 2] << 8) | raw[m - 1]) != reference_crc(raw, m - 2) ||
            out->len != m - 4) {
            j->bad_accepted++;
        }
    }
    if (b == 0) {
        j->len = 0;
    } else if (j->len < sizeof j->block) {
        j->block[j->len++] = b;
    }
    return ok;
}

/* Randomized fuzz over 4 MB of noise: no crash (sanitizers on), no hang, nothing accepted with a bad CRC. */
static void random_noise_never_yields_a_frame_with_a_bad_crc(void)
{
    frame_decoder_t dec;
    frame_decoder_init(&dec);
    judge_t j = {{0}, 0, 0, 0};
    frame_t out;
    for (long i = 0; i < 4000000; i++) {
        uint8_t b = (rng() % 16 == 0) ? 0 : (uint8_t)rng();
        push_judged(&dec, &j, b, &out);
    }
    CHECK_EQ(j.bad_accepted, 0);
    /* Noise passes a 16-bit CRC about once per 65536 blocks: a handful, never a flood. */
    CHECK(j.accepted < 200);
}

/* Bit errors on the line that leave framing intact: CRC-16/CCITT catches every 1-3 bit error in a frame. */
static void frames_with_up_to_three_flipped_bits_are_never_accepted(void)
{
    frame_decoder_t dec;
    frame_decoder_init(&dec);
    frame_t out;
    long accepted = 0;
    long wrong = 0;
    for (int round = 0; round < 200000; round++) {
        frame_t f;
        random_frame(&f);
        uint8_t raw[FRAME_MAX_RAW];
        raw[0] = f.type;
        raw[1] = f.seq;
        memcpy(&raw[2], f.payload, f.len);
        size_t n = 2u + f.len;
        uint16_t crc = crc16(raw, n);
        raw[n++] = (uint8_t)(crc >> 8);
        raw[n++] = (uint8_t)crc;
        int flips = 1 + (int)(rng() % 3);
        for (int k = 0; k < flips; k++) {
            raw[rng() % n] ^= (uint8_t)(1u << (rng() % 8));
        }
        uint8_t wire[FRAME_MAX_WIRE];
        wire[0] = 0;
        size_t enc = cobs_encode(raw, n, wire + 1, sizeof wire - 2);
        wire[enc + 1] = 0;
        for (size_t i = 0; i < enc + 2; i++) {
            if (frame_decoder_push(&dec, wire[i], &out)) {
                accepted++;
                wrong += frames_equal(&out, &f) ? 0 : 1;
            }
        }
    }
    /* Flips may cancel out (same bit twice): only a frame identical to the original may pass. */
    CHECK_EQ(wrong, 0);
    CHECK(accepted < 2000);
}

/* Bit flips anywhere on the wire, COBS codes included: whatever the decoder accepts carries a valid CRC. */
static void wire_corruption_never_yields_a_frame_with_a_bad_crc(void)
{
    frame_decoder_t dec;
    frame_decoder_init(&dec);
    judge_t j = {{0}, 0, 0, 0};
    frame_t out;
    for (int round = 0; round < 200000; round++) {
        frame_t f;
        random_frame(&f);
        uint8_t wire[FRAME_MAX_WIRE];
        size_t n = frame_encode(&f, wire, sizeof wire);
        int flips = 1 + (int)(rng() % 3);
        for (int k = 0; k < flips; k++) {
            wire[1 + rng() % (n - 2)] ^= (uint8_t)(1u << (rng() % 8));
        }
        for (size_t i = 0; i < n; i++) {
            push_judged(&dec, &j, wire[i], &out);
        }
    }
    CHECK_EQ(j.bad_accepted, 0);
}

/* Every accepted frame's CRC, recomputed by the independent reference, matches the CRC that was on the wire. */
static void accepted_frames_carry_a_crc_the_reference_agrees_with(void)
{
    frame_decoder_t dec;
    frame_decoder_init(&dec);
    for (int round = 0; round < 20000; round++) {
        frame_t f;
        random_frame(&f);
        uint8_t wire[FRAME_MAX_WIRE];
        size_t n = frame_encode(&f, wire, sizeof wire);
        uint8_t raw[FRAME_MAX_RAW];
        size_t m = cobs_decode(wire + 1, n - 2, raw, sizeof raw);
        CHECK_EQ(m, f.len + 4u);
        uint16_t on_wire = (uint16_t)((raw[m - 2] << 8) | raw[m - 1]);
        CHECK_EQ(on_wire, reference_crc(raw, m - 2));
        frame_t out;
        int got = 0;
        for (size_t i = 0; i < n; i++) {
            got += frame_decoder_push(&dec, wire[i], &out) ? 1 : 0;
        }
        CHECK_EQ(got, 1);
    }
}

void frame_tests(void)
{
    RUN(round_trips_every_payload_length);
    RUN(refuses_payload_over_the_maximum);
    RUN(garbage_before_a_frame_is_dropped_and_counted);
    RUN(corrupted_frame_is_rejected_and_the_next_one_accepted);
    RUN(truncated_frame_is_rejected);
    RUN(oversized_block_is_dropped_without_overflow);
    RUN(random_noise_never_yields_a_frame_with_a_bad_crc);
    RUN(frames_with_up_to_three_flipped_bits_are_never_accepted);
    RUN(wire_corruption_never_yields_a_frame_with_a_bad_crc);
    RUN(accepted_frames_carry_a_crc_the_reference_agrees_with);
}
