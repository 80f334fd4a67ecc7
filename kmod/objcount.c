// SPDX-License-Identifier: GPL-2.0
/* Live object counters in debugfs (objcount.h). */
#include <linux/debugfs.h>

#include "objcount.h"

atomic_t knts_live_tables = ATOMIC_INIT(0);
atomic_t knts_live_keysets = ATOMIC_INIT(0);
atomic_t knts_live_assocs = ATOMIC_INIT(0);
static struct dentry *knts_debugfs;

/* Without debugfs these are no-ops; nothing depends on them. */
void knts_objcount_init(void)
{
	knts_debugfs = debugfs_create_dir("knts", NULL);
	debugfs_create_atomic_t("live_tables", 0400, knts_debugfs,
				&knts_live_tables);
	debugfs_create_atomic_t("live_keysets", 0400, knts_debugfs,
				&knts_live_keysets);
	debugfs_create_atomic_t("live_assocs", 0400, knts_debugfs,
				&knts_live_assocs);
}

void knts_objcount_exit(void)
{
	debugfs_remove_recursive(knts_debugfs);
}
