/* SPDX-License-Identifier: GPL-2.0 */
/* ntsload's output: a readable summary, or one JSON object (--json). */
#ifndef NTSLOAD_REPORT_H
#define NTSLOAD_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "engine.h"
#include "ke_client.h"

struct report_run {
	const char *target;		/* "addr:port" */
	bool nts;
	double rate;			/* asked for; 0 = flat out */
	double duration;
	unsigned int sources;
	size_t pool;
	size_t request_len;
	double pool_seconds;		/* time to pre-sign the pool */
};

/* NTS-KE summary; ke_host as given on the command line */
void report_ke(FILE *f, const char *ke_host, const struct knts_ke_result *r);
void report_ke_json(FILE *f, const char *ke_host, const struct knts_ke_result *r);

void report_load(FILE *f, const struct report_run *run,
		 const struct load_stats *st);
/* ke may be NULL (plain); the object is closed and ends with a newline */
void report_load_json(FILE *f, const struct report_run *run,
		      const char *ke_host, const struct knts_ke_result *ke,
		      const struct load_stats *st);

#endif /* NTSLOAD_REPORT_H */
