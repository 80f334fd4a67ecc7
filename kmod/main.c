// SPDX-License-Identifier: GPL-2.0
/*
 * knts: module init/exit and per network namespace state. Nothing else
 * lives here; each concern has its own file.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "knts.h"
#include "version.h"

unsigned int knts_net_id __read_mostly;

static int __net_init knts_net_init(struct net *net)
{
	struct knts_net *kn = knts_pernet(net);

	kn->net = net;
	kn->stats = knts_stats_alloc();
	if (!kn->stats)
		return -ENOMEM;
	return 0;
}

static void __net_exit knts_net_exit(struct net *net)
{
	struct knts_net *kn = knts_pernet(net);

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
	err = knts_kat_run();
	if (err) {
		pr_err("known-answer self-tests failed: refusing to load\n");
		goto err_siv;
	}
	err = register_pernet_subsys(&knts_net_ops);
	if (err)
		goto err_siv;
	err = knts_netlink_init();
	if (err)
		goto err_pernet;
	pr_info("knts " KNTS_VERSION " loaded\n");
	return 0;

err_pernet:
	unregister_pernet_subsys(&knts_net_ops);
err_siv:
	knts_siv_exit();
	return err;
}

static void __exit knts_exit(void)
{
	knts_netlink_exit();
	unregister_pernet_subsys(&knts_net_ops);
	knts_siv_exit();
}

module_init(knts_init);
module_exit(knts_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Network Time Security (RFC 8915) for unmodified NTP daemons");
MODULE_VERSION(KNTS_VERSION);
MODULE_ALIAS_GENL_FAMILY(KNTS_FAMILY_NAME);
MODULE_SOFTDEP("pre: cmac ctr");
