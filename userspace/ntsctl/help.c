// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl help SUBCOMMAND / ntsctl SUBCOMMAND --help: the longer text
 * behind the one-line summaries of main.c's table, and the exit codes.
 * Kept apart from the dispatch table so that adding a subcommand there
 * needs no help text here (it then shows its summary only).
 */
#include <stdio.h>
#include <string.h>

#include "ntsctl.h"

static const struct {
	const char *name;
	const char *text;
} details[] = {
	{ "show",
	  "Shows this network namespace's knts configuration. Server role:\n"
	  "enabled or not, the protected UDP port, the policy, the pending\n"
	  "slots and NAK rate, and the master keys by ID and age (the current\n"
	  "one marked); never key bytes. Client role: its idle time, and the\n"
	  "associations (server, port, AEAD, cookies held, last NTS-KE, NAKs,\n"
	  "good and bad replies).\n"
	  "  --json   machine-readable output\n" },
	{ "stats",
	  "Prints this network namespace's counters, summed over all CPUs.\n"
	  "srv_malformed_REASON lines count malformed NTS requests by reason;\n"
	  "stat_N is a counter of a newer module this ntsctl cannot name.\n"
	  "docs/operator-guide.md explains every counter.\n"
	  "  --json         machine-readable output\n"
	  "  --prometheus   Prometheus text format (for node_exporter's textfile\n"
	  "                 collector), with ntskd's NTS-KE counters (ke-stats)\n"
	  "                 when an ntskd answers, and ntskd_up\n" },
	{ "server",
	  "enable   switch the server role of this namespace on, or change it:\n"
	  "         port PORT      UDP port of the local NTP server (default 123)\n"
	  "         policy mixed   plain NTP requests pass untouched (default)\n"
	  "         policy nts-only  plain NTP requests are dropped\n"
	  "         pending-slots N  in-flight request table, 8 to 1048576\n"
	  "                        (rounded up to a power of two; default 1024)\n"
	  "         nak-rate N     most NTS NAKs sent per second, 1 to 1000000\n"
	  "                        (default 1000)\n"
	  "         Without master keys (load-keys, ntskd) every NTS request\n"
	  "         is answered with an NTS NAK.\n"
	  "set      change pending-slots and nak-rate alone, enabled or not.\n"
	  "         A new size empties the table: replies to requests in\n"
	  "         flight go out unsigned and their clients ask again.\n"
	  "disable  switch it off; NTS requests then reach the daemon as is.\n"
	  "Settings hold per network namespace until changed or knts is\n"
	  "unloaded; ntskd sets them from ntskd.conf (pending-slots, nak-rate).\n" },
	{ "client",
	  "set idle SECONDS  report an association idle (an event ntskd logs)\n"
	  "         once its NTP client sent it nothing for SECONDS, 0 to 604800;\n"
	  "         0: never (default 3600). Per network namespace; ntskd sets\n"
	  "         it from ntskd.conf (client-idle).\n" },
	{ "load-keys",
	  "Replaces the master keys in one step with those of FILE, a chrony\n"
	  "key file (NKS0 or NKS1) holding AES-SIV-CMAC-256 (algorithm 15) or\n"
	  "AES-128-GCM-SIV (algorithm 30, chrony >= 4.4) keys; anything else\n"
	  "is refused. The key the file marks current seals new cookies. Use\n"
	  "it on every NTP server of a pool that shares one set of keys: the\n"
	  "ntskeys a rotating chrony writes (ntsdumpdir), or a file from\n"
	  "`ntsctl keygen` or ntskd. A chrony with ntsrotate 0 never writes\n"
	  "ntskeys: it loads keys managed elsewhere.\n" },
	{ "keygen",
	  "Writes four fresh master keys to FILE in chrony's key file format\n"
	  "(mode 0600, atomically): NKS0 for --aead 15 (the default; every\n"
	  "chrony 4.x reads it), NKS1 for --aead 30 (chrony >= 4.4). The third\n"
	  "key seals new cookies, the fourth is the next one. Copy FILE to\n"
	  "DIR/ntskeys of each chrony running with ntsrotate 0 and ntsdumpdir\n"
	  "DIR (then chronyc rekey), and load it here with load-keys. Run it\n"
	  "again to rotate by hand; cookies under the old keys then get NAKs.\n" },
	{ "monitor",
	  "Joins the client role's events group and prints one line per event:\n"
	  "cookies-low, jar-empty, nak or idle, with the server, its port and\n"
	  "the cookies held. ntskd acts on these; this is for people and tests.\n"
	  "  --json        one JSON object per line\n"
	  "  --count N     stop after N events (exit 1 if fewer came in time)\n"
	  "  --timeout S   stop after S seconds\n" },
	{ "refresh",
	  "Asks the ntskd of this network namespace (its client role) to run\n"
	  "NTS-KE now and replace the association's keys and cookies, for the\n"
	  "server line SERVER (its host as written, or its NTP address) or for\n"
	  "every server line. It returns once the exchanges have started:\n"
	  "ntskd's log says how they ended, `ntsctl show` the association's\n"
	  "new age. Root or ntskd's own user only. Sending ntskd SIGUSR1 does\n"
	  "the same for every server line.\n"
	  "  --json   machine-readable output\n" },
	{ "ke-stats",
	  "Prints the NTS-KE server's counters, kept by ntskd (the module does\n"
	  "not see NTS-KE): exchanges by result and AEAD, cookies issued,\n"
	  "refusals by reason, key rotations, reloads, the certificate's days\n"
	  "left. Asked over ntskd's control socket; an answer from a process\n"
	  "that is not root, _ntskd or you is refused (someone squatting the\n"
	  "socket's name). docs/operator-guide.md explains every counter.\n"
	  "  --json   machine-readable output\n" },
	{ "help",
	  "Without SUBCOMMAND: every subcommand and the exit codes.\n"
	  "With one: its usage and this longer help.\n" },
};

void ntsctl_print_exit_codes(FILE *f)
{
	fprintf(f, "\nExit codes: 0 success, 1 failure, 2 usage error,\n"
		   "3 knts module not loaded, 4 permission denied (needs CAP_NET_ADMIN).\n");
}

void ntsctl_print_details(FILE *f, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(details) / sizeof(details[0]); i++) {
		if (!strcmp(details[i].name, name)) {
			fprintf(f, "\n%s", details[i].text);
			break;
		}
	}
	ntsctl_print_exit_codes(f);
}
