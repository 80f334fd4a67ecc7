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
#include "pending_set.h"
#include "server.h"
#include "version.h"

unsigned int knts_net_id __read_mostly;

/*
 * No module parameters: the table size, the NAK rate and the client's
 * idle time are settings of each namespace's roles (KNTS_CMD_SERVER_SET,
 * KNTS_CMD_CLIENT_SET), so that a container's owner tunes its own and
 * nothing needs a module reload.
 */

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

static struct knts_pending_set *knts_server_table(struct knts_net *kn)
{
	return rcu_dereference_protected(kn->pending,
					 lockdep_is_held(&kn->lock));
}

int knts_server_enable(struct knts_net *kn, u16 port, u8 policy)
{
	struct knts_pending_set *p;
	int err;

	lockdep_assert_held(&kn->lock);
	WRITE_ONCE(kn->srv_port, port);
	WRITE_ONCE(kn->srv_policy, policy);
	if (kn->srv_enabled)
		return 0;
	/* Small at first; grows up to the setting, charged to this task. */
	p = knts_pending_set_alloc(kn->srv_pending_slots);
	if (!p)
		return -ENOMEM;
	rcu_assign_pointer(kn->pending, p);
	/* Hooks that see the role enabled must see its table too. */
	smp_store_release(&kn->srv_enabled, true);
	err = knts_hooks_sync(kn);
	if (err) {
		WRITE_ONCE(kn->srv_enabled, false);
		synchronize_net();
		RCU_INIT_POINTER(kn->pending, NULL);
		knts_pending_set_free(p);
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
	knts_pending_set_free(knts_server_table(kn));
	RCU_INIT_POINTER(kn->pending, NULL);
}

/*
 * A new most takes effect at once: a table that already holds more
 * slots is replaced by an empty one. Its entries are lost, so the
 * replies to the requests in flight go out unsigned and their clients
 * ask again; refusing (-EBUSY) would instead force a disable, which
 * loses more. A larger most only lets the table grow further.
 */
int knts_server_set_slots(struct knts_net *kn, u32 slots)
{
	int err;

	lockdep_assert_held(&kn->lock);
	if (slots == kn->srv_pending_slots)
		return 0;
	if (kn->srv_enabled) {
		err = knts_pending_set_max(knts_server_table(kn), slots);
		if (err)
			return err;
	}
	kn->srv_pending_slots = slots;
	return 0;
}

/* Slots the in-flight table has now; 0 while the role is off. */
u32 knts_server_table_slots(struct knts_net *kn)
{
	lockdep_assert_held(&kn->lock);
	return kn->srv_enabled ?
	       knts_pending_set_slots(knts_server_table(kn)) : 0;
}

/* The namespace's NAK budget; ___ratelimit() reads burst once a call. */
void knts_server_set_nak_rate(struct knts_net *kn, u32 rate)
{
	unsigned long flags;

	lockdep_assert_held(&kn->lock);
	raw_spin_lock_irqsave(&kn->nak_limit.lock, flags);
	WRITE_ONCE(kn->nak_limit.burst, rate);
	raw_spin_unlock_irqrestore(&kn->nak_limit.lock, flags);
	kn->srv_nak_rate = rate;
}

static int __net_init knts_net_init(struct net *net)
{
	struct knts_net *kn = knts_pernet(net);

	kn->net = net;
	mutex_init(&kn->lock);
	kn->srv_port = 123;
	kn->srv_pending_slots = KNTS_PENDING_SLOTS_DEFAULT;
	kn->srv_nak_rate = KNTS_NAK_RATE_DEFAULT;
	kn->cli_idle_secs = KNTS_CLIENT_IDLE_DEFAULT;
	ratelimit_state_init(&kn->nak_limit, HZ, KNTS_NAK_RATE_DEFAULT);
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
	err = knts_pending_set_selftest() ?: knts_bench_run();
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
