// SPDX-License-Identifier: GPL-2.0
/*
 * The "knts" generic netlink family: admin-only ops, and nothing that
 * could ever return key or cookie bytes. The policies (one per command,
 * nested ones for nests) and the op table are generated from
 * docs/netlink/knts.yaml into netlink-gen.c; the family is written here
 * (the spec says why).
 *
 * Who is an admin: CAP_NET_ADMIN over the requester's network namespace,
 * i.e. in the user namespace that owns it (GENL_UNS_ADMIN_PERM, as
 * WireGuard does), for every command, reading ones included, and for the
 * events group (GENL_MCAST_CAP_NET_ADMIN checks the same). Every command
 * acts on that namespace only, and its tables are charged to the memory
 * cgroup of whoever enabled them, so the root of an unprivileged user
 * namespace configures knts in the network namespaces it owns, and in no
 * other. GENL_ADMIN_PERM would ask for CAP_NET_ADMIN in the initial user
 * namespace and make knts unusable in containers without protecting
 * anyone more.
 */
#include <net/genetlink.h>

#include "compat.h"
#include "cookie.h"
#include "event.h"
#include "knts.h"
#include "netlink.h"

/* Put @n counters starting at index @first as u64 attributes of @type. */
static int knts_nl_put_counters(struct sk_buff *msg, int type, const u64 *v,
				unsigned int first, unsigned int n)
{
	struct nlattr *nest = nla_nest_start(msg, type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = first; i < n; i++)
		if (nla_put_u64_64bit(msg, i, v[i], KNTS_STAT_PAD))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int knts_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_net *kn = knts_pernet(genl_info_net(info));
	struct knts_stats_sum *sum;
	struct sk_buff *msg;
	void *hdr;
	int err = -ENOMEM;

	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!sum || !msg)
		goto fail;
	knts_stats_sum(kn->stats, sum);
	err = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &knts_genl_family, 0,
				KNTS_CMD_STATS_GET);
	if (!hdr ||
	    knts_nl_put_counters(msg, KNTS_A_STATS, sum->ctr,
				 KNTS_STAT_PAD + 1, __KNTS_STAT_MAX) ||
	    knts_nl_put_counters(msg, KNTS_A_MALFORMED, sum->malformed,
				 KNTS_EF_OK + 1, __KNTS_EF_E_MAX))
		goto fail;
	genlmsg_end(msg, hdr);
	kfree(sum);
	return genlmsg_reply(msg, info);
fail:
	kfree(sum);
	nlmsg_free(msg);
	return err;
}

/* KNTS_CMD_SERVER_SET without ENABLE changes the settings alone. */
static int knts_nl_server_check(struct genl_info *info)
{
	struct nlattr **tb = info->attrs;

	if (tb[KNTS_A_SERVER_ENABLE])
		return 0;
	if (!tb[KNTS_A_SERVER_PENDING_SLOTS] && !tb[KNTS_A_SERVER_NAK_RATE]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "give enable, pending slots or NAK rate");
		return -EINVAL;
	}
	if (tb[KNTS_A_SERVER_PORT] || tb[KNTS_A_SERVER_POLICY]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "port and policy are set with enable");
		return -EINVAL;
	}
	return 0;
}

int knts_nl_server_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_net *kn = knts_pernet(genl_info_net(info));
	struct nlattr **tb = info->attrs;
	u8 policy = KNTS_POLICY_MIXED;
	struct nlattr *a;
	u16 port = 123;
	int err;

	err = knts_nl_server_check(info);
	if (err)
		return err;
	if (tb[KNTS_A_SERVER_PORT])
		port = nla_get_u16(tb[KNTS_A_SERVER_PORT]);
	if (tb[KNTS_A_SERVER_POLICY])
		policy = nla_get_u8(tb[KNTS_A_SERVER_POLICY]);

	mutex_lock(&kn->lock);
	/* The size first: enabling then allocates the table once. */
	a = tb[KNTS_A_SERVER_PENDING_SLOTS];
	if (a) {
		err = knts_server_set_slots(kn, nla_get_u32(a));
		if (err) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "no memory for a table of that size");
			goto out;
		}
	}
	a = tb[KNTS_A_SERVER_NAK_RATE];
	if (a)
		knts_server_set_nak_rate(kn, nla_get_u32(a));
	if (!tb[KNTS_A_SERVER_ENABLE])
		goto out;
	if (nla_get_u8(tb[KNTS_A_SERVER_ENABLE]))
		err = knts_server_enable(kn, port, policy);
	else
		knts_server_disable(kn);
	if (err)
		NL_SET_ERR_MSG_MOD(info->extack, "cannot enable the server role");
out:
	mutex_unlock(&kn->lock);
	return err;
}

