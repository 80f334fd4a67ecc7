// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink commands of the client role: install, refill, remove and list
 * associations. Keys and cookies only ever travel into the kernel; they
 * are wiped from the request as soon as they are copied, and a get or a
 * dump reports counts, lengths and counters only.
 */
#include <linux/jiffies.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "assoc.h"
#include "compat.h"
#include "event.h"
#include "knts.h"
#include "netlink.h"

/* The cookies of one request, checked; at most a jar's worth. */
struct knts_nl_cookies {
	struct nlattr *a[KNTS_ASSOC_MAX_COOKIES];
	unsigned int n;
	u32 len;
};

/*
 * -EINVAL with @msg (a literal, as extack keeps only the pointer) and the
 * missing-attribute TLV when @attr is absent; else 0. The locals must not
 * be called __info: GENL_REQ_ATTR_CHECK declares one and would shadow it
 * with itself, uninitialised.
 */
#define knts_nl_missing(info, attr, msg) ({				\
	struct genl_info *__knts_info = (info);				\
	int __knts_err = 0;						\
									\
	if (GENL_REQ_ATTR_CHECK(__knts_info, (attr))) {			\
		NL_SET_ERR_MSG_MOD(__knts_info->extack, msg);		\
		__knts_err = -EINVAL;					\
	}								\
	__knts_err;							\
})

/* The server address and port a command names. */
static int knts_nl_parse_id(struct genl_info *info, struct knts_assoc_id *id)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **tb = info->attrs;
	int type;

	memset(id, 0, sizeof(*id));
	if (!tb[KNTS_A_ASSOC_ADDR4] == !tb[KNTS_A_ASSOC_ADDR6]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "name the server with exactly one of ADDR4 and ADDR6");
		return -EINVAL;
	}
	if (knts_nl_missing(info, KNTS_A_ASSOC_PORT,
			    "the server's UDP port is missing"))
		return -EINVAL;
	if (tb[KNTS_A_ASSOC_ADDR4]) {
		__be32 a4 = nla_get_in_addr(tb[KNTS_A_ASSOC_ADDR4]);

		if (ipv4_is_zeronet(a4) || ipv4_is_multicast(a4) ||
		    ipv4_is_lbcast(a4)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KNTS_A_ASSOC_ADDR4],
					    "not a unicast address");
			return -EINVAL;
		}
		ipv6_addr_set_v4mapped(a4, &id->addr);
	} else {
		id->addr = nla_get_in6_addr(tb[KNTS_A_ASSOC_ADDR6]);
		type = ipv6_addr_type(&id->addr);
		if (type == IPV6_ADDR_ANY || (type & IPV6_ADDR_MULTICAST) ||
		    (type & IPV6_ADDR_MAPPED)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KNTS_A_ASSOC_ADDR6],
					    "not a unicast IPv6 address (use ADDR4 for IPv4)");
			return -EINVAL;
		}
		id->v6 = true;
	}
	id->port = htons(nla_get_u16(tb[KNTS_A_ASSOC_PORT]));
	/* fe80::1 on eth0 and on eth1 are two servers; elsewhere, one. */
	if (knts_assoc_id_linklocal(id) != !!tb[KNTS_A_ASSOC_IFINDEX]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "IFINDEX is required with a link-local IPv6 address, and only then");
		return -EINVAL;
	}
	if (tb[KNTS_A_ASSOC_IFINDEX])
		id->ifindex = (int)nla_get_u32(tb[KNTS_A_ASSOC_IFINDEX]);
	return 0;
}

/*
 * Check a KNTS_A_ASSOC_COOKIES nest: 1..8 cookies of one length, a valid
 * one, and @want_len if it is not 0. Nothing is copied yet.
 */
