// SPDX-License-Identifier: GPL-2.0
#include <linux/slab.h>

#include "stats.h"

struct knts_stats __percpu *knts_stats_alloc(void)
{
	struct knts_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu(struct knts_stats);
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

/* Sum @n counters over all CPUs into @sum (@n <= __KNTS_STAT_MAX). */
void knts_stats_sum(struct knts_stats __percpu *stats, u64 *sum, unsigned int n)
{
	unsigned int i, start;
	int cpu;

	memset(sum, 0, n * sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct knts_stats *s = per_cpu_ptr(stats, cpu);
		u64 snap[__KNTS_STAT_MAX];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < n; i++)
				snap[i] = u64_stats_read(&s->ctr[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < n; i++)
			sum[i] += snap[i];
	}
}
