// SPDX-License-Identifier: GPL-2.0
/*
 * The roles' settings requests: KEYS_SET, SERVER_SET, SERVER_GET,
 * CLIENT_SET, CLIENT_GET (see nl_server.h).
 */
#include <errno.h>
#include <string.h>

#include <linux/knts.h>

#include "nl_server.h"

struct keys_req {
	const struct knts_master_key *keys;
	unsigned int n;
	uint32_t current_id;
};

static int put_keys(struct nl_msg *msg, void *arg)
{
	const struct keys_req *r = arg;
	struct nlattr *keys, *key;
	unsigned int i;

	keys = nla_nest_start(msg, KNTS_A_KEYS | NLA_F_NESTED);
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < r->n; i++) {
		key = nla_nest_start(msg, KNTS_A_KEY | NLA_F_NESTED);
		if (!key ||
		    nla_put_u32(msg, KNTS_A_KEY_ID, r->keys[i].id) ||
		    nla_put(msg, KNTS_A_KEY_SECRET, r->keys[i].len,
			    r->keys[i].key))
			return -ENOMEM;
		/* Only when needed: 15 is the default of every knts.ko. */
		if (r->keys[i].alg != KNTS_KEYFILE_ALG_SIV_CMAC_256 &&
		    nla_put_u16(msg, KNTS_A_KEY_AEAD, r->keys[i].alg))
			return -ENOMEM;
		nla_nest_end(msg, key);
	}
	nla_nest_end(msg, keys);
	return nla_put_u32(msg, KNTS_A_KEY_CURRENT, r->current_id) ?
	       -ENOMEM : 0;
}

int knts_nl_keys_set(struct knts_nl *nl, const struct knts_master_key *keys,
		     unsigned int n, uint32_t current_id)
{
	struct keys_req r = { keys, n, current_id };
	unsigned int i;

	if (!n || n > KNTS_MAX_KEYS)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!knts_keyfile_alg_ok(keys[i].alg, keys[i].len))
			return -EINVAL;
	return knts_nl_request(nl, KNTS_CMD_KEYS_SET, 0, put_keys, &r,
			       NULL, NULL);
}

struct server_req {
	bool has_enable;
	uint8_t enable;
	uint16_t port;
	uint8_t policy;
	struct knts_server_tune tune;
};

static int put_server(struct nl_msg *msg, void *arg)
{
	const struct server_req *c = arg;

	if (c->has_enable && nla_put_u8(msg, KNTS_A_SERVER_ENABLE, c->enable))
		return -ENOMEM;
	if (c->has_enable && c->enable &&
	    (nla_put_u16(msg, KNTS_A_SERVER_PORT, c->port) ||
	     nla_put_u8(msg, KNTS_A_SERVER_POLICY, c->policy)))
		return -ENOMEM;
	if (c->tune.pending_slots &&
	    nla_put_u32(msg, KNTS_A_SERVER_PENDING_SLOTS, c->tune.pending_slots))
		return -ENOMEM;
	if (c->tune.nak_rate &&
	    nla_put_u32(msg, KNTS_A_SERVER_NAK_RATE, c->tune.nak_rate))
		return -ENOMEM;
	return 0;
}

int knts_nl_server_set(struct knts_nl *nl, bool enable, uint16_t port,
		       uint8_t policy, const struct knts_server_tune *tune)
{
	struct server_req c = { true, enable, port, policy, { 0, 0 } };

	if (tune)
		c.tune = *tune;
	return knts_nl_request(nl, KNTS_CMD_SERVER_SET, 0, put_server, &c,
			       NULL, NULL);
}

int knts_nl_server_tune(struct knts_nl *nl, const struct knts_server_tune *tune)
{
	struct server_req c = { .tune = *tune };

	if (!tune->pending_slots && !tune->nak_rate)
		return -EINVAL;
	return knts_nl_request(nl, KNTS_CMD_SERVER_SET, 0, put_server, &c,
			       NULL, NULL);
}

static int get_server(struct nlattr **tb, void *arg)
{
	struct knts_server_state *st = arg;
	struct nlattr *k, *kt[KNTS_A_KEY_MAX + 1];
	int rem;

	if (!tb[KNTS_A_SERVER_ENABLE] || !tb[KNTS_A_SERVER_PORT])
		return -EPROTO;
	st->enabled = nla_get_u8(tb[KNTS_A_SERVER_ENABLE]);
	st->port = nla_get_u16(tb[KNTS_A_SERVER_PORT]);
	st->policy = tb[KNTS_A_SERVER_POLICY] ?
		     nla_get_u8(tb[KNTS_A_SERVER_POLICY]) : 0;
	st->current_id = tb[KNTS_A_KEY_CURRENT] ?
			 nla_get_u32(tb[KNTS_A_KEY_CURRENT]) : 0;
	st->has_current = !!tb[KNTS_A_KEY_CURRENT];
	if (tb[KNTS_A_SERVER_PENDING_SLOTS])
		st->tune.pending_slots =
			nla_get_u32(tb[KNTS_A_SERVER_PENDING_SLOTS]);
	if (tb[KNTS_A_SERVER_NAK_RATE])
		st->tune.nak_rate = nla_get_u32(tb[KNTS_A_SERVER_NAK_RATE]);
	if (!tb[KNTS_A_KEYS])
		return 0;
	nla_for_each_nested(k, tb[KNTS_A_KEYS], rem) {
		if (nla_parse_nested(kt, KNTS_A_KEY_MAX, k, NULL) ||
		    !kt[KNTS_A_KEY_ID])
			return -EPROTO;
		/* more than we can hold cannot be what we set */
		if (st->n_keys == KNTS_SERVER_STATE_KEYS)
			return -EPROTO;
		st->ids[st->n_keys++] = nla_get_u32(kt[KNTS_A_KEY_ID]);
	}
	return 0;
}

int knts_nl_server_get(struct knts_nl *nl, struct knts_server_state *st)
{
	memset(st, 0, sizeof(*st));
	return knts_nl_request(nl, KNTS_CMD_SERVER_GET, 0, NULL, NULL,
			       get_server, st);
}

static int put_client(struct nl_msg *msg, void *arg)
{
	const uint32_t *idle = arg;

	return nla_put_u32(msg, KNTS_A_CLIENT_IDLE_SECS, *idle) ? -ENOMEM : 0;
}

int knts_nl_client_set(struct knts_nl *nl, uint32_t idle_secs)
{
	return knts_nl_request(nl, KNTS_CMD_CLIENT_SET, 0, put_client,
			       &idle_secs, NULL, NULL);
}

static int get_client(struct nlattr **tb, void *arg)
{
	uint32_t *idle = arg;

	if (!tb[KNTS_A_CLIENT_IDLE_SECS])
		return -EPROTO;
	*idle = nla_get_u32(tb[KNTS_A_CLIENT_IDLE_SECS]);
	return 0;
}

int knts_nl_client_get(struct knts_nl *nl, uint32_t *idle_secs)
{
	return knts_nl_request(nl, KNTS_CMD_CLIENT_GET, 0, NULL, NULL,
			       get_client, idle_secs);
}
