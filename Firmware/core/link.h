/* Reliable delivery of board events (stop-and-wait, retransmit) and duplicate suppression of host commands. */
#ifndef WL_LINK_H
#define WL_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"

#define LINK_EVENT_QUEUE 8u
#define LINK_SEEN_COMMANDS 16u
#define LINK_REPLY_MAX 8u

typedef void (*link_send_fn)(void *ctx, const frame_t *frame);

typedef struct {
    bool valid;
    uint8_t seq;
    uint8_t type;
    uint8_t reply_type;
    uint8_t reply_len;
    uint8_t reply[LINK_REPLY_MAX];
} link_seen_t;

typedef struct {
    frame_t queue[LINK_EVENT_QUEUE];
    uint8_t head;
    uint8_t count;
    uint8_t next_seq;
    bool in_flight;
    uint8_t tries;
    uint32_t sent_ms;
    link_seen_t seen[LINK_SEEN_COMMANDS];
    uint8_t seen_next;
    uint32_t events_dropped;
    uint32_t retransmits;
    link_send_fn send;
    void *ctx;
} link_t;

void link_init(link_t *link, link_send_fn send, void *ctx);

/* Forgets queued events and remembered commands: a new host session starts. */
void link_reset_session(link_t *link);

/* Queues an event for reliable delivery; false (and counted) when the queue is full. */
bool link_queue_event(link_t *link, uint8_t type, const uint8_t *payload, uint8_t len);

/* The host acknowledged board sequence number `seq`. */
void link_on_ack(link_t *link, uint8_t seq);

/* Sends the head event or retransmits it after EVENT_ACK_TIMEOUT_MS; gives up after EVENT_MAX_TRIES. */
void link_poll(link_t *link, uint32_t now_ms);

/* The reply already given to command (seq, type), or NULL if that command is new. */
const link_seen_t *link_find_command(const link_t *link, uint8_t seq, uint8_t type);

/* Remembers the reply to command (seq, type) so a retransmission gets the same reply without re-executing. */
void link_remember_command(link_t *link, uint8_t seq, uint8_t type, uint8_t reply_type, const uint8_t *reply,
                           uint8_t reply_len);

/* Sends a reply frame (ACK/NAK) for command `seq`. */
void link_send_reply(link_t *link, uint8_t reply_type, uint8_t seq, const uint8_t *payload, uint8_t len);

#endif
