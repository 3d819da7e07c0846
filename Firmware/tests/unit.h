/* A tiny test runner: RUN(fn) runs one test; the runner's last line is "N passed, N failed". */
#ifndef WL_UNIT_H
#define WL_UNIT_H

#include <stdio.h>

extern int unit_passed;
extern int unit_failed;
extern int unit_current_failed;

#define CHECK(cond)                                                                                                 \
    do {                                                                                                            \
        if (!(cond)) {                                                                                              \
            printf("    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);                                     \
            unit_current_failed = 1;                                                                                \
        }                                                                                                           \
    } while (0)

#define CHECK_EQ(a, b)                                                                                              \
    do {                                                                                                            \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                                       \
        if (va_ != vb_) {                                                                                           \
            printf("    %s:%d: %s == %s failed (%lld != %lld)\n", __FILE__, __LINE__, #a, #b, va_, vb_);            \
            unit_current_failed = 1;                                                                                \
        }                                                                                                           \
    } while (0)

#define RUN(fn)                                                                                                     \
    do {                                                                                                            \
        unit_current_failed = 0;                                                                                    \
        fn();                                                                                                       \
        if (unit_current_failed) {                                                                                  \
            unit_failed++;                                                                                          \
            printf("FAIL %s\n", #fn);                                                                               \
        } else {                                                                                                    \
            unit_passed++;                                                                                          \
            printf("ok   %s\n", #fn);                                                                               \
        }                                                                                                           \
    } while (0)

void crc16_tests(void);
void cobs_tests(void);
void frame_tests(void);
void link_tests(void);
void line_tests(void);
void board_tests(void);

#endif
