// SPDX-License-Identifier: GPL-2.0
/*
 * skb surgery for NTS, after nf_nat_helper.c and xt_TCPMSS.c: the packet
 * is made linear and writable first (NTP packets are small), resized at
 * the tail, and every length and checksum is rewritten. Checksums are
 * computed in full in software and the skb marked CHECKSUM_NONE: for a
 * few hundred bytes that is cheaper than reasoning about every ip_summed
 * state a driver or GSO path may have left, and it is always right.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "skb.h"

bool knts_skb_udp(struct sk_buff *skb, bool v6, struct knts_udp *u)
{
	unsigned int nh = skb_network_offset(skb);
	struct udphdr _uh;
	const struct udphdr *uh;
	unsigned int l4;

	memset(u, 0, sizeof(*u));
	u->v6 = v6;
	if (!v6) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_UDP || ip_is_fragment(iph))
			return false;
		l4 = nh + iph->ihl * 4;
	} else {
		u8 nexthdr = ipv6_hdr(skb)->nexthdr;
		__be16 frag_off = 0;
		int off;

		off = ipv6_skip_exthdr(skb, nh + sizeof(struct ipv6hdr),
				       &nexthdr, &frag_off);
		if (off < 0 || nexthdr != IPPROTO_UDP)
			return false;
		/* Non-first fragments carry no UDP header to look at. */
		if (frag_off & htons(IP6_OFFSET))
			return false;
		/*
		 * A first fragment: the rest is reassembled after LOCAL_IN
		 * and would reach the daemon without passing us again.
		 */
		u->fragment = !!(frag_off & htons(IP6_MF));
		l4 = off;
	}
	uh = skb_header_pointer(skb, l4, sizeof(_uh), &_uh);
	if (!uh)
		return false;
	u->l4 = l4;
	u->sport = uh->source;
	u->dport = uh->dest;
	/*
	 * A first fragment is reported whatever its UDP length says: that
	 * length covers the whole datagram, which is not here, and refusing
	 * the fragment as "not UDP" would let the datagram be reassembled
	 * after LOCAL_IN and reach the daemon unseen.
	 */
	if (u->fragment)
		return true;
	if (ntohs(uh->len) < sizeof(*uh) || l4 + ntohs(uh->len) > skb->len)
		return false;
	u->len = ntohs(uh->len) - sizeof(*uh);
	return true;
}

bool knts_skb_udp_csum_ok(const struct sk_buff *skb, const struct knts_udp *u)
{
	const struct udphdr *uh = (const struct udphdr *)(skb->data + u->l4);
	unsigned int ulen = u->len + sizeof(*uh);
	__wsum csum;

	if (skb_csum_unnecessary(skb))
		return true;
	/* IPv4 allows "no checksum"; udp_rcv() accepts it too. */
	if (!u->v6 && !uh->check)
		return true;
	csum = csum_partial(uh, ulen, 0);
	if (!u->v6) {
		const struct iphdr *iph = ip_hdr(skb);

		return !csum_tcpudp_magic(iph->saddr, iph->daddr, ulen,
					  IPPROTO_UDP, csum);
	}
	return !csum_ipv6_magic(&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr,
				ulen, IPPROTO_UDP, csum);
}

u8 *knts_skb_payload(struct sk_buff *skb, const struct knts_udp *u)
{
	if (skb_ensure_writable(skb, skb->len))
		return NULL;
	return skb->data + u->l4 + sizeof(struct udphdr);
}

static void knts_skb_fix_lengths(struct sk_buff *skb, struct knts_udp *u)
{
	struct udphdr *uh = (struct udphdr *)(skb->data + u->l4);

	uh->len = htons(u->len + sizeof(*uh));
	if (!u->v6) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = htons(skb->len - skb_network_offset(skb));
		ip_send_check(iph);
	} else {
		ipv6_hdr(skb)->payload_len =
			htons(skb->len - skb_network_offset(skb) -
			      sizeof(struct ipv6hdr));
	}
}

void knts_skb_udp_csum(struct sk_buff *skb, const struct knts_udp *u)
{
	struct udphdr *uh = (struct udphdr *)(skb->data + u->l4);
	unsigned int ulen = u->len + sizeof(*uh);
	__wsum csum;

	uh->check = 0;
	csum = csum_partial(uh, ulen, 0);
	if (!u->v6) {
		const struct iphdr *iph = ip_hdr(skb);

		uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, ulen,
					      IPPROTO_UDP, csum);
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, ulen,
					    IPPROTO_UDP, csum);
	}
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}

u8 *knts_skb_resize(struct sk_buff *skb, struct knts_udp *u,
		    unsigned int new_len)
{
	unsigned int end = u->l4 + sizeof(struct udphdr) + u->len;

	/* Anything after the UDP datagram (link padding) goes first. */
	if (skb->len > end && pskb_trim(skb, end))
		return NULL;
	if (new_len > u->len) {
		unsigned int extra = new_len - u->len;

		if (skb_tailroom(skb) < extra &&
		    pskb_expand_head(skb, 0, extra - skb_tailroom(skb),
				     GFP_ATOMIC))
			return NULL;
		skb_put(skb, extra);
	} else if (new_len < u->len) {
		if (pskb_trim(skb, end - (u->len - new_len)))
			return NULL;
	}
	u->len = new_len;
	knts_skb_fix_lengths(skb, u);
	return skb->data + u->l4 + sizeof(struct udphdr);
}
