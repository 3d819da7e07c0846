#include <string.h>

#include "rig.h"
#include "unit.h"

/* Ring-detector opto output during a burst: a 20 Hz square wave. */
static void ring_burst(rig_t *rig, uint32_t on_ms)
{
    for (uint32_t t = 0; t < on_ms; t++) {
        rig->in.ring = (t % 50u) < 25u;
        rig_advance(rig, 1);
    }
    rig->in.ring = false;
}

static void quiet(rig_t *rig, uint32_t ms)
{
    rig->in.ring = false;
    rig_advance(rig, ms);
}

static void us_cadence_counts_each_two_second_burst_as_one_ring(void)
{
    rig_t rig;
    rig_ready(&rig);
    ring_burst(&rig, 2000);
    CHECK_EQ(rig_count(&rig, EVT_RING), 0);
    quiet(&rig, 600);
    CHECK_EQ(rig_count(&rig, EVT_RING), 1);
    quiet(&rig, 3400);
    ring_burst(&rig, 2000);
    quiet(&rig, 4000);
    ring_burst(&rig, 2000);
    quiet(&rig, 600);
    CHECK_EQ(rig_count(&rig, EVT_RING), 3);
    const frame_t *ring = rig_last(&rig, EVT_RING);
    CHECK_EQ(ring->payload[0], 3);
    CHECK_EQ(ring->payload[1], 1);
}

static void uk_double_ring_counts_as_one_ring_of_two_bursts(void)
{
    rig_t rig;
    rig_ready(&rig);
    for (int i = 0; i < 2; i++) {
        ring_burst(&rig, 400);
        quiet(&rig, 200);
        ring_burst(&rig, 400);
        quiet(&rig, 2000);
    }
    CHECK_EQ(rig_count(&rig, EVT_RING), 2);
    const frame_t *ring = rig_last(&rig, EVT_RING);
    CHECK_EQ(ring->payload[0], 2);
    CHECK_EQ(ring->payload[1], 2);
}

static void short_spikes_on_the_ring_input_are_not_rings(void)
{
    rig_t rig;
    rig_ready(&rig);
    for (int i = 0; i < 10; i++) {
        ring_burst(&rig, 100);
        quiet(&rig, 900);
    }
    quiet(&rig, 9000);
    CHECK_EQ(rig_count(&rig, EVT_RING), 0);
    CHECK_EQ(rig_count(&rig, EVT_RING_END), 0);
}

static void continuous_ring_voltage_is_a_fault_not_a_ring(void)
{
    rig_t rig;
    rig_ready(&rig);
    ring_burst(&rig, 5000);
    quiet(&rig, 1000);
    CHECK_EQ(rig_count(&rig, EVT_RING), 0);
}

static void ringing_that_stops_reports_ring_end(void)
{
    rig_t rig;
    rig_ready(&rig);
    ring_burst(&rig, 2000);
    quiet(&rig, 4000);
    ring_burst(&rig, 2000);
    quiet(&rig, RING_END_MS - 100);
    CHECK_EQ(rig_count(&rig, EVT_RING_END), 0);
    quiet(&rig, 200);
    CHECK_EQ(rig_count(&rig, EVT_RING_END), 1);
    CHECK_EQ(rig_last(&rig, EVT_RING_END)->payload[0], 2);
    CHECK_EQ(rig.board.line.state, LINE_IDLE);
}

