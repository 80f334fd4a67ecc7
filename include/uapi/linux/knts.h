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
 * CAP_NET_ADMIN over that namespace, i.e. in the user namespace that owns
 * it (GENL_UNS_ADMIN_PERM), reads included: which servers a host talks to
 * is not public. So does joining KNTS_MCGRP_EVENTS, on kernels that can
 * check it (GENL_MCAST_CAP_NET_ADMIN: 6.7 and stable backports; older
 * ones let anyone in the namespace listen). The root of an unprivileged
 * user namespace thus configures knts in the network namespaces it owns,
 * and gets EPERM in every other.
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
 *             KNTS_A_SERVER_POLICY (u8, enum knts_policy, default mixed);
 *             port and policy apply only with ENABLE 1.
 *             Optional settings, kept across disable and enable until
 *             changed (a new namespace starts with the defaults below):
 *             KNTS_A_SERVER_PENDING_SLOTS (u32, KNTS_PENDING_SLOTS_MIN..
 *             _MAX, default 1024; rounded up to a power of two), the
 *             in-flight request table; changed while the role is enabled,
 *             the table is replaced by an empty one of the new size (the
 *             replies to requests in flight go out unsigned: the clients
 *             drop them and ask again). KNTS_A_SERVER_NAK_RATE (u32,
 *             KNTS_NAK_RATE_MIN.._MAX, default 1000): most NTS NAKs sent
 *             per second; takes effect at once.
 *             Without ENABLE, the request changes only these settings and
 *             needs one of them.
 *   Enabling needs master keys to be useful but not to succeed: without
 *   keys every NTS request is answered with an NTS NAK.
 *
 * KNTS_CMD_SERVER_GET (do)
 *   reply:    KNTS_A_SERVER_ENABLE, KNTS_A_SERVER_PORT, KNTS_A_SERVER_POLICY,
 *             KNTS_A_SERVER_PENDING_SLOTS (as set, before rounding),
 *             KNTS_A_SERVER_NAK_RATE,
 *             KNTS_A_KEYS { KNTS_A_KEY { KNTS_A_KEY_ID, KNTS_A_KEY_AGE } ... }
 *             KNTS_A_KEY_CURRENT. Never key bytes.
 *
 * KNTS_CMD_KEYS_SET (do): replace the master key set in one step.
 *   request:  KNTS_A_KEYS { KNTS_A_KEY { KNTS_A_KEY_ID (u32),
 *                                        KNTS_A_KEY_SECRET (32 bytes, or
 *                                        16 with KNTS_A_KEY_AEAD 30),
 *                                        optional KNTS_A_KEY_AEAD (u16,
 *                                        15 or 30, default 15) } ... }
 *             (1..KNTS_MAX_KEYS keys, distinct IDs), KNTS_A_KEY_CURRENT
 *             (u32: the ID new cookies are sealed with; must be in the set).
 *   The old set is wiped once no packet can still be using it. Readers
 *   see either the old set or the new one, never a mix.
 *
 * Client role: associations. An association protects the requests a local,
 * unmodified NTP client sends to one NTP server (address and UDP port, as
 * NTS-KE negotiated them) and checks the replies. At most
 * KNTS_MAX_ASSOCS per namespace. An address is KNTS_A_ASSOC_ADDR4 (4 bytes)
 * or KNTS_A_ASSOC_ADDR6 (16 bytes), network byte order, exactly one of them.
 * A link-local IPv6 address (fe80::/10) also needs KNTS_A_ASSOC_IFINDEX
 * (u32, its interface): the same address on two links is two servers, and
 * the ID of such an association is address, port and interface (every
 * command names it with all three). Other addresses take no IFINDEX.
 *
 * KNTS_CMD_ASSOC_SET (do): install an association, replacing any with the
 *   same address and port (its counters carry over, its cookies do not).
 *   request:  address, KNTS_A_ASSOC_PORT (u16, host order),
 *             KNTS_A_ASSOC_AEAD (u16: 15, 16, 17 or 30), KNTS_A_ASSOC_C2S and
 *             KNTS_A_ASSOC_S2C (the AEAD's key length each),
 *             KNTS_A_ASSOC_COOKIES { KNTS_A_COOKIE ... } (1..8 cookies of
 *             one length, KNTS_ASSOC_COOKIE_MIN..KNTS_ASSOC_COOKIE_MAX bytes,
 *             a multiple of 4). Keys and cookies are write-only.
 *             Optional: KNTS_A_ASSOC_OWNER_UID (u32, a uid of the caller's
 *             user namespace): only requests from sockets that user owns
 *             get NTS; others' requests to the server are dropped
 *             (KNTS_STAT_CLI_REQ_NOT_OWNER). Without it, any local socket's.
 *   or, instead of AEAD, keys and cookies, KNTS_A_ASSOC_CLOSED (flag): a
 *             closed association, for a server whose NTS-KE has not
 *             succeeded yet. Requests to it are dropped (no cookie) and so
 *             is everything from it, until an ASSOC_SET with keys replaces
 *             it. COOKIES_ADD refuses it.
 *
 * KNTS_CMD_ASSOC_COOKIES_ADD (do): put more cookies in an association's jar.
 *   request:  address, port, KNTS_A_ASSOC_COOKIES (the length the jar
 *             holds). The jar keeps at most KNTS_ASSOC_MAX_COOKIES: cookies
 *             beyond that are discarded, since replies refill it meanwhile.
 *
 * KNTS_CMD_ASSOC_DEL (do): remove one association. request: address, port.
 *
 * KNTS_CMD_ASSOC_GET (do with address and port, or dump): per association
 *   address, KNTS_A_ASSOC_PORT, KNTS_A_ASSOC_AEAD, KNTS_A_ASSOC_COOKIES_HELD,
 *   KNTS_A_ASSOC_COOKIE_LEN, KNTS_A_ASSOC_REQUESTS, KNTS_A_ASSOC_REQ_DROPPED,
 *   KNTS_A_ASSOC_REPLIES_GOOD, KNTS_A_ASSOC_REPLIES_BAD, KNTS_A_ASSOC_NAKS,
 *   KNTS_A_ASSOC_AGE and, once a reply verified, KNTS_A_ASSOC_LAST_REPLY;
 *   KNTS_A_ASSOC_CLOSED (AEAD 0) when closed, KNTS_A_ASSOC_OWNER_UID and
 *   KNTS_A_ASSOC_IFINDEX when set.
 *   Never keys, never cookies.
 *
 * KNTS_CMD_EVENT (notification on the multicast group KNTS_MCGRP_EVENTS,
 *   sent in the association's namespace, at most one per association and
 *   event type per second): address, port, KNTS_A_EVENT (enum
 *   knts_event_type), KNTS_A_ASSOC_COOKIES_HELD.
 *
 * KNTS_CMD_CLIENT_SET (do): settings of this namespace's client role.
 *   request:  KNTS_A_CLIENT_IDLE_SECS (u32, 0..KNTS_CLIENT_IDLE_MAX,
 *             default 3600): report KNTS_EVENT_IDLE for an association
 *             that sent no request for this long; 0: never. Takes effect
 *             at once, with or without associations.
 *
 * KNTS_CMD_CLIENT_GET (do)
 *   reply:    KNTS_A_CLIENT_IDLE_SECS.
 *
 * Attribute numbers, command numbers and counter numbers are append-only.
 */
#ifndef _UAPI_LINUX_KNTS_H
#define _UAPI_LINUX_KNTS_H

#define KNTS_FAMILY_NAME	"knts"
#define KNTS_FAMILY_VERSION	1

/*
 * Master keys, as chrony's NKS0/NKS1 files hold them: AES-SIV-CMAC-256
 * (algorithm 15, KNTS_MASTER_KEY_LEN bytes) or AES-128-GCM-SIV
 * (algorithm 30, KNTS_MASTER_KEY_GCM_LEN bytes; chrony >= 4.4).
 */
#define KNTS_MASTER_KEY_LEN	32
#define KNTS_MASTER_KEY_GCM_LEN	16
#define KNTS_MAX_KEYS		16

/*
 * AEAD algorithm identifiers (IANA "AEAD Algorithms", RFC 8915 s5.1): the
 * values of KNTS_A_ASSOC_AEAD, and what NTS-KE negotiates.
 */
enum knts_aead {
	KNTS_AEAD_AES_SIV_CMAC_256 = 15,
	KNTS_AEAD_AES_SIV_CMAC_384 = 16,
	KNTS_AEAD_AES_SIV_CMAC_512 = 17,
	KNTS_AEAD_AES_128_GCM_SIV = 30,		/* RFC 8452 */
};

/*
 * Per-namespace settings of the roles: defaults (what a new namespace
 * starts with) and the ranges the kernel accepts.
 */
#define KNTS_PENDING_SLOTS_DEFAULT	1024
#define KNTS_PENDING_SLOTS_MIN		8
#define KNTS_PENDING_SLOTS_MAX		1048576	/* 2^20 */
#define KNTS_NAK_RATE_DEFAULT		1000
#define KNTS_NAK_RATE_MIN		1
#define KNTS_NAK_RATE_MAX		1000000
#define KNTS_CLIENT_IDLE_DEFAULT	3600
#define KNTS_CLIENT_IDLE_MAX		604800	/* a week */

/* Client role. */
#define KNTS_MAX_ASSOCS		64
#define KNTS_ASSOC_MAX_COOKIES	8
#define KNTS_ASSOC_COOKIE_MIN	16
#define KNTS_ASSOC_COOKIE_MAX	256
#define KNTS_MCGRP_EVENTS	"events"

enum knts_event_type {
	KNTS_EVENT_UNSPEC,
	KNTS_EVENT_COOKIES_LOW,	/* a request left few cookies in the jar */
	KNTS_EVENT_JAR_EMPTY,	/* a request was dropped: no cookie left */
	KNTS_EVENT_NAK,		/* the server sent an NTS NAK for our request */
	KNTS_EVENT_IDLE,	/* no request sent for a long time */

	__KNTS_EVENT_MAX,
	KNTS_EVENT_MAX = (__KNTS_EVENT_MAX - 1)
};

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
	KNTS_CMD_ASSOC_SET,
	KNTS_CMD_ASSOC_COOKIES_ADD,
	KNTS_CMD_ASSOC_DEL,
	KNTS_CMD_ASSOC_GET,
	KNTS_CMD_EVENT,		/* notification only */
	KNTS_CMD_CLIENT_SET,
	KNTS_CMD_CLIENT_GET,

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
	KNTS_A_ASSOC_ADDR4,	/* binary, 4 bytes, network order */
	KNTS_A_ASSOC_ADDR6,	/* binary, 16 bytes */
	KNTS_A_ASSOC_PORT,	/* u16, host order */
	KNTS_A_ASSOC_AEAD,	/* u16, 15/16/17/30 */
	KNTS_A_ASSOC_C2S,	/* binary, write-only */
	KNTS_A_ASSOC_S2C,	/* binary, write-only */
	KNTS_A_ASSOC_COOKIES,	/* nest of KNTS_A_COOKIE, write-only */
	KNTS_A_ASSOC_COOKIES_HELD,	/* u32 */
	KNTS_A_ASSOC_COOKIE_LEN,	/* u32 */
	KNTS_A_ASSOC_REQUESTS,	/* u64: requests sent with NTS */
	KNTS_A_ASSOC_REQ_DROPPED,	/* u64: requests dropped, jar empty */
	KNTS_A_ASSOC_REPLIES_GOOD,	/* u64: replies verified */
	KNTS_A_ASSOC_REPLIES_BAD,	/* u64: replies dropped */
	KNTS_A_ASSOC_NAKS,	/* u64: NTS NAKs matching a request */
	KNTS_A_ASSOC_AGE,	/* u64: seconds since ASSOC_SET */
	KNTS_A_ASSOC_LAST_REPLY,	/* u64: seconds since the last good reply */
	KNTS_A_EVENT,		/* u8, enum knts_event_type */
	KNTS_A_ASSOC_CLOSED,	/* flag: no keys yet, drop everything */
	KNTS_A_ASSOC_OWNER_UID,	/* u32: only this socket owner's requests */
	KNTS_A_ASSOC_IFINDEX,	/* u32: interface of a link-local server */
	KNTS_A_SERVER_PENDING_SLOTS,	/* u32: in-flight request table size */
	KNTS_A_SERVER_NAK_RATE,	/* u32: most NTS NAKs per second */
	KNTS_A_CLIENT_IDLE_SECS,	/* u32: idle event after; 0 never */

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
	KNTS_A_KEY_SECRET,	/* binary, the algorithm's length; write-only */
	KNTS_A_KEY_AGE,		/* u64, seconds since the set was installed */
	KNTS_A_KEY_AEAD,	/* u16, the key's algorithm: 15 (default), 30 */

	__KNTS_A_KEY_MAX,
	KNTS_A_KEY_MAX = (__KNTS_A_KEY_MAX - 1)
};

