/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state of knts and the module-wide wiring between
 * its parts. Each part owns its own header; this one only ties them.
 */
#ifndef _KNTS_KNTS_H
#define _KNTS_KNTS_H

#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "keys.h"
#include "stats.h"

struct knts_pending;

struct knts_net {
	struct net *net;
	struct knts_stats __percpu *stats;
	struct mutex lock;		/* serialises configuration changes */

	/* server role; the hooks read these locklessly */
	struct knts_keyset __rcu *keys;
	struct knts_pending *pending;	/* allocated while enabled */
	u16 srv_port;
	u8 srv_policy;
	bool srv_enabled;
	struct ratelimit_state nak_limit;
};

extern unsigned int knts_net_id;

static inline struct knts_net *knts_pernet(const struct net *net)
{
	return net_generic(net, knts_net_id);
}

int knts_netlink_init(void);
void knts_netlink_exit(void);

int knts_hooks_register(struct net *net);
void knts_hooks_unregister(struct net *net);

int knts_server_enable(struct knts_net *kn, u16 port, u8 policy);
void knts_server_disable(struct knts_net *kn);

int knts_siv_init(void);
void knts_siv_exit(void);
int knts_kat_run(void);
/* Testing only: the in-kernel micro benchmark (bench=N), 0 when not asked. */
int knts_bench_run(void);

#endif /* _KNTS_KNTS_H */
