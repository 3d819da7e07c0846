/* The phone-line state machine: ring detection and cadence, caller ID, hook, hook-flash, dialing, far-end disconnect. */
#ifndef WL_LINE_H
#define WL_LINE_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol.h"

/* Ring input must stay quiet this long before a burst counts as ended (bridges the 20-25 Hz ring cycles). */
#define RING_HOLD_MS 60u
/* Bursts shorter than this are spikes, longer than the max are a line fault, not a ring. */
#define RING_MIN_BURST_MS 150u
#define RING_MAX_BURST_MS 3000u
/* A burst starting within this gap belongs to the same ring (UK/Europe double ring: 0.4 on 0.2 off 0.4 on). */
#define RING_GROUP_GAP_MS 500u
/* No burst for this long ends ringing (US cadence is 2 s on 4 s off). */
#define RING_END_MS 8000u
/* After going off-hook or after a flash the loop settles before disconnect monitoring starts. */
#define OFF_HOOK_GUARD_MS 500u
#define LOOP_DROP_MS 300u
#define POLARITY_REVERSAL_MS 30u
/* Loop current absent this long (and no ringing) means nobody uses the line: bypass may be re-claimed. */
#define LINE_IDLE_MS 500u
#define DTMF_ON_MS 100u
#define DTMF_OFF_MS 100u

typedef struct {
    bool ring;         /* ring-detector opto output, sampled every tick */
    bool loop_current; /* loop-current sensor */
    bool polarity;     /* line polarity sensor */
} line_inputs_t;

typedef struct {
    char number[CALLER_ID_MAX_NUMBER + 1];
    char name[CALLER_ID_MAX_NAME + 1];
    char time[CALLER_ID_TIME_LEN + 1]; /* MMDDHHMM as delivered by the exchange */
} caller_id_t;

typedef enum { LINE_IDLE = 0, LINE_RINGING = 1, LINE_OFF_HOOK = 2 } line_state_t;

typedef struct {
    void *ctx;
    void (*emit)(void *ctx, uint8_t type, const uint8_t *payload, uint8_t len);
    void (*set_hook)(void *ctx, bool off_hook);
    void (*dtmf)(void *ctx, char digit); /* '\0' = tone off */
} line_io_t;

typedef struct {
    line_io_t io;
    line_state_t state;

    bool ring_seen;
    bool ring_active;
    uint32_t last_ring_high_ms;
    uint32_t burst_start_ms;
    bool group_open;
    uint8_t bursts_in_group;
    uint32_t last_burst_end_ms;
    uint8_t ring_count;

    caller_id_t caller_id;
    bool caller_id_pending;

    bool hook;
    uint32_t guard_until_ms;
    bool polarity_base_valid;
    bool polarity_base;
    bool loop_absent;
    uint32_t loop_absent_since_ms;
    bool reversed;
    uint32_t reversed_since_ms;
    bool disconnect_reported;
    bool loop_current;
    uint32_t last_loop_present_ms;

    bool flashing;
    uint16_t flash_ms;
    uint32_t flash_end_ms;

    bool dialing;
    char digits[DIAL_MAX_DIGITS];
    uint8_t digit_count;
    uint8_t digit_index;
    bool tone_on;
    uint32_t next_tone_ms;
} line_t;

void line_init(line_t *line, const line_io_t *io, uint32_t now_ms);
void line_tick(line_t *line, uint32_t now_ms, const line_inputs_t *in);

/* Caller ID decoded by the HAL (FSK after the first ring); reported after RING 1. */
void line_caller_id(line_t *line, const caller_id_t *cid);

/* Commands: each returns 0 on success or a NAK reason. */
uint8_t line_off_hook(line_t *line, uint32_t now_ms);
void line_on_hook(line_t *line);
uint8_t line_flash(line_t *line, uint32_t now_ms, uint16_t flash_ms);
uint8_t line_dial(line_t *line, uint32_t now_ms, const uint8_t *digits, uint8_t count);

/* Nobody is on the line and it is not ringing: the host may take the line back from bypass. */
bool line_is_idle(const line_t *line, uint32_t now_ms);
bool line_is_ringing(const line_t *line);

#endif