/* Inside KNTS_A_ASSOC_COOKIES: one KNTS_A_COOKIE (binary) per cookie. */
enum knts_cookies_attr {
	KNTS_A_COOKIES_UNSPEC,
	KNTS_A_COOKIE,

	__KNTS_A_COOKIES_MAX,
	KNTS_A_COOKIES_MAX = (__KNTS_A_COOKIES_MAX - 1)
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
	KNTS_STAT_SRV_TABLE_FULL,	/* window full: oldest entry evicted */
	KNTS_STAT_SRV_PLAIN_PASSED,	/* plain NTP let through: no NTS
					 * fields, or not mode 3 (any policy)
					 */
	KNTS_STAT_SRV_PLAIN_DROPPED,	/* plain mode 3 (or < 48 bytes), nts-only */
	KNTS_STAT_SRV_FRAGMENT_DROPPED,	/* IPv6 fragments to the NTP port */
	KNTS_STAT_SRV_ERROR,		/* internal failure (memory, skb) */
	/* client role */
	KNTS_STAT_CLI_REQ_PROTECTED,	/* requests sent with NTS */
	KNTS_STAT_CLI_REQ_NO_COOKIE,	/* dropped: the jar was empty */
	KNTS_STAT_CLI_REQ_UNSUPPORTED,	/* dropped: not a bare NTPv4 request */
	KNTS_STAT_CLI_REPLY_VERIFIED,	/* replies authenticated, delivered */
	KNTS_STAT_CLI_REPLY_UNAUTH,	/* dropped: no NTS at all */
	KNTS_STAT_CLI_REPLY_MALFORMED,	/* dropped: broken NTS fields */
	KNTS_STAT_CLI_REPLY_UNMATCHED,	/* dropped: no such request (UID/origin) */
	KNTS_STAT_CLI_REPLY_REPLAY,	/* dropped: request already answered */
	KNTS_STAT_CLI_REPLY_BAD_MAC,	/* dropped: did not authenticate */
	KNTS_STAT_CLI_REPLY_BAD_COOKIES, /* dropped: unusable new cookies */
	KNTS_STAT_CLI_REPLY_FRAGMENT,	/* dropped: IPv6 fragment */
	KNTS_STAT_CLI_NAK,		/* NTS NAKs answering our request */
	KNTS_STAT_CLI_NAK_UNMATCHED,	/* NAKs for no request of ours */
	KNTS_STAT_CLI_EVENT_SENT,	/* notifications sent */
	KNTS_STAT_CLI_EVENT_RATELIMITED, /* notifications not sent: rate */
	KNTS_STAT_CLI_ERROR,		/* internal failure (memory, skb) */
	KNTS_STAT_SRV_BAD_CSUM,		/* NTS request with a bad UDP checksum */
	KNTS_STAT_CLI_REPLY_BAD_CSUM,	/* dropped: bad UDP checksum */
	KNTS_STAT_CLI_REQ_NOT_OWNER,	/* dropped: not the owner's socket */
	/* both roles: packets knts cannot parse are dropped, not passed */
	KNTS_STAT_BAD_EXTHDR,		/* IPv6 header chain cut short or too long */
	KNTS_STAT_BAD_UDP,		/* UDP header cut short, length impossible */
	KNTS_STAT_GSO_DROPPED,		/* GSO/GRO skb to the port or from a server */
	/* server role */
	KNTS_STAT_SRV_NAK_NOT_HOST,	/* NAK owed, request not unicast to us */
	KNTS_STAT_SRV_NAK_SRC_LIMITED,	/* NAK owed, over its source's rate */

	__KNTS_STAT_MAX,
	KNTS_STAT_MAX = (__KNTS_STAT_MAX - 1)
};

#endif /* _UAPI_LINUX_KNTS_H */
