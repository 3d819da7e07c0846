/* A minimal host side of the link in C, built from the same frame code as the firmware.
 *   link-client DEVICE smoke        HELLO, heartbeats, claim, OFF_HOOK, FLASH (+ a duplicate), watchdog timing
 *   link-client DEVICE bench N      N GET_STATUS round trips; prints p50/p99 (the C peer for warmline-bench board) */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/frame.h"
#include "../core/protocol.h"
#include "../hal/host/pty.h"

static int fd;
static frame_decoder_t decoder;
/* Bytes read but not yet decoded: one read may hold several frames. */
static uint8_t pending[512];
static ssize_t pending_len;
static ssize_t pending_at;
static uint8_t next_seq;
static uint32_t last_heartbeat_ms;
static int heartbeats_on = 1;
static int failures;

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void send_frame(uint8_t type, uint8_t seq, const uint8_t *payload, uint8_t len)
{
    frame_t f;
    frame_make(&f, type, seq, payload, len);
    uint8_t wire[FRAME_MAX_WIRE];
    size_t n = frame_encode(&f, wire, sizeof wire);
    if (write(fd, wire, n) != (ssize_t)n) {
        perror("link-client: write");
        exit(1);
    }
}

static void heartbeat_if_due(void)
{
    uint32_t now = monotonic_ms();
    if (heartbeats_on && now - last_heartbeat_ms >= HEARTBEAT_PERIOD_MS) {
        last_heartbeat_ms = now;
        send_frame(MSG_HEARTBEAT, 0, NULL, 0);
    }
}

/* The last bypass event read while waiting for something else (a command's ACK can follow it). */
static frame_t early_bypass;
static int early_bypass_seen;

/* Reads frames for up to timeout_ms; ACKs events; returns 1 when a frame matching (type, seq or -1) arrives. */
static int wait_frame(uint8_t type, int seq, uint32_t timeout_ms, frame_t *out)
{
    uint32_t start = monotonic_ms();
    while (monotonic_ms() - start < timeout_ms) {
        heartbeat_if_due();
        if (pending_at >= pending_len) {
            struct pollfd p = {fd, POLLIN, 0};
            if (poll(&p, 1, 5) <= 0) {
                continue;
            }
            pending_len = read(fd, pending, sizeof pending);
            pending_at = 0;
        }
        while (pending_at < pending_len) {
            frame_t f;
            if (!frame_decoder_push(&decoder, pending[pending_at++], &f)) {
                continue;
            }
            if (f.type >= 0x80u && f.type < 0xA0u) {
                send_frame(MSG_ACK, f.seq, NULL, 0);
            }
            if (f.type == type && (seq < 0 || f.seq == seq)) {
                *out = f;
                return 1;
            }
            if (f.type == EVT_BYPASS) {
                early_bypass = f;
                early_bypass_seen = 1;
            }
        }
    }
    return 0;
}

static uint8_t command(uint8_t type, const uint8_t *payload, uint8_t len, frame_t *reply)
{
    next_seq = (uint8_t)(next_seq == 255 ? 1 : next_seq + 1);
    for (int attempt = 0; attempt < 5; attempt++) {
        send_frame(type, next_seq, payload, len);
        if (wait_frame(MSG_ACK, next_seq, 100, reply)) {
            return next_seq;
        }
    }
    return 0;
}

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "PASS" : "FAIL", what);
    fflush(stdout);
    failures += ok ? 0 : 1;
}

static int hello(uint32_t boot_wait_ms)
{
    uint8_t version = WL_PROTOCOL_VERSION;
    frame_t reply;
    uint32_t start = monotonic_ms();
    while (monotonic_ms() - start < boot_wait_ms) {
        if (command(MSG_HELLO, &version, 1, &reply) != 0) {
            printf("board: protocol %u firmware %u.%u.%u flags 0x%02x\n", reply.payload[0], reply.payload[1],
                   reply.payload[2], reply.payload[3], reply.payload[4]);
            return 1;
        }
    }
    return 0;
}

