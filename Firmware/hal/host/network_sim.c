#include "network_sim.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {"idle",          "ringing",     "connected",     "caller-gone", "held",
                                          "agent-ringing", "agent-busy", "agent-talking", "bypass-call"};

const char *sim_state_name(net_state_t state)
{
    return state_names[state];
}

static void enter(network_sim_t *sim, net_state_t state, uint32_t now_ms)
{
    if (sim->state != state) {
        fprintf(stderr, "net: %s -> %s\n", state_names[sim->state], state_names[state]);
    }
    sim->state = state;
    sim->since_ms = now_ms;
}

static void progress(network_sim_t *sim, uint8_t kind)
{
    if (sim->progress_count < (int)sizeof sim->progress) {
        sim->progress[sim->progress_count++] = kind;
    }
}

void sim_init(network_sim_t *sim)
{
    memset(sim, 0, sizeof *sim);
    sim->state = NET_IDLE;
    sim->agent = AGENT_ANSWER;
}

void sim_ring(network_sim_t *sim, uint32_t now_ms, const char *number, const char *name, const char *time,
              bool double_ring)
{
    memset(&sim->cid, 0, sizeof sim->cid);
    strncpy(sim->cid.number, number, CALLER_ID_MAX_NUMBER);
    strncpy(sim->cid.name, name, CALLER_ID_MAX_NAME);
    strncpy(sim->cid.time, time, CALLER_ID_TIME_LEN);
    sim->cid_sent = false;
    sim->double_ring = double_ring;
    sim->rang = true;
    sim->reversal = false;
    enter(sim, NET_RINGING, now_ms);
}

void sim_caller_hangup(network_sim_t *sim, uint32_t now_ms, bool reversal)
{
    if (sim->state == NET_RINGING || sim->state == NET_IDLE) {
        enter(sim, NET_IDLE, now_ms);
        return;
    }
    if (sim->state == NET_BYPASS_CALL) {
        enter(sim, NET_IDLE, now_ms);
        return;
    }
    sim->reversal = reversal;
    enter(sim, NET_CALLER_GONE, now_ms);
}

static void flash_seen(network_sim_t *sim, uint32_t now_ms)
{
    switch (sim->state) {
    case NET_CONNECTED:
        sim->digit_count = 0;
        enter(sim, NET_HELD, now_ms);
        progress(sim, PROGRESS_DIAL_TONE);
        break;
    case NET_HELD:
    case NET_AGENT_RINGING:
    case NET_AGENT_BUSY:
    case NET_AGENT_TALKING:
        /* Flash back: the consultation call is dropped, the caller is back. */
        enter(sim, NET_CONNECTED, now_ms);
        break;
    default:
        break;
    }
}

void sim_hook(network_sim_t *sim, uint32_t now_ms, bool off_hook)
{
    if (off_hook == sim->hook) {
        return;
    }
    sim->hook = off_hook;
    if (!off_hook) {
        sim->on_hook_since_ms = now_ms;
        return;
    }
    uint32_t open_ms = now_ms - sim->on_hook_since_ms;
    if (sim->state == NET_RINGING && sim->bypass_energised) {
        enter(sim, NET_CONNECTED, now_ms);
    } else if (sim->state == NET_IDLE && sim->bypass_energised &&
               (!sim->rang || now_ms - sim->since_ms >= SIM_SEIZE_IDLE_MS)) {
        /* The unit seizes a line that has been idle a while (doctor's dial test): the exchange gives dial tone. */
        sim->digit_count = 0;
        enter(sim, NET_HELD, now_ms);
        progress(sim, PROGRESS_DIAL_TONE);
    } else if (open_ms >= SIM_FLASH_MIN_MS && open_ms <= SIM_FLASH_MAX_MS) {
        flash_seen(sim, now_ms);
    }
}

void sim_bypass(network_sim_t *sim, uint32_t now_ms, bool energised)
{
    sim->bypass_energised = energised;
    if (!energised && sim->state != NET_IDLE && sim->state != NET_RINGING && sim->state != NET_CALLER_GONE) {
        /* Power-failure transfer: whoever is on the line is now connected to the human agent line. */
        enter(sim, NET_BYPASS_CALL, now_ms);
    } else if (!energised && sim->state == NET_CALLER_GONE) {
        enter(sim, NET_IDLE, now_ms);
    }
}