static void caller_id_is_reported_after_the_first_ring(void)
{
    rig_t rig;
    rig_ready(&rig);
    ring_burst(&rig, 2000);
    caller_id_t cid;
    memset(&cid, 0, sizeof cid);
    strcpy(cid.number, "+15551234567");
    strcpy(cid.name, "Ana");
    strcpy(cid.time, "11261830");
    /* FSK arrives before the ring is confirmed: it must still come after RING 1. */
    board_caller_id(&rig.board, &cid);
    quiet(&rig, 1000);
    int ring_at = -1, cid_at = -1;
    for (int i = 0; i < rig.frame_count; i++) {
        if (rig.frames[i].type == EVT_RING && ring_at < 0) {
            ring_at = i;
        }
        if (rig.frames[i].type == EVT_CALLER_ID && cid_at < 0) {
            cid_at = i;
        }
    }
    CHECK(ring_at >= 0 && cid_at > ring_at);
    const frame_t *f = rig_last(&rig, EVT_CALLER_ID);
    CHECK(f != NULL);
    if (f != NULL) {
        const uint8_t want[] = {12, '+', '1', '5', '5', '5', '1', '2', '3', '4', '5', '6', '7', 3, 'A', 'n', 'a',
                                8,  '1', '1', '2', '6', '1', '8', '3', '0'};
        CHECK_EQ(f->len, sizeof want);
        CHECK(memcmp(f->payload, want, sizeof want) == 0);
    }
    CHECK_EQ(rig_count(&rig, EVT_CALLER_ID), 1);
}

static void caller_id_on_an_idle_line_is_not_given_to_the_next_caller(void)
{
    rig_t rig;
    rig_ready(&rig);
    caller_id_t stray;
    memset(&stray, 0, sizeof stray);
    strcpy(stray.number, "+15550000000");
    board_caller_id(&rig.board, &stray);
    quiet(&rig, 1000);
    ring_burst(&rig, 2000);
    quiet(&rig, 1000);
    CHECK_EQ(rig_count(&rig, EVT_RING), 1);
    CHECK_EQ(rig_count(&rig, EVT_CALLER_ID), 0);
}

static void answering_stops_ring_reports(void)
{
    rig_t rig;
    rig_ready(&rig);
    ring_burst(&rig, 2000);
    quiet(&rig, 600);
    rig.in.loop_current = true;
    rig_command(&rig, MSG_OFF_HOOK, NULL, 0);
    CHECK(rig.hook_relay);
    rig_clear(&rig);
    quiet(&rig, 10000);
    CHECK_EQ(rig_count(&rig, EVT_RING), 0);
    CHECK_EQ(rig_count(&rig, EVT_RING_END), 0);
    CHECK_EQ(rig_count(&rig, EVT_FAR_END_DISCONNECT), 0);
}

static void loop_current_drop_is_a_far_end_disconnect(void)
{
    rig_t rig;
    rig_in_call(&rig);
    rig.in.loop_current = false;
    rig_advance(&rig, LOOP_DROP_MS - 5);
    CHECK_EQ(rig_count(&rig, EVT_FAR_END_DISCONNECT), 0);
    rig_advance(&rig, 10);
    CHECK_EQ(rig_count(&rig, EVT_FAR_END_DISCONNECT), 1);
    CHECK_EQ(rig_last(&rig, EVT_FAR_END_DISCONNECT)->payload[0], DISCONNECT_LOOP_DROP);
    rig_advance(&rig, 2000);
    CHECK_EQ(rig_count(&rig, EVT_FAR_END_DISCONNECT), 1);
}

static void brief_loop_dropout_is_not_a_disconnect(void)
{
    rig_t rig;
    rig_in_call(&rig);
    rig.in.loop_current = false;
    rig_advance(&rig, 100);
    rig.in.loop_current = true;
    rig_advance(&rig, 2000);
    CHECK_EQ(rig_count(&rig, EVT_FAR_END_DISCONNECT), 0);
}

static void polarity_reversal_is_a_far_end_disconnect(void)
{
    rig_t rig;
    rig_in_call(&rig);
    rig.in.polarity = true;
    rig_advance(&rig, 100);
    CHECK_EQ(rig_count(&rig, EVT_FAR_END_DISCONNECT), 1);
    CHECK_EQ(rig_last(&rig, EVT_FAR_END_DISCONNECT)->payload[0], DISCONNECT_POLARITY_REVERSAL);
}

