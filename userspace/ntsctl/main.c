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
	  "show the server role (port, policy, settings, key IDs), the client role's settings and associations" },
	{ "stats", ntsctl_stats, "stats [--json|--prometheus]",
	  "show this network namespace's knts counters" },
	{ "server", ntsctl_server, "server enable|set|disable [KEYWORD VALUE]...",
	  "turn the server role on or off; set port, policy, pending-slots, nak-rate" },
	{ "client", ntsctl_client, "client set idle SECONDS",
	  "set when the client role reports an association idle (0: never)" },
	{ "load-keys", ntsctl_load_keys, "load-keys FILE",
	  "load master keys from a chrony ntskeys file (NKS0/NKS1, algorithm 15 or 30)" },
	{ "keygen", ntsctl_keygen, "keygen FILE [--aead 15|30]",
	  "write fresh master keys to FILE, a chrony key file (for ntsrotate 0)" },
	{ "monitor", ntsctl_monitor, "monitor [--json] [--count N] [--timeout S]",
	  "print client role events (cookies low, jar empty, NAK, idle) as they come" },
	{ "refresh", ntsctl_refresh, "refresh [SERVER]",
	  "ask ntskd to run NTS-KE now (one server line or all)" },
	{ "ke-stats", ntsctl_ke_stats, "ke-stats [--json]",
	  "show ntskd's NTS-KE server counters (handshakes, refusals, cookies, certificate)" },
	{ "help", help_main, "help [SUBCOMMAND]", "show this help" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: ntsctl [--json] SUBCOMMAND [ARGS]\n"
		"  --json (anywhere on the line): standard output is JSON, on errors too\n\n");
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

/*
 * --json is one option of ntsctl, not of each subcommand: take it out
 * wherever it is (before or after the subcommand) and return the new argc.
 */
static int take_json(int argc, char **argv, bool *json)
{
	int i, n = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			*json = true;
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

/* A usage error before any subcommand ran, as text and with --json. */
static int usage_error(const struct ntsctl_opts *o, const char *fmt,
		       const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	fprintf(stderr, "ntsctl: %s\n", msg);
	usage(stderr);
	if (o->json)
		ntsctl_json_error(msg, NTSCTL_USAGE);
	return NTSCTL_USAGE;
}

int main(int argc, char **argv)
{
	struct ntsctl_opts o = { 0 };
	const struct subcommand *s;
	int i = 1;

	argc = take_json(argc, argv, &o.json);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf("ntsctl " KNTS_VERSION "\n");
			return NTSCTL_OK;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return NTSCTL_OK;
		} else {
			return usage_error(&o, "unknown option '%s'", argv[i]);
		}
	}
	if (i == argc)
		return usage_error(&o, "%sno subcommand given", "");
	s = find(argv[i]);
	if (!s)
		return usage_error(&o, "no such subcommand '%s'", argv[i]);
	/* "ntsctl CMD --help" is "ntsctl help CMD": nothing reaches the module. */
	if (i + 1 < argc && (!strcmp(argv[i + 1], "--help") || !strcmp(argv[i + 1], "-h")))
		return help_main(2, (char *[]){ "help", argv[i], NULL }, &o);
	/* help is text for people, --json or not */
	if (!o.json || s->run == help_main)
		return s->run(argc - i, argv + i, &o);
	return ntsctl_run_json(s->run, argc - i, argv + i, &o,
			       s->run == ntsctl_monitor);
}
