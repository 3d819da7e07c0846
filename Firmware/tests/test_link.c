#include "rig.h"
#include "unit.h"

/* A session whose host does not ACK by itself, and one BYPASS event just sent. */
static void send_bypass_event_without_auto_ack(rig_t *rig)
{
    rig_ready(rig);
    rig->auto_ack = false;
    uint8_t set = 1;
    rig_command(rig, MSG_SET_BYPASS, &set, 1);
    rig_advance(rig, 1);
}

static void unacknowledged_event_is_retransmitted_then_dropped(void)
{
    rig_t rig;
    send_bypass_event_without_auto_ack(&rig);
    CHECK_EQ(rig_count(&rig, EVT_BYPASS), 1);
    rig_advance(&rig, EVENT_ACK_TIMEOUT_MS - 2);
    CHECK_EQ(rig_count(&rig, EVT_BYPASS), 1);
    rig_advance(&rig, 2);
    CHECK_EQ(rig_count(&rig, EVT_BYPASS), 2);
    int first_seq = -1;
    for (int i = 0; i < rig.frame_count && first_seq < 0; i++) {
        first_seq = rig.frames[i].type == EVT_BYPASS ? rig.frames[i].seq : -1;
    }
    CHECK_EQ(rig_last(&rig, EVT_BYPASS)->seq, first_seq);
    rig_advance(&rig, EVENT_ACK_TIMEOUT_MS * (EVENT_MAX_TRIES + 2));
    CHECK_EQ(rig_count(&rig, EVT_BYPASS), EVENT_MAX_TRIES);
    CHECK_EQ(rig.board.link.events_dropped, 1);
    CHECK_EQ(rig.board.link.retransmits, EVENT_MAX_TRIES - 1);
}

static void acknowledged_event_is_not_retransmitted(void)
{
    rig_t rig;
    send_bypass_event_without_auto_ack(&rig);
    const frame_t *ev = rig_last(&rig, EVT_BYPASS);
    CHECK(ev != NULL);
    if (ev != NULL) {
        rig_send(&rig, MSG_ACK, ev->seq, NULL, 0);
    }
    rig_advance(&rig, 1000);
    CHECK_EQ(rig_count(&rig, EVT_BYPASS), 1);
    CHECK_EQ(rig.board.link.retransmits, 0);
}

static void repeated_flash_is_acked_but_executed_once(void)
{
    rig_t rig;
    rig_in_call(&rig);
    uint8_t ms[2] = {0x01, 0xF4};
    uint8_t seq = rig_command(&rig, MSG_FLASH, ms, 2);
    CHECK(!rig.hook_relay);
    rig_advance(&rig, 100);
    /* The host did not see the ACK and retransmits the same command id. */
    rig_send(&rig, MSG_FLASH, seq, ms, 2);
    rig_advance(&rig, 600);
    rig_send(&rig, MSG_FLASH, seq, ms, 2);
    rig_advance(&rig, 600);
    int acks = 0;
    for (int i = 0; i < rig.frame_count; i++) {
        acks += (rig.frames[i].type == MSG_ACK && rig.frames[i].seq == seq) ? 1 : 0;
    }
    CHECK_EQ(acks, 3);
    CHECK_EQ(rig_count(&rig, EVT_FLASH_DONE), 1);
    CHECK(rig.hook_relay);
}

static void repeated_nak_keeps_its_reason(void)
{
    rig_t rig;
    rig_ready(&rig);
    uint8_t seq = rig_command(&rig, MSG_FLASH, NULL, 0);
    const frame_t *r = rig_reply_to(&rig, seq);
    CHECK(r != NULL && r->type == MSG_NAK && r->payload[0] == NAK_INVALID_STATE);
    rig_clear(&rig);
    rig_send(&rig, MSG_FLASH, seq, NULL, 0);
    r = rig_reply_to(&rig, seq);
    CHECK(r != NULL && r->type == MSG_NAK && r->payload[0] == NAK_INVALID_STATE);
}

static void same_sequence_with_another_type_is_a_new_command(void)
{
    rig_t rig;
    rig_ready(&rig);
    uint8_t seq = rig_command(&rig, MSG_GET_STATUS, NULL, 0);
    rig_clear(&rig);
    rig_send(&rig, MSG_OFF_HOOK, seq, NULL, 0);
    const frame_t *r = rig_reply_to(&rig, seq);
    CHECK(r != NULL && r->type == MSG_ACK);
    CHECK(rig.hook_relay);
}

static void events_are_delivered_in_order_with_distinct_sequence_numbers(void)
{
    rig_t rig;
    rig_ready(&rig);
    board_call_progress(&rig.board, PROGRESS_DIAL_TONE);
    board_call_progress(&rig.board, PROGRESS_RINGBACK);
    board_call_progress(&rig.board, PROGRESS_ANSWERED);
    rig_advance(&rig, 10);
    int seen = 0;
    uint8_t last_seq = 0;
    for (int i = 0; i < rig.frame_count; i++) {
        const frame_t *f = &rig.frames[i];
        if (f->type == EVT_CALL_PROGRESS) {
            seen++;
            CHECK_EQ(f->payload[0], seen == 1 ? PROGRESS_DIAL_TONE : seen == 2 ? PROGRESS_RINGBACK : PROGRESS_ANSWERED);
            CHECK(f->seq != last_seq && f->seq != 0);
            last_seq = f->seq;
        }
    }
    CHECK_EQ(seen, 3);
}

void link_tests(void)
{
    RUN(unacknowledged_event_is_retransmitted_then_dropped);
    RUN(acknowledged_event_is_not_retransmitted);
    RUN(repeated_flash_is_acked_but_executed_once);
    RUN(repeated_nak_keeps_its_reason);
    RUN(same_sequence_with_another_type_is_a_new_command);
    RUN(events_are_delivered_in_order_with_distinct_sequence_numbers);
}
