// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl refresh [SERVER]: ask this network namespace's ntskd to run
 * NTS-KE now, for one server line or all (control socket, ntskd_ctl.h).
 * ntskd answers once the exchanges have started; their outcome is in its
 * log and in `ntsctl show` (the association's age starts again).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntsctl.h"
#include "ntskd_ctl.h"

int ntsctl_refresh(int argc, char **argv, const struct ntsctl_opts *o)
{
	char req[NTSKD_CTL_MAX], reply[NTSKD_CTL_MAX];
	int ret;
	long n;

	if (argc > 2 || (argc == 2 && (!argv[1][0] || strlen(argv[1]) > 255 ||
				       strpbrk(argv[1], " \t\r\n")))) {
		fprintf(stderr, "Usage: ntsctl refresh [SERVER]\n");
		return NTSCTL_USAGE;
	}
	snprintf(req, sizeof(req), "refresh%s%s", argc == 2 ? " " : "",
		 argc == 2 ? argv[1] : "");
	ret = ntsctl_ask_ntskd("refresh", req, reply, sizeof(reply));
	if (ret)
		return ret;
	n = strtol(reply + 3, NULL, 10);
	if (o->json)
		printf("{\"refreshed\": %ld}\n", n);
	else
		printf("ntskd: NTS-KE started for %ld server%s\n", n,
		       n == 1 ? "" : "s");
	return NTSCTL_OK;
}
