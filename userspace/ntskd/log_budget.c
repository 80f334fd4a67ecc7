// SPDX-License-Identifier: GPL-2.0
/* A budget of log lines per window (see log_budget.h). */
#include "log_budget.h"

bool ntskd_log_budget_take(struct ntskd_log_budget *b, uint64_t now_ms)
{
	if (!b->lines || now_ms - b->window_start >= NTSKD_LOG_BUDGET_WINDOW_MS) {
		b->window_start = now_ms;
		b->lines = 0;
	}
	if (b->lines >= NTSKD_LOG_BUDGET_BURST)
		return false;
	b->lines++;
	return true;
}
