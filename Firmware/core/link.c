#include "link.h"

#include <string.h>

#include "protocol.h"

void link_init(link_t *link, link_send_fn send, void *ctx)
{
    memset(link, 0, sizeof *link);
    link->next_seq = 1;
    link->send = send;
    link->ctx = ctx;
}

void link_reset_session(link_t *link)
{
    link->head = 0;
    link->count = 0;
    link->in_flight = false;
    memset(link->seen, 0, sizeof link->seen);
    link->seen_next = 0;
}

bool link_queue_event(link_t *link, uint8_t type, const uint8_t *payload, uint8_t len)
{
    if (link->count >= LINK_EVENT_QUEUE || len > FRAME_MAX_PAYLOAD) {
        link->events_dropped++;
        return false;
    }
    frame_make(&link->queue[(link->head + link->count) % LINK_EVENT_QUEUE], type, link->next_seq, payload, len);
    /* Sequence 0 is reserved for unacknowledged frames. */
    link->next_seq = (uint8_t)(link->next_seq == 255u ? 1u : link->next_seq + 1u);
    link->count++;
    return true;
}

static void pop(link_t *link)
{
    link->head = (uint8_t)((link->head + 1u) % LINK_EVENT_QUEUE);
    link->count--;
    link->in_flight = false;
}

void link_on_ack(link_t *link, uint8_t seq)
{
    if (link->in_flight && link->count > 0 && link->queue[link->head].seq == seq) {
        pop(link);
    }
}

void link_poll(link_t *link, uint32_t now_ms)
{
    if (link->count == 0) {
        return;
    }
    if (link->in_flight) {
        if ((uint32_t)(now_ms - link->sent_ms) < EVENT_ACK_TIMEOUT_MS) {
            return;
        }
        if (link->tries >= EVENT_MAX_TRIES) {
            link->events_dropped++;
            pop(link);
            if (link->count == 0) {
                return;
            }
        } else {
            link->retransmits++;
        }
    }
    if (!link->in_flight) {
        link->tries = 0;
        link->in_flight = true;
    }
    link->tries++;
    link->sent_ms = now_ms;
    link->send(link->ctx, &link->queue[link->head]);
}

const link_seen_t *link_find_command(const link_t *link, uint8_t seq, uint8_t type)
{
    for (unsigned i = 0; i < LINK_SEEN_COMMANDS; i++) {
        const link_seen_t *s = &link->seen[i];
        if (s->valid && s->seq == seq && s->type == type) {
            return s;
        }
    }
    return NULL;
}

void link_remember_command(link_t *link, uint8_t seq, uint8_t type, uint8_t reply_type, const uint8_t *reply,
                           uint8_t reply_len)
{
    link_seen_t *s = &link->seen[link->seen_next];
    link->seen_next = (uint8_t)((link->seen_next + 1u) % LINK_SEEN_COMMANDS);
    s->valid = true;
    s->seq = seq;
    s->type = type;
    s->reply_type = reply_type;
    s->reply_len = reply_len > LINK_REPLY_MAX ? LINK_REPLY_MAX : reply_len;
    if (s->reply_len > 0) {
        memcpy(s->reply, reply, s->reply_len);
    }
}

void link_send_reply(link_t *link, uint8_t reply_type, uint8_t seq, const uint8_t *payload, uint8_t len)
{
    frame_t f;
    frame_make(&f, reply_type, seq, payload, len);
    link->send(link->ctx, &f);
}