static void flash_opens_the_loop_for_the_commanded_length(void)
{
    rig_t rig;
    rig_in_call(&rig);
    uint8_t seq = rig_command(&rig, MSG_FLASH, NULL, 0);
    const frame_t *ack = rig_reply_to(&rig, seq);
    CHECK(ack != NULL && ack->type == MSG_ACK && ack->len == 2);
    CHECK_EQ((ack->payload[0] << 8) | ack->payload[1], FLASH_DEFAULT_MS);
    /* The loop really opens during the flash; that is not a disconnect. */
    rig.in.loop_current = false;
    uint32_t opened_ms = 0;
    while (!rig.hook_relay && opened_ms < 5000) {
        rig_advance(&rig, 1);
        opened_ms++;
    }
    rig.in.loop_current = true;
    CHECK_EQ(opened_ms, FLASH_DEFAULT_MS);
    rig_advance(&rig, 10);
    CHECK_EQ(rig_count(&rig, EVT_FLASH_DONE), 1);
    CHECK_EQ(rig_count(&rig, EVT_FAR_END_DISCONNECT), 0);
    uint8_t custom[2] = {0x00, 0xFA};
    rig_command(&rig, MSG_FLASH, custom, 2);
    opened_ms = 0;
    while (!rig.hook_relay && opened_ms < 5000) {
        rig_advance(&rig, 1);
        opened_ms++;
    }
    CHECK_EQ(opened_ms, 250);
}

static void flash_outside_limits_is_refused(void)
{
    rig_t rig;
    rig_ready(&rig);
    rig_command(&rig, MSG_OFF_HOOK, NULL, 0);
    uint8_t too_long[2] = {0x13, 0x88};
    uint8_t seq = rig_command(&rig, MSG_FLASH, too_long, 2);
    const frame_t *r = rig_reply_to(&rig, seq);
    CHECK(r != NULL && r->type == MSG_NAK && r->payload[0] == NAK_BAD_VALUE);
    CHECK(rig.hook_relay);
}

static void dial_plays_each_digit_then_reports_done(void)
{
    rig_t rig;
    rig_in_call(&rig);
    const uint8_t digits[] = {'2', '0', '1', '#'};
    uint8_t seq = rig_command(&rig, MSG_DIAL, digits, 4);
    CHECK(rig_reply_to(&rig, seq)->type == MSG_ACK);
    rig_advance(&rig, 4 * (DTMF_ON_MS + DTMF_OFF_MS) + 5);
    CHECK_EQ(rig.dtmf_count, 4);
    CHECK(memcmp(rig.dtmf, "201#", 4) == 0);
    CHECK_EQ(rig_count(&rig, EVT_DIAL_DONE), 1);
    const uint8_t bad[] = {'1', 'x'};
    seq = rig_command(&rig, MSG_DIAL, bad, 2);
    CHECK(rig_reply_to(&rig, seq)->type == MSG_NAK);
}

void line_tests(void)
{
    RUN(us_cadence_counts_each_two_second_burst_as_one_ring);
    RUN(uk_double_ring_counts_as_one_ring_of_two_bursts);
    RUN(short_spikes_on_the_ring_input_are_not_rings);
    RUN(continuous_ring_voltage_is_a_fault_not_a_ring);
    RUN(ringing_that_stops_reports_ring_end);
    RUN(caller_id_is_reported_after_the_first_ring);
    RUN(caller_id_on_an_idle_line_is_not_given_to_the_next_caller);
    RUN(answering_stops_ring_reports);
    RUN(loop_current_drop_is_a_far_end_disconnect);
    RUN(brief_loop_dropout_is_not_a_disconnect);
    RUN(polarity_reversal_is_a_far_end_disconnect);
    RUN(flash_opens_the_loop_for_the_commanded_length);
    RUN(flash_outside_limits_is_refused);
    RUN(dial_plays_each_digit_then_reports_done);
}
