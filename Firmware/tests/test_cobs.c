#include <string.h>

#include "../core/cobs.h"
#include "unit.h"

static int round_trips(const uint8_t *in, size_t len)
{
    uint8_t enc[COBS_MAX_ENCODED(600)];
    uint8_t dec[600];
    size_t n = cobs_encode(in, len, enc, sizeof enc);
    if (n == COBS_ERROR || n > COBS_MAX_ENCODED(len)) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (enc[i] == 0) {
            return 0;
        }
    }
    size_t m = cobs_decode(enc, n, dec, sizeof dec);
    return m == len && memcmp(in, dec, len) == 0;
}

static void encodes_known_vectors(void)
{
    const uint8_t in[] = {0x11, 0x22, 0x00, 0x33};
    const uint8_t want[] = {0x03, 0x11, 0x22, 0x02, 0x33};
    uint8_t out[8];
    CHECK_EQ(cobs_encode(in, sizeof in, out, sizeof out), sizeof want);
    CHECK(memcmp(out, want, sizeof want) == 0);
    const uint8_t zero[] = {0x00};
    const uint8_t want_zero[] = {0x01, 0x01};
    CHECK_EQ(cobs_encode(zero, 1, out, sizeof out), 2);
    CHECK(memcmp(out, want_zero, 2) == 0);
}

static void round_trips_edge_cases(void)
{
    uint8_t buf[600];
    memset(buf, 0, sizeof buf);
    CHECK(round_trips(buf, 0));
    CHECK(round_trips(buf, 1));
    CHECK(round_trips(buf, 600));
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t)(i % 255 + 1);
    }
    /* 254 and 255 non-zero bytes cross the 0xFF code boundary. */
    CHECK(round_trips(buf, 253));
    CHECK(round_trips(buf, 254));
    CHECK(round_trips(buf, 255));
    CHECK(round_trips(buf, 600));
    buf[254] = 0;
    CHECK(round_trips(buf, 300));
}

static void rejects_malformed_blocks(void)
{
    uint8_t out[16];
    const uint8_t code_past_end[] = {0x05, 0x11, 0x22};
    CHECK_EQ(cobs_decode(code_past_end, sizeof code_past_end, out, sizeof out), COBS_ERROR);
    const uint8_t embedded_zero[] = {0x03, 0x11, 0x00};
    CHECK_EQ(cobs_decode(embedded_zero, sizeof embedded_zero, out, sizeof out), COBS_ERROR);
    const uint8_t too_long[] = {0x05, 1, 2, 3, 4};
    CHECK_EQ(cobs_decode(too_long, sizeof too_long, out, 3), COBS_ERROR);
}

static void refuses_small_output_buffer(void)
{
    uint8_t in[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    uint8_t out[10];
    CHECK_EQ(cobs_encode(in, sizeof in, out, sizeof out), COBS_ERROR);
}

void cobs_tests(void)
{
    RUN(encodes_known_vectors);
    RUN(round_trips_edge_cases);
    RUN(rejects_malformed_blocks);
    RUN(refuses_small_output_buffer);
}
