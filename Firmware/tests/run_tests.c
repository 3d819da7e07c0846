#include "unit.h"

int unit_passed;
int unit_failed;
int unit_current_failed;

int main(void)
{
    crc16_tests();
    cobs_tests();
    frame_tests();
    link_tests();
    line_tests();
    board_tests();
    printf("%d passed, %d failed\n", unit_passed, unit_failed);
    return unit_failed == 0 ? 0 : 1;
}
