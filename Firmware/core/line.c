#include "line.h"

#include <string.h>

void line_init(line_t *line, const line_io_t *io, uint32_t now_ms)
{
    memset(line, 0, sizeof *line);
    line->io = *io;
    line->state = LINE_IDLE;
    line->last_loop_present_ms = now_ms;
    line->io.set_hook(line->io.ctx, false);
    line->io.dtmf(line->io.ctx, '\0');
}

static void emit(line_t *line, uint8_t type, const uint8_t *payload, uint8_t len)
{
    line->io.emit(line->io.ctx, type, payload, len);
}

static void reset_ringing(line_t *line)
{
    line->group_open = false;
    line->bursts_in_group = 0;
    line->ring_count = 0;
    line->caller_id_pending = false;
}

static void emit_caller_id(line_t *line)
{
    uint8_t p[3 + CALLER_ID_MAX_NUMBER + CALLER_ID_MAX_NAME + CALLER_ID_TIME_LEN];
    uint8_t n = 0;
    uint8_t len = (uint8_t)strlen(line->caller_id.number);
    p[n++] = len;
    memcpy(&p[n], line->caller_id.number, len);
    n = (uint8_t)(n + len);
    len = (uint8_t)strlen(line->caller_id.name);
    p[n++] = len;
    memcpy(&p[n], line->caller_id.name, len);
    n = (uint8_t)(n + len);
    len = (uint8_t)strlen(line->caller_id.time);
    p[n++] = len;
    memcpy(&p[n], line->caller_id.time, len);
    n = (uint8_t)(n + len);
    emit(line, EVT_CALLER_ID, p, n);
    line->caller_id_pending = false;
}

static void tick_ring(line_t *line, uint32_t now_ms, const line_inputs_t *in)
{
    if (in->ring) {
        if (!line->ring_seen || (uint32_t)(now_ms - line->last_ring_high_ms) >= RING_HOLD_MS) {
            line->burst_start_ms = now_ms;
        }
        line->ring_seen = true;
        line->last_ring_high_ms = now_ms;
        line->ring_active = true;
    }
    if (line->ring_active && (uint32_t)(now_ms - line->last_ring_high_ms) >= RING_HOLD_MS) {
        line->ring_active = false;
        uint32_t burst_ms = line->last_ring_high_ms - line->burst_start_ms;
        if (burst_ms >= RING_MIN_BURST_MS && burst_ms <= RING_MAX_BURST_MS && line->state != LINE_OFF_HOOK) {
            if (!line->group_open) {
                line->group_open = true;
                line->bursts_in_group = 0;
            }
            line->bursts_in_group++;
            line->last_burst_end_ms = line->last_ring_high_ms;
            line->state = LINE_RINGING;
        }
    }
    if (line->group_open && !line->ring_active &&
        (uint32_t)(now_ms - line->last_burst_end_ms) >= RING_GROUP_GAP_MS) {
        line->group_open = false;
        if (line->ring_count < 255u) {
            line->ring_count++;
        }
        uint8_t p[2] = {line->ring_count, line->bursts_in_group};
        emit(line, EVT_RING, p, 2);
    }
    if (line->caller_id_pending && line->ring_count >= 1 && line->state == LINE_RINGING) {
        emit_caller_id(line);
    }
    if (line->state == LINE_RINGING && !line->ring_active && !line->group_open &&
        (uint32_t)(now_ms - line->last_burst_end_ms) >= RING_END_MS) {
        uint8_t p[1] = {line->ring_count};
        emit(line, EVT_RING_END, p, 1);
        line->state = LINE_IDLE;
        reset_ringing(line);
    }
}

static void tick_disconnect(line_t *line, uint32_t now_ms, const line_inputs_t *in)
{
    if (line->state != LINE_OFF_HOOK || line->flashing || line->disconnect_reported ||
        (int32_t)(now_ms - line->guard_until_ms) < 0) {
        line->loop_absent = false;
        line->reversed = false;
        return;
    }
    if (!line->polarity_base_valid) {
        line->polarity_base_valid = true;
        line->polarity_base = in->polarity;
    }
    if (!in->loop_current) {
        if (!line->loop_absent) {
            line->loop_absent = true;
            line->loop_absent_since_ms = now_ms;
        } else if ((uint32_t)(now_ms - line->loop_absent_since_ms) >= LOOP_DROP_MS) {
            uint8_t p[1] = {DISCONNECT_LOOP_DROP};
            emit(line, EVT_FAR_END_DISCONNECT, p, 1);
            line->disconnect_reported = true;
            return;
        }
    } else {
        line->loop_absent = false;
    }
    if (in->polarity != line->polarity_base) {
        if (!line->reversed) {
            line->reversed = true;
            line->reversed_since_ms = now_ms;
        } else if ((uint32_t)(now_ms - line->reversed_since_ms) >= POLARITY_REVERSAL_MS) {
            uint8_t p[1] = {DISCONNECT_POLARITY_REVERSAL};
            emit(line, EVT_FAR_END_DISCONNECT, p, 1);
            line->disconnect_reported = true;
        }
    } else {
        line->reversed = false;
    }
}