static int knts_nl_parse_cookies(struct nlattr *nest, u32 want_len,
				 struct knts_nl_cookies *c,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	int rem;

	memset(c, 0, sizeof(*c));
	nla_for_each_nested(a, nest, rem) {
		u32 len = nla_len(a);

		if (nla_type(a) != KNTS_A_COOKIE) {
			NL_SET_ERR_MSG_ATTR(extack, a, "expected KNTS_A_COOKIE");
			return -EINVAL;
		}
		if (c->n == KNTS_ASSOC_MAX_COOKIES) {
			NL_SET_ERR_MSG_ATTR(extack, a, "more than 8 cookies");
			return -E2BIG;
		}
		if (len < KNTS_ASSOC_COOKIE_MIN || len > KNTS_ASSOC_COOKIE_MAX ||
		    len % 4) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "a cookie is 16..256 bytes, a multiple of 4");
			return -EINVAL;
		}
		if ((c->n && len != c->len) || (want_len && len != want_len)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "all cookies of an association have one length");
			return -EINVAL;
		}
		c->len = len;
		c->a[c->n++] = a;
	}
	if (!c->n) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "no cookies");
		return -EINVAL;
	}
	return 0;
}

/* Cookies are not keys, but they link requests: leave no copy behind. */
static void knts_nl_wipe(struct nlattr *a)
{
	if (a)
		memzero_explicit(nla_data(a), nla_len(a));
}

static void knts_nl_wipe_cookies(struct nlattr *nest)
{
	struct nlattr *a;
	int rem;

	if (!nest)
		return;
	nla_for_each_nested(a, nest, rem)
		knts_nl_wipe(a);
}

static void knts_nl_wipe_secrets(struct genl_info *info)
{
	knts_nl_wipe(info->attrs[KNTS_A_ASSOC_C2S]);
	knts_nl_wipe(info->attrs[KNTS_A_ASSOC_S2C]);
	knts_nl_wipe_cookies(info->attrs[KNTS_A_ASSOC_COOKIES]);
}

/*
 * The owner: a uid of the caller's user namespace, mapped into the
 * kernel's (sk_uid is a kuid). An unmapped uid could never match.
 */
static int knts_nl_owner(struct genl_info *info, struct knts_assoc *a)
{
	struct nlattr *attr = info->attrs[KNTS_A_ASSOC_OWNER_UID];
	kuid_t uid;

	if (!attr)
		return 0;
	uid = make_kuid(current_user_ns(), nla_get_u32(attr));
	if (!uid_valid(uid)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "the owner uid has no mapping in this user namespace");
		return -EINVAL;
	}
	a->owner = uid;
	a->has_owner = true;
	return 0;
}

/* CLOSED: no keys, no cookies, nothing else to say. */
static struct knts_assoc *knts_nl_build_closed(struct genl_info *info,
					       const struct knts_assoc_id *id,
					       int *err)
{
	struct nlattr **tb = info->attrs;

	*err = -EINVAL;
	if (tb[KNTS_A_ASSOC_AEAD] || tb[KNTS_A_ASSOC_C2S] ||
	    tb[KNTS_A_ASSOC_S2C] || tb[KNTS_A_ASSOC_COOKIES]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNTS_A_ASSOC_CLOSED],
				    "a closed association has no AEAD, keys or cookies");
		return NULL;
	}
	*err = -ENOMEM;
	return knts_assoc_new(id, 0, NULL, NULL, 0);
}

static struct knts_assoc *knts_nl_build_keyed(struct genl_info *info,
					      const struct knts_assoc_id *id,
					      int *err)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **tb = info->attrs;
	struct knts_nl_cookies c;
	struct knts_assoc *a;
	unsigned int i;
	u16 aead;

	*err = -EINVAL;
	if (knts_nl_missing(info, KNTS_A_ASSOC_AEAD, "the AEAD is missing") ||
	    knts_nl_missing(info, KNTS_A_ASSOC_C2S, "the C2S key is missing") ||
	    knts_nl_missing(info, KNTS_A_ASSOC_S2C, "the S2C key is missing") ||
	    knts_nl_missing(info, KNTS_A_ASSOC_COOKIES, "cookies are missing"))
		return NULL;
	aead = nla_get_u16(tb[KNTS_A_ASSOC_AEAD]);
	if (!knts_aead_key_len(aead) ||
	    nla_len(tb[KNTS_A_ASSOC_C2S]) != knts_aead_key_len(aead) ||
	    nla_len(tb[KNTS_A_ASSOC_S2C]) != knts_aead_key_len(aead)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the AEAD is 15, 16, 17 or 30, and C2S and S2C are as long as its key (32, 48, 64 or 16 bytes)");
		return NULL;
	}
	*err = knts_nl_parse_cookies(tb[KNTS_A_ASSOC_COOKIES], 0, &c, extack);
	if (*err)
		return NULL;
	a = knts_assoc_new(id, aead, nla_data(tb[KNTS_A_ASSOC_C2S]),
			   nla_data(tb[KNTS_A_ASSOC_S2C]), c.len);
	if (!a) {
		*err = -ENOMEM;
		return NULL;
	}
	/* Not published yet: no lock needed, but the helper wants it. */
	spin_lock_bh(&a->lock);
	for (i = 0; i < c.n; i++)
		knts_assoc_put_cookie(a, nla_data(c.a[i]));
	spin_unlock_bh(&a->lock);
	*err = 0;
	return a;
}

