/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS-KE client (RFC 8915 section 4; digest section 2): one TLS 1.3
 * connection, one request, one validated response, the exported C2S/S2C
 * keys. Used by ntskd (client role) and by the ntsload load generator.
 *
 * Two ways to drive it:
 *
 * 1. A non-blocking state machine for any event loop (epoll, poll):
 *
 *	struct knts_ke_client *c = knts_ke_client_start(&params);
 *	int st;
 *
 *	if (!c) ... out of memory
 *	while ((st = knts_ke_client_step(c)) == KNTS_KE_CLIENT_WANT_READ ||
 *	       st == KNTS_KE_CLIENT_WANT_WRITE)
 *		wait until knts_ke_client_fd(c) is readable (WANT_READ) or
 *		writable (WANT_WRITE), at most knts_ke_client_timeout_ms(c)
 *	if (st == KNTS_KE_CLIENT_DONE)
 *		knts_ke_client_result(c, &res);
 *	else
 *		log knts_ke_client_errmsg(c);
 *	knts_ke_client_free(c);
 *
 *    step() never blocks and may be called at any time (spurious wake-ups
 *    are fine); it also enforces the deadlines, so call it when the wait
 *    times out. The fd does not change during the life of the object.
 *
 *    Name resolution: start() never blocks for numeric addresses or when
 *    params.addr is given. For a host NAME without params.addr it calls
 *    getaddrinfo(), which BLOCKS, and connects to the first address. An
 *    event loop that must not block resolves the name itself (or in a
 *    helper thread) and passes each address in params.addr, keeping the
 *    name in params.host for SNI and the certificate check.
 *
 * 2. knts_ke_client_run(): the blocking wrapper with the same timeouts,
 *    which resolves names and tries every address in turn.
 *
 * Security rules (digest 2.1, 8 P11-P13): TLS 1.3 only; ALPN "ntske/1"
 * offered and required back; no session tickets or resumption; SNI for
 * host names, none for IP literals; certificate chain checked against the
 * system store or params.ca_file, and the name checked against DNS SANs
 * (host name) or IP SANs (address literal); params.noverify switches the
 * certificate check off for labs only (result.warnings carries
 * KNTS_KE_WARN_NOVERIFY and the caller must log it loudly). The response
 * is validated by knts_ke_parse_response() (ke_record.h): Error and
 * Warning records abort, Next Protocol must be {NTPv4}, the AEAD must be
 * one we offered, at least one cookie, all cookies 4..256 bytes, a
 * multiple of 4 and equal in length, at most 64 KiB in all.
 *
 * Key material (result.c2s/s2c and the cookies) is wiped by
 * knts_ke_client_free() and by knts_ke_result_wipe().
 */
#ifndef KNTS_KE_CLIENT_H
#define KNTS_KE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define KNTS_KE_CLIENT_DEFAULT_PORT	4460
#define KNTS_KE_CLIENT_MAX_AEADS	8
#define KNTS_KE_CLIENT_MAX_COOKIES	8
#define KNTS_KE_CLIENT_COOKIE_MAX	256
#define KNTS_KE_CLIENT_KEY_MAX		64
#define KNTS_KE_CLIENT_NAME_MAX		255
#define KNTS_KE_CLIENT_CONNECT_TIMEOUT_MS	5000
#define KNTS_KE_CLIENT_IO_TIMEOUT_MS		5000

/* What step() asks for next */
enum knts_ke_client_status {
	KNTS_KE_CLIENT_WANT_READ	= 1,
	KNTS_KE_CLIENT_WANT_WRITE	= 2,
	KNTS_KE_CLIENT_DONE		= 3,
	KNTS_KE_CLIENT_ERROR		= 4,
};

/*
 * Error classes, so that a caller can choose its retry policy (chrony
 * backs off less after a connect failure than after a TLS failure). The
 * "detail" that goes with each is documented next to it.
 */
enum knts_ke_client_err {
	KNTS_KE_CERR_NONE = 0,
	KNTS_KE_CERR_INVAL,		/* bad parameters */
	KNTS_KE_CERR_RESOLVE,		/* name did not resolve; detail: EAI_* */
	KNTS_KE_CERR_CONNECT,		/* TCP connect failed; detail: errno */
	KNTS_KE_CERR_TIMEOUT,		/* detail: 0 in connect, 1 after */
	KNTS_KE_CERR_TLS,		/* handshake failed (e.g. not TLS 1.3) */
	KNTS_KE_CERR_VERIFY,		/* certificate chain or name; detail: X509_V_ERR_* */
	KNTS_KE_CERR_ALPN,		/* server did not select "ntske/1" */
	KNTS_KE_CERR_IO,		/* read/write failed, or closed early */
	KNTS_KE_CERR_RESPONSE,		/* invalid response; detail: KNTS_KE_E_* (< 0) */
	KNTS_KE_CERR_SERVER_ERROR,	/* Error/Warning record; detail: its code */
	KNTS_KE_CERR_INTERNAL,		/* allocation, OpenSSL, key export */
};

/* Result warnings: not fatal, worth a log line */
#define KNTS_KE_WARN_NOVERIFY		(1u << 0) /* certificate NOT verified */
#define KNTS_KE_WARN_FEW_COOKIES	(1u << 1) /* fewer than 8 cookies */
#define KNTS_KE_WARN_EXTRA_COOKIES	(1u << 2) /* more than 8: extra dropped */
#define KNTS_KE_WARN_IGNORED_RECORDS	(1u << 3) /* unknown non-critical records */
#define KNTS_KE_WARN_AEAD_NOT_FIRST	(1u << 4) /* not our first choice */

