#include "rig.h"
#include "unit.h"

static void check_line_claimed(const rig_t *rig)
{
    CHECK(rig->bypass_relay);
    const frame_t *ev = rig_last(rig, EVT_BYPASS);
    CHECK(ev != NULL && ev->payload[0] == 0 && ev->payload[1] == BYPASS_REASON_CLAIMED);
}

static void reset_starts_in_bypass_and_announces_boot(void)
{
    rig_t rig;
    rig_init(&rig);
    CHECK(!rig.bypass_relay);
    CHECK(!rig.hook_relay);
    CHECK(rig.board.bypass);
    const frame_t *boot = rig_last(&rig, MSG_BOOT);
    CHECK(boot != NULL && boot->len == 5 && boot->payload[0] == WL_PROTOCOL_VERSION &&
          boot->payload[4] == BYPASS_REASON_RESET);
    /* Without a host the board never takes the line. */
    rig_advance(&rig, 10000);
    CHECK(!rig.bypass_relay);
}

static void commands_before_hello_are_refused(void)
{
    rig_t rig;
    rig_init(&rig);
    uint8_t seq = rig_command(&rig, MSG_OFF_HOOK, NULL, 0);
    const frame_t *r = rig_reply_to(&rig, seq);
    CHECK(r != NULL && r->type == MSG_NAK && r->payload[0] == NAK_NO_SESSION);
    CHECK(!rig.hook_relay);
}

static void hello_with_another_protocol_version_is_refused_with_ours(void)
{
    rig_t rig;
    rig_init(&rig);
    uint8_t other = WL_PROTOCOL_VERSION + 1;
    uint8_t seq = rig_command(&rig, MSG_HELLO, &other, 1);
    const frame_t *r = rig_reply_to(&rig, seq);
    CHECK(r != NULL && r->type == MSG_NAK && r->len == 5);
    if (r != NULL) {
        CHECK_EQ(r->payload[0], NAK_VERSION);
        CHECK_EQ(r->payload[1], WL_PROTOCOL_VERSION);
        CHECK_EQ(r->payload[2], WL_FW_VERSION_MAJOR);
    }
    CHECK(!rig.board.session);
}

static void hello_reports_versions_and_bypass_then_line_is_claimed_when_idle(void)
{
    rig_t rig;
    rig_init(&rig);
    uint8_t version = WL_PROTOCOL_VERSION;
    uint8_t seq = rig_command(&rig, MSG_HELLO, &version, 1);
    const frame_t *r = rig_reply_to(&rig, seq);
    CHECK(r != NULL && r->type == MSG_ACK && r->len == 6);
    if (r != NULL) {
        CHECK_EQ(r->payload[0], WL_PROTOCOL_VERSION);
        CHECK_EQ(r->payload[1], WL_FW_VERSION_MAJOR);
        CHECK_EQ(r->payload[2], WL_FW_VERSION_MINOR);
        CHECK_EQ(r->payload[3], WL_FW_VERSION_PATCH);
        CHECK(r->payload[4] & STATUS_BYPASS);
        CHECK(r->payload[4] & STATUS_SESSION);
        CHECK_EQ(r->payload[5], BYPASS_REASON_RESET);
    }
    rig.auto_ack = true;
    rig.auto_heartbeat = true;
    rig.last_heartbeat_ms = rig.now_ms;
    rig_advance(&rig, LINE_IDLE_MS + 10);
    check_line_claimed(&rig);
}

static void heartbeat_gets_a_status_reply(void)
{
    rig_t rig;
    rig_ready(&rig);
    int before = rig.status_count;
    rig_send(&rig, MSG_HEARTBEAT, 0, NULL, 0);
    CHECK_EQ(rig.status_count, before + 1);
    CHECK_EQ(rig.last_status.len, 4);
    CHECK(rig.last_status.payload[0] & STATUS_SESSION);
    CHECK(!(rig.last_status.payload[0] & STATUS_BYPASS));
}

static void steady_heartbeats_keep_the_line(void)
{
    rig_t rig;
    rig_ready(&rig);
    rig_advance(&rig, 60000);
    CHECK(rig.bypass_relay);
    CHECK(!rig.board.bypass);
}

/* In a call, the host's heartbeats stop: milliseconds from the last one until the bypass relay releases (up to
 * `limit_ms`); the release must be reported as the watchdog's. */
static uint32_t ms_from_last_heartbeat_to_bypass(rig_t *rig, uint32_t limit_ms)
{
    rig->auto_heartbeat = false;
    rig_send(rig, MSG_HEARTBEAT, 0, NULL, 0);
    uint32_t last_ms = rig->now_ms;
    rig_clear(rig);
    while (rig->bypass_relay && rig->now_ms - last_ms < limit_ms) {
        rig_advance(rig, 1);
    }
    const frame_t *ev = rig_last(rig, EVT_BYPASS);
    CHECK(ev != NULL && ev->payload[0] == 1 && ev->payload[1] == BYPASS_REASON_WATCHDOG);
    return rig->now_ms - last_ms;
}

static void watchdog_releases_to_bypass_exactly_1500_ms_after_the_last_heartbeat(void)
{
    rig_t rig;
    rig_in_call(&rig);
    CHECK_EQ(ms_from_last_heartbeat_to_bypass(&rig, 5000), WATCHDOG_TIMEOUT_MS);
    CHECK(!rig.hook_relay);
}

