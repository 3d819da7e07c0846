#include <string.h>

#include "../core/crc16.h"
#include "unit.h"

static void check_value_is_29b1_for_123456789(void)
{
    const char *s = "123456789";
    CHECK_EQ(crc16((const uint8_t *)s, strlen(s)), 0x29B1);
}

static void empty_input_gives_init_value(void)
{
    CHECK_EQ(crc16(NULL, 0), 0xFFFF);
}

static void incremental_update_matches_one_shot(void)
{
    const uint8_t data[] = {0x10, 0x01, 0x00, 0xFF, 0x7E, 0x00, 0x42};
    uint16_t crc = crc16_update(CRC16_INIT, data, 3);
    crc = crc16_update(crc, data + 3, sizeof data - 3);
    CHECK_EQ(crc, crc16(data, sizeof data));
}

static void known_vectors_match_reference(void)
{
    /* Reference values from Python binascii.crc_hqx(data, 0xFFFF), an independent implementation. */
    const uint8_t a = 'A';
    CHECK_EQ(crc16(&a, 1), 0xB915);
    uint8_t many[256];
    memset(many, 'A', sizeof many);
    CHECK_EQ(crc16(many, sizeof many), 0xEA0B);
}

void crc16_tests(void)
{
    RUN(check_value_is_29b1_for_123456789);
    RUN(empty_input_gives_init_value);
    RUN(incremental_update_matches_one_shot);
    RUN(known_vectors_match_reference);
}
