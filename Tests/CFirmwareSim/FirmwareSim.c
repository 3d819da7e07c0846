#include "FirmwareSim.h"

#include <stdlib.h>
#include <string.h>

#include "../../Firmware/core/board.h"
#include "../../Firmware/hal/host/network_sim.h"

#define OUTPUT_CAP 65536u

struct fw_sim {
    uint32_t now_ms;
    network_sim_t net;
    board_t board;
    board_hal_t hal;
    uint8_t output[OUTPUT_CAP];
    size_t output_len;
    int protocol_override;
};

static void hal_write(void *ctx, const uint8_t *bytes, size_t len)
{
    fw_sim_t *sim = ctx;
    /* A full buffer loses bytes, as a UART with nobody reading does. */
    size_t room = OUTPUT_CAP - sim->output_len;
    size_t n = len < room ? len : room;
    memcpy(sim->output + sim->output_len, bytes, n);
    sim->output_len += n;
}

static void hal_hook(void *ctx, bool off_hook)
{
    fw_sim_t *sim = ctx;
    sim_hook(&sim->net, sim->now_ms, off_hook);
}

static void hal_bypass(void *ctx, bool energised)
{
    fw_sim_t *sim = ctx;
    sim_bypass(&sim->net, sim->now_ms, energised);
}

static void hal_dtmf(void *ctx, char digit)
{
    fw_sim_t *sim = ctx;
    if (digit != '\0') {
        sim_dtmf(&sim->net, sim->now_ms, digit);
    }
}

static void boot(fw_sim_t *sim)
{
    board_init(&sim->board, &sim->hal, sim->now_ms);
    if (sim->protocol_override >= 0) {
        sim->board.protocol_version = (uint8_t)sim->protocol_override;
    }
}

fw_sim_t *fw_sim_new(uint32_t now_ms)
{
    fw_sim_t *sim = calloc(1, sizeof *sim);
    if (sim == NULL) {
        return NULL;
    }
    sim->now_ms = now_ms;
    sim->protocol_override = -1;
    sim->hal = (board_hal_t){sim, hal_write, hal_hook, hal_bypass, hal_dtmf};
    sim_init(&sim->net);
    boot(sim);
    return sim;
}

void fw_sim_free(fw_sim_t *sim)
{
    free(sim);
}

void fw_sim_receive(fw_sim_t *sim, const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        board_rx_byte(&sim->board, bytes[i], sim->now_ms);
    }
}

size_t fw_sim_take_output(fw_sim_t *sim, uint8_t *out, size_t cap)
{
    size_t n = sim->output_len < cap ? sim->output_len : cap;
    memcpy(out, sim->output, n);
    memmove(sim->output, sim->output + n, sim->output_len - n);
    sim->output_len -= n;
    return n;
}

void fw_sim_tick(fw_sim_t *sim)
{
    sim->now_ms++;
    line_inputs_t in;
    sim_tick(&sim->net, sim->now_ms, &in, &sim->board);
    board_tick(&sim->board, sim->now_ms, &in);
}

uint32_t fw_sim_now(const fw_sim_t *sim)
{
    return sim->now_ms;
}

void fw_sim_ring(fw_sim_t *sim, const char *number, const char *name, const char *time, bool uk)
{
    sim_ring(&sim->net, sim->now_ms, number, name, time, uk);
}

void fw_sim_hangup(fw_sim_t *sim, bool reversal)
{
    sim_caller_hangup(&sim->net, sim->now_ms, reversal);
}

void fw_sim_agent(fw_sim_t *sim, int mode)
{
    sim->net.agent = mode == 1 ? AGENT_BUSY : mode == 2 ? AGENT_NO_ANSWER : AGENT_ANSWER;
}

void fw_sim_reset(fw_sim_t *sim)
{
    boot(sim);
}

void fw_sim_set_protocol(fw_sim_t *sim, uint8_t version)
{
    sim->protocol_override = version;
    sim->board.protocol_version = version;
}

bool fw_sim_line_is_hosts(const fw_sim_t *sim)
{
    return sim->net.bypass_energised;
}

uint32_t fw_sim_events_dropped(const fw_sim_t *sim)
{
    return sim->board.link.events_dropped;
}

uint32_t fw_sim_event_retransmits(const fw_sim_t *sim)
{
    return sim->board.link.retransmits;
}

uint32_t fw_sim_frames_received(const fw_sim_t *sim)
{
    return sim->board.decoder.frames_ok;
}
