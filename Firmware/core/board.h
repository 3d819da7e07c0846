/* The whole line-interface firmware behind one API: link protocol, line state machine and the fail-safe bypass. */
#ifndef WL_BOARD_H
#define WL_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "line.h"
#include "link.h"

/* What a port provides; the core never touches a register. */
typedef struct {
    void *ctx;
    void (*write)(void *ctx, const uint8_t *bytes, size_t len);
    void (*set_hook_relay)(void *ctx, bool off_hook);
    /* Energised = line to Warmline; de-energised (also with no power) = line straight to the human agent line. */
    void (*set_bypass_relay)(void *ctx, bool energised);
    void (*dtmf)(void *ctx, char digit);
} board_hal_t;

typedef struct {
    board_hal_t hal;
    frame_decoder_t decoder;
    link_t link;
    line_t line;
    uint8_t protocol_version;

    bool session;
    uint32_t hellos; /* HELLO commands received (the emulator logs each: who opened the port and said HELLO) */
    bool bypass;
    uint8_t bypass_reason;
    bool host_wants_bypass;
    bool heartbeat_seen;
    bool host_silent;
    uint32_t last_heartbeat_ms;
    uint32_t now_ms;
    uint32_t watchdog_ms; /* heartbeat silence that engages bypass: WATCHDOG_TIMEOUT_MS (only a host harness changes it) */
} board_t;

/* Boots the board: relays de-energised (bypass), no session, BOOT frame sent. */
void board_init(board_t *board, const board_hal_t *hal, uint32_t now_ms);

/* Feeds one byte received from the host. */
void board_rx_byte(board_t *board, uint8_t byte, uint32_t now_ms);

/* Advances time (the HAL millisecond tick) with the sampled line inputs. */
void board_tick(board_t *board, uint32_t now_ms, const line_inputs_t *in);

/* Caller ID decoded by the port. */
void board_caller_id(board_t *board, const caller_id_t *cid);

/* Call progress seen by the port (the emulator's network simulation). */
void board_call_progress(board_t *board, uint8_t kind);

/* STATUS flag bits (protocol.h STATUS_*). */
uint8_t board_status_flags(const board_t *board);

#endif
