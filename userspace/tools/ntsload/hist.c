// SPDX-License-Identifier: GPL-2.0
/*
 * Log-linear latency histogram; see hist.h. Bucket b < 64 holds the value
 * b exactly; above, each power of two [2^e, 2^(e+1)) is cut into 64 equal
 * slices, so bucket = (e - 5) * 64 + (v >> (e - 6)) - 64.
 */
#include "hist.h"

static unsigned int hist_index(uint64_t v)
{
	unsigned int e;

	if (v < HIST_SUB)
		return (unsigned int)v;
	e = 63u - (unsigned int)__builtin_clzll(v);
	if (e > HIST_MAX_EXP)
		return HIST_BUCKETS - 1;
	return (e - HIST_SUB_BITS + 1) * HIST_SUB +
	       (unsigned int)(v >> (e - HIST_SUB_BITS)) - HIST_SUB;
}

/* Largest value that falls into bucket b */
static uint64_t hist_upper(unsigned int b)
{
	unsigned int e, s;

	if (b < HIST_SUB)
		return b;
	e = b / HIST_SUB + HIST_SUB_BITS - 1;
	s = b % HIST_SUB + HIST_SUB;
	return (((uint64_t)s + 1) << (e - HIST_SUB_BITS)) - 1;
}

void hist_add(struct hist *h, uint64_t ns)
{
	h->bucket[hist_index(ns)]++;
	h->count++;
	h->sum += ns;
	if (ns > h->max)
		h->max = ns;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t want, seen = 0;
	unsigned int b;

	if (!h->count)
		return 0;
	if (q <= 0)
		q = 0;
	want = (uint64_t)(q * (double)h->count);
	if (want >= h->count)
		want = h->count - 1;
	for (b = 0; b < HIST_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen > want) {
			/* the last bucket also holds everything beyond it */
			uint64_t up = b == HIST_BUCKETS - 1 ? h->max : hist_upper(b);

			return up < h->max ? up : h->max;
		}
	}
	return h->max;
}

void hist_merge(struct hist *into, const struct hist *from)
{
	unsigned int b;

	for (b = 0; b < HIST_BUCKETS; b++)
		into->bucket[b] += from->bucket[b];
	into->count += from->count;
	into->sum += from->sum;
	if (from->max > into->max)
		into->max = from->max;
}
