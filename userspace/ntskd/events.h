/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client role's kernel events (KNTS_CMD_EVENT on the multicast group
 * "events" of this network namespace) on the event loop: cookies low,
 * jar empty, NAK, idle. A socket of its own, so that notifications never
 * mix with the answers to requests.
 */
#ifndef NTSKD_EVENTS_H
#define NTSKD_EVENTS_H

#include "loop.h"
#include "nl_assoc.h"

struct ntskd_events;

/*
 * @ev is one event, or NULL when events may have been lost (the socket
 * overflowed or failed): the receiver should then look at every
 * association itself.
 */
typedef void (*ntskd_event_fn)(const struct knts_assoc_event *ev, void *arg);

/* NULL and *err (negative, for knts_nl_strerror) on failure. */
struct ntskd_events *ntskd_events_open(struct ntskd_loop *loop,
				       ntskd_event_fn fn, void *arg, int *err);
void ntskd_events_close(struct ntskd_events *ev);

#endif /* NTSKD_EVENTS_H */
