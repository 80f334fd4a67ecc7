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
 * caller writes the payload, then calls knts_skb_udp_csum().
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

/* Recompute the UDP checksum in software after the payload changed. */
void knts_skb_udp_csum(struct sk_buff *skb, const struct knts_udp *u);

#endif /* _KNTS_SKB_H */
