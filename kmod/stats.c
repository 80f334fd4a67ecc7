// SPDX-License-Identifier: GPL-2.0
#include <linux/slab.h>

#include "stats.h"

struct knts_stats __percpu *knts_stats_alloc(void)
{
	struct knts_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu_gfp(struct knts_stats, GFP_KERNEL_ACCOUNT);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

void knts_stats_free(struct knts_stats __percpu *stats)
{
	free_percpu(stats);
}

/* Sum every counter over all CPUs. */
void knts_stats_sum(struct knts_stats __percpu *stats,
		    struct knts_stats_sum *sum)
{
	unsigned int i, start;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct knts_stats *s = per_cpu_ptr(stats, cpu);
		u64 ctr[__KNTS_STAT_MAX], bad[__KNTS_EF_E_MAX];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < __KNTS_STAT_MAX; i++)
				ctr[i] = u64_stats_read(&s->ctr[i]);
			for (i = 0; i < __KNTS_EF_E_MAX; i++)
				bad[i] = u64_stats_read(&s->malformed[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < __KNTS_STAT_MAX; i++)
			sum->ctr[i] += ctr[i];
		for (i = 0; i < __KNTS_EF_E_MAX; i++)
			sum->malformed[i] += bad[i];
	}
}
