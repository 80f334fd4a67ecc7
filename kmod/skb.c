// SPDX-License-Identifier: GPL-2.0
/*
 * skb surgery for NTS, after nf_nat_helper.c and xt_TCPMSS.c: the packet
 * is made linear and writable first (NTP packets are small), resized at
 * the tail, and every length and checksum is rewritten. Checksums are
 * computed in full in software and the skb marked CHECKSUM_NONE: for a
 * few hundred bytes that is cheaper than reasoning about every ip_summed
 * state a driver or GSO path may have left, and it is always right.
 *
 * Growing (a reply or a request gaining its NTS fields) takes, in order:
 * the tailroom the head's kmalloc bucket left, else one page fragment
 * holding the whole UDP payload, else (no fragment to be had, or a
 * payload too big for one) a reallocated head. See knts_skb_grow_frag().
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "skb.h"

/*
 * More extension headers than this in one packet is not something a
 * sender needs; knts stops walking and the packet is dropped.
 */
#define KNTS_IP6_MAX_EXTHDRS	32

/*
 * The largest payload grown into a page fragment: page_frag_alloc()
 * refuses more than a page on some kernels, and a payload this big is
 * no NTP packet a daemon answers every second.
 */
#define KNTS_SKB_FRAG_MAX	2048

/* How each growth was done, per CPU (debugfs skb_grow, the selftests). */
static DEFINE_PER_CPU(u64 [KNTS_SKB_NR_GROW], knts_skb_grow_n);

#ifdef KNTS_DEBUG
/* Testing only (bench.c): take the reallocation path, as when no fragment. */
bool knts_skb_force_realloc;
#endif

u64 knts_skb_grow_count(enum knts_skb_grow how)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(knts_skb_grow_n, cpu)[how];
	return n;
}

/*
 * Walk the IPv6 header chain to the transport header, as the kernel's
 * input path will: hop-by-hop, routing, destination options and AH are
 * skipped by their own lengths; fragment headers are followed. Unlike
 * ipv6_skip_exthdr(), every failure is reported: a chain cut off at the
 * end of a first fragment (its rest, with the UDP header, is in the next
 * one) must not read as "not UDP". Any fragment header with more to come
 * marks @u as a fragment, wherever it is in the chain (nested ones too).
 */
static enum knts_skb_parse knts_skb_ip6_l4(const struct sk_buff *skb,
					   struct knts_udp *u,
					   unsigned int *l4)
{
	unsigned int off = skb_network_offset(skb) + sizeof(struct ipv6hdr);
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	int n;

	for (n = 0; n < KNTS_IP6_MAX_EXTHDRS; n++) {
		const struct ipv6_opt_hdr *hp;
		const struct frag_hdr *fh;
		struct ipv6_opt_hdr _hp;
		struct frag_hdr _fh;

		switch (nexthdr) {
		case NEXTHDR_UDP:
			*l4 = off;
			return KNTS_SKB_UDP;
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
		case NEXTHDR_AUTH:
			hp = skb_header_pointer(skb, off, sizeof(_hp), &_hp);
			if (!hp)
				return KNTS_SKB_BAD_EXTHDR;
			off += nexthdr == NEXTHDR_AUTH ? ipv6_authlen(hp) :
							ipv6_optlen(hp);
			nexthdr = hp->nexthdr;
			break;
		case NEXTHDR_FRAGMENT:
			fh = skb_header_pointer(skb, off, sizeof(_fh), &_fh);
			if (!fh)
				return KNTS_SKB_BAD_EXTHDR;
			/*
			 * A later fragment has no transport header to look
			 * at. Its datagram is only reassembled with the
			 * first fragment, and that one passes here.
			 */
			if (fh->frag_off & htons(IP6_OFFSET))
				return KNTS_SKB_OTHER;
			/* Offset 0, no more to come: an atomic fragment. */
			if (fh->frag_off & htons(IP6_MF))
				u->fragment = true;
			nexthdr = fh->nexthdr;
			off += sizeof(*fh);
			break;
		default:
			/* Another transport, ESP, or no next header. */
			return KNTS_SKB_OTHER;
		}
	}
	return KNTS_SKB_BAD_EXTHDR;
}

