/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding the UDP payload of an skb in a netfilter hook, and resizing it
 * with lengths and checksums put right, for IPv4 and IPv6.
 */
#ifndef _KNTS_SKB_H
#define _KNTS_SKB_H

#include <linux/skbuff.h>

struct knts_udp {
	unsigned int l4;	/* UDP header offset from skb->data */
	unsigned int len;	/* UDP payload length */
	__be16 sport;
	__be16 dport;
	bool v6;
	bool fragment;		/* IPv6 first fragment: @len is not set */
};

/* How knts_skb_resize() grew a payload (counted per CPU). */
enum knts_skb_grow {
	KNTS_SKB_GROW_TAILROOM,	/* in the room the head already had */
	KNTS_SKB_GROW_FRAG,	/* moved into a page fragment */
	KNTS_SKB_GROW_REALLOC,	/* head reallocated (pskb_expand_head()) */
	KNTS_SKB_NR_GROW,
};

/* What knts_skb_udp() found. */
enum knts_skb_parse {
	KNTS_SKB_OTHER,		/* parsed: not a UDP datagram knts can see */
	KNTS_SKB_UDP,		/* @u is filled in */
	KNTS_SKB_BAD_EXTHDR,	/* IPv6 header chain that cannot be walked */
	KNTS_SKB_BAD_UDP,	/* UDP header cut short or length impossible */
};

/*
 * Cheap look at a packet: is it UDP, and to/from which ports? Reads
 * through skb_header_pointer(), changes nothing. Fails closed: what it
 * cannot parse is KNTS_SKB_BAD_*, never KNTS_SKB_OTHER, so that the
 * caller drops it rather than let the kernel deliver what knts never saw.
 */
enum knts_skb_parse knts_skb_udp(struct sk_buff *skb, bool v6,
				 struct knts_udp *u);

/*
 * Make the whole packet linear and writable; returns the payload or NULL.
 * Header pointers taken before this call are stale after it.
 */
u8 *knts_skb_payload(struct sk_buff *skb, const struct knts_udp *u);

/*
 * Set the UDP payload length to @new_len (grow or shrink at the tail) and
 * fix the UDP length, the IP length and the IPv4 header checksum. Makes
 * the packet linear and writable first, paged or cloned. Returns
 * the (possibly moved) payload or NULL when the skb cannot grow. The
 * payload is always contiguous, but a grown one may be a page fragment
 * (the skb nonlinear after this call): the caller writes it through the
 * pointer returned, never through skb->data, then calls
 * knts_skb_udp_csum(). Growth never sleeps (GFP_ATOMIC).
 */
u8 *knts_skb_resize(struct sk_buff *skb, struct knts_udp *u,
		    unsigned int new_len);

/*
 * Does the UDP checksum verify? LOCAL_IN runs before udp_rcv() checks it,
 * and knts_skb_udp_csum() would make a corrupted packet look sound, so
 * every packet knts rewrites is checked first. The payload must be
 * linear (knts_skb_payload()).
 */
bool knts_skb_udp_csum_ok(const struct sk_buff *skb, const struct knts_udp *u);

/*
 * Recompute the UDP checksum in software after the payload changed; the
 * payload may be in a fragment of knts_skb_resize().
 */
void knts_skb_udp_csum(struct sk_buff *skb, const struct knts_udp *u);

/*
 * The same for a received datagram knts cut down to its NTP header after
 * knts_skb_udp_csum_ok() passed it: the result is marked verified
 * (CHECKSUM_UNNECESSARY, or CHECKSUM_PARTIAL as it came), so the UDP
 * layer does not sum it once more.
 */
void knts_skb_udp_csum_in(struct sk_buff *skb, const struct knts_udp *u);

/* Growths of each kind since the load, all CPUs (debugfs skb_grow). */
u64 knts_skb_grow_count(enum knts_skb_grow how);

#ifdef KNTS_DEBUG
/* Testing only: make knts_skb_resize() reallocate instead of a fragment. */
extern bool knts_skb_force_realloc;
#endif

#endif /* _KNTS_SKB_H */
