#include "board.h"

#include <string.h>

#include "protocol.h"

static void send_frame(void *ctx, const frame_t *frame)
{
    board_t *board = ctx;
    uint8_t wire[FRAME_MAX_WIRE];
    size_t n = frame_encode(frame, wire, sizeof wire);
    if (n > 0) {
        board->hal.write(board->hal.ctx, wire, n);
    }
}

static void send_unreliable(board_t *board, uint8_t type, const uint8_t *payload, uint8_t len)
{
    frame_t f;
    frame_make(&f, type, 0, payload, len);
    send_frame(board, &f);
}

static void queue_event(board_t *board, uint8_t type, const uint8_t *payload, uint8_t len)
{
    /* Without a host session there is nobody to tell; the host reads the state from HELLO's reply. */
    if (board->session) {
        link_queue_event(&board->link, type, payload, len);
    }
}

static void line_emit(void *ctx, uint8_t type, const uint8_t *payload, uint8_t len)
{
    board_t *board = ctx;
    /* In bypass the human agent line has the call; ringing is not the host's business. */
    if (board->bypass && (type == EVT_RING || type == EVT_CALLER_ID || type == EVT_RING_END)) {
        return;
    }
    queue_event(board, type, payload, len);
}

static void line_set_hook(void *ctx, bool off_hook)
{
    board_t *board = ctx;
    board->hal.set_hook_relay(board->hal.ctx, off_hook);
}

static void line_dtmf(void *ctx, char digit)
{
    board_t *board = ctx;
    board->hal.dtmf(board->hal.ctx, digit);
}

uint8_t board_status_flags(const board_t *board)
{
    uint8_t flags = 0;
    if (board->bypass) {
        flags |= STATUS_BYPASS;
    }
    if (board->line.hook) {
        flags |= STATUS_OFF_HOOK;
    }
    if (line_is_ringing(&board->line)) {
        flags |= STATUS_RINGING;
    }
    if (board->session) {
        flags |= STATUS_SESSION;
    }
    if (board->line.loop_current) {
        flags |= STATUS_LOOP_CURRENT;
    }
    if (board->host_silent) {
        flags |= STATUS_HOST_SILENT;
    }
    return flags;
}

static uint8_t status_payload(const board_t *board, uint8_t *p)
{
    p[0] = board_status_flags(board);
    p[1] = (uint8_t)board->line.state;
    p[2] = board->line.ring_count;
    p[3] = board->bypass_reason;
    return 4;
}

static void engage_bypass(board_t *board, uint8_t reason)
{
    line_on_hook(&board->line);
    board->hal.set_bypass_relay(board->hal.ctx, false);
    board->bypass = true;
    board->bypass_reason = reason;
    uint8_t p[2] = {1, reason};
    queue_event(board, EVT_BYPASS, p, 2);
}

static void claim_line(board_t *board)
{
    board->hal.set_bypass_relay(board->hal.ctx, true);
    board->bypass = false;
    board->bypass_reason = BYPASS_REASON_CLAIMED;
    uint8_t p[2] = {0, BYPASS_REASON_CLAIMED};
    queue_event(board, EVT_BYPASS, p, 2);
}

void board_init(board_t *board, const board_hal_t *hal, uint32_t now_ms)
{
    memset(board, 0, sizeof *board);
    board->hal = *hal;
    board->now_ms = now_ms;
    board->protocol_version = WL_PROTOCOL_VERSION;
    board->watchdog_ms = WATCHDOG_TIMEOUT_MS;
    frame_decoder_init(&board->decoder);
    link_init(&board->link, send_frame, board);
    line_io_t io = {board, line_emit, line_set_hook, line_dtmf};
    /* Fail-safe first: the relay is de-energised before anything else runs. */
    board->hal.set_bypass_relay(board->hal.ctx, false);
    board->bypass = true;
    board->bypass_reason = BYPASS_REASON_RESET;
    line_init(&board->line, &io, now_ms);
    uint8_t boot[5] = {board->protocol_version, WL_FW_VERSION_MAJOR, WL_FW_VERSION_MINOR, WL_FW_VERSION_PATCH,
                       BYPASS_REASON_RESET};
    send_unreliable(board, MSG_BOOT, boot, 5);
}