static void tick_flash(line_t *line, uint32_t now_ms)
{
    if (!line->flashing || (int32_t)(now_ms - line->flash_end_ms) < 0) {
        return;
    }
    line->flashing = false;
    line->hook = true;
    line->io.set_hook(line->io.ctx, true);
    line->guard_until_ms = now_ms + OFF_HOOK_GUARD_MS;
    uint8_t p[2] = {(uint8_t)(line->flash_ms >> 8), (uint8_t)(line->flash_ms & 0xFFu)};
    emit(line, EVT_FLASH_DONE, p, 2);
}

static void tick_dial(line_t *line, uint32_t now_ms)
{
    if (!line->dialing || (int32_t)(now_ms - line->next_tone_ms) < 0) {
        return;
    }
    if (line->tone_on) {
        line->tone_on = false;
        line->io.dtmf(line->io.ctx, '\0');
        line->next_tone_ms = now_ms + DTMF_OFF_MS;
        line->digit_index++;
        return;
    }
    if (line->digit_index >= line->digit_count) {
        line->dialing = false;
        uint8_t p[1] = {line->digit_count};
        emit(line, EVT_DIAL_DONE, p, 1);
        return;
    }
    line->tone_on = true;
    line->io.dtmf(line->io.ctx, line->digits[line->digit_index]);
    line->next_tone_ms = now_ms + DTMF_ON_MS;
}

void line_tick(line_t *line, uint32_t now_ms, const line_inputs_t *in)
{
    line->loop_current = in->loop_current;
    if (in->loop_current) {
        line->last_loop_present_ms = now_ms;
    }
    tick_ring(line, now_ms, in);
    tick_flash(line, now_ms);
    tick_dial(line, now_ms);
    tick_disconnect(line, now_ms, in);
}

void line_caller_id(line_t *line, const caller_id_t *cid)
{
    /* Only during ringing: a stray decode on an idle line must not label the next caller. */
    if (line->state == LINE_OFF_HOOK || !line_is_ringing(line)) {
        return;
    }
    line->caller_id = *cid;
    line->caller_id.number[CALLER_ID_MAX_NUMBER] = '\0';
    line->caller_id.name[CALLER_ID_MAX_NAME] = '\0';
    line->caller_id.time[CALLER_ID_TIME_LEN] = '\0';
    line->caller_id_pending = true;
}

uint8_t line_off_hook(line_t *line, uint32_t now_ms)
{
    if (line->state == LINE_OFF_HOOK) {
        return 0;
    }
    line->state = LINE_OFF_HOOK;
    reset_ringing(line);
    line->hook = true;
    line->io.set_hook(line->io.ctx, true);
    line->guard_until_ms = now_ms + OFF_HOOK_GUARD_MS;
    line->polarity_base_valid = false;
    line->disconnect_reported = false;
    line->loop_absent = false;
    line->reversed = false;
    return 0;
}

void line_on_hook(line_t *line)
{
    if (line->dialing && line->tone_on) {
        line->io.dtmf(line->io.ctx, '\0');
    }
    line->dialing = false;
    line->tone_on = false;
    line->flashing = false;
    line->hook = false;
    line->io.set_hook(line->io.ctx, false);
    if (line->state == LINE_OFF_HOOK) {
        line->state = LINE_IDLE;
    }
}

uint8_t line_flash(line_t *line, uint32_t now_ms, uint16_t flash_ms)
{
    if (line->state != LINE_OFF_HOOK || line->flashing || line->dialing) {
        return NAK_INVALID_STATE;
    }
    line->flashing = true;
    line->flash_ms = flash_ms;
    line->flash_end_ms = now_ms + flash_ms;
    line->hook = false;
    line->io.set_hook(line->io.ctx, false);
    return 0;
}

uint8_t line_dial(line_t *line, uint32_t now_ms, const uint8_t *digits, uint8_t count)
{
    if (line->state != LINE_OFF_HOOK || line->flashing || line->dialing) {
        return NAK_INVALID_STATE;
    }
    memcpy(line->digits, digits, count);
    line->digit_count = count;
    line->digit_index = 0;
    line->tone_on = false;
    line->dialing = true;
    line->next_tone_ms = now_ms;
    return 0;
}

bool line_is_ringing(const line_t *line)
{
    return line->state == LINE_RINGING || line->ring_active || line->group_open;
}

bool line_is_idle(const line_t *line, uint32_t now_ms)
{
    return line->state == LINE_IDLE && !line_is_ringing(line) && !line->loop_current &&
           (uint32_t)(now_ms - line->last_loop_present_ms) >= LINE_IDLE_MS;
}
