/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS-KE server (RFC 8915 section 4; digest 2 and 9.1) on OpenSSL 3.
 *
 * TLS 1.3 only, ALPN "ntske/1" required (a client offering no ALPN is
 * refused after the handshake, one offering others during it), no session
 * tickets, no resumption, no early data. Sockets are non-blocking and every
 * connection is a small state machine driven by the event loop, so a slow
 * or silent client only ever holds its own slot: it is closed when its
 * deadline (NTSKD_KE_TIMEOUT_MS from accept) passes; once the answer is
 * written, the client's close_notify is waited for half a second at most,
 * so a finished exchange frees its slot at once. Requests are limited
 * to KNTS_KE_REQ_LIMIT bytes; bad ones get an Error record.
 *
 * At most ke-max-conns (default NTSKD_KE_MAX_CONNS) connections are in
 * progress (with several workers, each has its share); at the cap a
 * newcomer takes the place of a connection from the address holding the
 * most of them, or of one silent for a fifth of the deadline, by the
 * max-min fair rules of ke_fair.h; otherwise it is closed at once (both
 * before any TLS work). With
 * ke-rate-limit, each client address (IPv6: /64) is held to a token bucket
 * and a number of open connections first (ke_ratelimit.h). Refusals are
 * counted (ntskd_ke_server_stats) and logged rate-limited, as are all
 * per-connection log lines.
 *
 * A good request gets NP{0}, the first AEAD of the client's list among
 * 15/16/17, [Port when ntp-port != 123], [Server when ntp-server is set]
 * and 8 cookies in chrony's format sealed with the current master key.
 */
#ifndef NTSKD_KE_SERVER_H
#define NTSKD_KE_SERVER_H

#include <stdint.h>

#include "config.h"
#include "loop.h"
#include "masterkeys.h"

#define NTSKD_KE_TIMEOUT_MS	5000	/* whole exchange, from accept */
#define NTSKD_KE_MAX_CONNS	128	/* default ke-max-conns */

struct ntskd_ke_server;
struct ntskd_ke_shared;

/*
 * Load the certificate and key of @cfg; no listener yet. @cfg and @keys
 * must outlive the server; @keys is read at every exchange (current key).
 * Returns NULL after logging why.
 */
struct ntskd_ke_server *ntskd_ke_server_new(struct ntskd_loop *loop,
					    const struct ntskd_config *cfg,
					    const struct ntskd_masterkeys *keys);

/*
 * Make @s the first of several workers (ke_workers.h): its TLS context and
 * rate limit table become the returned shared state, its master keys are
 * from now on what ntskd_ke_shared_set_keys() publishes (none until then:
 * requests get Error 2, internal error), and it holds @max_conns
 * connections at most. NULL when out of memory (@s unchanged).
 */
struct ntskd_ke_shared *ntskd_ke_server_share(struct ntskd_ke_server *s,
					      unsigned int max_conns);

/*
 * Another worker on @loop (its own thread): TLS context, keys and rate
 * limit from @sh, at most @max_conns connections, no certificate timer
 * (the first worker's). NULL after logging why.
 */
struct ntskd_ke_server *ntskd_ke_server_new_worker(struct ntskd_loop *loop,
						   const struct ntskd_config *cfg,
						   struct ntskd_ke_shared *sh,
						   unsigned int worker,
						   unsigned int max_conns);

/* " (worker 0)": added to the summary line. */
void ntskd_ke_server_set_label(struct ntskd_ke_server *s, const char *label);

/* Open the listeners (ke_listen.h) for cfg. 0 or -1 (logged). */
int ntskd_ke_server_listen(struct ntskd_ke_server *s);

/* Accept from @first's listeners too (another worker). 0 or -1 (logged). */
int ntskd_ke_server_listen_join(struct ntskd_ke_server *s,
				const struct ntskd_ke_server *first);

/* new + listen; NULL after logging why. */
struct ntskd_ke_server *ntskd_ke_server_start(struct ntskd_loop *loop,
					      const struct ntskd_config *cfg,
					      const struct ntskd_masterkeys *keys);

