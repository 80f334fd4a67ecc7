// SPDX-License-Identifier: GPL-2.0
/*
 * The "knts" generic netlink family. Per-op policies, admin-only ops, and
 * nothing that could ever return key or cookie bytes.
 */
#include <net/genetlink.h>

#include "knts.h"

static struct genl_family knts_genl_family;

static int knts_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_net *kn = knts_pernet(genl_info_net(info));
	u64 sum[__KNTS_STAT_MAX];
	struct nlattr *nest;
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;

	knts_stats_sum(kn->stats, sum, __KNTS_STAT_MAX);

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &knts_genl_family, 0,
				KNTS_CMD_STATS_GET);
	if (!hdr)
		goto nla_put_failure;
	nest = nla_nest_start(msg, KNTS_A_STATS);
	if (!nest)
		goto nla_put_failure;
	for (i = KNTS_STAT_PAD + 1; i < __KNTS_STAT_MAX; i++)
		if (nla_put_u64_64bit(msg, i, sum[i], KNTS_STAT_PAD))
			goto nla_put_failure;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct nla_policy knts_nl_policy[KNTS_A_MAX + 1] = {
	[KNTS_A_STATS] = { .type = NLA_REJECT },
};

static const struct genl_small_ops knts_nl_ops[] = {
	{
		.cmd = KNTS_CMD_STATS_GET,
		.doit = knts_nl_stats_get,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family knts_genl_family __ro_after_init = {
	.name = KNTS_FAMILY_NAME,
	.version = KNTS_FAMILY_VERSION,
	.maxattr = KNTS_A_MAX,
	.policy = knts_nl_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = knts_nl_ops,
	.n_small_ops = ARRAY_SIZE(knts_nl_ops),
};

int __init knts_netlink_init(void)
{
	return genl_register_family(&knts_genl_family);
}

void knts_netlink_exit(void)
{
	genl_unregister_family(&knts_genl_family);
}