enum knts_skb_parse knts_skb_udp(struct sk_buff *skb, bool v6,
				 struct knts_udp *u)
{
	enum knts_skb_parse ret;
	struct udphdr _uh;
	const struct udphdr *uh;
	unsigned int l4, ulen, avail;

	memset(u, 0, sizeof(*u));
	u->v6 = v6;
	if (!v6) {
		const struct iphdr *iph = ip_hdr(skb);

		/*
		 * LOCAL_IN sees IPv4 datagrams reassembled (ip_local_deliver()
		 * defragments before the hook); only raw sockets send
		 * fragments through LOCAL_OUT, and they come back whole.
		 */
		if (iph->protocol != IPPROTO_UDP || ip_is_fragment(iph))
			return KNTS_SKB_OTHER;
		l4 = skb_network_offset(skb) + iph->ihl * 4;
	} else {
		ret = knts_skb_ip6_l4(skb, u, &l4);
		if (ret != KNTS_SKB_UDP)
			return ret;
	}
	uh = skb_header_pointer(skb, l4, sizeof(_uh), &_uh);
	if (!uh)
		return KNTS_SKB_BAD_UDP;
	u->l4 = l4;
	u->sport = uh->source;
	u->dport = uh->dest;
	/*
	 * A first fragment is reported whatever its UDP length says: that
	 * length covers the whole datagram, which is not here.
	 */
	if (u->fragment)
		return KNTS_SKB_UDP;
	/*
	 * The UDP length as udp_rcv() will read it: IPv6 takes 0 to mean
	 * "up to the end of the packet" (__udp6_lib_rcv(), for jumbograms),
	 * both families drop a length under 8 or beyond the packet and
	 * ignore bytes after it.
	 */
	avail = skb->len - l4;
	ulen = ntohs(uh->len);
	if (v6 && !ulen)
		ulen = avail;
	if (ulen < sizeof(*uh) || ulen > avail)
		return KNTS_SKB_BAD_UDP;
	u->len = ulen - sizeof(*uh);
	return KNTS_SKB_UDP;
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

	/*
	 * Left for the device, or for validate_xmit_skb() where it cannot
	 * (a local socket's skb on a route with checksum offload: veth,
	 * virtio-net, nearly every NIC; udp4_hwcsum() and
	 * udp6_hwcsum_outgoing() set it up so): only the pseudo-header's
	 * length changed, and the payload, in a fragment or not, is summed
	 * where it is sent.
	 */
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    skb_checksum_start(skb) == (unsigned char *)uh &&
	    skb->csum_offset == offsetof(struct udphdr, check)) {
		if (!u->v6)
			uh->check = ~csum_tcpudp_magic(ip_hdr(skb)->saddr,
						       ip_hdr(skb)->daddr,
						       ulen, IPPROTO_UDP, 0);
		else
			uh->check = ~csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
						     &ipv6_hdr(skb)->daddr,
						     ulen, IPPROTO_UDP, 0);
		return;
	}
	uh->check = 0;
	/* A grown payload may sit in a page fragment (knts_skb_resize()). */
	if (skb_is_nonlinear(skb))
		csum = skb_checksum(skb, u->l4, ulen, 0);
	else
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

void knts_skb_udp_csum_in(struct sk_buff *skb, const struct knts_udp *u)
{
	knts_skb_udp_csum(skb, u);
	/*
	 * knts_skb_udp_csum_ok() passed the datagram before knts cut it, and
	 * the field was just recomputed from what is left: summing it again
	 * in udp_rcv() or recvmsg() would find nothing new.
	 */
	if (skb->ip_summed == CHECKSUM_NONE) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		skb->csum_level = 0;
	}
}

/* Can the device the skb is routed to send page fragments as they are? */
static bool knts_skb_dev_sg(const struct sk_buff *skb)
{
	const struct dst_entry *dst = skb_dst(skb);

	/* no route (the in-kernel benchmark's skbs): as if it could */
	return !dst || !dst->dev || (dst->dev->features & NETIF_F_SG);
}

