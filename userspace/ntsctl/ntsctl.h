/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NTSCTL_H
#define NTSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, documented in `ntsctl help`. */
enum {
	NTSCTL_OK = 0,
	NTSCTL_FAIL = 1,	/* the operation failed */
	NTSCTL_USAGE = 2,	/* bad command line */
	NTSCTL_NOMODULE = 3,	/* knts.ko not loaded */
	NTSCTL_PERM = 4,	/* not allowed (CAP_NET_ADMIN) */
};

struct ntsctl_opts {
	bool json;
};

int ntsctl_stats(int argc, char **argv, const struct ntsctl_opts *o);
int ntsctl_show(int argc, char **argv, const struct ntsctl_opts *o);
int ntsctl_server(int argc, char **argv, const struct ntsctl_opts *o);
int ntsctl_load_keys(int argc, char **argv, const struct ntsctl_opts *o);
int ntsctl_client(int argc, char **argv, const struct ntsctl_opts *o);
/* server.c: a number in [@min, @max] named @what; false (said why) if not */
bool ntsctl_parse_u32(const char *what, const char *s, uint32_t min,
		      uint32_t max, uint32_t *out);
int ntsctl_keygen(int argc, char **argv, const struct ntsctl_opts *o);

int ntsctl_monitor(int argc, char **argv, const struct ntsctl_opts *o);
int ntsctl_refresh(int argc, char **argv, const struct ntsctl_opts *o);
int ntsctl_ke_stats(int argc, char **argv, const struct ntsctl_opts *o);
/* kestats.c: each "NAME VALUE" line of ntskd's "ok" answer; -1: malformed */
int ntsctl_ke_stats_each(char *reply,
			 void (*fn)(const char *name, long long v, void *arg),
			 void *arg);

/*
 * ctl.c: send @req to ntskd; NTSCTL_OK with its "ok ..." answer in
 * @reply, or an exit code after printing why (@what names the command).
 */
int ntsctl_ask_ntskd(const char *what, const char *req, char *reply,
		     size_t len);

struct knts_nl;
/* client.c: the client role's settings, for `show` (JSON: a member). */
int ntsctl_show_client(struct knts_nl *nl, const struct ntsctl_opts *o);
/* The client role's associations, for `show` (JSON: a member to append). */
int ntsctl_show_assocs(struct knts_nl *nl, const struct ntsctl_opts *o);
struct nlattr;
/* The association address in @tb as text, or NULL. */
const char *ntsctl_assoc_addr(struct nlattr **tb, char *buf, size_t len);

/* help.c: the exit codes, and a subcommand's long help followed by them. */
void ntsctl_print_exit_codes(FILE *f);
void ntsctl_print_details(FILE *f, const char *name);

/*
 * json_out.c: run a subcommand with --json so that standard output is one
 * valid JSON document also when it fails ({"error": ..., "exit": N}).
 * @streaming: the subcommand prints JSON lines as it goes (monitor).
 */
int ntsctl_run_json(int (*run)(int, char **, const struct ntsctl_opts *),
		    int argc, char **argv, const struct ntsctl_opts *o,
		    bool streaming);
/* {"error": MSGS without "ntsctl: " prefixes, "exit": RC} on stdout */
void ntsctl_json_error(const char *msgs, int rc);

/* Print an error about a netlink failure; return the matching exit code. */
int ntsctl_nl_fail(const char *what, int err, const char *kmsg);

#endif
