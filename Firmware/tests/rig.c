#include "rig.h"

#include <string.h>

static void rig_write(void *ctx, const uint8_t *bytes, size_t len)
{
    rig_t *rig = ctx;
    frame_t f;
    for (size_t i = 0; i < len; i++) {
        if (!frame_decoder_push(&rig->decoder, bytes[i], &f)) {
            continue;
        }
        if (f.type == MSG_STATUS) {
            /* Heartbeat replies would flood the log: keep only the latest. */
            rig->last_status = f;
            rig->status_count++;
        } else if (rig->frame_count < RIG_MAX_FRAMES) {
            rig->frames[rig->frame_count++] = f;
        }
    }
}

static void rig_hook(void *ctx, bool off_hook)
{
    ((rig_t *)ctx)->hook_relay = off_hook;
}

static void rig_bypass(void *ctx, bool energised)
{
    ((rig_t *)ctx)->bypass_relay = energised;
}

static void rig_dtmf(void *ctx, char digit)
{
    rig_t *rig = ctx;
    if (digit != '\0' && rig->dtmf_count < (int)sizeof rig->dtmf - 1) {
        rig->dtmf[rig->dtmf_count++] = digit;
    }
}

void rig_init(rig_t *rig)
{
    memset(rig, 0, sizeof *rig);
    rig->now_ms = 1000;
    rig->host_seq = 0;
    /* Relays start energised so the test sees board_init drop them. */
    rig->bypass_relay = true;
    rig->hook_relay = true;
    frame_decoder_init(&rig->decoder);
    board_hal_t hal = {rig, rig_write, rig_hook, rig_bypass, rig_dtmf};
    board_init(&rig->board, &hal, rig->now_ms);
}

void rig_send(rig_t *rig, uint8_t type, uint8_t seq, const uint8_t *payload, uint8_t len)
{
    frame_t f;
    frame_make(&f, type, seq, payload, len);
    uint8_t wire[FRAME_MAX_WIRE];
    size_t n = frame_encode(&f, wire, sizeof wire);
    for (size_t i = 0; i < n; i++) {
        board_rx_byte(&rig->board, wire[i], rig->now_ms);
    }
}

uint8_t rig_command(rig_t *rig, uint8_t type, const uint8_t *payload, uint8_t len)
{
    rig->host_seq = (uint8_t)(rig->host_seq == 255 ? 1 : rig->host_seq + 1);
    rig_send(rig, type, rig->host_seq, payload, len);
    return rig->host_seq;
}

void rig_advance(rig_t *rig, uint32_t ms)
{
    for (uint32_t i = 0; i < ms; i++) {
        rig->now_ms++;
        if (rig->auto_heartbeat && rig->now_ms - rig->last_heartbeat_ms >= HEARTBEAT_PERIOD_MS) {
            rig->last_heartbeat_ms = rig->now_ms;
            rig_send(rig, MSG_HEARTBEAT, 0, NULL, 0);
        }
        int before = rig->frame_count;
        board_tick(&rig->board, rig->now_ms, &rig->in);
        if (rig->auto_ack) {
            for (int k = before; k < rig->frame_count; k++) {
                const frame_t *f = &rig->frames[k];
                if (f->type >= 0x80u && f->type < 0xA0u) {
                    rig_send(rig, MSG_ACK, f->seq, NULL, 0);
                }
            }
        }
    }
}

int rig_count(const rig_t *rig, uint8_t type)
{
    int n = 0;
    for (int i = 0; i < rig->frame_count; i++) {
        n += rig->frames[i].type == type ? 1 : 0;
    }
    return n;
}

const frame_t *rig_last(const rig_t *rig, uint8_t type)
{
    for (int i = rig->frame_count - 1; i >= 0; i--) {
        if (rig->frames[i].type == type) {
            return &rig->frames[i];
        }
    }
    return NULL;
}

const frame_t *rig_reply_to(const rig_t *rig, uint8_t seq)
{
    for (int i = rig->frame_count - 1; i >= 0; i--) {
        const frame_t *f = &rig->frames[i];
        if ((f->type == MSG_ACK || f->type == MSG_NAK) && f->seq == seq) {
            return f;
        }
    }
    return NULL;
}

void rig_clear(rig_t *rig)
{
    rig->frame_count = 0;
}

void rig_connect(rig_t *rig)
{
    uint8_t version = WL_PROTOCOL_VERSION;
    rig_command(rig, MSG_HELLO, &version, 1);
    rig->auto_ack = true;
    rig->auto_heartbeat = true;
    rig->last_heartbeat_ms = rig->now_ms;
    rig_advance(rig, LINE_IDLE_MS + 10);
}

void rig_ready(rig_t *rig)
{
    rig_init(rig);
    rig_connect(rig);
    rig_clear(rig);
}

void rig_in_call(rig_t *rig)
{
    rig_ready(rig);
    rig->in.loop_current = true;
    rig_command(rig, MSG_OFF_HOOK, NULL, 0);
    rig_advance(rig, OFF_HOOK_GUARD_MS + 500);
    rig_clear(rig);
}
