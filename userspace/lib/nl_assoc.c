// SPDX-License-Identifier: GPL-2.0
/* Client-role association requests and events (see nl_assoc.h). */
#include <errno.h>
#include <string.h>

#include <linux/knts.h>
#include <netlink/genl/genl.h>

#include "nl_assoc.h"

static int put_id(struct nl_msg *msg, const struct knts_assoc_id *id)
{
	int err = id->family == AF_INET6 ?
		  nla_put(msg, KNTS_A_ASSOC_ADDR6, 16, id->addr) :
		  nla_put(msg, KNTS_A_ASSOC_ADDR4, 4, id->addr);

	if (err || nla_put_u16(msg, KNTS_A_ASSOC_PORT, id->port))
		return -ENOMEM;
	if (id->ifindex && nla_put_u32(msg, KNTS_A_ASSOC_IFINDEX, id->ifindex))
		return -ENOMEM;
	return 0;
}

static int fill_id(struct nl_msg *msg, void *arg)
{
	return put_id(msg, arg);
}

struct set_req {
	const struct knts_assoc_id *id;
	const struct knts_ke_result *res;	/* NULL: closed */
	const uint32_t *owner_uid;
};

static int fill_set(struct nl_msg *msg, void *arg)
{
	const struct set_req *r = arg;
	const struct knts_ke_result *res = r->res;
	struct nlattr *nest;
	size_t i;

	if (put_id(msg, r->id) ||
	    (r->owner_uid &&
	     nla_put_u32(msg, KNTS_A_ASSOC_OWNER_UID, *r->owner_uid)))
		return -ENOMEM;
	if (!res)
		return nla_put_flag(msg, KNTS_A_ASSOC_CLOSED) ? -ENOMEM : 0;
	if (nla_put_u16(msg, KNTS_A_ASSOC_AEAD, res->aead) ||
	    nla_put(msg, KNTS_A_ASSOC_C2S, (int)res->key_len, res->c2s) ||
	    nla_put(msg, KNTS_A_ASSOC_S2C, (int)res->key_len, res->s2c))
		return -ENOMEM;
	nest = nla_nest_start(msg, KNTS_A_ASSOC_COOKIES | NLA_F_NESTED);
	if (!nest)
		return -ENOMEM;
	for (i = 0; i < res->n_cookies; i++)
		if (nla_put(msg, KNTS_A_COOKIE, (int)res->cookie_len[i],
			    res->cookie[i]))
			return -ENOMEM;
	nla_nest_end(msg, nest);
	return 0;
}

int knts_nl_assoc_set(struct knts_nl *nl, const struct knts_assoc_id *id,
		      const struct knts_ke_result *res,
		      const uint32_t *owner_uid)
{
	struct set_req r = { id, res, owner_uid };

	if (!res->n_cookies || res->n_cookies > KNTS_ASSOC_MAX_COOKIES ||
	    !res->key_len || res->key_len > sizeof(res->c2s))
		return -EINVAL;
	return knts_nl_request(nl, KNTS_CMD_ASSOC_SET, 0, fill_set, &r,
			       NULL, NULL);
}

int knts_nl_assoc_set_closed(struct knts_nl *nl,
			     const struct knts_assoc_id *id,
			     const uint32_t *owner_uid)
{
	struct set_req r = { id, NULL, owner_uid };

	return knts_nl_request(nl, KNTS_CMD_ASSOC_SET, 0, fill_set, &r,
			       NULL, NULL);
}

int knts_nl_assoc_del(struct knts_nl *nl, const struct knts_assoc_id *id)
{
	return knts_nl_request(nl, KNTS_CMD_ASSOC_DEL, 0, fill_id,
			       (void *)id, NULL, NULL);
}

static uint64_t get_u64(struct nlattr *a)
{
	return a && nla_len(a) == sizeof(uint64_t) ? nla_get_u64(a) : 0;
}

static uint32_t get_u32(struct nlattr *a)
{
	return a && nla_len(a) == sizeof(uint32_t) ? nla_get_u32(a) : 0;
}

