/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Server role: the in-flight table of a namespace, sized on demand. The
 * operator's pending-slots setting is the most the table may hold; it
 * starts at KNTS_PENDING_START_SLOTS (or the setting, if smaller) and
 * doubles, in a work item, whenever a request had to probe far into its
 * window or evict, until it reaches the setting. A namespace that serves
 * a handful of clients keeps a few tens of KiB instead of the whole
 * table; a busy one grows within milliseconds of the first crowding.
 *
 * A grown table takes the entries of the old one with it (their order
 * of arrival and expiry kept), and its memory is charged to the memory
 * cgroup of whoever enabled the role, as the first table was. Lookups
 * run under RCU (the hooks' read side); growth, resizing and freeing in
 * process context.
 */
#ifndef _KNTS_PENDING_SET_H
#define _KNTS_PENDING_SET_H

#include <linux/types.h>

#include "pending.h"

/*
 * 256 slots of 440 bytes (x86-64): 110 KiB until requests crowd them.
 * Fewer saved little more and lost entries in bursts before the first
 * growth was done (selftest 10's same-timestamp pairs, at 64).
 */
#define KNTS_PENDING_START_SLOTS	256

struct knts_pending_set;

/*
 * Process context: the table of a role being enabled by the current
 * task, charged to its memory cgroup; growth is charged there too.
 */
struct knts_pending_set *knts_pending_set_alloc(unsigned int max_slots);
/* Process context, no hook uses @set any more: wiped and freed. */
void knts_pending_set_free(struct knts_pending_set *set);
/*
 * Process context: a new most. A table already larger is replaced by an
 * empty one (the replies to requests in flight go out unsigned).
 */
int knts_pending_set_max(struct knts_pending_set *set, unsigned int max_slots);
/* Slots the table has now (netlink: server-pending-table). */
unsigned int knts_pending_set_slots(struct knts_pending_set *set);
#ifdef KNTS_DEBUG
/*
 * Test builds only (pending_selftest.c, at load): wait for a growth in
 * flight, then run the growth's check once more now, whatever the table
 * signalled, and wait for it.
 */
void knts_pending_set_grow_now(struct knts_pending_set *set);
int knts_pending_set_selftest(void);
#else
static inline int knts_pending_set_selftest(void) { return 0; }
#endif

/* Under rcu_read_lock(), bottom halves disabled: as in pending.h. */
int knts_pending_set_put(struct knts_pending_set *set,
			 const struct knts_pending_entry *e);
bool knts_pending_set_take(struct knts_pending_set *set,
			   const struct knts_pending_key *key,
			   struct knts_pending_entry *out);
void knts_pending_set_drop(struct knts_pending_set *set,
			   const struct knts_pending_key *key,
			   const struct knts_pending_entry *e);

#endif /* _KNTS_PENDING_SET_H */