void sim_dtmf(network_sim_t *sim, uint32_t now_ms, char digit)
{
    if (sim->state == NET_HELD && sim->digit_count < (int)DIAL_MAX_DIGITS) {
        sim->digits[sim->digit_count++] = digit;
        sim->digits[sim->digit_count] = '\0';
        sim->last_digit_ms = now_ms;
    }
}

static bool ring_voltage(const network_sim_t *sim, uint32_t now_ms)
{
    uint32_t t = now_ms - sim->since_ms;
    bool on;
    if (sim->double_ring) {
        uint32_t c = t % 3000u; /* 0.4 on 0.2 off 0.4 on 2.0 off */
        on = c < 400u || (c >= 600u && c < 1000u);
    } else {
        on = (t % 6000u) < 2000u; /* 2 s on 4 s off */
    }
    /* The ring detector's opto follows the 20 Hz ringing current. */
    return on && (t % 50u) < 25u;
}

void sim_tick(network_sim_t *sim, uint32_t now_ms, line_inputs_t *in, board_t *board)
{
    uint32_t in_state_ms = now_ms - sim->since_ms;
    bool our_loop = sim->hook && sim->bypass_energised;

    switch (sim->state) {
    case NET_RINGING: {
        uint32_t first_ring_end_ms = sim->double_ring ? 1000u : 2000u;
        if (!sim->cid_sent && in_state_ms >= first_ring_end_ms + SIM_CID_AFTER_FIRST_RING_MS) {
            board_caller_id(board, &sim->cid);
            sim->cid_sent = true;
        }
        if (!sim->bypass_energised && in_state_ms >= 6000u) {
            enter(sim, NET_BYPASS_CALL, now_ms);
        } else if (in_state_ms >= SIM_RING_TIMEOUT_MS) {
            enter(sim, NET_IDLE, now_ms);
        }
        break;
    }
    case NET_HELD:
        if (sim->digit_count > 0 && now_ms - sim->last_digit_ms >= SIM_DIAL_COMPLETE_MS) {
            fprintf(stderr, "net: dialled %s\n", sim->digits);
            sim->digit_count = 0;
            if (sim->agent == AGENT_BUSY) {
                enter(sim, NET_AGENT_BUSY, now_ms);
                progress(sim, PROGRESS_BUSY);
            } else {
                enter(sim, NET_AGENT_RINGING, now_ms);
                progress(sim, PROGRESS_RINGBACK);
            }
        }
        break;
    case NET_AGENT_RINGING:
        if (sim->agent == AGENT_ANSWER && in_state_ms >= SIM_AGENT_ANSWER_MS) {
            enter(sim, NET_AGENT_TALKING, now_ms);
            progress(sim, PROGRESS_ANSWERED);
        }
        break;
    default:
        break;
    }

    /* The unit on-hook too long is a hang-up, not a flash. */
    if (!sim->hook && sim->bypass_energised && now_ms - sim->on_hook_since_ms > SIM_FLASH_MAX_MS) {
        if (sim->state == NET_AGENT_TALKING) {
            fprintf(stderr, "net: transfer completed, caller talks to the agent\n");
            enter(sim, NET_IDLE, now_ms);
        } else if (sim->state == NET_CONNECTED || sim->state == NET_HELD || sim->state == NET_AGENT_RINGING ||
                   sim->state == NET_AGENT_BUSY || sim->state == NET_CALLER_GONE) {
            enter(sim, NET_IDLE, now_ms);
        }
    }

    in->ring = sim->state == NET_RINGING && ring_voltage(sim, now_ms);
    in->polarity = sim->state == NET_CALLER_GONE && sim->reversal;
    if (sim->state == NET_BYPASS_CALL) {
        in->loop_current = true;
    } else if (sim->state == NET_CALLER_GONE) {
        in->loop_current = our_loop && sim->reversal;
    } else {
        in->loop_current = our_loop;
    }

    for (int i = 0; i < sim->progress_count; i++) {
        board_call_progress(board, sim->progress[i]);
    }
    sim->progress_count = 0;
}