/*
 * The payload moved into one page fragment, the linear part cut back to
 * the end of the UDP header; the old payload (@u->len bytes) is copied
 * to the fragment's start. netdev_alloc_frag() carves the fragment from
 * a per-CPU page (GFP_ATOMIC, no slab allocation, no head copy): what
 * drivers build their receive skbs from, and freed with the skb like any
 * other fragment. The whole payload in one place keeps it contiguous for
 * the AEAD, which takes the NTP header as associated data.
 *
 * The socket that owns the skb was charged its truesize when the skb was
 * made, and is refunded that same figure when it is freed (sock_wfree()):
 * as pskb_expand_head() does, truesize grows only for an skb no socket
 * owns. Returns the payload, or NULL when the caller must reallocate.
 */
static u8 *knts_skb_grow_frag(struct sk_buff *skb, const struct knts_udp *u,
			      unsigned int new_len)
{
	unsigned int hlen = u->l4 + sizeof(struct udphdr);
	struct page *page;
	u8 *frag;

	if (new_len > KNTS_SKB_FRAG_MAX || skb_is_nonlinear(skb) ||
	    skb->len != hlen + u->len)
		return NULL;
	/*
	 * A device without scatter-gather would have the paged skb
	 * linearized before it sends it (validate_xmit_skb()): a head copy
	 * anyway, plus the fragment's. Reallocate here instead. (qemu's
	 * virtio-net on its user-mode network is one: make bench-icount
	 * measured 716 more instructions on the reply leg through it.)
	 */
	if (!knts_skb_dev_sg(skb))
		return NULL;
#ifdef KNTS_DEBUG
	if (READ_ONCE(knts_skb_force_realloc))
		return NULL;
#endif
	frag = netdev_alloc_frag(new_len);
	if (!frag)
		return NULL;
	page = virt_to_head_page(frag);
	memcpy(frag, skb->data + hlen, u->len);
	__skb_trim(skb, hlen);
	skb_fill_page_desc(skb, 0, page, frag - (u8 *)page_address(page),
			   new_len);
	skb->len += new_len;
	skb->data_len += new_len;
	if (!skb->sk)
		skb->truesize += SKB_DATA_ALIGN(new_len);
	return frag;
}

u8 *knts_skb_resize(struct sk_buff *skb, struct knts_udp *u,
		    unsigned int new_len)
{
	unsigned int end = u->l4 + sizeof(struct udphdr) + u->len;
	enum knts_skb_grow how;
	u8 *pl;

	/*
	 * The whole packet linear and ours before it changes size: a
	 * daemon's reply sent with MSG_MORE, UDP_CORK or MSG_ZEROCOPY holds
	 * its data in page fragments, and skb_put() on a nonlinear skb is a
	 * BUG. Callers that took the payload already have it so.
	 */
	if (skb_ensure_writable(skb, skb->len))
		return NULL;
	/* Anything after the UDP datagram (link padding) goes first. */
	if (skb->len > end && pskb_trim(skb, end))
		return NULL;
	pl = NULL;
	if (new_len > u->len) {
		unsigned int extra = new_len - u->len;

		how = KNTS_SKB_GROW_TAILROOM;
		if (skb_tailroom(skb) < extra) {
			how = KNTS_SKB_GROW_FRAG;
			pl = knts_skb_grow_frag(skb, u, new_len);
			if (!pl) {
				how = KNTS_SKB_GROW_REALLOC;
				if (pskb_expand_head(skb, 0,
						     extra - skb_tailroom(skb),
						     GFP_ATOMIC))
					return NULL;
			}
		}
		if (!pl)
			skb_put(skb, extra);
		this_cpu_inc(knts_skb_grow_n[how]);
	} else if (new_len < u->len) {
		if (pskb_trim(skb, end - (u->len - new_len)))
			return NULL;
	}
	u->len = new_len;
	knts_skb_fix_lengths(skb, u);
	return pl ?: skb->data + u->l4 + sizeof(struct udphdr);
}