static struct knts_assoc *knts_nl_build(struct genl_info *info,
					const struct knts_assoc_id *id,
					int *err)
{
	struct knts_assoc *a;

	a = info->attrs[KNTS_A_ASSOC_CLOSED] ?
	    knts_nl_build_closed(info, id, err) :
	    knts_nl_build_keyed(info, id, err);
	if (a) {
		*err = knts_nl_owner(info, a);
		if (*err) {
			knts_assoc_free(a);
			a = NULL;
		}
	}
	return a;
}

int knts_nl_assoc_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_net *kn = knts_pernet(genl_info_net(info));
	struct knts_assoc_id id;
	struct knts_assoc *a;
	int err;

	err = knts_nl_parse_id(info, &id);
	a = err ? NULL : knts_nl_build(info, &id, &err);
	knts_nl_wipe_secrets(info);
	if (!a)
		return err;

	mutex_lock(&kn->lock);
	err = knts_assoc_insert(&kn->assocs, a);
	if (err) {
		mutex_unlock(&kn->lock);
		knts_assoc_free(a);
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the association table is full (64 servers)");
		return err;
	}
	err = knts_hooks_sync(kn);
	if (err) {
		knts_assoc_remove(&kn->assocs, &id);
		mutex_unlock(&kn->lock);
		NL_SET_ERR_MSG_MOD(info->extack, "cannot register the hooks");
		return err;
	}
	knts_event_start(kn);
	mutex_unlock(&kn->lock);
	return 0;
}

int knts_nl_assoc_cookies_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_net *kn = knts_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct knts_nl_cookies c;
	struct knts_assoc_id id;
	struct knts_assoc *a;
	unsigned int i;
	int err;

	err = knts_nl_parse_id(info, &id) ?:
	      knts_nl_missing(info, KNTS_A_ASSOC_COOKIES, "cookies are missing");
	if (err)
		goto out;
	mutex_lock(&kn->lock);
	a = knts_assoc_lookup(&kn->assocs, &id);
	if (!a) {
		NL_SET_ERR_MSG_MOD(extack, "no association with that address and port");
		err = -ENOENT;
	} else if (knts_assoc_closed(a)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the association is closed: it has no keys for cookies");
		err = -EINVAL;
	} else {
		err = knts_nl_parse_cookies(info->attrs[KNTS_A_ASSOC_COOKIES],
					    a->cookie_len, &c, extack);
	}
	if (!err) {
		spin_lock_bh(&a->lock);
		for (i = 0; i < c.n; i++)
			if (!knts_assoc_put_cookie(a, nla_data(c.a[i])))
				break;
		spin_unlock_bh(&a->lock);
	}
	mutex_unlock(&kn->lock);
out:
	knts_nl_wipe_secrets(info);
	return err;
}

int knts_nl_assoc_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_net *kn = knts_pernet(genl_info_net(info));
	struct knts_assoc_id id;
	int err;

	err = knts_nl_parse_id(info, &id);
	if (err)
		return err;
	mutex_lock(&kn->lock);
	err = knts_assoc_remove(&kn->assocs, &id);
	if (!err)
		knts_hooks_sync(kn);
	mutex_unlock(&kn->lock);
	if (err)
		NL_SET_ERR_MSG_MOD(info->extack,
				   "no association with that address and port");
	return err;
}

