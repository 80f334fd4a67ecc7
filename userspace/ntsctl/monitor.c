// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl monitor: print the client role's events as they arrive, one line
 * each (one JSON object per line with --json), until --count events were
 * seen or --timeout seconds passed. For ntskd-less setups and for tests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/knts.h>
#include <netlink/genl/genl.h>

#include "nl.h"
#include "ntsctl.h"

static const char *const event_names[] = {
	[KNTS_EVENT_COOKIES_LOW] = "cookies-low",
	[KNTS_EVENT_JAR_EMPTY] = "jar-empty",
	[KNTS_EVENT_NAK] = "nak",
	[KNTS_EVENT_IDLE] = "idle",
};

static int on_event(struct nlattr **tb, void *arg)
{
	const struct ntsctl_opts *o = arg;
	char addr[64], name[16];
	unsigned int type, port, held;

	if (!tb[KNTS_A_EVENT] || !tb[KNTS_A_ASSOC_PORT] ||
	    !ntsctl_assoc_addr(tb, addr, sizeof(addr)))
		return 0;	/* not an event we know how to read */
	type = nla_get_u8(tb[KNTS_A_EVENT]);
	port = nla_get_u16(tb[KNTS_A_ASSOC_PORT]);
	held = tb[KNTS_A_ASSOC_COOKIES_HELD] ?
	       nla_get_u32(tb[KNTS_A_ASSOC_COOKIES_HELD]) : 0;
	if (type < sizeof(event_names) / sizeof(event_names[0]) &&
	    event_names[type])
		snprintf(name, sizeof(name), "%s", event_names[type]);
	else
		snprintf(name, sizeof(name), "event-%u", type);
	if (o->json)
		printf("{\"time\": %lld, \"event\": \"%s\", \"server\": \"%s\", "
		       "\"port\": %u, \"cookies\": %u}\n",
		       (long long)time(NULL), name, addr, port, held);
	else
		printf("%s server %s port %u cookies %u\n", name, addr, port,
		       held);
	fflush(stdout);
	return 0;
}

static int monitor_usage(void)
{
	fprintf(stderr, "Usage: ntsctl monitor [--json] [--count N] [--timeout SECONDS]\n");
	return NTSCTL_USAGE;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int ntsctl_monitor(int argc, char **argv, const struct ntsctl_opts *o)
{
	struct ntsctl_opts opts = *o;
	long count = 0, timeout = -1, seen = 0, deadline = 0;
	struct knts_nl *nl;
	char *end;
	int err, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			opts.json = true;
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			count = strtol(argv[++i], &end, 10);
			if (*end || count < 1)
				return monitor_usage();
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			timeout = strtol(argv[++i], &end, 10);
			if (*end || timeout < 1)
				return monitor_usage();
		} else {
			return monitor_usage();
		}
	}
	nl = knts_nl_open(&err);
	if (!nl)
		return ntsctl_nl_fail("monitor", err, NULL);
	err = knts_nl_subscribe(nl, KNTS_MCGRP_EVENTS);
	if (err) {
		knts_nl_close(nl);
		return ntsctl_nl_fail("monitor", err, NULL);
	}
	if (timeout > 0)
		deadline = now_ms() + timeout * 1000;
	while (!count || seen < count) {
		int wait = -1;

		if (deadline) {
			wait = (int)(deadline - now_ms());
			if (wait <= 0)
				break;
		}
		err = knts_nl_wait(nl, wait, on_event, &opts);
		if (err < 0) {
			knts_nl_close(nl);
			return ntsctl_nl_fail("monitor", err, NULL);
		}
		seen += err;
	}
	knts_nl_close(nl);
	/* Asked for N events and saw fewer: say so in the exit code. */
	return count && seen < count ? NTSCTL_FAIL : NTSCTL_OK;
}
