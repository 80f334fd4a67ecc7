// SPDX-License-Identifier: GPL-2.0
/*
 * ntskd's budget of log lines (userspace/ntskd/log_budget.c): a burst per
 * window that opens with its first line, on a clock the test drives.
 */
#include "unit.h"
#include "log_budget.h"

#define W NTSKD_LOG_BUDGET_WINDOW_MS
#define BURST NTSKD_LOG_BUDGET_BURST

static unsigned int take_n(struct ntskd_log_budget *b, uint64_t now,
			   unsigned int n)
{
	unsigned int ok = 0;

	while (n--)
		ok += ntskd_log_budget_take(b, now);
	return ok;
}

/* A burst, then nothing until the window that opened with it is over. */
static void test_burst_per_window(void)
{
	struct ntskd_log_budget b = { 0 };

	EXPECT_EQ(take_n(&b, 5000, BURST + 20), BURST);
	EXPECT_EQ(take_n(&b, 5000 + W - 1, 5), 0);
	EXPECT_EQ(take_n(&b, 5000 + W, BURST + 1), BURST);
}

/* The window opens at the first line after a quiet spell, not on a grid. */
static void test_window_opens_with_first_line(void)
{
	struct ntskd_log_budget b = { 0 };

	EXPECT_EQ(take_n(&b, 1000, 1), 1);
	EXPECT_EQ(take_n(&b, 1000 + 3 * W + 7, BURST), BURST);
	EXPECT_EQ(take_n(&b, 1000 + 4 * W + 6, 1), 0);
	EXPECT_EQ(take_n(&b, 1000 + 4 * W + 7, 1), 1);
}

/* Any span of T ms holds at most BURST * (ceil(T / W) + 1) lines. */
static void test_bound_over_a_span(void)
{
	struct ntskd_log_budget b = { 0 };
	uint64_t t, span = 17000;
	unsigned int n = 0;

	for (t = 0; t <= span; t += 7)
		n += take_n(&b, t, 3);
	EXPECT(n <= BURST * ((span + W - 1) / W + 1));
	EXPECT(n >= BURST * (span / W));
}

int main(void)
{
	RUN(test_burst_per_window);
	RUN(test_window_opens_with_first_line);
	RUN(test_bound_over_a_span);
	return unit_done();
}
