/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/knts.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_KNTS_GEN_H
#define _LINUX_KNTS_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/knts.h>

/* Common nested types */
extern const struct nla_policy knts_cookies_nl_policy[KNTS_A_COOKIE + 1];
extern const struct nla_policy knts_key_nl_policy[KNTS_A_KEY_AEAD + 1];
extern const struct nla_policy knts_keys_nl_policy[KNTS_A_KEY + 1];

extern const struct nla_policy knts_stats_get_nl_policy[KNTS_A_UNSPEC + 1];

extern const struct nla_policy knts_server_set_nl_policy[KNTS_A_SERVER_POLICY + 1];

extern const struct nla_policy knts_server_get_nl_policy[KNTS_A_UNSPEC + 1];

extern const struct nla_policy knts_keys_set_nl_policy[KNTS_A_KEY_CURRENT + 1];

extern const struct nla_policy knts_assoc_set_nl_policy[KNTS_A_ASSOC_IFINDEX + 1];

extern const struct nla_policy knts_assoc_cookies_add_nl_policy[KNTS_A_ASSOC_IFINDEX + 1];

extern const struct nla_policy knts_assoc_del_nl_policy[KNTS_A_ASSOC_IFINDEX + 1];

extern const struct nla_policy knts_assoc_get_nl_policy[KNTS_A_ASSOC_IFINDEX + 1];

/* Ops table for knts */
extern const struct genl_ops knts_nl_ops[8];

int knts_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int knts_nl_server_set_doit(struct sk_buff *skb, struct genl_info *info);
int knts_nl_server_get_doit(struct sk_buff *skb, struct genl_info *info);
int knts_nl_keys_set_doit(struct sk_buff *skb, struct genl_info *info);
int knts_nl_assoc_set_doit(struct sk_buff *skb, struct genl_info *info);
int knts_nl_assoc_cookies_add_doit(struct sk_buff *skb, struct genl_info *info);
int knts_nl_assoc_del_doit(struct sk_buff *skb, struct genl_info *info);
int knts_nl_assoc_get_doit(struct sk_buff *skb, struct genl_info *info);
int knts_nl_assoc_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

enum {
	KNTS_NLGRP_EVENTS,
};

#endif /* _LINUX_KNTS_GEN_H */