static int smoke(void)
{
    frame_t f;
    early_bypass_seen = 0;
    check(hello(10000), "HELLO acknowledged with protocol and firmware version");
    /* the board claims the line once it hears the host: that event may come before the HELLO's ACK */
    if (early_bypass_seen) {
        f = early_bypass;
    }
    check((early_bypass_seen || wait_frame(EVT_BYPASS, -1, 3000, &f)) && f.payload[0] == 0 && f.payload[1] == BYPASS_REASON_CLAIMED,
          "line claimed from reset bypass while idle");
    check(wait_frame(MSG_STATUS, -1, 1000, &f), "heartbeat answered with STATUS");
    check(command(MSG_OFF_HOOK, NULL, 0, &f) != 0, "OFF_HOOK acknowledged");
    uint8_t ms[2] = {0x01, 0x2C};
    uint8_t seq = command(MSG_FLASH, ms, 2, &f);
    check(seq != 0 && f.len == 2 && ((f.payload[0] << 8) | f.payload[1]) == 300, "FLASH 300 ms acknowledged");
    check(wait_frame(EVT_FLASH_DONE, -1, 1000, &f), "FLASH_DONE reported");
    send_frame(MSG_FLASH, seq, ms, 2);
    check(wait_frame(MSG_ACK, seq, 200, &f), "repeated FLASH (same command id) acknowledged again");
    check(!wait_frame(EVT_FLASH_DONE, -1, 800, &f), "repeated FLASH not executed twice");
    command(MSG_ON_HOOK, NULL, 0, &f);
    /* Watchdog: stop heartbeats and time the bypass event from the last heartbeat. */
    wait_frame(0xFF, -1, 300, &f);
    heartbeats_on = 0;
    send_frame(MSG_HEARTBEAT, 0, NULL, 0);
    uint64_t last_us = now_us();
    int got = wait_frame(EVT_BYPASS, -1, 3000, &f);
    double reaction_ms = (double)(now_us() - last_us) / 1000.0;
    printf("bypass reaction after last heartbeat: %.1f ms\n", reaction_ms);
    check(got && f.payload[0] == 1 && f.payload[1] == BYPASS_REASON_WATCHDOG, "watchdog released the line to bypass");
    check(reaction_ms >= 1450.0 && reaction_ms <= 1550.0, "bypass within 1.5 s +- 50 ms");
    heartbeats_on = 1;
    check(wait_frame(EVT_HOST_RETURNED, -1, 1000, &f), "host return reported");
    check(wait_frame(EVT_BYPASS, -1, 2000, &f) && f.payload[0] == 0, "idle line re-claimed");
    printf("%d failed\n", failures);
    return failures == 0 ? 0 : 1;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int bench(int count)
{
    if (!hello(5000)) {
        fprintf(stderr, "link-client: no HELLO reply\n");
        return 1;
    }
    uint64_t *rtt = calloc((size_t)count, sizeof *rtt);
    if (rtt == NULL) {
        return 1;
    }
    frame_t f;
    for (int i = 0; i < count; i++) {
        uint64_t t0 = now_us();
        if (command(MSG_GET_STATUS, NULL, 0, &f) == 0) {
            fprintf(stderr, "link-client: GET_STATUS %d not acknowledged\n", i);
            return 1;
        }
        rtt[i] = now_us() - t0;
    }
    qsort(rtt, (size_t)count, sizeof *rtt, compare_u64);
    printf("c-client round trip over %d commands: p50 %.1f us, p99 %.1f us, max %.1f us\n", count,
           (double)rtt[count / 2], (double)rtt[(count * 99) / 100], (double)rtt[count - 1]);
    free(rtt);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: link-client DEVICE smoke | link-client DEVICE bench N\n");
        return 2;
    }
    fd = serial_open_raw(argv[1]);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    frame_decoder_init(&decoder);
    last_heartbeat_ms = monotonic_ms();
    if (strcmp(argv[2], "smoke") == 0) {
        return smoke();
    }
    if (strcmp(argv[2], "bench") == 0 && argc >= 4) {
        return bench(atoi(argv[3]));
    }
    fprintf(stderr, "link-client: unknown mode '%s'\n", argv[2]);
    return 2;
}