static void note_heartbeat(board_t *board, uint32_t now_ms)
{
    if (board->host_silent) {
        uint32_t silence_ms = now_ms - board->last_heartbeat_ms;
        uint8_t p[4] = {(uint8_t)(silence_ms >> 24), (uint8_t)(silence_ms >> 16), (uint8_t)(silence_ms >> 8),
                        (uint8_t)silence_ms};
        board->host_silent = false;
        queue_event(board, EVT_HOST_RETURNED, p, 4);
    }
    board->heartbeat_seen = true;
    board->last_heartbeat_ms = now_ms;
}

static void reply(board_t *board, const frame_t *cmd, uint8_t type, const uint8_t *payload, uint8_t len)
{
    link_remember_command(&board->link, cmd->seq, cmd->type, type, payload, len);
    link_send_reply(&board->link, type, cmd->seq, payload, len);
}

static void nak(board_t *board, const frame_t *cmd, uint8_t reason)
{
    reply(board, cmd, MSG_NAK, &reason, 1);
}

static void handle_hello(board_t *board, const frame_t *cmd, uint32_t now_ms)
{
    uint8_t p[LINK_REPLY_MAX];
    board->hellos++;
    p[0] = board->protocol_version;
    p[1] = WL_FW_VERSION_MAJOR;
    p[2] = WL_FW_VERSION_MINOR;
    p[3] = WL_FW_VERSION_PATCH;
    if (cmd->len < 1 || cmd->payload[0] != board->protocol_version) {
        /* The refusal carries our versions so the host can say which side to upgrade. */
        uint8_t n[5] = {NAK_VERSION, p[0], p[1], p[2], p[3]};
        link_send_reply(&board->link, MSG_NAK, cmd->seq, n, 5);
        return;
    }
    board->session = true;
    board->host_wants_bypass = false;
    link_reset_session(&board->link);
    note_heartbeat(board, now_ms);
    p[4] = board_status_flags(board);
    p[5] = board->bypass_reason;
    reply(board, cmd, MSG_ACK, p, 6);
}

