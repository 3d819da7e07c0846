/* Test rig: the real core with a recording HAL and a host that speaks frames, driven by a simulated ms clock. */
#ifndef WL_RIG_H
#define WL_RIG_H

#include <stdbool.h>

#include "../core/board.h"
#include "../core/protocol.h"

#define RIG_MAX_FRAMES 256

typedef struct {
    board_t board;
    uint32_t now_ms;
    line_inputs_t in;
    bool hook_relay;
    bool bypass_relay;
    char dtmf[64];
    int dtmf_count;
    frame_decoder_t decoder;
    frame_t frames[RIG_MAX_FRAMES];
    int frame_count;
    frame_t last_status;
    int status_count;
    uint8_t host_seq;
    bool auto_ack;       /* ACK every board event as it arrives */
    bool auto_heartbeat; /* heartbeat every HEARTBEAT_PERIOD_MS */
    uint32_t last_heartbeat_ms;
} rig_t;

void rig_init(rig_t *rig);
void rig_advance(rig_t *rig, uint32_t ms);
void rig_send(rig_t *rig, uint8_t type, uint8_t seq, const uint8_t *payload, uint8_t len);
/* Sends a command with the next host sequence number and returns that number. */
uint8_t rig_command(rig_t *rig, uint8_t type, const uint8_t *payload, uint8_t len);
int rig_count(const rig_t *rig, uint8_t type);
const frame_t *rig_last(const rig_t *rig, uint8_t type);
const frame_t *rig_reply_to(const rig_t *rig, uint8_t seq);
void rig_clear(rig_t *rig);
/* HELLO, then heartbeats until the board has claimed the line. */
void rig_connect(rig_t *rig);
/* A fresh board with a host session, the line claimed and the frame log cleared. */
void rig_ready(rig_t *rig);
/* rig_ready, then a call in progress: OFF_HOOK with loop current, past the off-hook guard, log cleared. */
void rig_in_call(rig_t *rig);

#endif
