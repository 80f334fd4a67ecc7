/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntskd configuration, /etc/knts/ntskd.conf (-c FILE overrides it).
 *
 * One directive per line, words separated by blanks, '#' starts a comment.
 *
 *   ke-listen ADDR [PORT]   NTS-KE listener, IPv4 or IPv6 literal (brackets
 *                           optional), port default 4460; repeatable.
 *                           None given: 0.0.0.0 and :: on 4460.
 *                           Explicit ones bind with IP_FREEBIND.
 *   cert FILE               PEM certificate chain       } the server role
 *   key FILE                PEM private key             } needs both
 *   keyfile FILE            master keys (chrony NKS0), default
 *                           /var/lib/knts/ntskeys
 *   rotate SECONDS          master key rotation, default 86400, at least
 *                           3600; 0 = never
 *                           (the keyfile is managed elsewhere: SIGHUP
 *                           re-reads it)
 *   keyfile-follow FILE     take the master keys from FILE, the ntskeys a
 *                           rotating chrony writes, whenever it changes
 *                           (inotify; keyfile_follow.h); ntskd never
 *                           rotates or writes them. Excludes keyfile and
 *                           rotate.
 *   ntp-port PORT           local NTP server's UDP port, default 123
 *   ntp-server NAME         NTPv4 Server record (6) sent to clients
 *   policy mixed|nts-only   kernel policy for plain NTP, default mixed
 *   ke-rate-limit RATE [burst N] [max-conns N]
 *                           per client address (IPv6: per /64) NTS-KE
 *                           connections: RATE per second on average
 *                           (decimal, 0.001 to 10000), at most N in a
 *                           burst (default 8) and N at once (default 8);
 *                           the excess is closed before the TLS
 *                           handshake. Not given: 1 per second with the
 *                           default burst and max-conns (set by the
 *                           parser, not by ntskd_config_init(): a config
 *                           built in code has no limit unless it sets
 *                           one). "ke-rate-limit off": no limit.
 *   ke-max-conns N          NTS-KE connections in progress at once, over
 *                           all workers (1 to 1024, default 128); at the
 *                           cap ke_fair.h decides who is closed
 *   ke-workers N|auto       NTS-KE worker threads, all accepting from the
 *                           same listeners (1 to 64); auto
 *                           (default): one per CPU ntskd may run on, at
 *                           most NTSKD_KE_WORKERS_AUTO_MAX (ke_workers.h)
 *   pending-slots N         knts's in-flight request table of this network
 *                           namespace, 8 to 1048576 (rounded up to a power
 *                           of two), default 1024
 *   nak-rate PER-SECOND     most NTS NAKs knts sends per second in this
 *                           namespace, 1 to 1000000, default 1000
 *                           (both pushed with the server role: at start,
 *                           rotation, SIGHUP and when the audit finds the
 *                           kernel's differ)
 *
 * Either role:
 *   user NAME               started as root: run as NAME once listeners,
 *                           certificate, key and keyfile are open, with
 *                           CAP_NET_ADMIN alone (privdrop.h)
 *
 * Client role (the NTS-KE client, client_role.c):
 *   server HOST [ke-port PORT] [ca FILE] [noverify] [aead ID,...]
 *          [ntp ADDR] [owner USER] [plain-until-nts]
 *                           repeatable; AEAD IDs among 15, 16, 17.
 *                           ntp: the NTP address the NTP client uses,
 *                           protected (closed) from start, before NTS-KE;
 *                           default: what the last NTS-KE negotiated
 *                           (client-state), else HOST if it is an address.
 *                           owner: see below. plain-until-nts: opt out of
 *                           the closed association before the first
 *                           NTS-KE (plain NTP passes until then).
 *   owner USER|UID|auto|any the user whose sockets' requests get NTS, for
 *                           every server line without its own `owner`;
 *                           others' requests to the server are dropped.
 *                           auto (default): _chrony or chrony if that user
 *                           exists, else root (NTPsec, ntpd). any: every
 *                           local socket's (no binding).
 *   refresh SECONDS         NTS-KE refresh interval, default 2419200
 *   ke-retry SECONDS [MAX]  first retry delay after a failed NTS-KE,
 *                           growing by 1.5 each time up to MAX; default
 *                           10 and 7200
 *   client-idle SECONDS     knts reports an association idle when the NTP
 *                           client sent it nothing for this long, 0 to
 *                           604800, 0 = never, default 3600 (pushed at
 *                           start and by the audit)
 *   client-state FILE       which association each server line installed
 *                           (survives ntskd restarts), default
 *                           /var/lib/knts/client-state
 *
 * The parser is a pure function over a buffer (no I/O, no globals), so it
 * is unit-tested and fuzzed as is.
 */
#ifndef NTSKD_CONFIG_H
#define NTSKD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#define NTSKD_CONFIG_FILE	"/etc/knts/ntskd.conf"
#define NTSKD_KEYFILE_DEFAULT	"/var/lib/knts/ntskeys"
#define NTSKD_KE_PORT		4460
#define NTSKD_NTP_PORT		123
#define NTSKD_ROTATE_DEFAULT	86400u
/*
 * A cookie lives two to three rotation periods; a client polling every
 * 1024 s (chrony's and ntpd's default maxpoll) needs them to outlive its
 * poll interval comfortably, or every poll becomes an NTS-KE.
 */
#define NTSKD_ROTATE_MIN	3600u
#define NTSKD_REFRESH_DEFAULT	2419200u
#define NTSKD_KE_RETRY_DEFAULT	10u
#define NTSKD_KE_RETRY_MAX_DEFAULT	7200u
#define NTSKD_CLIENT_STATE_DEFAULT	"/var/lib/knts/client-state"
/* Time values above ten years are typos, not intentions. */
#define NTSKD_SECONDS_MAX	315360000u

#define NTSKD_MAX_LISTEN	16
#define NTSKD_MAX_SERVERS	64
#define NTSKD_MAX_AEADS		3
#define NTSKD_PATH_MAX		4096
#define NTSKD_NAME_MAX		255
#define NTSKD_USER_MAX		32	/* useradd's limit */
#define NTSKD_CONFIG_MAX_SIZE	(1 << 20)
/* ke-rate-limit: RATE in thousandths per second, burst and max-conns */
#define NTSKD_KE_RATE_MILLI_MAX	10000000u
#define NTSKD_KE_RATE_DEFAULT_MILLI	1000u	/* a file without the line */
#define NTSKD_KE_BURST_DEFAULT	8u
#define NTSKD_KE_BURST_MAX	10000u
#define NTSKD_KE_ADDR_CONNS_DEFAULT	8u
#define NTSKD_KE_ADDR_CONNS_MAX	1024u
/* ke-max-conns (the default is NTSKD_KE_MAX_CONNS, ke_server.h) */
#define NTSKD_KE_MAX_CONNS_MAX	1024u
/* ke-workers; 0 in the config means auto */
#define NTSKD_KE_WORKERS_MAX	64u

struct ntskd_listen {
	int family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	uint16_t port;
	unsigned int line;
};

struct ntskd_server_conf {
	char host[NTSKD_NAME_MAX + 1];
	uint16_t ke_port;			/* default 4460 */
	char ca[NTSKD_PATH_MAX];		/* "" = system trust store */
	bool noverify;
	uint16_t aeads[NTSKD_MAX_AEADS];	/* in preference order */
	unsigned int n_aeads;			/* 0 = the client's default */
	char ntp[NTSKD_NAME_MAX + 1];		/* "" = not given */
	char owner[NTSKD_USER_MAX + 1];		/* "" = the global owner */
	bool plain_until_nts;			/* opt-out of fail-closed */
	unsigned int line;
};

struct ntskd_config {
	struct ntskd_listen listen[NTSKD_MAX_LISTEN];
	unsigned int n_listen;
	char cert[NTSKD_PATH_MAX];		/* "" = not set */
	char key[NTSKD_PATH_MAX];
	char keyfile[NTSKD_PATH_MAX];
	char keyfile_follow[NTSKD_PATH_MAX];	/* "" = not set */
	uint32_t rotate;			/* 0 with keyfile_follow */
	uint16_t ntp_port;
	char ntp_server[NTSKD_NAME_MAX + 1];	/* "" = no record 6 */
	uint8_t policy;				/* enum knts_policy */
	uint32_t ke_rate_milli;			/* 0 = no per-address limit */
	uint32_t ke_burst;
	uint32_t ke_addr_conns;
	uint32_t ke_max_conns;			/* over all workers */
	uint32_t ke_workers;			/* 0 = auto */
	uint32_t pending_slots;			/* knts SERVER_SET settings */
	uint32_t nak_rate;

	struct ntskd_server_conf *servers;	/* n_servers entries, heap */
	unsigned int n_servers;
	uint32_t refresh;
	uint32_t ke_retry;			/* seconds, >= 1 */
	uint32_t ke_retry_max;			/* seconds, >= ke_retry */
	char client_state[NTSKD_PATH_MAX];
	uint32_t client_idle;			/* knts CLIENT_SET, seconds */
	char owner[NTSKD_USER_MAX + 1];		/* "auto" by default */
	char user[NTSKD_NAME_MAX + 1];		/* "" = no user switch */
};

/* Defaults; nothing allocated. */
void ntskd_config_init(struct ntskd_config *c);

/*
 * Parse @len bytes of @text (no NUL needed) into @c, which
 * ntskd_config_init() prepared. @name is the file name used in messages.
 * Returns 0, or -1 with "name:line: message" in @err. On failure @c is
 * freed and re-initialised. Call ntskd_config_free() when done.
 */
int ntskd_config_parse(struct ntskd_config *c, const char *name,
		       const char *text, size_t len, char *err, size_t errlen);

/* Read @path and parse it (as above); I/O errors are reported in @err. */
int ntskd_config_load(struct ntskd_config *c, const char *path, char *err,
		      size_t errlen);

/* Free what parsing allocated and reset to the defaults. */
void ntskd_config_free(struct ntskd_config *c);

/* true when the server role is configured (cert and key given). */
static inline bool ntskd_config_server_role(const struct ntskd_config *c)
{
	return c->cert[0] && c->key[0];
}

/* true when the master keys follow another server's file. */
static inline bool ntskd_config_follows(const struct ntskd_config *c)
{
	return c->keyfile_follow[0] != '\0';
}

/* true when the client role is configured (server lines given). */
static inline bool ntskd_config_client_role(const struct ntskd_config *c)
{
	return c->n_servers > 0;
}

#endif /* NTSKD_CONFIG_H */