/*
 * Serve one connected, non-blocking stream socket (taken over: closed when
 * done) as if accepted from @peer (no per-address check, and no address:
 * all adopted sockets are one group for ke_fair.h); at the cap
 * one is evicted or this one refused (above).
 * Used by the listeners and by tests.
 */
void ntskd_ke_server_adopt(struct ntskd_ke_server *s, int fd,
			   const char *peer);

/* How the exchanges that got past admission ended (each counts once). */
struct ntskd_ke_outcomes {
	uint64_t ok;			/* answered with cookies */
	uint64_t aead[3];		/* ok, by AEAD 15, 16, 17 */
	uint64_t cookies;		/* issued in those answers */
	uint64_t bad_request;		/* answered with an Error record */
	uint64_t no_aead;		/* no AEAD in common: empty list sent */
	uint64_t no_ntpv4;		/* NTPv4 not offered: empty list sent */
	uint64_t internal;		/* Error 2 (internal error) sent */
	uint64_t tls_failed;		/* TLS handshake failed or refused
					 * (version, ALPN) */
	uint64_t conn_failed;		/* TLS error after the handshake */
	uint64_t closed_early;		/* the client left before End of Message */
	uint64_t timeouts;		/* deadline before the answer */
};

/* Refusals before the TLS handshake (also logged, rate-limited). */
struct ntskd_ke_server_stats {
	unsigned int conns;		/* in progress now */
	uint64_t refused_rate;		/* ke-rate-limit RATE/burst */
	uint64_t refused_addr_conns;	/* ke-rate-limit max-conns */
	uint64_t refused_full;		/* at the cap, none evictable */
	uint64_t evicted;		/* silent ones closed to make room */
	uint64_t evicted_share;		/* closed: their address held the most */
	uint64_t rate_untracked;	/* admitted: rate table bucket busy */
	struct ntskd_ke_outcomes out;
	uint64_t cert_warnings;		/* "expires in N days" warnings */
};

void ntskd_ke_server_stats(const struct ntskd_ke_server *s,
			   struct ntskd_ke_server_stats *st);

/*
 * The same, from another thread than the worker's: as of the end of its
 * last event (workers publish after each one). Shared workers only. The
 * rate limit table's rate_untracked is not in it (the pool's to report).
 */
void ntskd_ke_server_stats_published(struct ntskd_ke_server *s,
				     struct ntskd_ke_server_stats *st);

/* Connections in progress. */
unsigned int ntskd_ke_server_conns(const struct ntskd_ke_server *s);

/* Per-connection deadline, NTSKD_KE_TIMEOUT_MS unless changed (tests). */
void ntskd_ke_server_set_timeout(struct ntskd_ke_server *s,
				 unsigned int ms);

/*
 * Re-read the certificate and key (SIGHUP). New connections use them;
 * connections in progress finish with the old ones. On failure the old
 * ones stay in use. 0 or -1 (logged).
 */
int ntskd_ke_server_reload_tls(struct ntskd_ke_server *s);

/* Seconds until the certificate in use expires (negative: expired). */
void ntskd_ke_server_cert_left(const struct ntskd_ke_server *s,
			       int64_t *left_s);

/*
 * Warn (log, and count in cert_warnings) when the certificate in use
 * expires in less than NTSKD_CERT_WARN_DAYS; an error once it has. Done
 * at load, at every reload and every NTSKD_CERT_CHECK_MS.
 */
#define NTSKD_CERT_WARN_DAYS	14
#define NTSKD_CERT_CHECK_MS	(6 * 3600 * 1000)
void ntskd_ke_server_check_cert(struct ntskd_ke_server *s);

/*
 * Log at info what the exchanges since the last summary came to (nothing
 * when nothing happened); done every 10 minutes and at stop. Per-client
 * lines are debug lines.
 */
void ntskd_ke_server_log_summary(struct ntskd_ke_server *s);

/* The "NTS-KE since start: refused ..." line, if anything was. */
void ntskd_ke_log_refusal_totals(const struct ntskd_ke_server_stats *st);

/*
 * Close listeners and connections. NULL is a no-op. Logs the refusal
 * totals, except for a worker of several (ke_workers.c logs their sum).
 */
void ntskd_ke_server_stop(struct ntskd_ke_server *s);

#endif /* NTSKD_KE_SERVER_H */