/* Address and port from @tb; -1 unless exactly one well-formed address. */
static int parse_id(struct nlattr **tb, struct knts_assoc_id *id)
{
	struct nlattr *a4 = tb[KNTS_A_ASSOC_ADDR4], *a6 = tb[KNTS_A_ASSOC_ADDR6];
	struct nlattr *port = tb[KNTS_A_ASSOC_PORT];

	memset(id, 0, sizeof(*id));
	if (!port || nla_len(port) != sizeof(uint16_t) || !a4 == !a6)
		return -1;
	if (a4) {
		if (nla_len(a4) != 4)
			return -1;
		id->family = AF_INET;
		memcpy(id->addr, nla_data(a4), 4);
	} else {
		if (nla_len(a6) != 16)
			return -1;
		id->family = AF_INET6;
		memcpy(id->addr, nla_data(a6), 16);
	}
	id->port = nla_get_u16(port);
	id->ifindex = get_u32(tb[KNTS_A_ASSOC_IFINDEX]);
	return 0;
}

int knts_assoc_info_parse(struct nlattr **tb, struct knts_assoc_info *info)
{
	memset(info, 0, sizeof(*info));
	if (parse_id(tb, &info->id) || !tb[KNTS_A_ASSOC_AEAD] ||
	    nla_len(tb[KNTS_A_ASSOC_AEAD]) != sizeof(uint16_t))
		return -1;
	info->aead = nla_get_u16(tb[KNTS_A_ASSOC_AEAD]);
	info->cookies = get_u32(tb[KNTS_A_ASSOC_COOKIES_HELD]);
	info->cookie_len = get_u32(tb[KNTS_A_ASSOC_COOKIE_LEN]);
	info->requests = get_u64(tb[KNTS_A_ASSOC_REQUESTS]);
	info->req_dropped = get_u64(tb[KNTS_A_ASSOC_REQ_DROPPED]);
	info->good = get_u64(tb[KNTS_A_ASSOC_REPLIES_GOOD]);
	info->bad = get_u64(tb[KNTS_A_ASSOC_REPLIES_BAD]);
	info->naks = get_u64(tb[KNTS_A_ASSOC_NAKS]);
	info->age = get_u64(tb[KNTS_A_ASSOC_AGE]);
	info->has_last_reply = tb[KNTS_A_ASSOC_LAST_REPLY] != NULL;
	info->last_reply = get_u64(tb[KNTS_A_ASSOC_LAST_REPLY]);
	info->closed = tb[KNTS_A_ASSOC_CLOSED] != NULL;
	info->has_owner = tb[KNTS_A_ASSOC_OWNER_UID] != NULL;
	info->owner_uid = get_u32(tb[KNTS_A_ASSOC_OWNER_UID]);
	return 0;
}

int knts_assoc_event_parse(struct nlattr **tb, struct knts_assoc_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (parse_id(tb, &ev->id) || !tb[KNTS_A_EVENT] ||
	    nla_len(tb[KNTS_A_EVENT]) != sizeof(uint8_t))
		return -1;
	ev->type = nla_get_u8(tb[KNTS_A_EVENT]);
	ev->cookies = get_u32(tb[KNTS_A_ASSOC_COOKIES_HELD]);
	return 0;
}

static int on_get(struct nlattr **tb, void *arg)
{
	struct knts_assoc_info *info = arg;

	return knts_assoc_info_parse(tb, info) ? -EPROTO : 0;
}

int knts_nl_assoc_get(struct knts_nl *nl, const struct knts_assoc_id *id,
		      struct knts_assoc_info *info)
{
	memset(info, 0, sizeof(*info));
	return knts_nl_request(nl, KNTS_CMD_ASSOC_GET, 0, fill_id, (void *)id,
			       on_get, info);
}

struct dump_req {
	int (*fn)(const struct knts_assoc_info *info, void *arg);
	void *arg;
};

static int on_dump(struct nlattr **tb, void *arg)
{
	const struct dump_req *d = arg;
	struct knts_assoc_info info;

	if (knts_assoc_info_parse(tb, &info))
		return -EPROTO;
	return d->fn(&info, d->arg);
}

int knts_nl_assoc_dump(struct knts_nl *nl,
		       int (*fn)(const struct knts_assoc_info *info, void *arg),
		       void *arg)
{
	struct dump_req d = { fn, arg };

	return knts_nl_request(nl, KNTS_CMD_ASSOC_GET, NLM_F_DUMP, NULL, NULL,
			       on_dump, &d);
}
