/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency histogram for ntsload: log-linear buckets (64 per power of two,
 * so a value is known to within 1.6%), exact below 64 ns, from 0 to about
 * 68 s. Recording is one clz and an increment: cheap enough per reply.
 */
#ifndef NTSLOAD_HIST_H
#define NTSLOAD_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS	6
#define HIST_SUB	(1u << HIST_SUB_BITS)
#define HIST_MAX_EXP	36			/* 2^36 ns ~ 68.7 s */
#define HIST_BUCKETS	((HIST_MAX_EXP - HIST_SUB_BITS + 2) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t max;
	uint64_t sum;
	uint64_t bucket[HIST_BUCKETS];
};

void hist_add(struct hist *h, uint64_t ns);
/* Value at quantile q (0..1): the upper edge of its bucket, 0 if empty */
uint64_t hist_quantile(const struct hist *h, double q);
void hist_merge(struct hist *into, const struct hist *from);

#endif /* NTSLOAD_HIST_H */
