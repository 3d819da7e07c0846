/* The phone network the emulator's line is plugged into: a caller, the exchange, and the agent at the far end. */
#ifndef WL_NETWORK_SIM_H
#define WL_NETWORK_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "../../core/board.h"

typedef enum { AGENT_ANSWER, AGENT_BUSY, AGENT_NO_ANSWER } agent_mode_t;

typedef enum {
    NET_IDLE,
    NET_RINGING,       /* caller rings the unit */
    NET_CONNECTED,     /* caller talks to the unit */
    NET_CALLER_GONE,   /* caller hung up, the unit is still off-hook */
    NET_HELD,          /* after a flash: caller on hold, dial tone */
    NET_AGENT_RINGING, /* dialled the agent: ringback */
    NET_AGENT_BUSY,
    NET_AGENT_TALKING,
    NET_BYPASS_CALL /* bypass relay released: the human agent line has the caller */
} net_state_t;

#define SIM_RING_TIMEOUT_MS 30000u
#define SIM_FLASH_MIN_MS 80u
#define SIM_FLASH_MAX_MS 1500u
#define SIM_DIAL_COMPLETE_MS 400u
#define SIM_AGENT_ANSWER_MS 2000u
#define SIM_CID_AFTER_FIRST_RING_MS 500u
/* Off-hook on a line idle this long after a ring is a seizure (dial tone), not a late answer to a caller who gave up. */
#define SIM_SEIZE_IDLE_MS 10000u

typedef struct {
    net_state_t state;
    agent_mode_t agent;
    uint32_t since_ms;
    bool double_ring;
    bool rang; /* a caller has rung since start: an off-hook soon after is a late answer, not a seizure */
    caller_id_t cid;
    bool cid_sent;
    bool reversal;
    bool hook;
    bool bypass_energised;
    uint32_t on_hook_since_ms;
    char digits[DIAL_MAX_DIGITS + 1];
    int digit_count;
    uint32_t last_digit_ms;
    uint8_t progress[8];
    int progress_count;
} network_sim_t;

void sim_init(network_sim_t *sim);
void sim_ring(network_sim_t *sim, uint32_t now_ms, const char *number, const char *name, const char *time,
              bool double_ring);
void sim_caller_hangup(network_sim_t *sim, uint32_t now_ms, bool reversal);
void sim_hook(network_sim_t *sim, uint32_t now_ms, bool off_hook);
void sim_bypass(network_sim_t *sim, uint32_t now_ms, bool energised);
void sim_dtmf(network_sim_t *sim, uint32_t now_ms, char digit);

/* Advances one millisecond: fills the line inputs and hands caller ID / call progress to the board. */
void sim_tick(network_sim_t *sim, uint32_t now_ms, line_inputs_t *in, board_t *board);

const char *sim_state_name(net_state_t state);

#endif
