// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/knts.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/knts.h>

/* Common nested types */
const struct nla_policy knts_cookies_nl_policy[KNTS_A_COOKIE + 1] = {
	[KNTS_A_COOKIE] = { .type = NLA_BINARY, },
};

const struct nla_policy knts_key_nl_policy[KNTS_A_KEY_AEAD + 1] = {
	[KNTS_A_KEY_ID] = { .type = NLA_U32, },
	[KNTS_A_KEY_SECRET] = { .type = NLA_BINARY, },
	[KNTS_A_KEY_AGE] = { .type = NLA_U64, },
	[KNTS_A_KEY_AEAD] = NLA_POLICY_RANGE(NLA_U16, 15, 30),
};

const struct nla_policy knts_keys_nl_policy[KNTS_A_KEY + 1] = {
	[KNTS_A_KEY] = NLA_POLICY_NESTED(knts_key_nl_policy),
};

/* KNTS_CMD_STATS_GET - do */
const struct nla_policy knts_stats_get_nl_policy[KNTS_A_UNSPEC + 1] = {
};

/* KNTS_CMD_SERVER_SET - do */
const struct nla_policy knts_server_set_nl_policy[KNTS_A_SERVER_POLICY + 1] = {
	[KNTS_A_SERVER_ENABLE] = NLA_POLICY_MAX(NLA_U8, 1),
	[KNTS_A_SERVER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNTS_A_SERVER_POLICY] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* KNTS_CMD_SERVER_GET - do */
const struct nla_policy knts_server_get_nl_policy[KNTS_A_UNSPEC + 1] = {
};

/* KNTS_CMD_KEYS_SET - do */
const struct nla_policy knts_keys_set_nl_policy[KNTS_A_KEY_CURRENT + 1] = {
	[KNTS_A_KEYS] = NLA_POLICY_NESTED(knts_keys_nl_policy),
	[KNTS_A_KEY_CURRENT] = { .type = NLA_U32, },
};

/* KNTS_CMD_ASSOC_SET - do */
const struct nla_policy knts_assoc_set_nl_policy[KNTS_A_ASSOC_IFINDEX + 1] = {
	[KNTS_A_ASSOC_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[KNTS_A_ASSOC_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[KNTS_A_ASSOC_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNTS_A_ASSOC_AEAD] = NLA_POLICY_RANGE(NLA_U16, 15, 30),
	[KNTS_A_ASSOC_C2S] = { .type = NLA_BINARY, },
	[KNTS_A_ASSOC_S2C] = { .type = NLA_BINARY, },
	[KNTS_A_ASSOC_COOKIES] = NLA_POLICY_NESTED(knts_cookies_nl_policy),
	[KNTS_A_ASSOC_CLOSED] = { .type = NLA_FLAG, },
	[KNTS_A_ASSOC_OWNER_UID] = { .type = NLA_U32, },
	[KNTS_A_ASSOC_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* KNTS_CMD_ASSOC_COOKIES_ADD - do */
const struct nla_policy knts_assoc_cookies_add_nl_policy[KNTS_A_ASSOC_IFINDEX + 1] = {
	[KNTS_A_ASSOC_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[KNTS_A_ASSOC_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[KNTS_A_ASSOC_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNTS_A_ASSOC_COOKIES] = NLA_POLICY_NESTED(knts_cookies_nl_policy),
	[KNTS_A_ASSOC_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* KNTS_CMD_ASSOC_DEL - do */
const struct nla_policy knts_assoc_del_nl_policy[KNTS_A_ASSOC_IFINDEX + 1] = {
	[KNTS_A_ASSOC_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[KNTS_A_ASSOC_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[KNTS_A_ASSOC_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNTS_A_ASSOC_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* KNTS_CMD_ASSOC_GET - do */
const struct nla_policy knts_assoc_get_nl_policy[KNTS_A_ASSOC_IFINDEX + 1] = {
	[KNTS_A_ASSOC_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[KNTS_A_ASSOC_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[KNTS_A_ASSOC_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KNTS_A_ASSOC_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* Ops table for knts */
const struct genl_ops knts_nl_ops[8] = {
	{
		.cmd		= KNTS_CMD_STATS_GET,
		.doit		= knts_nl_stats_get_doit,
		.policy		= knts_stats_get_nl_policy,
		.maxattr	= KNTS_A_UNSPEC,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= KNTS_CMD_SERVER_SET,
		.doit		= knts_nl_server_set_doit,
		.policy		= knts_server_set_nl_policy,
		.maxattr	= KNTS_A_SERVER_POLICY,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= KNTS_CMD_SERVER_GET,
		.doit		= knts_nl_server_get_doit,
		.policy		= knts_server_get_nl_policy,
		.maxattr	= KNTS_A_UNSPEC,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= KNTS_CMD_KEYS_SET,
		.doit		= knts_nl_keys_set_doit,
		.policy		= knts_keys_set_nl_policy,
		.maxattr	= KNTS_A_KEY_CURRENT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= KNTS_CMD_ASSOC_SET,
		.doit		= knts_nl_assoc_set_doit,
		.policy		= knts_assoc_set_nl_policy,
		.maxattr	= KNTS_A_ASSOC_IFINDEX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= KNTS_CMD_ASSOC_COOKIES_ADD,
		.doit		= knts_nl_assoc_cookies_add_doit,
		.policy		= knts_assoc_cookies_add_nl_policy,
		.maxattr	= KNTS_A_ASSOC_IFINDEX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= KNTS_CMD_ASSOC_DEL,
		.doit		= knts_nl_assoc_del_doit,
		.policy		= knts_assoc_del_nl_policy,
		.maxattr	= KNTS_A_ASSOC_IFINDEX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= KNTS_CMD_ASSOC_GET,
		.doit		= knts_nl_assoc_get_doit,
		.dumpit		= knts_nl_assoc_get_dumpit,
		.policy		= knts_assoc_get_nl_policy,
		.maxattr	= KNTS_A_ASSOC_IFINDEX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group knts_nl_mcgrps[] = {
	[KNTS_NLGRP_EVENTS] = { "events", },
};
