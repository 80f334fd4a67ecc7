// SPDX-License-Identifier: GPL-2.0
/*
 * knts: module init/exit and per network namespace state. Nothing else
 * lives here; each concern has its own file.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>

#include "client.h"
#include "event.h"
#include "knts.h"
#include "objcount.h"
#include "pending.h"
#include "server.h"
#include "version.h"

unsigned int knts_net_id __read_mostly;

/* In-flight requests remembered per namespace (server role). */
static unsigned int pending_slots = 1024;
module_param(pending_slots, uint, 0444);
MODULE_PARM_DESC(pending_slots, "server role: in-flight request slots per namespace");

/* NTS NAKs per second per namespace; forged requests cost nothing to send. */
static unsigned int nak_rate = 1000;
module_param(nak_rate, uint, 0444);
MODULE_PARM_DESC(nak_rate, "server role: most NTS NAKs sent per second per namespace");

/*
 * The hooks stay registered while either role needs them: unregistering
 * waits for every hook in flight, registering costs nothing per packet
 * for a namespace that uses neither role.
 */
int knts_hooks_sync(struct knts_net *kn)
{
	bool want = kn->srv_enabled || kn->assocs.n;
	int err;

	lockdep_assert_held(&kn->lock);
	if (want == kn->hooks_on)
		return 0;
	if (want) {
		err = knts_hooks_register(kn->net);
		if (err)
			return err;
	} else {
		knts_hooks_unregister(kn->net);
	}
	kn->hooks_on = want;
	return 0;
}

int knts_server_enable(struct knts_net *kn, u16 port, u8 policy)
{
	int err;

	lockdep_assert_held(&kn->lock);
	WRITE_ONCE(kn->srv_port, port);
	WRITE_ONCE(kn->srv_policy, policy);
	if (kn->srv_enabled)
		return 0;
	kn->pending = knts_pending_alloc(pending_slots);
	if (!kn->pending)
		return -ENOMEM;
	/* Hooks that see the role enabled must see its table too. */
	smp_store_release(&kn->srv_enabled, true);
	err = knts_hooks_sync(kn);
	if (err) {
		WRITE_ONCE(kn->srv_enabled, false);
		synchronize_net();
		knts_pending_free(kn->pending);
		kn->pending = NULL;
		return err;
	}
	return 0;
}

void knts_server_disable(struct knts_net *kn)
{
	lockdep_assert_held(&kn->lock);
	if (!kn->srv_enabled)
		return;
	WRITE_ONCE(kn->srv_enabled, false);
	/*
	 * Unregistering waits for every hook in flight; if the client role
	 * keeps the hooks, wait for the hooks that saw the role enabled.
	 */
	knts_hooks_sync(kn);
	if (kn->hooks_on)
		synchronize_net();
	knts_pending_free(kn->pending);
	kn->pending = NULL;
}

static int __net_init knts_net_init(struct net *net)
{
	struct knts_net *kn = knts_pernet(net);

	kn->net = net;
	mutex_init(&kn->lock);
	kn->srv_port = 123;
	ratelimit_state_init(&kn->nak_limit, HZ, nak_rate);
	ratelimit_set_flags(&kn->nak_limit, RATELIMIT_MSG_ON_RELEASE);
	knts_nak_src_init(&kn->nak_src);
	knts_assoc_table_init(&kn->assocs, &kn->lock);
	knts_event_init(kn);
	kn->stats = knts_stats_alloc();
	if (!kn->stats)
		return -ENOMEM;
	return 0;
}

static void __net_exit knts_net_exit(struct net *net)
{
	struct knts_net *kn = knts_pernet(net);

	mutex_lock(&kn->lock);
	knts_assoc_flush(&kn->assocs);
	knts_server_disable(kn);
	knts_hooks_sync(kn);
	knts_keyset_replace(&kn->keys, NULL, &kn->lock);
	mutex_unlock(&kn->lock);
	/* No hook is left to raise an event: stop the worker for good. */
	knts_event_stop(kn);
	knts_stats_free(kn->stats);
}

static struct pernet_operations knts_net_ops = {
	.init = knts_net_init,
	.exit = knts_net_exit,
	.id = &knts_net_id,
	.size = sizeof(struct knts_net),
};

static int __init knts_init(void)
{
	int err;

	err = knts_siv_init();
	if (err)
		return err;
	err = knts_server_init();
	if (err)
		goto err_siv;
	err = knts_client_init();
	if (err)
		goto err_siv;
	err = knts_kat_run();
	if (err) {
		pr_err("known-answer self-tests failed: refusing to load\n");
		goto err_siv;
	}
	err = knts_bench_run();
	if (err)
		goto err_siv;
	err = register_pernet_subsys(&knts_net_ops);
	if (err)
		goto err_siv;
	err = knts_netlink_init();
	if (err)
		goto err_pernet;
	knts_objcount_init();
	pr_info("knts " KNTS_VERSION " loaded\n");
	return 0;

err_pernet:
	unregister_pernet_subsys(&knts_net_ops);
err_siv:
	knts_client_exit();
	knts_server_exit();
	knts_siv_exit();
	return err;
}

static void __exit knts_exit(void)
{
	knts_objcount_exit();
	knts_netlink_exit();
	unregister_pernet_subsys(&knts_net_ops);
	/* Key sets freed by call_rcu() must be gone before our code is. */
	rcu_barrier();
	knts_client_exit();
	knts_server_exit();
	knts_siv_exit();
}

module_init(knts_init);
module_exit(knts_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Network Time Security (RFC 8915) for unmodified NTP daemons");
MODULE_VERSION(KNTS_VERSION);
MODULE_ALIAS_GENL_FAMILY(KNTS_FAMILY_NAME);
MODULE_SOFTDEP("pre: cmac ctr");