static int knts_nl_put_keys(struct sk_buff *msg, const struct knts_keyset *ks)
{
	u64 age = div_u64(jiffies - ks->installed, HZ);
	struct nlattr *keys, *key;
	unsigned int i;

	keys = nla_nest_start(msg, KNTS_A_KEYS);
	if (!keys)
		return -EMSGSIZE;
	for (i = 0; i < ks->n; i++) {
		key = nla_nest_start(msg, KNTS_A_KEY);
		if (!key ||
		    nla_put_u32(msg, KNTS_A_KEY_ID, ks->keys[i].id) ||
		    nla_put_u64_64bit(msg, KNTS_A_KEY_AGE, age, KNTS_A_KEY_PAD))
			return -EMSGSIZE;
		nla_nest_end(msg, key);
	}
	nla_nest_end(msg, keys);
	return nla_put_u32(msg, KNTS_A_KEY_CURRENT,
			   ks->keys[ks->current_idx].id);
}

int knts_nl_server_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_net *kn = knts_pernet(genl_info_net(info));
	const struct knts_keyset *ks;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &knts_genl_family, 0,
				KNTS_CMD_SERVER_GET);
	if (!hdr)
		goto nla_put_failure;
	mutex_lock(&kn->lock);
	ks = rcu_dereference_protected(kn->keys, lockdep_is_held(&kn->lock));
	if (nla_put_u8(msg, KNTS_A_SERVER_ENABLE, kn->srv_enabled) ||
	    nla_put_u16(msg, KNTS_A_SERVER_PORT, kn->srv_port) ||
	    nla_put_u8(msg, KNTS_A_SERVER_POLICY, kn->srv_policy) ||
	    nla_put_u32(msg, KNTS_A_SERVER_PENDING_SLOTS,
			kn->srv_pending_slots) ||
	    nla_put_u32(msg, KNTS_A_SERVER_NAK_RATE, kn->srv_nak_rate) ||
	    nla_put_u32(msg, KNTS_A_SERVER_PENDING_TABLE,
			knts_server_table_slots(kn)) ||
	    (ks && knts_nl_put_keys(msg, ks))) {
		mutex_unlock(&kn->lock);
		goto nla_put_failure;
	}
	mutex_unlock(&kn->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* Parse one KNTS_A_KEY into @mk; wipes the secret in the message. */
static int knts_nl_parse_key(struct nlattr *nest, struct knts_master_key *mk,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[ARRAY_SIZE(knts_key_nl_policy)];
	int err, len;

	err = nla_parse_nested(tb, ARRAY_SIZE(knts_key_nl_policy) - 1, nest,
			       knts_key_nl_policy, extack);
	if (err)
		return err;
	/* The policy is the nest's, replies included: refuse what they hold. */
	if (tb[KNTS_A_KEY_AGE]) {
		if (tb[KNTS_A_KEY_SECRET])
			memzero_explicit(nla_data(tb[KNTS_A_KEY_SECRET]),
					 nla_len(tb[KNTS_A_KEY_SECRET]));
		NL_SET_ERR_MSG_ATTR(extack, tb[KNTS_A_KEY_AGE],
				    "a key's age is read-only");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, KNTS_A_KEY_ID) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, KNTS_A_KEY_SECRET)) {
		NL_SET_ERR_MSG_MOD(extack, "a key needs an ID and a secret");
		return -EINVAL;
	}
	mk->id = nla_get_u32(tb[KNTS_A_KEY_ID]);
	mk->alg = tb[KNTS_A_KEY_AEAD] ? nla_get_u16(tb[KNTS_A_KEY_AEAD]) :
		  KNTS_AEAD_AES_SIV_CMAC_256;
	len = nla_len(tb[KNTS_A_KEY_SECRET]);
	if (!knts_cookie_master_len(mk->alg) ||
	    len != knts_cookie_master_len(mk->alg)) {
		memzero_explicit(nla_data(tb[KNTS_A_KEY_SECRET]), len);
		NL_SET_ERR_MSG_MOD(extack,
				   "a key is 32 bytes of algorithm 15 or 16 bytes of algorithm 30");
		return -EINVAL;
	}
	memcpy(mk->key, nla_data(tb[KNTS_A_KEY_SECRET]), len);
	memzero_explicit(nla_data(tb[KNTS_A_KEY_SECRET]), len);
	return 0;
}

