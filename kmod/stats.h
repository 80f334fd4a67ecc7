/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU counters, one set per network namespace. The packet path only
 * increments its own CPU's copy, so counting never bounces a cache line
 * between cores; readers sum under u64_stats retry loops.
 */
#ifndef _KNTS_STATS_H
#define _KNTS_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <uapi/linux/knts.h>

struct knts_stats {
	u64_stats_t ctr[__KNTS_STAT_MAX];
	struct u64_stats_sync syncp;
};

struct knts_stats __percpu *knts_stats_alloc(void);
void knts_stats_free(struct knts_stats __percpu *stats);
void knts_stats_sum(struct knts_stats __percpu *stats, u64 *sum, unsigned int n);

static inline void knts_stats_inc(struct knts_stats __percpu *stats,
				  enum knts_stat which)
{
	struct knts_stats *s = get_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->ctr[which]);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(stats);
}

#endif /* _KNTS_STATS_H */