struct knts_ke_client_params {
	/* Required: the server's name or address literal (v4, v6, "[v6]") */
	const char *host;
	uint16_t port;				/* 0: 4460 */
	/* Optional: connect here instead of resolving host (port ignored) */
	const struct sockaddr *addr;
	socklen_t addr_len;
	int family;				/* AF_UNSPEC (0), AF_INET, AF_INET6 */
	const char *ca_file;			/* NULL: system store; file or directory */
	bool noverify;				/* labs only: no certificate check */
	const uint16_t *aeads;			/* NULL: 30, 15, 17, 16 */
	size_t n_aeads;
	unsigned int connect_timeout_ms;	/* 0: default */
	unsigned int io_timeout_ms;		/* handshake to response; 0: default */
};

struct knts_ke_result {
	uint16_t aead;
	bool compliant_gcm;	/* record 1024 came back: RFC exporter context */
	size_t key_len;
	uint8_t c2s[KNTS_KE_CLIENT_KEY_MAX];
	uint8_t s2c[KNTS_KE_CLIENT_KEY_MAX];
	size_t n_cookies;			/* 1..8 */
	size_t cookie_len[KNTS_KE_CLIENT_MAX_COOKIES];	/* all equal */
	uint8_t cookie[KNTS_KE_CLIENT_MAX_COOKIES][KNTS_KE_CLIENT_COOKIE_MAX];
	/*
	 * Where to send NTP: the Server record (record 6) when there is one,
	 * else the NTS-KE server's address as text; the Port record (record
	 * 7), else 123. ntp_server_is_name: a DNS name the caller resolves.
	 */
	char ntp_server[KNTS_KE_CLIENT_NAME_MAX + 1];
	bool ntp_server_negotiated;
	bool ntp_server_is_name;
	uint16_t ntp_port;
	bool ntp_port_negotiated;
	unsigned int warnings;			/* KNTS_KE_WARN_* */
	unsigned int n_ignored;			/* unknown records skipped */
	size_t n_cookies_seen;			/* before the cap of 8 */
	struct sockaddr_storage ke_addr;	/* the NTS-KE server we used */
	socklen_t ke_addr_len;
	char tls_cipher[64];			/* e.g. TLS_AES_256_GCM_SHA384 */
};

struct knts_ke_client;

/*
 * Start a key exchange: validate params, create the socket and begin a
 * non-blocking connect. Returns NULL only when out of memory; any other
 * failure leaves the object in the error state (step() returns ERROR).
 * params and the strings in it need not outlive the call.
 */
struct knts_ke_client *knts_ke_client_start(const struct knts_ke_client_params *p);

/* Make progress; returns enum knts_ke_client_status. */
int knts_ke_client_step(struct knts_ke_client *c);

/* The socket to wait on (-1 after an early failure). */
int knts_ke_client_fd(const struct knts_ke_client *c);

/* Milliseconds until the current deadline (>= 0), -1 when finished. */
int knts_ke_client_timeout_ms(const struct knts_ke_client *c);

/* Copy the result out; 0, or -1 unless step() returned DONE. */
int knts_ke_client_result(const struct knts_ke_client *c,
			  struct knts_ke_result *out);

/* Error class (KNTS_KE_CERR_*) and its detail (may be NULL). */
int knts_ke_client_error(const struct knts_ke_client *c, int *detail);

/* One line saying what failed, for logs; "" when nothing failed. */
const char *knts_ke_client_errmsg(const struct knts_ke_client *c);

/* Close the connection, free everything, wipe keys and cookies. */
void knts_ke_client_free(struct knts_ke_client *c);

/*
 * Blocking: resolve (getaddrinfo unless params.addr), try each address
 * until one answers. Returns 0 with *res filled, or -KNTS_KE_CERR_* with
 * a message in err (if errlen > 0). Never waits longer than the
 * timeouts per address.
 */
int knts_ke_client_run(const struct knts_ke_client_params *p,
		       struct knts_ke_result *res, char *err, size_t errlen);

/*
 * The response validation step alone (no TLS): parse a complete NTS-KE
 * response msg[0, len) against the AEADs offered, and fill res with the
 * AEAD, key length, cookies, negotiated server and port, warnings (all but
 * KNTS_KE_WARN_NOVERIFY). Keys, ke_addr and tls_cipher are left zero, and
 * without a Server record ntp_server is left empty for the caller to fill
 * with the NTS-KE server's address. Returns KNTS_KE_CERR_NONE,
 * KNTS_KE_CERR_RESPONSE or KNTS_KE_CERR_SERVER_ERROR with *detail as for
 * knts_ke_client_error(); res is zeroed on failure.
 */
int knts_ke_client_take_response(const uint8_t *msg, size_t len,
				 const uint16_t *offered, size_t n_offered,
				 struct knts_ke_result *res, int *detail);

/* Wipe the key material and cookies of a result. */
void knts_ke_result_wipe(struct knts_ke_result *res);

/* Stable names for logs and --json: "tls", "verify", ...; never NULL. */
const char *knts_ke_client_err_name(int err);
/* Comma-separated warning names into buf ("" for none); returns buf. */
const char *knts_ke_warnings_str(unsigned int warnings, char *buf,
				 size_t len);

/*
 * The default AEAD offer: 30, 15, 17, 16. AES-128-GCM-SIV first, as
 * chrony >= 4.4 clients offer it (its keys are half as long and its
 * packets smaller), then the mandatory 15 (digest 2.3 and issue 5).
 */
extern const uint16_t knts_ke_client_default_aeads[4];

#endif /* KNTS_KE_CLIENT_H */