static void execute(board_t *board, const frame_t *cmd, uint32_t now_ms)
{
    uint8_t p[LINK_REPLY_MAX];
    uint8_t reason = 0;
    switch (cmd->type) {
    case MSG_OFF_HOOK:
        if (cmd->len != 0) {
            reason = NAK_BAD_LENGTH;
        } else if (board->bypass) {
            reason = NAK_BYPASS;
        } else {
            reason = line_off_hook(&board->line, now_ms);
        }
        break;
    case MSG_ON_HOOK:
        if (cmd->len != 0) {
            reason = NAK_BAD_LENGTH;
        } else {
            line_on_hook(&board->line);
        }
        break;
    case MSG_FLASH: {
        uint16_t flash_ms = FLASH_DEFAULT_MS;
        if (cmd->len != 0 && cmd->len != 2) {
            reason = NAK_BAD_LENGTH;
            break;
        }
        if (cmd->len == 2) {
            uint16_t asked = (uint16_t)(((uint16_t)cmd->payload[0] << 8) | cmd->payload[1]);
            if (asked != 0) {
                flash_ms = asked;
            }
        }
        if (flash_ms < FLASH_MIN_MS || flash_ms > FLASH_MAX_MS) {
            reason = NAK_BAD_VALUE;
        } else if (board->bypass) {
            reason = NAK_BYPASS;
        } else {
            reason = line_flash(&board->line, now_ms, flash_ms);
        }
        if (reason == 0) {
            p[0] = (uint8_t)(flash_ms >> 8);
            p[1] = (uint8_t)(flash_ms & 0xFFu);
            reply(board, cmd, MSG_ACK, p, 2);
            return;
        }
        break;
    }
    case MSG_DIAL:
        if (cmd->len < 1 || cmd->len > DIAL_MAX_DIGITS) {
            reason = NAK_BAD_LENGTH;
            break;
        }
        for (uint8_t i = 0; i < cmd->len; i++) {
            uint8_t c = cmd->payload[i];
            if (!((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D'))) {
                reason = NAK_BAD_VALUE;
            }
        }
        if (reason == 0) {
            reason = board->bypass ? NAK_BYPASS : line_dial(&board->line, now_ms, cmd->payload, cmd->len);
        }
        break;
    case MSG_SET_BYPASS:
        if (cmd->len != 1 || cmd->payload[0] > 1) {
            reason = cmd->len != 1 ? NAK_BAD_LENGTH : NAK_BAD_VALUE;
        } else if (cmd->payload[0] == 1) {
            board->host_wants_bypass = true;
            if (!board->bypass) {
                engage_bypass(board, BYPASS_REASON_HOST);
            }
        } else {
            /* Taking the line back waits for the line to be idle (board_tick). */
            board->host_wants_bypass = false;
        }
        break;
    case MSG_GET_STATUS:
        if (cmd->len != 0) {
            reason = NAK_BAD_LENGTH;
            break;
        }
        reply(board, cmd, MSG_ACK, p, status_payload(board, p));
        return;
    default:
        reason = NAK_UNKNOWN_TYPE;
        break;
    }
    if (reason != 0) {
        nak(board, cmd, reason);
    } else {
        reply(board, cmd, MSG_ACK, NULL, 0);
    }
}

static void handle_frame(board_t *board, const frame_t *f, uint32_t now_ms)
{
    switch (f->type) {
    case MSG_ACK:
    case MSG_NAK:
        /* A NAK of an event means the host cannot use it: retrying would not help. */
        link_on_ack(&board->link, f->seq);
        return;
    case MSG_HEARTBEAT: {
        note_heartbeat(board, now_ms);
        uint8_t p[4];
        send_unreliable(board, MSG_STATUS, p, status_payload(board, p));
        return;
    }
    case MSG_HELLO:
        handle_hello(board, f, now_ms);
        return;
    default:
        break;
    }
    if (!board->session) {
        uint8_t reason = NAK_NO_SESSION;
        link_send_reply(&board->link, MSG_NAK, f->seq, &reason, 1);
        return;
    }
    const link_seen_t *seen = link_find_command(&board->link, f->seq, f->type);
    if (seen != NULL) {
        /* A retransmission: the first reply was lost, the command already ran. */
        link_send_reply(&board->link, seen->reply_type, f->seq, seen->reply, seen->reply_len);
        return;
    }
    execute(board, f, now_ms);
}

void board_rx_byte(board_t *board, uint8_t byte, uint32_t now_ms)
{
    frame_t f;
    if (frame_decoder_push(&board->decoder, byte, &f)) {
        handle_frame(board, &f, now_ms);
    }
}

void board_tick(board_t *board, uint32_t now_ms, const line_inputs_t *in)
{
    board->now_ms = now_ms;
    line_tick(&board->line, now_ms, in);
    if (board->heartbeat_seen && !board->host_silent &&
        (uint32_t)(now_ms - board->last_heartbeat_ms) >= board->watchdog_ms) {
        board->host_silent = true;
        if (!board->bypass) {
            engage_bypass(board, BYPASS_REASON_WATCHDOG);
        }
    }
    if (board->bypass && !board->host_wants_bypass && board->session && !board->host_silent &&
        line_is_idle(&board->line, now_ms)) {
        claim_line(board);
    }
    link_poll(&board->link, now_ms);
}

void board_caller_id(board_t *board, const caller_id_t *cid)
{
    line_caller_id(&board->line, cid);
}

void board_call_progress(board_t *board, uint8_t kind)
{
    queue_event(board, EVT_CALL_PROGRESS, &kind, 1);
}
