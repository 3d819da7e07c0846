/* The real firmware core and the emulator's phone network in-process, on a clock the test advances one ms at a time
 * (the Swift board tests' counterpart of Firmware/hal/host/emulator.c, without a pty or a wall clock). */
#ifndef WL_FIRMWARE_SIM_H
#define WL_FIRMWARE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fw_sim fw_sim_t;

/* A board fresh from reset at `now_ms` (it sends BOOT). */
fw_sim_t *fw_sim_new(uint32_t now_ms);
void fw_sim_free(fw_sim_t *sim);

/* Bytes from the host, as the board's UART receives them. */
void fw_sim_receive(fw_sim_t *sim, const uint8_t *bytes, size_t len);
/* Bytes the board wrote since the last call (up to `cap`); returns how many. */
size_t fw_sim_take_output(fw_sim_t *sim, uint8_t *out, size_t cap);
/* Advances one millisecond: the network, then the board. */
void fw_sim_tick(fw_sim_t *sim);
uint32_t fw_sim_now(const fw_sim_t *sim);

/* The emulator's control commands. */
void fw_sim_ring(fw_sim_t *sim, const char *number, const char *name, const char *time, bool uk);
void fw_sim_hangup(fw_sim_t *sim, bool reversal);
/* 0 answer, 1 busy, 2 no answer. */
void fw_sim_agent(fw_sim_t *sim, int mode);
/* Resets the MCU (board_init: bypass, no session, BOOT). */
void fw_sim_reset(fw_sim_t *sim);
/* Makes the board speak another protocol version (as `--protocol N`). */
void fw_sim_set_protocol(fw_sim_t *sim, uint8_t version);

/* True while the bypass relay is energised (the line is the host's). */
bool fw_sim_line_is_hosts(const fw_sim_t *sim);
/* Events the board gave up on and event retransmits (link.c counters). */
uint32_t fw_sim_events_dropped(const fw_sim_t *sim);
uint32_t fw_sim_event_retransmits(const fw_sim_t *sim);
/* Frames the board's decoder accepted. */
uint32_t fw_sim_frames_received(const fw_sim_t *sim);

#endif