static void a_harness_watchdog_setting_moves_the_release_and_nothing_else(void)
{
    rig_t rig;
    rig_in_call(&rig);
    CHECK_EQ(rig.board.watchdog_ms, WATCHDOG_TIMEOUT_MS);
    rig.board.watchdog_ms = 4000;
    CHECK_EQ(ms_from_last_heartbeat_to_bypass(&rig, 10000), 4000);
    CHECK(!rig.hook_relay);
}

static void host_return_is_reported_and_idle_line_is_reclaimed(void)
{
    rig_t rig;
    rig_ready(&rig);
    rig.auto_heartbeat = false;
    rig_advance(&rig, 3000);
    CHECK(!rig.bypass_relay);
    rig_clear(&rig);
    rig.auto_heartbeat = true;
    rig.last_heartbeat_ms = 0;
    rig_advance(&rig, 5);
    const frame_t *back = rig_last(&rig, EVT_HOST_RETURNED);
    CHECK(back != NULL && back->len == 4);
    if (back != NULL) {
        uint32_t silence_ms = ((uint32_t)back->payload[0] << 24) | ((uint32_t)back->payload[1] << 16) |
                              ((uint32_t)back->payload[2] << 8) | back->payload[3];
        CHECK(silence_ms >= 3000 && silence_ms <= 3200);
    }
    check_line_claimed(&rig);
}

static void call_in_bypass_is_not_taken_back_until_it_ends(void)
{
    rig_t rig;
    rig_in_call(&rig);
    rig.auto_heartbeat = false;
    rig_advance(&rig, 2000);
    CHECK(!rig.bypass_relay);
    /* The caller now talks to the human agent line: loop current keeps flowing. */
    rig.auto_heartbeat = true;
    rig_advance(&rig, 10000);
    CHECK(!rig.bypass_relay);
    rig.in.loop_current = false;
    rig_advance(&rig, LINE_IDLE_MS - 20);
    CHECK(!rig.bypass_relay);
    rig_advance(&rig, 40);
    CHECK(rig.bypass_relay);
}

static void ringing_in_bypass_is_not_taken_back_until_it_stops(void)
{
    rig_t rig;
    rig_ready(&rig);
    rig.auto_heartbeat = false;
    rig_advance(&rig, 2000);
    rig.auto_heartbeat = true;
    rig_clear(&rig);
    for (uint32_t t = 0; t < 1500; t++) {
        rig.in.ring = (t % 50u) < 25u;
        rig_advance(&rig, 1);
    }
    rig.in.ring = false;
    rig_advance(&rig, 4000);
    CHECK(!rig.bypass_relay);
    CHECK_EQ(rig_count(&rig, EVT_RING), 0);
    rig_advance(&rig, RING_END_MS);
    CHECK(rig.bypass_relay);
}

static void host_commanded_bypass_holds_until_released(void)
{
    rig_t rig;
    rig_ready(&rig);
    uint8_t on = 1;
    rig_command(&rig, MSG_SET_BYPASS, &on, 1);
    CHECK(!rig.bypass_relay);
    rig_advance(&rig, 5000);
    CHECK(!rig.bypass_relay);
    uint8_t seq = rig_command(&rig, MSG_OFF_HOOK, NULL, 0);
    const frame_t *r = rig_reply_to(&rig, seq);
    CHECK(r != NULL && r->type == MSG_NAK && r->payload[0] == NAK_BYPASS);
    uint8_t off = 0;
    rig_command(&rig, MSG_SET_BYPASS, &off, 1);
    rig_advance(&rig, 5);
    CHECK(rig.bypass_relay);
}

static void get_status_reports_line_state(void)
{
    rig_t rig;
    rig_in_call(&rig);
    uint8_t seq = rig_command(&rig, MSG_GET_STATUS, NULL, 0);
    const frame_t *r = rig_reply_to(&rig, seq);
    CHECK(r != NULL && r->type == MSG_ACK && r->len == 4);
    if (r != NULL) {
        CHECK(r->payload[0] & STATUS_OFF_HOOK);
        CHECK(r->payload[0] & STATUS_LOOP_CURRENT);
        CHECK_EQ(r->payload[1], LINE_OFF_HOOK);
    }
}

static void unknown_command_is_refused(void)
{
    rig_t rig;
    rig_ready(&rig);
    uint8_t seq = rig_command(&rig, 0x3F, NULL, 0);
    const frame_t *r = rig_reply_to(&rig, seq);
    CHECK(r != NULL && r->type == MSG_NAK && r->payload[0] == NAK_UNKNOWN_TYPE);
}

void board_tests(void)
{
    RUN(reset_starts_in_bypass_and_announces_boot);
    RUN(commands_before_hello_are_refused);
    RUN(hello_with_another_protocol_version_is_refused_with_ours);
    RUN(hello_reports_versions_and_bypass_then_line_is_claimed_when_idle);
    RUN(heartbeat_gets_a_status_reply);
    RUN(steady_heartbeats_keep_the_line);
    RUN(watchdog_releases_to_bypass_exactly_1500_ms_after_the_last_heartbeat);
    RUN(a_harness_watchdog_setting_moves_the_release_and_nothing_else);
    RUN(host_return_is_reported_and_idle_line_is_reclaimed);
    RUN(call_in_bypass_is_not_taken_back_until_it_ends);
    RUN(ringing_in_bypass_is_not_taken_back_until_it_stops);
    RUN(host_commanded_bypass_holds_until_released);
    RUN(get_status_reports_line_state);
    RUN(unknown_command_is_refused);
}
