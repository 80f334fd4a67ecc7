/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client role notifications (KNTS_CMD_EVENT on the "events" group): the
 * hooks only set a bit on the association and kick a per-namespace
 * worker; the worker, in process context, rate-limits and sends. So the
 * packet path never allocates or talks netlink, and a flood of empty-jar
 * requests costs one bit operation each.
 */
#ifndef _KNTS_EVENT_H
#define _KNTS_EVENT_H

#include <linux/types.h>
#include <uapi/linux/knts.h>

struct knts_net;
struct knts_assoc;

/* From the hooks (any context): note @type for @a and wake the worker. */
void knts_event_raise(struct knts_net *kn, struct knts_assoc *a,
		      enum knts_event_type type);

/* Set up the worker of a namespace; start its idle checks; stop it. */
void knts_event_init(struct knts_net *kn);
void knts_event_start(struct knts_net *kn);
void knts_event_stop(struct knts_net *kn);
/* KNTS_CMD_CLIENT_SET: report associations idle after @secs (0: never). */
void knts_event_set_idle(struct knts_net *kn, u32 secs);

#endif /* _KNTS_EVENT_H */
