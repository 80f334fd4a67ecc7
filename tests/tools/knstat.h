/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The robustness tools talk to knts in another network namespace (the
 * server's) while their packets leave from their own: a netlink socket is
 * bound to the namespace it was created in, so it is opened after a
 * setns() into the server's namespace, and the tool then returns home.
 */
#ifndef KNTS_KNSTAT_H
#define KNTS_KNSTAT_H

#include <stdint.h>

#include <linux/knts.h>

#define KNSTAT_MAX	64

struct knstat {
	uint64_t c[KNSTAT_MAX];		/* by enum knts_stat */
	uint64_t mal[KNSTAT_MAX];	/* malformed, by enum knts_ef_reason */
};

struct knts_nl;

/* Run @fn(@arg) inside the namespace at @path (e.g. /run/netns/X). */
int knstat_in_netns(const char *path, int (*fn)(void *arg), void *arg);

/* Open a knts netlink socket in the namespace at @path (NULL: ours). */
struct knts_nl *knstat_open(const char *path);
int knstat_read(struct knts_nl *nl, struct knstat *s);
int knstat_server(struct knts_nl *nl, int enable, uint16_t port,
		  uint8_t policy);

/* d = b - a, counter by counter. */
void knstat_delta(const struct knstat *a, const struct knstat *b,
		  struct knstat *d);

/*
 * Packets that got exactly one outcome at LOCAL_IN: every request or
 * plain packet to the port lands in exactly one of these counters.
 */
uint64_t knstat_outcomes(const struct knstat *d);
uint64_t knstat_naks_owed(const struct knstat *d);

/* One line "name=value ..." of the non-zero counters in @d. */
void knstat_print(const char *prefix, const struct knstat *d);

#endif
