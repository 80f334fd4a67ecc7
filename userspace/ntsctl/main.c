// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl: inspect and feed the knts kernel module. A dispatch table like
 * wg(8); one file per subcommand.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nl.h"
#include "ntsctl.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv, const struct ntsctl_opts *o);
	const char *usage;
	const char *help;
};

static int help_main(int argc, char **argv, const struct ntsctl_opts *o);

static const struct subcommand subcommands[] = {
	{ "show", ntsctl_show, "show [--json]",
	  "show the server role (port, policy, key IDs) and the client associations" },
	{ "stats", ntsctl_stats, "stats [--json]",
	  "show this network namespace's knts counters" },
	{ "server", ntsctl_server, "server enable|disable [port N] [policy P]",
	  "turn the server role on (policy mixed or nts-only) or off" },
	{ "load-keys", ntsctl_load_keys, "load-keys FILE",
	  "load master keys from a chrony ntskeys file (NKS0/NKS1, algorithm 15 or 30)" },
	{ "keygen", ntsctl_keygen, "keygen FILE [--aead 15|30]",
	  "write fresh master keys to FILE, a chrony key file (for ntsrotate 0)" },
	{ "monitor", ntsctl_monitor, "monitor [--json] [--count N] [--timeout S]",
	  "print client role events (cookies low, jar empty, NAK, idle) as they come" },
	{ "refresh", ntsctl_refresh, "refresh [SERVER]",
	  "ask ntskd to run NTS-KE now (one server line or all)" },
	{ "help", help_main, "help [SUBCOMMAND]", "show this help" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: ntsctl [--json] SUBCOMMAND [ARGS]\n\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-22s %s\n", subcommands[i].usage, subcommands[i].help);
	fprintf(f, "  %-22s %s\n", "--version", "print the version");
	ntsctl_print_exit_codes(f);
}

static const struct subcommand *find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(subcommands[i].name, name))
			return &subcommands[i];
	return NULL;
}

static int help_main(int argc, char **argv, const struct ntsctl_opts *o)
{
	const struct subcommand *s;

	if (argc < 2) {
		usage(stdout);
		return NTSCTL_OK;
	}
	s = find(argv[1]);
	if (!s) {
		fprintf(stderr, "ntsctl: no such subcommand '%s'\n", argv[1]);
		return NTSCTL_USAGE;
	}
	printf("Usage: ntsctl %s\n  %s\n", s->usage, s->help);
	ntsctl_print_details(stdout, s->name);
	return NTSCTL_OK;
}

int ntsctl_nl_fail(const char *what, int err, const char *kmsg)
{
	fprintf(stderr, "ntsctl: %s: %s%s%s\n", what, knts_nl_strerror(err),
		kmsg ? ": " : "", kmsg ? kmsg : "");
	if (err == -KNTS_NL_ENOFAMILY)
		return NTSCTL_NOMODULE;
	if (err == -EPERM)
		return NTSCTL_PERM;
	return NTSCTL_FAIL;
}

int main(int argc, char **argv)
{
	struct ntsctl_opts o = { 0 };
	const struct subcommand *s;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json")) {
			o.json = true;
		} else if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf("ntsctl " KNTS_VERSION "\n");
			return NTSCTL_OK;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return NTSCTL_OK;
		} else {
			fprintf(stderr, "ntsctl: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return NTSCTL_USAGE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return NTSCTL_USAGE;
	}
	s = find(argv[i]);
	if (!s) {
		fprintf(stderr, "ntsctl: no such subcommand '%s'\n", argv[i]);
		usage(stderr);
		return NTSCTL_USAGE;
	}
	/* "ntsctl CMD --help" is "ntsctl help CMD": nothing reaches the module. */
	if (i + 1 < argc && (!strcmp(argv[i + 1], "--help") || !strcmp(argv[i + 1], "-h")))
		return help_main(2, (char *[]){ "help", argv[i], NULL }, &o);
	return s->run(argc - i, argv + i, &o);
}
