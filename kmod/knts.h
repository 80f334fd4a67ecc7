/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state of knts and the module-wide wiring between
 * its parts. Each part owns its own header; this one only ties them.
 */
#ifndef _KNTS_KNTS_H
#define _KNTS_KNTS_H

#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "stats.h"

struct knts_net {
	struct net *net;
	struct knts_stats __percpu *stats;
};

extern unsigned int knts_net_id;

static inline struct knts_net *knts_pernet(const struct net *net)
{
	return net_generic(net, knts_net_id);
}

int knts_netlink_init(void);
void knts_netlink_exit(void);

int knts_siv_init(void);
void knts_siv_exit(void);
int knts_kat_run(void);

#endif /* _KNTS_KNTS_H */
