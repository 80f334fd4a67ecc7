// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/knts.h>

#include "nl.h"
#include "ntsctl.h"
#include "stat_names.h"

struct stats_out {
	const struct ntsctl_opts *o;
	unsigned int n;
};

static void print_one(struct stats_out *out, const char *name,
		      unsigned int type, uint64_t v)
{
	char fallback[32];

	if (!name) {
		/* A counter of a newer module: show it rather than drop it. */
		snprintf(fallback, sizeof(fallback), "stat_%u", type);
		name = fallback;
	}
	if (out->o->json)
		printf("%s\n    \"%s\": %" PRIu64, out->n ? "," : "", name, v);
	else
		printf("  %-32s %" PRIu64 "\n", name, v);
	out->n++;
}

static int on_stats(struct nlattr **tb, void *arg)
{
	struct stats_out *out = arg;
	struct nlattr *a;
	int rem;

	if (!tb[KNTS_A_STATS])
		return -EPROTO;
	nla_for_each_nested(a, tb[KNTS_A_STATS], rem) {
		if (nla_type(a) == KNTS_STAT_PAD)
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return -EPROTO;
		print_one(out, knts_stat_name(nla_type(a)), nla_type(a),
			  nla_get_u64(a));
	}
	return 0;
}

int ntsctl_stats(int argc, char **argv, const struct ntsctl_opts *o)
{
	struct ntsctl_opts opts = *o;
	struct stats_out out = { .o = &opts };
	struct knts_nl *nl;
	int err, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			opts.json = true;
		} else {
			fprintf(stderr, "Usage: ntsctl stats [--json]\n");
			return NTSCTL_USAGE;
		}
	}
	nl = knts_nl_open(&err);
	if (!nl)
		return ntsctl_nl_fail("stats", err, NULL);
	if (opts.json)
		printf("{\n  \"stats\": {");
	else
		printf("knts counters (this network namespace):\n");
	err = knts_nl_request(nl, KNTS_CMD_STATS_GET, 0, NULL, NULL,
			      on_stats, &out);
	if (err) {
		if (opts.json)
			printf("\n");
		i = ntsctl_nl_fail("stats", err, knts_nl_errmsg(nl));
		knts_nl_close(nl);
		return i;
	}
	if (opts.json)
		printf("%s}\n}\n", out.n ? "\n  " : "");
	else if (!out.n)
		printf("  (no counters yet)\n");
	knts_nl_close(nl);
	return NTSCTL_OK;
}
