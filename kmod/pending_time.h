/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two comparisons the in-flight table makes, in a header of their
 * own so that the unit tests run them with the counter at its wrap
 * (tests/unit/test_pending_time.c). They are the kernel's time_after_eq()
 * and a sequence-number "before", written out because userspace has no
 * <linux/jiffies.h>: a difference of two unsigned counters, read as
 * signed, is right across one wrap as long as the two are less than half
 * the counter's range apart. The table's sweeper keeps every entry it
 * compares younger than two lifetimes, far below that.
 */
#ifndef _KNTS_PENDING_TIME_H
#define _KNTS_PENDING_TIME_H

#include <linux/types.h>

/* @now (jiffies) is at or past @deadline. */
static inline bool knts_pending_reached(unsigned long now,
					unsigned long deadline)
{
	return (long)(now - deadline) >= 0;
}

/* Sequence number @a was drawn before @b. */
static inline bool knts_pending_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

#endif /* _KNTS_PENDING_TIME_H */
