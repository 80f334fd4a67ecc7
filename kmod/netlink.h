/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family, shared by the files that implement its
 * commands. Each command group has its own file; netlink.c holds the
 * family, its policy and its ops table.
 */
#ifndef _KNTS_NETLINK_H
#define _KNTS_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family knts_genl_family;

/* Index of the "events" group in the family's mcgrps. */
enum { KNTS_NL_MCGRP_EVENTS };

int knts_nl_assoc_set(struct sk_buff *skb, struct genl_info *info);
int knts_nl_assoc_cookies_add(struct sk_buff *skb, struct genl_info *info);
int knts_nl_assoc_del(struct sk_buff *skb, struct genl_info *info);
int knts_nl_assoc_get(struct sk_buff *skb, struct genl_info *info);
int knts_nl_assoc_dump(struct sk_buff *skb, struct netlink_callback *cb);

struct knts_assoc_id;
/* KNTS_A_ASSOC_ADDR4 or _ADDR6, and KNTS_A_ASSOC_PORT. */
int knts_nl_put_assoc_id(struct sk_buff *msg, const struct knts_assoc_id *id);

#endif /* _KNTS_NETLINK_H */
