// SPDX-License-Identifier: GPL-2.0
/*
 * Sending an NTS NAK from inside the LOCAL_IN hook: a new, small UDP
 * packet addressed back to the client and sent through the normal output
 * path, as nf_reject_ipv4/ipv6 do for TCP resets, and marked as they mark
 * theirs: traffic class 0, the request's mark only where the fwmark_reflect
 * sysctl asks for it, the request's conntrack attached (the NAK is its
 * reply, not a new flow). This is the only place knts allocates per
 * packet, and it runs only for requests that failed authentication, within
 * the budgets of nak_limit.c.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ktime.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "nak.h"
#include "skb.h"

/* NTP timestamps count from 1900; Unix time from 1970. */
#define KNTS_NTP_UNIX_DELTA 2208988800ULL

static void knts_nak_stamp(u8 *payload)
{
	struct timespec64 ts;
	u64 ntp;

	ktime_get_real_ts64(&ts);
	ntp = ((u64)ts.tv_sec + KNTS_NTP_UNIX_DELTA) << 32 |
	      div_u64((u64)ts.tv_nsec << 32, NSEC_PER_SEC);
	knts_put_be32(payload + KNTS_NTP_OFF_RX, ntp >> 32);
	knts_put_be32(payload + KNTS_NTP_OFF_RX + 4, (u32)ntp);
	memcpy(payload + KNTS_NTP_OFF_TX, payload + KNTS_NTP_OFF_RX,
	       KNTS_NTP_TS_LEN);
}

static struct udphdr *knts_nak_udp(struct sk_buff *nskb,
				   const struct knts_udp *u,
				   const u8 *payload, unsigned int len)
{
	struct udphdr *uh;

	skb_reset_transport_header(nskb);
	uh = skb_put(nskb, sizeof(*uh));
	uh->source = u->dport;
	uh->dest = u->sport;
	uh->len = htons(sizeof(*uh) + len);
	uh->check = 0;
	skb_put_data(nskb, payload, len);
	return uh;
}

static int knts_nak_send4(struct net *net, struct sk_buff *req,
			  const struct knts_udp *u, const u8 *payload,
			  unsigned int len)
{
	const struct iphdr *oiph = ip_hdr(req);
	struct knts_udp nu = { .l4 = sizeof(struct iphdr), .len = len };
	struct sk_buff *nskb;
	struct iphdr *iph;

	nskb = alloc_skb(LL_MAX_HEADER + sizeof(*iph) + sizeof(struct udphdr) +
			 len, GFP_ATOMIC);
	if (!nskb)
		return -ENOMEM;
	skb_reserve(nskb, LL_MAX_HEADER);
	skb_reset_network_header(nskb);
	iph = skb_put(nskb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = 0;
	iph->id = 0;
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = oiph->daddr;
	iph->daddr = oiph->saddr;
	iph->tot_len = htons(sizeof(*iph) + sizeof(struct udphdr) + len);
	knts_nak_udp(nskb, u, payload, len);
	nskb->protocol = htons(ETH_P_IP);
	nskb->mark = IP4_REPLY_MARK(net, req->mark);
	/* ip_route_me_harder() expects a dst to start from (nf_reject does so). */
	skb_dst_set_noref(nskb, skb_dst(req));
	if (ip_route_me_harder(net, NULL, nskb, RTN_UNSPEC)) {
		kfree_skb(nskb);
		return -EHOSTUNREACH;
	}
	iph = ip_hdr(nskb);
	iph->ttl = ip4_dst_hoplimit(skb_dst(nskb));
	ip_send_check(iph);
	knts_skb_udp_csum(nskb, &nu);
	nf_ct_attach(nskb, req);
	return ip_local_out(net, NULL, nskb) < 0 ? -EIO : 0;
}

#if IS_ENABLED(CONFIG_IPV6)
static int knts_nak_send6(struct net *net, struct sk_buff *req,
			  const struct knts_udp *u, const u8 *payload,
			  unsigned int len)
{
	const struct ipv6hdr *oip6h = ipv6_hdr(req);
	struct knts_udp nu = { .l4 = sizeof(struct ipv6hdr), .len = len,
			       .v6 = true };
	struct sk_buff *nskb;
	struct ipv6hdr *ip6h;

	nskb = alloc_skb(LL_MAX_HEADER + sizeof(*ip6h) +
			 sizeof(struct udphdr) + len, GFP_ATOMIC);
	if (!nskb)
		return -ENOMEM;
	skb_reserve(nskb, LL_MAX_HEADER);
	skb_reset_network_header(nskb);
	ip6h = skb_put(nskb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = 64;
	ip6h->saddr = oip6h->daddr;
	ip6h->daddr = oip6h->saddr;
	ip6h->payload_len = htons(sizeof(struct udphdr) + len);
	knts_nak_udp(nskb, u, payload, len);
	nskb->protocol = htons(ETH_P_IPV6);
	nskb->mark = IP6_REPLY_MARK(net, req->mark);
	skb_dst_set_noref(nskb, skb_dst(req));
	if (ip6_route_me_harder(net, NULL, nskb)) {
		kfree_skb(nskb);
		return -EHOSTUNREACH;
	}
	ip6h = ipv6_hdr(nskb);
	ip6h->hop_limit = ip6_dst_hoplimit(skb_dst(nskb));
	knts_skb_udp_csum(nskb, &nu);
	nf_ct_attach(nskb, req);
	return ip6_local_out(net, NULL, nskb) < 0 ? -EIO : 0;
}
#endif

int knts_nak_send(struct net *net, struct sk_buff *req,
		  const struct knts_udp *u, u8 *payload, unsigned int len)
{
	knts_nak_stamp(payload);
	if (!u->v6)
		return knts_nak_send4(net, req, u, payload, len);
#if IS_ENABLED(CONFIG_IPV6)
	return knts_nak_send6(net, req, u, payload, len);
#else
	return -EAFNOSUPPORT;
#endif
}
