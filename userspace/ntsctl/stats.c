// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/knts.h>

#include "ktypes.h"
#include "../../kmod/ef.h"
#include "nl.h"
#include "ntsctl.h"
#include "ntskd_ctl.h"
#include "stat_names.h"

struct stats_out {
	const struct ntsctl_opts *o;
	bool prometheus;
	unsigned int n;
};

static void print_one(struct stats_out *out, const char *prefix,
		      const char *name, unsigned int type, uint64_t v)
{
	char buf[64];

	if (!name) {
		/* A counter of a newer module: show it rather than drop it. */
		snprintf(buf, sizeof(buf), "%sstat_%u", prefix, type);
	} else {
		snprintf(buf, sizeof(buf), "%s%s", prefix, name);
	}
	name = buf;
	if (out->prometheus && !strncmp(prefix, "srv_malformed_", 14)) {
		/* one family, the reason as a label */
		printf("knts_srv_malformed_total{reason=\"%s\"} %" PRIu64 "\n",
		       name + 14, v);
	} else if (out->prometheus) {
		printf("# TYPE knts_%s_total counter\nknts_%s_total %" PRIu64 "\n",
		       name, name, v);
	} else if (out->o->json)
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
		print_one(out, "", knts_stat_name(nla_type(a)), nla_type(a),
			  nla_get_u64(a));
	}
	if (!tb[KNTS_A_MALFORMED])
		return 0;
	nla_for_each_nested(a, tb[KNTS_A_MALFORMED], rem) {
		if (nla_type(a) == KNTS_STAT_PAD)
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return -EPROTO;
		/* Malformed requests by reason, named as the codec names them. */
		print_one(out, "srv_malformed_",
			  nla_type(a) < __KNTS_EF_E_MAX ?
			  knts_ef_reason_name(nla_type(a)) : NULL,
			  nla_type(a), nla_get_u64(a));
	}
	return 0;
}

/* ntskd's counters (ke-stats) in the same format, if an ntskd answers. */
static void prom_ke(const char *name, long long v, void *arg)
{
	/* levels, not counts: gauges */
	bool gauge = !strcmp(name, "conns_open") ||
		     !strcmp(name, "cert_days_left") ||
		     !strcmp(name, "workers");

	printf("# TYPE ntskd_ke_%s%s %s\nntskd_ke_%s%s %lld\n", name,
	       gauge ? "" : "_total", gauge ? "gauge" : "counter", name,
	       gauge ? "" : "_total", v);
}

static void prom_ntskd(void)
{
	char reply[NTSKD_CTL_MAX];
	bool up;

	/* no ntskd here (a pool member fed by load-keys) is not an error */
	up = !ntskd_ctl_request("ke-stats", reply, sizeof(reply), NULL) &&
	     !strncmp(reply, "ok", 2);
	printf("# HELP ntskd_up 1 when ntskd's NTS-KE server answered ntsctl\n"
	       "# TYPE ntskd_up gauge\nntskd_up %d\n", up);
	if (up && ntsctl_ke_stats_each(reply, prom_ke, NULL))
		fprintf(stderr, "ntsctl: stats: ntskd's ke-stats answer is malformed\n");
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
		} else if (!strcmp(argv[i], "--prometheus")) {
			out.prometheus = true;
		} else {
			fprintf(stderr, "Usage: ntsctl stats [--json | --prometheus]\n");
			return NTSCTL_USAGE;
		}
	}
	if (opts.json && out.prometheus) {
		fprintf(stderr, "ntsctl: stats: --json or --prometheus, not both\n");
		return NTSCTL_USAGE;
	}
	nl = knts_nl_open(&err);
	if (!nl)
		return ntsctl_nl_fail("stats", err, NULL);
	if (out.prometheus)
		printf("# knts counters of this network namespace, summed over CPUs\n"
		       "# TYPE knts_srv_malformed_total counter\n");
	else if (opts.json)
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
	if (out.prometheus)
		prom_ntskd();
	else if (opts.json)
		printf("%s}\n}\n", out.n ? "\n  " : "");
	else if (!out.n)
		printf("  (no counters yet)\n");
	knts_nl_close(nl);
	return NTSCTL_OK;
}
