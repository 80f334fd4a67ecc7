// SPDX-License-Identifier: GPL-2.0
/*
 * ntskd: the knts key daemon. NTS-KE server and client roles arrive with
 * their issues; until then it says so instead of pretending to run.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
		printf("ntskd " KNTS_VERSION "\n");
		return 0;
	}
	fprintf(stderr, "ntskd: no role is implemented in this version yet "
		"(server and client roles are in progress)\n");
	return 1;
}
