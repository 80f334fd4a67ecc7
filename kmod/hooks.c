// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: cheap classification, then dispatch by role and
 * direction. Registered per namespace only while a role is in use, so
 * a namespace without knts configured pays nothing.
 *
 * One daemon on one port can be both an NTS client of an upstream server
 * and an NTS server for its own clients, so the roles are told apart by
 * the packet, never by the port alone: requests to and replies from an
 * association are the client role's; everything else to or from the
 * served port is the server role's (which looks only at requests in and
 * replies out).
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>

#include "client.h"
#include "knts.h"
#include "server.h"
#include "skb.h"

static bool knts_server_wants(struct knts_net *kn, const struct knts_udp *u,
			      bool in)
{
	/* Pairs with the release in knts_server_enable(): see pending. */
	if (!smp_load_acquire(&kn->srv_enabled))
		return false;
	return (in ? u->dport : u->sport) == htons(READ_ONCE(kn->srv_port));
}

/*
 * A GSO or GRO skb holds several datagrams that udp_rcv() delivers one
 * by one after segmenting it; parsed as one packet, its first segment
 * would decide for all. Coming in towards the protected port or from a
 * protected server, by port and address alone (the client role's mode
 * test reads only the first segment), it is dropped whole.
 */
static bool knts_hook_gso_in(struct knts_net *kn, const struct sk_buff *skb,
			     const struct knts_udp *u)
{
	if (!skb_is_gso(skb))
		return false;
	return knts_server_wants(kn, u, true) ||
	       knts_client_peer(kn, skb, u, true);
}

static unsigned int knts_hook(struct sk_buff *skb,
			      const struct nf_hook_state *state, bool v6)
{
	struct knts_net *kn = knts_pernet(state->net);
	bool in = state->hook == NF_INET_LOCAL_IN;
	unsigned int verdict = NF_ACCEPT;
	enum knts_skb_parse parse;
	struct knts_assoc *a;
	struct knts_udp u;

	parse = knts_skb_udp(skb, v6, &u);
	if (parse == KNTS_SKB_OTHER)
		return NF_ACCEPT;
	/* Per-CPU scratch and counters: one user per CPU at a time. */
	local_bh_disable();
	rcu_read_lock();
	if (parse != KNTS_SKB_UDP) {
		/*
		 * Fail closed: a packet knts cannot parse may be for the
		 * protected port or from a protected server; the hooks run
		 * only while a role is on in this namespace.
		 */
		knts_stats_inc(kn->stats, parse == KNTS_SKB_BAD_EXTHDR ?
			       KNTS_STAT_BAD_EXTHDR : KNTS_STAT_BAD_UDP);
		verdict = NF_DROP;
	} else if (in && knts_hook_gso_in(kn, skb, &u)) {
		knts_stats_inc(kn->stats, KNTS_STAT_GSO_DROPPED);
		verdict = NF_DROP;
	} else {
		a = knts_client_match(kn, skb, &u, in);
		if (a)
			verdict = in ? knts_client_in(kn, a, skb, &u) :
				       knts_client_out(kn, a, skb, &u);
		else if (knts_server_wants(kn, &u, in))
			verdict = in ? knts_server_in(kn, skb, &u) :
				       knts_server_out(kn, skb, &u);
	}
	rcu_read_unlock();
	local_bh_enable();
	return verdict;
}

static unsigned int knts_hook4(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	return knts_hook(skb, state, false);
}

static unsigned int knts_hook6(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	return knts_hook(skb, state, true);
}

/*
 * After the filter and security tables: a packet the firewall drops never
 * costs crypto, and a reply is signed only once its payload is final.
 */
static const struct nf_hook_ops knts_hook_ops[] = {
	{ .hook = knts_hook4, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP_PRI_SECURITY + 1 },
	{ .hook = knts_hook4, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP_PRI_SECURITY + 1 },
#if IS_ENABLED(CONFIG_IPV6)
	{ .hook = knts_hook6, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP6_PRI_SECURITY + 1 },
	{ .hook = knts_hook6, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP6_PRI_SECURITY + 1 },
#endif
};

int knts_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, knts_hook_ops,
				     ARRAY_SIZE(knts_hook_ops));
}

void knts_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, knts_hook_ops, ARRAY_SIZE(knts_hook_ops));
}
