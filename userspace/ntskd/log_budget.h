/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A budget of log lines: at most NTSKD_LOG_BUDGET_BURST lines in a window
 * of NTSKD_LOG_BUDGET_WINDOW_MS that opens with its first line. Any span
 * of T ms thus holds at most BURST * (ceil(T / WINDOW) + 1) lines, however
 * many connections (or threads, with a lock around it) ask.
 */
#ifndef NTSKD_LOG_BUDGET_H
#define NTSKD_LOG_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#define NTSKD_LOG_BUDGET_WINDOW_MS	10000
#define NTSKD_LOG_BUDGET_BURST		50

struct ntskd_log_budget {
	uint64_t window_start;		/* ntskd_now_ms() of its first line */
	unsigned int lines;		/* logged in that window */
};

/* May one more line be logged at @now_ms? Counts it when it may. */
bool ntskd_log_budget_take(struct ntskd_log_budget *b, uint64_t now_ms);

#endif /* NTSKD_LOG_BUDGET_H */