int knts_nl_put_assoc_id(struct sk_buff *msg, const struct knts_assoc_id *id)
{
	if (id->v6) {
		if (nla_put_in6_addr(msg, KNTS_A_ASSOC_ADDR6, &id->addr))
			return -EMSGSIZE;
	} else if (nla_put_in_addr(msg, KNTS_A_ASSOC_ADDR4,
				   id->addr.s6_addr32[3])) {
		return -EMSGSIZE;
	}
	if (id->ifindex && nla_put_u32(msg, KNTS_A_ASSOC_IFINDEX, id->ifindex))
		return -EMSGSIZE;
	return nla_put_u16(msg, KNTS_A_ASSOC_PORT, ntohs(id->port));
}

static u64 knts_nl_secs(unsigned long since)
{
	return div_u64(jiffies - since, HZ);
}

static int knts_nl_put_ctr(struct sk_buff *msg, int attr, u64 v)
{
	return nla_put_u64_64bit(msg, attr, v, KNTS_A_PAD);
}

/* One association: what it is and how it does. Table lock held. */
/* @cb: the dump this message is part of, or NULL. */
static int knts_nl_put_assoc(struct sk_buff *msg, struct netlink_callback *cb,
			     u32 portid, u32 seq, int flags,
			     struct knts_assoc *a)
{
	struct knts_assoc_counters ctr;
	unsigned long last_reply;
	u32 held;
	void *hdr;

	spin_lock_bh(&a->lock);
	ctr = a->ctr;
	held = a->n_cookies;
	last_reply = a->last_reply;
	spin_unlock_bh(&a->lock);

	hdr = genlmsg_put(msg, portid, seq, &knts_genl_family, flags,
			  KNTS_CMD_ASSOC_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (knts_nl_put_assoc_id(msg, &a->id) ||
	    nla_put_u16(msg, KNTS_A_ASSOC_AEAD, a->aead) ||
	    nla_put_u32(msg, KNTS_A_ASSOC_COOKIES_HELD, held) ||
	    nla_put_u32(msg, KNTS_A_ASSOC_COOKIE_LEN, a->cookie_len) ||
	    knts_nl_put_ctr(msg, KNTS_A_ASSOC_REQUESTS, ctr.requests) ||
	    knts_nl_put_ctr(msg, KNTS_A_ASSOC_REQ_DROPPED, ctr.req_dropped) ||
	    knts_nl_put_ctr(msg, KNTS_A_ASSOC_REPLIES_GOOD, ctr.good) ||
	    knts_nl_put_ctr(msg, KNTS_A_ASSOC_REPLIES_BAD, ctr.bad) ||
	    knts_nl_put_ctr(msg, KNTS_A_ASSOC_NAKS, ctr.naks) ||
	    knts_nl_put_ctr(msg, KNTS_A_ASSOC_AGE, knts_nl_secs(a->created)) ||
	    (last_reply && knts_nl_put_ctr(msg, KNTS_A_ASSOC_LAST_REPLY,
					   knts_nl_secs(last_reply))) ||
	    (knts_assoc_closed(a) && nla_put_flag(msg, KNTS_A_ASSOC_CLOSED)) ||
	    (a->has_owner &&
	     nla_put_u32(msg, KNTS_A_ASSOC_OWNER_UID,
			 from_kuid_munged(current_user_ns(), a->owner)))) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

int knts_nl_assoc_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_net *kn = knts_pernet(genl_info_net(info));
	struct knts_assoc_id id;
	struct knts_assoc *a;
	struct sk_buff *msg;
	int err;

	err = knts_nl_parse_id(info, &id);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&kn->lock);
	a = knts_assoc_lookup(&kn->assocs, &id);
	if (!a) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "no association with that address and port");
		err = -ENOENT;
	} else {
		err = knts_nl_put_assoc(msg, NULL, info->snd_portid,
					info->snd_seq, 0, a);
	}
	mutex_unlock(&kn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int knts_nl_assoc_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct knts_net *kn = knts_pernet(sock_net(skb->sk));
	unsigned int idx = cb->args[0];
	struct knts_assoc *a;

	mutex_lock(&kn->lock);
	/* Resumed by index: flag the parts if the table changed between. */
	cb->seq = kn->assocs.gen;
	for (; (a = knts_assoc_nth(&kn->assocs, idx)); idx++)
		if (knts_nl_put_assoc(skb, cb, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI, a))
			break;
	mutex_unlock(&kn->lock);
	cb->args[0] = idx;
	return skb->len;
}
