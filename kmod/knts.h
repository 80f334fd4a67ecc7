/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state of knts and the module-wide wiring between
 * its parts. Each part owns its own header; this one only ties them.
 */
#ifndef _KNTS_KNTS_H
#define _KNTS_KNTS_H

#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "assoc.h"
#include "keys.h"
#include "nak_limit.h"
#include "stats.h"

struct knts_pending_set;

struct knts_net {
	struct net *net;
	struct knts_stats __percpu *stats;
	struct mutex lock;		/* serialises configuration changes */

	/* server role; the hooks read these locklessly */
	struct knts_keyset __rcu *keys;
	struct knts_pending_set __rcu *pending;	/* allocated while enabled */
	u32 srv_pending_slots;		/* the most the table may grow to */
	u32 srv_nak_rate;		/* NAKs per second, as set */
	u16 srv_port;
	u8 srv_policy;
	bool srv_enabled;		/* published after pending */
	struct ratelimit_state nak_limit;
	struct knts_nak_src nak_src;	/* per-source NAK budget */

	/* client role: active while there are associations */
	struct knts_assoc_table assocs;
	struct delayed_work event_work;
	u32 cli_idle_secs;		/* idle event after; 0: never */

	bool hooks_on;			/* either role active */
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
/* Register or unregister the hooks as the roles in use demand. */
int knts_hooks_sync(struct knts_net *kn);

int knts_server_enable(struct knts_net *kn, u16 port, u8 policy);
void knts_server_disable(struct knts_net *kn);
int knts_server_set_slots(struct knts_net *kn, u32 slots);
u32 knts_server_table_slots(struct knts_net *kn);
void knts_server_set_nak_rate(struct knts_net *kn, u32 rate);

struct knts_assoc_id;
/* Multicast one KNTS_CMD_EVENT in @net; process context. */
int knts_nl_notify(struct net *net, const struct knts_assoc_id *id,
		   unsigned int type, u32 cookies_held);

int knts_siv_init(void);
void knts_siv_exit(void);
int knts_kat_run(void);
#ifdef KNTS_DEBUG
/* Testing only: the in-kernel micro benchmark (bench=N), 0 when not asked. */
int knts_bench_run(void);
#else
static inline int knts_bench_run(void) { return 0; }
#endif

#endif /* _KNTS_KNTS_H */
