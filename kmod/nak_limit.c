// SPDX-License-Identifier: GPL-2.0
/*
 * Who gets an NTS NAK: only a unicast request addressed to this host (as
 * nf_reject answers only those with a TCP reset), and no more often than
 * its source's budget and then the namespace's allow. The source budget
 * is checked first, so one noisy source is stopped before it spends what
 * the namespace has for everyone.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "knts.h"
#include "nak_limit.h"
#include "skb.h"

#define KNTS_NAK_SRC_T		(HZ / KNTS_NAK_SRC_RATE ?: 1)
#define KNTS_NAK_SRC_TAU	((KNTS_NAK_SRC_BURST - 1) * KNTS_NAK_SRC_T)

void knts_nak_src_init(struct knts_nak_src *t)
{
	unsigned int i;

	get_random_bytes(&t->key, sizeof(t->key));
	for (i = 0; i < KNTS_NAK_SRC_SLOTS; i++)
		atomic_long_set(&t->tat[i], 0);
}

/*
 * One GCRA step: a NAK may go when its slot's theoretical arrival time is
 * at most TAU ahead of now; each NAK moves it on by T. A time too far
 * ahead can only be stale (jiffies wrapped past it): start afresh.
 */
static bool knts_nak_src_take(atomic_long_t *slot)
{
	unsigned long now = jiffies, old, tat, seen;

	old = atomic_long_read(slot);
	for (;;) {
		tat = old;
		if (time_before(tat, now) ||
		    time_after(tat, now + KNTS_NAK_SRC_TAU + KNTS_NAK_SRC_T))
			tat = now;
		if (time_after(tat, now + KNTS_NAK_SRC_TAU))
			return false;
		seen = atomic_long_cmpxchg(slot, old, tat + KNTS_NAK_SRC_T);
		if (seen == old)
			return true;
		old = seen;
	}
}

/* The slot of the request's source: an IPv4 address or an IPv6 /64. */
static atomic_long_t *knts_nak_src_slot(struct knts_nak_src *t,
					const struct sk_buff *req,
					const struct knts_udp *u)
{
	u32 h;

	if (u->v6)
		h = (u32)siphash(&ipv6_hdr(req)->saddr, 8, &t->key);
	else
		h = (u32)siphash_1u32((__force u32)ip_hdr(req)->saddr,
				      &t->key);
	return &t->tat[h % KNTS_NAK_SRC_SLOTS];
}

/* Unicast, to one of our addresses, from a unicast address. */
static bool knts_nak_for_host(const struct sk_buff *req,
			      const struct knts_udp *u)
{
	if (req->pkt_type != PACKET_HOST)
		return false;
	if (u->v6) {
		const struct ipv6hdr *ip6h = ipv6_hdr(req);

		return (ipv6_addr_type(&ip6h->saddr) & IPV6_ADDR_UNICAST) &&
		       (ipv6_addr_type(&ip6h->daddr) & IPV6_ADDR_UNICAST);
	}
	if (!skb_rtable(req) ||
	    skb_rtable(req)->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))
		return false;
	return !ipv4_is_multicast(ip_hdr(req)->saddr) &&
	       !ipv4_is_lbcast(ip_hdr(req)->saddr) &&
	       !ipv4_is_zeronet(ip_hdr(req)->saddr);
}

unsigned int knts_nak_allowed(struct knts_net *kn, const struct sk_buff *req,
			      const struct knts_udp *u)
{
	if (!knts_nak_for_host(req, u))
		return KNTS_STAT_SRV_NAK_NOT_HOST;
	if (!knts_nak_src_take(knts_nak_src_slot(&kn->nak_src, req, u)))
		return KNTS_STAT_SRV_NAK_SRC_LIMITED;
	/* Forged requests are free to send: never answer faster than this. */
	if (!__ratelimit(&kn->nak_limit))
		return KNTS_STAT_SRV_NAK_RATELIMITED;
	return 0;
}
