/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family, shared by the files that implement its
 * commands. Each command group has its own file; netlink.c holds the
 * family. The policies, the op table and the handlers' prototypes are
 * generated from docs/netlink/knts.yaml (netlink-gen.h).
 */
#ifndef _KNTS_NETLINK_H
#define _KNTS_NETLINK_H

#include <net/genetlink.h>

#include "netlink-gen.h"

extern struct genl_family knts_genl_family;

struct knts_assoc_id;
/* KNTS_A_ASSOC_ADDR4 or _ADDR6, and KNTS_A_ASSOC_PORT. */
int knts_nl_put_assoc_id(struct sk_buff *msg, const struct knts_assoc_id *id);

#endif /* _KNTS_NETLINK_H */
