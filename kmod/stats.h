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

#include "ef.h"

struct knts_stats {
	u64_stats_t ctr[__KNTS_STAT_MAX];
	u64_stats_t malformed[__KNTS_EF_E_MAX];	/* by enum knts_ef_reason */
	struct u64_stats_sync syncp;
};

struct knts_stats_sum {
	u64 ctr[__KNTS_STAT_MAX];
	u64 malformed[__KNTS_EF_E_MAX];
};

struct knts_stats __percpu *knts_stats_alloc(void);
void knts_stats_free(struct knts_stats __percpu *stats);
void knts_stats_sum(struct knts_stats __percpu *stats,
		    struct knts_stats_sum *sum);

/*
 * Writers run with bottom halves disabled (the hooks ensure it), so a
 * softirq can never interrupt another writer of the same CPU's copy.
 */
static inline void knts_stats_inc(struct knts_stats __percpu *stats,
				  enum knts_stat which)
{
	struct knts_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->ctr[which]);
	u64_stats_update_end(&s->syncp);
}

static inline void knts_stats_malformed(struct knts_stats __percpu *stats,
					unsigned int reason)
{
	struct knts_stats *s = this_cpu_ptr(stats);

	if (reason >= __KNTS_EF_E_MAX)
		reason = 0;
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->ctr[KNTS_STAT_SRV_REQ_MALFORMED]);
	u64_stats_inc(&s->malformed[reason]);
	u64_stats_update_end(&s->syncp);
}

#endif /* _KNTS_STATS_H */
