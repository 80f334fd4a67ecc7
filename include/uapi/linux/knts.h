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
 *   reply:    KNTS_A_STATS (nest of enum knts_stat, each NLA_U64),
 *             KNTS_A_MALFORMED (nest: attribute type = parse failure
 *             reason as in kmod/ef.h enum knts_ef_reason, NLA_U64)
 *
 * KNTS_CMD_SERVER_SET (do): configure the server role of this namespace.
 *   request:  KNTS_A_SERVER_ENABLE (u8, 0/1), optional KNTS_A_SERVER_PORT
 *             (u16, host order, default 123), optional
 *             KNTS_A_SERVER_POLICY (u8, enum knts_policy, default mixed).
 *   Enabling needs master keys to be useful but not to succeed: without
 *   keys every NTS request is answered with an NTS NAK.
 *
 * KNTS_CMD_SERVER_GET (do)
 *   reply:    KNTS_A_SERVER_ENABLE, KNTS_A_SERVER_PORT, KNTS_A_SERVER_POLICY,
 *             KNTS_A_KEYS { KNTS_A_KEY { KNTS_A_KEY_ID, KNTS_A_KEY_AGE } ... }
 *             KNTS_A_KEY_CURRENT. Never key bytes.
 *
 * KNTS_CMD_KEYS_SET (do): replace the master key set in one step.
 *   request:  KNTS_A_KEYS { KNTS_A_KEY { KNTS_A_KEY_ID (u32),
 *                                        KNTS_A_KEY_SECRET (32 bytes) } ... }
 *             (1..KNTS_MAX_KEYS keys, distinct IDs), KNTS_A_KEY_CURRENT
 *             (u32: the ID new cookies are sealed with; must be in the set).
 *   The old set is wiped once no packet can still be using it. Readers
 *   see either the old set or the new one, never a mix.
 *
 * Attribute numbers, command numbers and counter numbers are append-only.
 */
#ifndef _UAPI_LINUX_KNTS_H
#define _UAPI_LINUX_KNTS_H

#define KNTS_FAMILY_NAME	"knts"
#define KNTS_FAMILY_VERSION	1

/* Master keys: AES-SIV-CMAC-256 keys, as chrony's NKS0/NKS1 files hold. */
#define KNTS_MASTER_KEY_LEN	32
#define KNTS_MAX_KEYS		16

enum knts_policy {
	KNTS_POLICY_MIXED,	/* plain NTP passes untouched */
	KNTS_POLICY_NTS_ONLY,	/* plain NTP requests are dropped */

	__KNTS_POLICY_MAX,
	KNTS_POLICY_MAX = (__KNTS_POLICY_MAX - 1)
};

enum knts_cmd {
	KNTS_CMD_UNSPEC,
	KNTS_CMD_STATS_GET,
	KNTS_CMD_SERVER_SET,
	KNTS_CMD_SERVER_GET,
	KNTS_CMD_KEYS_SET,

	__KNTS_CMD_MAX,
	KNTS_CMD_MAX = (__KNTS_CMD_MAX - 1)
};

/* Top-level attributes. */
enum knts_attr {
	KNTS_A_UNSPEC,
	KNTS_A_PAD,		/* alignment padding for 64-bit attributes */
	KNTS_A_STATS,		/* nest: attributes of enum knts_stat */
	KNTS_A_SERVER_ENABLE,	/* u8 */
	KNTS_A_SERVER_PORT,	/* u16 */
	KNTS_A_SERVER_POLICY,	/* u8, enum knts_policy */
	KNTS_A_KEYS,		/* nest of KNTS_A_KEY */
	KNTS_A_KEY_CURRENT,	/* u32 */
	KNTS_A_MALFORMED,	/* nest: u64 per parse failure reason */

	__KNTS_A_MAX,
	KNTS_A_MAX = (__KNTS_A_MAX - 1)
};

/* Inside KNTS_A_KEYS: one KNTS_A_KEY nest per master key. */
enum knts_keys_attr {
	KNTS_A_KEYS_UNSPEC,
	KNTS_A_KEY,

	__KNTS_A_KEYS_MAX,
	KNTS_A_KEYS_MAX = (__KNTS_A_KEYS_MAX - 1)
};

enum knts_key_attr {
	KNTS_A_KEY_UNSPEC,
	KNTS_A_KEY_PAD,
	KNTS_A_KEY_ID,		/* u32 */
	KNTS_A_KEY_SECRET,	/* binary, KNTS_MASTER_KEY_LEN; write-only */
	KNTS_A_KEY_AGE,		/* u64, seconds since the set was installed */

	__KNTS_A_KEY_MAX,
	KNTS_A_KEY_MAX = (__KNTS_A_KEY_MAX - 1)
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
	/* server role */
	KNTS_STAT_SRV_REQ_VERIFIED,	/* NTS requests that authenticated */
	KNTS_STAT_SRV_REQ_MALFORMED,	/* dropped: see KNTS_A_MALFORMED */
	KNTS_STAT_SRV_NAK_UNKNOWN_KEY,	/* cookie under a key we do not have */
	KNTS_STAT_SRV_NAK_BAD_COOKIE,	/* cookie did not authenticate */
	KNTS_STAT_SRV_NAK_BAD_MAC,	/* request did not authenticate */
	KNTS_STAT_SRV_NAK_SENT,
	KNTS_STAT_SRV_NAK_RATELIMITED,	/* NAK owed but over the rate limit */
	KNTS_STAT_SRV_REPLY_SIGNED,	/* daemon replies turned into NTS */
	KNTS_STAT_SRV_REPLY_DROPPED,	/* could not be signed: dropped */
	KNTS_STAT_SRV_TABLE_FULL,	/* no room to remember the request */
	KNTS_STAT_SRV_PLAIN_PASSED,	/* plain NTP let through: no NTS
					 * fields, or not mode 3 (any policy)
					 */
	KNTS_STAT_SRV_PLAIN_DROPPED,	/* plain mode 3 (or < 48 bytes), nts-only */
	KNTS_STAT_SRV_FRAGMENT_DROPPED,	/* IPv6 fragments to the NTP port */
	KNTS_STAT_SRV_ERROR,		/* internal failure (memory, skb) */
	KNTS_STAT_SRV_BAD_CSUM,		/* NTS request with a bad UDP checksum */

	__KNTS_STAT_MAX,
	KNTS_STAT_MAX = (__KNTS_STAT_MAX - 1)
};

#endif /* _UAPI_LINUX_KNTS_H */
