/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * knts: Network Time Security (RFC 8915) at the socket edge.
 *
 * This header is the contract between knts.ko and its userspace (ntskd,
 * ntsctl). The same contract is written as a ynl-style spec in
 * docs/netlink/knts.yaml; keep both in step.
 *
 * Generic netlink family KNTS_FAMILY_NAME, version KNTS_FAMILY_VERSION.
 * Every operation is per network namespace (the requester's) and requires
 * CAP_NET_ADMIN in that namespace (GENL_ADMIN_PERM), reads included: which
 * servers a host talks to is not public.
 *
 * Key material is write-only. No command ever returns key or cookie bytes.
 *
 * KNTS_CMD_STATS_GET (do)
 *   request:  nothing
 *   reply:    KNTS_A_STATS (nest of enum knts_stat, each NLA_U64)
 *
 * Attribute numbers, command numbers and counter numbers are append-only.
 */
#ifndef _UAPI_LINUX_KNTS_H
#define _UAPI_LINUX_KNTS_H

#define KNTS_FAMILY_NAME	"knts"
#define KNTS_FAMILY_VERSION	1

enum knts_cmd {
	KNTS_CMD_UNSPEC,
	KNTS_CMD_STATS_GET,

	__KNTS_CMD_MAX,
	KNTS_CMD_MAX = (__KNTS_CMD_MAX - 1)
};

/* Top-level attributes. */
enum knts_attr {
	KNTS_A_UNSPEC,
	KNTS_A_PAD,		/* alignment padding for 64-bit attributes */
	KNTS_A_STATS,		/* nest: attributes of enum knts_stat */

	__KNTS_A_MAX,
	KNTS_A_MAX = (__KNTS_A_MAX - 1)
};

/*
 * Per-namespace counters, summed over CPUs. Inside KNTS_A_STATS each
 * counter is an NLA_U64 whose attribute type is its value below; a reader
 * must ignore counters it does not know (newer module) and treat missing
 * ones as absent (older module).
 */
enum knts_stat {
	KNTS_STAT_UNSPEC,
	KNTS_STAT_PAD,

	__KNTS_STAT_MAX,
	KNTS_STAT_MAX = (__KNTS_STAT_MAX - 1)
};

#endif /* _UAPI_LINUX_KNTS_H */
