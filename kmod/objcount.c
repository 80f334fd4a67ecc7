// SPDX-License-Identifier: GPL-2.0
/* Live object counters in debugfs (objcount.h). */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "gcmsiv_key.h"
#include "objcount.h"
#include "siv_impl.h"
#include "skb.h"

atomic_t knts_live_tables = ATOMIC_INIT(0);
atomic_t knts_live_keysets = ATOMIC_INIT(0);
atomic_t knts_live_assocs = ATOMIC_INIT(0);
static struct dentry *knts_debugfs;

/*
 * AES-SIV and AES-128-GCM-SIV operations per backend and the FPU
 * sections knts opened, since the load: lets the selftests see which
 * backend the packets took, and that a leg's operations share a section.
 */
static int knts_siv_ops_show(struct seq_file *m, void *v)
{
	unsigned int i;

	for (i = 0; i < KNTS_SIV_NR_IMPL; i++)
		seq_printf(m, "%s %llu\n", knts_siv_impl_name(i),
			   knts_siv_impl_ops(i));
	seq_printf(m, "fpu_sections %llu\n", knts_siv_ni_sections());
	/* AES-128-GCM-SIV (AEAD 30) operations, on its two backends. */
	seq_printf(m, "gcm_aesni %llu\n", knts_gcmsiv_ops(true));
	seq_printf(m, "gcm_lib %llu\n", knts_gcmsiv_ops(false));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(knts_siv_ops);

/*
 * How payloads grew since the load (knts_skb_resize()): lets the
 * selftests see that replies and requests took the tailroom or a page
 * fragment, never a head reallocation.
 */
static int knts_skb_grow_show(struct seq_file *m, void *v)
{
	static const char *const names[KNTS_SKB_NR_GROW] = {
		[KNTS_SKB_GROW_TAILROOM] = "tailroom",
		[KNTS_SKB_GROW_FRAG] = "frag",
		[KNTS_SKB_GROW_REALLOC] = "realloc",
	};
	unsigned int i;

	for (i = 0; i < KNTS_SKB_NR_GROW; i++)
		seq_printf(m, "%s %llu\n", names[i], knts_skb_grow_count(i));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(knts_skb_grow);

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
	debugfs_create_file("siv_ops", 0400, knts_debugfs, NULL,
			    &knts_siv_ops_fops);
	debugfs_create_file("skb_grow", 0400, knts_debugfs, NULL,
			    &knts_skb_grow_fops);
}

void knts_objcount_exit(void)
{
	debugfs_remove_recursive(knts_debugfs);
}
