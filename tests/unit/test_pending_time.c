// SPDX-License-Identifier: GPL-2.0
/*
 * The in-flight table's comparisons (kmod/pending_time.h, the code
 * knts.ko runs) across the wrap of their counters: an entry stored just
 * before jiffies wraps must stay live for its lifetime and expire after
 * it, and the oldest of several copies of a request must stay the oldest
 * when the sequence counter wraps between them. A plain "now >= deadline"
 * or "a < b" fails these.
 */
#include <limits.h>

#include "unit.h"
#include "pending_time.h"

#define TTL	2000UL	/* 2 s at HZ=1000 */

/* What a plain comparison would say: kept to show the cases bite. */
static bool naive_reached(unsigned long now, unsigned long deadline)
{
	return now >= deadline;
}

static void expiry_without_wrap(void)
{
	unsigned long born = 1000000, deadline = born + TTL;

	EXPECT(!knts_pending_reached(born, deadline));
	EXPECT(!knts_pending_reached(deadline - 1, deadline));
	EXPECT(knts_pending_reached(deadline, deadline));
	EXPECT(knts_pending_reached(deadline + 1, deadline));
}

static void expiry_across_the_wrap(void)
{
	unsigned long d, off;

	/* Born at every distance before the wrap, checked around it. */
	for (off = 1; off <= TTL; off += 97) {
		unsigned long born = ULONG_MAX - off + 1;

		d = born + TTL;		/* wraps past 0 */
		EXPECT(d < born);
		EXPECT(!knts_pending_reached(born, d));
		EXPECT(!knts_pending_reached(ULONG_MAX, d));
		EXPECT(!knts_pending_reached(0, d));
		EXPECT(!knts_pending_reached(d - 1, d));
		EXPECT(knts_pending_reached(d, d));
		EXPECT(knts_pending_reached(d + 5, d));
		/* The plain comparison calls a fresh entry expired. */
		EXPECT(naive_reached(born, d));
	}
}

static void seq_order_across_the_wrap(void)
{
	u32 a = UINT_MAX - 1, b = a + 3;	/* b wrapped to 1 */

	EXPECT(knts_pending_seq_before(1, 2));
	EXPECT(!knts_pending_seq_before(2, 1));
	EXPECT(!knts_pending_seq_before(7, 7));
	EXPECT_EQ(b, 1);
	EXPECT(knts_pending_seq_before(a, b));
	EXPECT(!knts_pending_seq_before(b, a));
	EXPECT(knts_pending_seq_before(UINT_MAX, 0));
}

int main(void)
{
	RUN(expiry_without_wrap);
	RUN(expiry_across_the_wrap);
	RUN(seq_order_across_the_wrap);
	return unit_done();
}
