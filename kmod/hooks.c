// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: cheap classification, then dispatch by role and
 * direction. Registered per namespace only while a role is enabled, so
 * a namespace without knts configured pays nothing.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>

#include "knts.h"
#include "server.h"
#include "skb.h"

static unsigned int knts_hook(struct sk_buff *skb,
			      const struct nf_hook_state *state, bool v6)
{
	struct knts_net *kn = knts_pernet(state->net);
	bool in = state->hook == NF_INET_LOCAL_IN;
	__be16 port = htons(READ_ONCE(kn->srv_port));
	unsigned int verdict = NF_ACCEPT;
	struct knts_udp u;

	if (!knts_skb_udp(skb, v6, &u))
		return NF_ACCEPT;
	if (in ? u.dport != port : u.sport != port)
		return NF_ACCEPT;
	/* Per-CPU scratch and counters: one user per CPU at a time. */
	local_bh_disable();
	if (in)
		verdict = knts_server_in(kn, skb, &u);
	else
		verdict = knts_server_out(kn, skb, &u);
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
