// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl ke-stats: the NTS-KE server's counters, which live in ntskd (not
 * in the module): asked over its control socket ("ke-stats", answered as
 * "ok" and one "NAME VALUE" line per counter, ntskd_ctl.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntsctl.h"
#include "ntskd_ctl.h"

/* Call @fn for each "NAME VALUE" line of an "ok" answer; -1 if malformed. */
int ntsctl_ke_stats_each(char *reply,
			 void (*fn)(const char *name, long long v, void *arg),
			 void *arg)
{
	char *line, *save = NULL, *sp, *end;

	if (strncmp(reply, "ok", 2))
		return -1;
	for (line = strtok_r(reply + 2, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		long long v;

		sp = strchr(line, ' ');
		if (!sp || sp == line)
			return -1;
		*sp = '\0';
		v = strtoll(sp + 1, &end, 10);
		if (*end || end == sp + 1)
			return -1;
		if (strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
		    strlen(line))
			return -1;
		fn(line, v, arg);
	}
	return 0;
}

struct ke_out {
	const struct ntsctl_opts *o;
	unsigned int n;
};

static void ke_print(const char *name, long long v, void *arg)
{
	struct ke_out *out = arg;

	if (out->o->json)
		printf("%s\n    \"%s\": %lld", out->n ? "," : "", name, v);
	else
		printf("  %-32s %lld\n", name, v);
	out->n++;
}

int ntsctl_ke_stats(int argc, char **argv, const struct ntsctl_opts *o)
{
	char reply[NTSKD_CTL_MAX];
	struct ke_out out = { .o = o };
	int ret;

	if (argc > 1) {
		fprintf(stderr, "Usage: ntsctl ke-stats [--json]\n");
		return NTSCTL_USAGE;
	}
	ret = ntsctl_ask_ntskd("ke-stats", "ke-stats", reply, sizeof(reply));
	if (ret)
		return ret;
	if (o->json)
		printf("{\n  \"ke_stats\": {");
	else
		printf("ntskd NTS-KE server counters (this network namespace):\n");
	if (ntsctl_ke_stats_each(reply, ke_print, &out)) {
		fprintf(stderr, "ntsctl: ke-stats: ntskd's answer is malformed\n");
		return NTSCTL_FAIL;
	}
	if (o->json)
		printf("%s}\n}\n", out.n ? "\n  " : "");
	return NTSCTL_OK;
}
