// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl client set: the client role's per-namespace settings (today the
 * idle time after which knts reports an association idle), and their
 * part of `ntsctl show`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/knts.h>

#include "nl.h"
#include "nl_server.h"
#include "ntsctl.h"

int ntsctl_show_client(struct knts_nl *nl, const struct ntsctl_opts *o)
{
	uint32_t idle;
	int err;

	err = knts_nl_client_get(nl, &idle);
	if (err)
		return err;
	if (o->json)
		printf(",\n  \"client\": {\"idle_secs\": %" PRIu32 "}", idle);
	else if (idle)
		printf("client role:\n  idle after: %" PRIu32 " s without a request\n",
		       idle);
	else
		printf("client role:\n  idle after: never\n");
	return 0;
}

static int client_usage(void)
{
	fprintf(stderr, "Usage: ntsctl client set idle SECONDS\n");
	return NTSCTL_USAGE;
}

int ntsctl_client(int argc, char **argv, const struct ntsctl_opts *o)
{
	struct knts_nl *nl;
	uint32_t idle;
	int err, rc;

	(void)o;
	if (argc != 4 || strcmp(argv[1], "set") || strcmp(argv[2], "idle"))
		return client_usage();
	if (!ntsctl_parse_u32("idle", argv[3], 0, KNTS_CLIENT_IDLE_MAX, &idle))
		return client_usage();
	nl = knts_nl_open(&err);
	if (!nl)
		return ntsctl_nl_fail("client", err, NULL);
	err = knts_nl_client_set(nl, idle);
	rc = err ? ntsctl_nl_fail("client", err, knts_nl_errmsg(nl)) : NTSCTL_OK;
	knts_nl_close(nl);
	return rc;
}