int knts_nl_keys_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_net *kn = knts_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct knts_keyset *ks;
	struct nlattr *a;
	unsigned int i;
	u32 current_id;
	int rem, err;

	if (GENL_REQ_ATTR_CHECK(info, KNTS_A_KEYS) ||
	    GENL_REQ_ATTR_CHECK(info, KNTS_A_KEY_CURRENT))
		return -EINVAL;
	current_id = nla_get_u32(info->attrs[KNTS_A_KEY_CURRENT]);
	ks = knts_keyset_alloc(GFP_KERNEL_ACCOUNT);
	if (!ks)
		return -ENOMEM;
	err = 0;
	nla_for_each_nested(a, info->attrs[KNTS_A_KEYS], rem) {
		if (nla_type(a) != KNTS_A_KEY) {
			NL_SET_ERR_MSG_ATTR(extack, a, "expected KNTS_A_KEY");
			err = -EINVAL;
		} else if (ks->n == KNTS_MAX_KEYS) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many keys");
			err = -E2BIG;
		} else {
			err = knts_nl_parse_key(a, &ks->keys[ks->n], extack);
		}
		if (err)
			goto fail;
		for (i = 0; i < ks->n; i++) {
			if (ks->keys[i].id == ks->keys[ks->n].id) {
				NL_SET_ERR_MSG_ATTR(extack, a, "duplicate key ID");
				err = -EINVAL;
				goto fail;
			}
		}
		if (ks->keys[ks->n].id == current_id)
			ks->current_idx = ks->n;
		ks->n++;
	}
	if (!ks->n || ks->keys[ks->current_idx].id != current_id) {
		NL_SET_ERR_MSG_MOD(extack, "the current key ID is not in the set");
		err = -EINVAL;
		goto fail;
	}
	ks->installed = jiffies;
	err = knts_keyset_prepare(ks);
	if (err)
		goto fail;
	mutex_lock(&kn->lock);
	knts_keyset_replace(&kn->keys, ks, &kn->lock);
	mutex_unlock(&kn->lock);
	return 0;
fail:
	knts_keyset_free(ks);
	return err;
}

int knts_nl_client_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_net *kn = knts_pernet(genl_info_net(info));

	if (GENL_REQ_ATTR_CHECK(info, KNTS_A_CLIENT_IDLE_SECS)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the idle time is missing");
		return -EINVAL;
	}
	mutex_lock(&kn->lock);
	knts_event_set_idle(kn, nla_get_u32(info->attrs[KNTS_A_CLIENT_IDLE_SECS]));
	mutex_unlock(&kn->lock);
	return 0;
}

int knts_nl_client_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_net *kn = knts_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &knts_genl_family, 0,
				KNTS_CMD_CLIENT_GET);
	if (!hdr || nla_put_u32(msg, KNTS_A_CLIENT_IDLE_SECS,
				READ_ONCE(kn->cli_idle_secs))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Not the generated group: this one says who may join (compat.h). */
static const struct genl_multicast_group knts_nl_mcgrps_perm[] = {
	[KNTS_NLGRP_EVENTS] = KNTS_GENL_MCGRP(KNTS_MCGRP_EVENTS),
};

/*
 * No family policy or maxattr: each op has its own (knts_nl_ops), and a
 * family maxattr would stand in for the 0 of the ops that take no
 * attributes while their empty policy stayed.
 */
struct genl_family knts_genl_family __ro_after_init = {
	.name = KNTS_FAMILY_NAME,
	.version = KNTS_FAMILY_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = knts_nl_ops,
	.n_ops = ARRAY_SIZE(knts_nl_ops),
	.mcgrps = knts_nl_mcgrps_perm,
	.n_mcgrps = ARRAY_SIZE(knts_nl_mcgrps_perm),
};

/*
 * Event workers of namespaces still alive at unload may be running while
 * the family goes away: they check this under the mutex before sending.
 */
static DEFINE_MUTEX(knts_nl_notify_lock);
static bool knts_nl_registered;

int __init knts_netlink_init(void)
{
	int err = genl_register_family(&knts_genl_family);

	if (!err) {
		mutex_lock(&knts_nl_notify_lock);
		knts_nl_registered = true;
		mutex_unlock(&knts_nl_notify_lock);
	}
	return err;
}

void knts_netlink_exit(void)
{
	mutex_lock(&knts_nl_notify_lock);
	knts_nl_registered = false;
	mutex_unlock(&knts_nl_notify_lock);
	genl_unregister_family(&knts_genl_family);
}

int knts_nl_notify(struct net *net, const struct knts_assoc_id *id,
		   unsigned int type, u32 cookies_held)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &knts_genl_family, 0, KNTS_CMD_EVENT);
	if (!hdr || knts_nl_put_assoc_id(msg, id) ||
	    nla_put_u8(msg, KNTS_A_EVENT, type) ||
	    nla_put_u32(msg, KNTS_A_ASSOC_COOKIES_HELD, cookies_held)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	mutex_lock(&knts_nl_notify_lock);
	if (knts_nl_registered) {
		err = genlmsg_multicast_netns(&knts_genl_family, net, msg, 0,
					      KNTS_NLGRP_EVENTS, GFP_KERNEL);
	} else {
		nlmsg_free(msg);
		err = -ESHUTDOWN;
	}
	mutex_unlock(&knts_nl_notify_lock);
	/* Nobody listening is not a failure. */
	return err == -ESRCH ? 0 : err;
}
