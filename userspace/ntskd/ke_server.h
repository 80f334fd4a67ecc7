/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS-KE server (RFC 8915 section 4; digest 2 and 9.1) on OpenSSL 3.
 *
 * TLS 1.3 only, ALPN "ntske/1" required (a client offering no ALPN is
 * refused after the handshake, one offering others during it), no session
 * tickets, no resumption, no early data. Sockets are non-blocking and every
 * connection is a small state machine driven by the event loop, so a slow
 * or silent client only ever holds its own slot: it is closed when its
 * deadline (NTSKD_KE_TIMEOUT_MS from accept) passes. Requests are limited
 * to KNTS_KE_REQ_LIMIT bytes; bad ones get an Error record.
 *
 * At most NTSKD_KE_MAX_CONNS connections are in progress; at the cap a
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
#define NTSKD_KE_MAX_CONNS	128	/* at once; then evict or refuse */

struct ntskd_ke_server;

/*
 * Load the certificate and key of @cfg; no listener yet. @cfg and @keys
 * must outlive the server; @keys is read at every exchange (current key).
 * Returns NULL after logging why.
 */
struct ntskd_ke_server *ntskd_ke_server_new(struct ntskd_loop *loop,
					    const struct ntskd_config *cfg,
					    const struct ntskd_masterkeys *keys);

/* Open the listeners (ke_listen.h) for cfg. 0 or -1 (logged). */
int ntskd_ke_server_listen(struct ntskd_ke_server *s);

/* new + listen; NULL after logging why. */
struct ntskd_ke_server *ntskd_ke_server_start(struct ntskd_loop *loop,
					      const struct ntskd_config *cfg,
					      const struct ntskd_masterkeys *keys);

/*
 * Serve one connected, non-blocking stream socket (taken over: closed when
 * done) as if accepted from @peer (no per-address check, and no address:
 * all adopted sockets are one group for ke_fair.h); at NTSKD_KE_MAX_CONNS
 * one is evicted or this one refused (above).
 * Used by the listeners and by tests.
 */
void ntskd_ke_server_adopt(struct ntskd_ke_server *s, int fd,
			   const char *peer);

/* Refusals before the TLS handshake (also logged, rate-limited). */
struct ntskd_ke_server_stats {
	unsigned int conns;		/* in progress now */
	uint64_t refused_rate;		/* ke-rate-limit RATE/burst */
	uint64_t refused_addr_conns;	/* ke-rate-limit max-conns */
	uint64_t refused_full;		/* NTSKD_KE_MAX_CONNS, none evictable */
	uint64_t evicted;		/* silent ones closed to make room */
	uint64_t evicted_share;		/* closed: their address held the most */
	uint64_t rate_untracked;	/* admitted: rate table bucket busy */
};

void ntskd_ke_server_stats(const struct ntskd_ke_server *s,
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

/* Close listeners and connections. NULL is a no-op. */
void ntskd_ke_server_stop(struct ntskd_ke_server *s);

#endif /* NTSKD_KE_SERVER_H */
