/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNTS_NAK_LIMIT_H
#define _KNTS_NAK_LIMIT_H

#include <linux/atomic.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>

/*
 * Per-source NAK budget: a spoofed flood from one source (an IPv4
 * address, an IPv6 /64) must not spend the namespace's NAKs that genuine
 * clients need after a key rotation. Sources hash into a fixed table of
 * token buckets (kept as GCRA "theoretical arrival times" in jiffies), so
 * the hook neither allocates nor locks; sources that share a slot share
 * its budget.
 */
#define KNTS_NAK_SRC_SLOTS	1024
#define KNTS_NAK_SRC_RATE	4	/* NAKs per second per source... */
#define KNTS_NAK_SRC_BURST	8	/* ...after a burst of this many */

struct knts_nak_src {
	siphash_key_t key;
	atomic_long_t tat[KNTS_NAK_SRC_SLOTS];
};

struct knts_net;
struct knts_udp;

void knts_nak_src_init(struct knts_nak_src *t);

/*
 * May a NAK answer @req? 0 if so (its source's and the namespace's budget
 * are charged), else the counter of the reason: not a unicast packet for
 * this host, over the source's budget, over the namespace's.
 */
unsigned int knts_nak_allowed(struct knts_net *kn, const struct sk_buff *req,
			      const struct knts_udp *u);

#endif /* _KNTS_NAK_LIMIT_H */
