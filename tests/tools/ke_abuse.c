// SPDX-License-Identifier: GPL-2.0
/*
 * ke_abuse: a hostile NTS-KE client for ntskd (issue 8, part 5). Each mode
 * misbehaves one way and checks how the server answers: an NTS-KE Error
 * record (RFC 8915 4.1.3) where the protocol has one, a TLS alert or a
 * close where the handshake cannot succeed, and the connection closed
 * within the deadline where the client stalls. Exit 0 when the answer is
 * the expected one, 1 when not, 2 on usage or local errors; one line of
 * result (and figures) on stdout.
 *
 *   ke_abuse [--src ADDR] [--deadline MS] [--ca FILE] HOST PORT MODE [ARGS]
 *
 * Modes:
 *   good [SECONDS]        a full exchange (8 cookies); retried for SECONDS
 *   burst N               N exchanges back to back: how many were served,
 *                         how many closed before the TLS handshake
 *   rate SECONDS [PROCS]  full exchanges as fast as PROCS processes
 *                         (default 2) can run them, each one after the
 *                         other, for SECONDS: exchanges per second (each
 *                         closes at End of Message, as chrony does)
 *                         (docs/performance.md, "NTS-KE handshakes")
 *   hold N SECONDS [tls]  keep N connections open (TLS handshake done with
 *                         "tls", else silent TCP), reopening each one the
 *                         server closes, for SECONDS
 *   slow-hello [N]        N connections sending a ClientHello 1 byte per
 *                         250 ms: each must be closed by the deadline
 *   slow-request          handshake, then the request 1 byte per 250 ms
 *   oversized             16 KiB (the limit) of records, no End of Message
 *   malformed CASE        np-odd aead-odd eom-body unknown-critical no-np
 *                         garbage (Error record expected), wrong-np
 *                         wrong-aead (empty lists), no-eom (closed at the
 *                         deadline, no answer)
 *   tls12 | wrong-alpn    handshake refused with a TLS alert
 *   no-alpn               handshake done, then closed without an answer
 *   garbage-pre           bytes that are no TLS record before a ClientHello:
 *                         an alert or a close, within the deadline
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "ke_record.h"

#define SLOW_STEP_MS	250
#define MARGIN_MS	4000	/* TCG under load: scheduling slack */

static struct sockaddr_storage dst, src;
static socklen_t dst_len, src_len;
static unsigned int deadline_ms = 5000;
static const char *ca_file;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int parse_addr(const char *host, const char *port,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *ai;

	if (getaddrinfo(host, port, &hints, &ai))
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* A TCP connection to dst from src; blocking unless @nonblock. */
static int tcp_open(bool nonblock)
{
	int fd = socket(dst.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
			(nonblock ? SOCK_NONBLOCK : 0), 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (!nonblock) {
		/* a SYN dropped behind a flood: give up and try anew, as a
		 * client with a connect timeout does, rather than back off */
		struct timeval tv = { .tv_sec = 9 };

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (src_len && bind(fd, (struct sockaddr *)&src, src_len)) {
		close(fd);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&dst, dst_len) &&
	    (!nonblock || errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

static SSL_CTX *client_ctx(int max_version, const char *alpn)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	unsigned char wire[64];

	if (!ctx)
		return NULL;
	if (max_version)
		SSL_CTX_set_max_proto_version(ctx, max_version);
	if (alpn) {
		wire[0] = (unsigned char)strlen(alpn);
		memcpy(wire + 1, alpn, wire[0]);
		SSL_CTX_set_alpn_protos(ctx, wire, wire[0] + 1u);
	}
	if (ca_file) {
		SSL_CTX_load_verify_locations(ctx, ca_file, NULL);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	return ctx;
}

/* Blocking socket with a receive timeout of deadline + margin. */
static void set_rcvtimeo(int fd)
{
	struct timeval tv = {
		.tv_sec = (deadline_ms + MARGIN_MS) / 1000,
		.tv_usec = (deadline_ms + MARGIN_MS) % 1000 * 1000,
	};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* ---- one blocking exchange ------------------------------------------- */

struct exch {
	int fd;
	SSL *ssl;
	uint64_t t0;
	unsigned long err;	/* first OpenSSL error of the handshake */
};

/* Connect and handshake: 1 done, 0 refused (err set), -1 local error. */
static int exch_open(struct exch *x, SSL_CTX *ctx)
{
	memset(x, 0, sizeof(*x));
	x->t0 = now_ms();
	x->fd = tcp_open(false);
	if (x->fd < 0)
		return -1;
	set_rcvtimeo(x->fd);
	x->ssl = SSL_new(ctx);
	if (!x->ssl || !SSL_set_fd(x->ssl, x->fd))
		return -1;
	ERR_clear_error();
	if (SSL_connect(x->ssl) == 1)
		return 1;
	x->err = ERR_peek_error();
	return 0;
}

static void exch_close(struct exch *x)
{
	SSL_free(x->ssl);
	if (x->fd >= 0)
		close(x->fd);
	x->ssl = NULL;
	x->fd = -1;
}

/* Everything until the server closes (or the timeout): bytes read. */
static size_t read_all(SSL *ssl, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	int r;

	while (n < cap && (r = SSL_read(ssl, buf + n, (int)(cap - n))) > 0)
		n += (size_t)r;
	return n;
}

/* Records of an answer: the Error code (or -1), and whether NP/AEAD were
 * empty, cookies seen, EOM last. */
struct answer {
	int error;		/* -1: no Error record */
	int np_len, aead_len;	/* -1: no such record */
	unsigned int cookies;
	bool eom;
	bool well_formed;
};

static void parse_answer(const uint8_t *b, size_t n, struct answer *a)
{
	size_t i = 0;

	memset(a, 0, sizeof(*a));
	a->error = a->np_len = a->aead_len = -1;
	while (i + 4 <= n) {
		unsigned int type = (b[i] << 8 | b[i + 1]) & KNTS_KE_TYPE_MASK;
		size_t len = (size_t)(b[i + 2] << 8 | b[i + 3]);

		if (i + 4 + len > n)
			return;
		if (type == KNTS_KE_REC_ERROR && len == 2)
			a->error = b[i + 4] << 8 | b[i + 5];
		else if (type == KNTS_KE_REC_NEXT_PROTO)
			a->np_len = (int)len;
		else if (type == KNTS_KE_REC_AEAD)
			a->aead_len = (int)len;
		else if (type == KNTS_KE_REC_NEW_COOKIE)
			a->cookies++;
		i += 4 + len;
		if (type == KNTS_KE_REC_EOM) {
			a->eom = true;
			a->well_formed = i == n;
			return;
		}
	}
}

static const uint8_t chrony_req[] = {
	0x80, 0x01, 0x00, 0x02, 0x00, 0x00,	/* NP {0} */
	0x80, 0x04, 0x00, 0x02, 0x00, 0x0f,	/* AEAD {15} */
	0x80, 0x00, 0x00, 0x00,			/* EOM */
};

/* One good exchange: 8 cookies and EOM. 1 yes, 0 refused, -1 error. */
static int exchange_good(SSL_CTX *ctx, bool *before_tls)
{
	static const uint16_t offered[] = { 15 };
	uint8_t resp[8192];
	struct knts_ke_response r;
	struct exch x;
	size_t n;
	int rc;

	*before_tls = false;
	rc = exch_open(&x, ctx);
	if (rc <= 0) {
		/* nothing came back from the server at all: closed pre-TLS */
		*before_tls = rc == 0 && SSL_get_rbio(x.ssl) &&
			      BIO_number_read(SSL_get_rbio(x.ssl)) == 0;
		exch_close(&x);
		return rc;
	}
	SSL_write(x.ssl, chrony_req, sizeof(chrony_req));
	n = read_all(x.ssl, resp, sizeof(resp));
	exch_close(&x);
	rc = knts_ke_parse_response(resp, n, offered, 1, &r);
	return !rc && r.n_cookies == 8 ? 1 : 0;
}

static int mode_good(SSL_CTX *ctx, unsigned int seconds)
{
	uint64_t t0 = now_ms(), end = t0 + (uint64_t)seconds * 1000;
	unsigned int tries = 0;
	bool pre;

	do {
		tries++;
		if (exchange_good(ctx, &pre) == 1) {
			printf("good: 8 cookies after %u attempt(s), %llu ms\n", tries,
			       (unsigned long long)(now_ms() - t0));
			return 0;
		}
		usleep(200 * 1000);
	} while (now_ms() < end);
	printf("FAIL good: no exchange in %u s (%u attempts)\n", seconds, tries);
	return 1;
}

static int mode_burst(SSL_CTX *ctx, unsigned int n)
{
	unsigned int i, served = 0, pre = 0, other = 0;
	bool before;

	for (i = 0; i < n; i++) {
		int rc = exchange_good(ctx, &before);

		if (rc == 1)
			served++;
		else if (before)
			pre++;
		else
			other++;
	}
	printf("burst: %u connections: %u served, %u closed before TLS, %u other\n",
	       n, served, pre, other);
	return 0;
}

/*
 * One exchange as chrony's client does it: read until the answer is
 * complete (End of Message), then close_notify and close, without
 * waiting for the server's close. 1 good (8 cookies), 0 not.
 */
static int exchange_eom(SSL_CTX *ctx)
{
	static const uint16_t offered[] = { 15 };
	uint8_t resp[8192];
	struct knts_ke_response r;
	struct exch x;
	size_t n = 0;
	int got, ok = 0;

	if (exch_open(&x, ctx) == 1 &&
	    SSL_write(x.ssl, chrony_req, sizeof(chrony_req)) ==
	    (int)sizeof(chrony_req)) {
		while (n < sizeof(resp) &&
		       (got = SSL_read(x.ssl, resp + n,
				       (int)(sizeof(resp) - n))) > 0) {
			n += (size_t)got;
			if (!knts_ke_parse_response(resp, n, offered, 1, &r)) {
				ok = r.n_cookies == 8;
				SSL_shutdown(x.ssl);
				break;
			}
		}
	}
	exch_close(&x);
	return ok;
}

/*
 * Exchanges per second: PROCS processes (not threads: OpenSSL's locks
 * would be measured, not the server) each run exchanges back to back
 * until SECONDS pass, and report through a pipe.
 */
static int mode_rate(SSL_CTX *ctx, unsigned int seconds, unsigned int procs)
{
	uint64_t t0, end, counts[2], ok = 0, failed = 0;
	unsigned int i;
	int p[2];

	if (!seconds || !procs || procs > 256 || pipe(p))
		return 2;
	t0 = now_ms();
	end = t0 + (uint64_t)seconds * 1000;
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 2;
		if (pid)
			continue;
		close(p[0]);
		counts[0] = counts[1] = 0;
		while (now_ms() < end)
			counts[exchange_eom(ctx) == 1 ? 0 : 1]++;
		_exit(write(p[1], counts, sizeof(counts)) == sizeof(counts) ?
		      0 : 1);
	}
	close(p[1]);
	while (read(p[0], counts, sizeof(counts)) == sizeof(counts)) {
		ok += counts[0];
		failed += counts[1];
	}
	close(p[0]);
	while (wait(NULL) > 0)
		;
	printf("rate: %llu exchanges in %.1f s from %u processes: %.0f/s, %llu failed\n",
	       (unsigned long long)ok, (double)(now_ms() - t0) / 1000, procs,
	       (double)ok * 1000 / (double)(now_ms() - t0),
	       (unsigned long long)failed);
	return ok ? 0 : 1;
}

/* Send @req after the handshake; the Error code expected (or -1 with
 * @want_np/@want_aead the expected lengths of empty lists). */
static int check_answer(SSL_CTX *ctx, const char *name, const uint8_t *req,
			size_t len, int want_error, int want_np, int want_aead)
{
	uint8_t resp[8192];
	struct answer a;
	struct exch x;
	size_t n, off = 0;
	uint64_t took;

	if (exch_open(&x, ctx) != 1) {
		printf("FAIL %s: TLS handshake failed\n", name);
		return 1;
	}
	while (off < len) {
		int w = SSL_write(x.ssl, req + off, (int)(len - off));

		if (w <= 0)
			break;	/* the server may answer and close early */
		off += (size_t)w;
	}
	n = read_all(x.ssl, resp, sizeof(resp));
	took = now_ms() - x.t0;
	exch_close(&x);
	parse_answer(resp, n, &a);
	if (!a.eom || !a.well_formed) {
		printf("FAIL %s: %zu bytes back, no complete answer\n", name, n);
		return 1;
	}
	if (want_error >= 0) {
		if (a.error != want_error) {
			printf("FAIL %s: Error %d, want Error %d\n", name, a.error,
			       want_error);
			return 1;
		}
		printf("%s: Error record %d and End of Message (%zu bytes, %llu ms)\n",
		       name, a.error, n, (unsigned long long)took);
		return 0;
	}
	if (a.error >= 0 || a.cookies || a.np_len != want_np ||
	    a.aead_len != want_aead) {
		printf("FAIL %s: Error %d, NP %d bytes, AEAD %d bytes, %u cookies\n",
		       name, a.error, a.np_len, a.aead_len, a.cookies);
		return 1;
	}
	printf("%s: NP %d bytes, AEAD %d bytes, no cookies, End of Message (RFC 8915 4.1.2)\n",
	       name, a.np_len, a.aead_len);
	return 0;
}

/* After the handshake, send @req and stall: closed, no answer, in time. */
static int check_stall(SSL_CTX *ctx, const char *name, const uint8_t *req,
		       size_t len)
{
	uint8_t resp[256];
	struct exch x;
	size_t n;
	uint64_t took;

	if (exch_open(&x, ctx) != 1) {
		printf("FAIL %s: TLS handshake failed\n", name);
		return 1;
	}
	SSL_write(x.ssl, req, (int)len);
	n = read_all(x.ssl, resp, sizeof(resp));
	took = now_ms() - x.t0;
	exch_close(&x);
	if (n || took > deadline_ms + MARGIN_MS) {
		printf("FAIL %s: %zu bytes back, closed after %llu ms\n", name, n,
		       (unsigned long long)took);
		return 1;
	}
	printf("%s: no answer, closed after %llu ms (deadline %u ms)\n", name,
	       (unsigned long long)took, deadline_ms);
	return 0;
}

static int mode_malformed(SSL_CTX *ctx, const char *c)
{
	static const uint8_t np_odd[] = {
		0x80, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00,
		0x80, 0x04, 0x00, 0x02, 0x00, 0x0f, 0x80, 0x00, 0x00, 0x00 };
	static const uint8_t aead_odd[] = {
		0x80, 0x01, 0x00, 0x02, 0x00, 0x00,
		0x80, 0x04, 0x00, 0x01, 0x0f, 0x80, 0x00, 0x00, 0x00 };
	static const uint8_t eom_body[] = {
		0x80, 0x01, 0x00, 0x02, 0x00, 0x00,
		0x80, 0x04, 0x00, 0x02, 0x00, 0x0f, 0x80, 0x00, 0x00, 0x02, 0, 0 };
	static const uint8_t unknown_crit[] = {
		0x80, 0x01, 0x00, 0x02, 0x00, 0x00,
		0xf1, 0x23, 0x00, 0x02, 0xab, 0xcd,
		0x80, 0x04, 0x00, 0x02, 0x00, 0x0f, 0x80, 0x00, 0x00, 0x00 };
	static const uint8_t no_np[] = {
		0x80, 0x04, 0x00, 0x02, 0x00, 0x0f, 0x80, 0x00, 0x00, 0x00 };
	static const uint8_t wrong_np[] = {
		0x80, 0x01, 0x00, 0x02, 0x80, 0x01,
		0x80, 0x04, 0x00, 0x02, 0x00, 0x0f, 0x80, 0x00, 0x00, 0x00 };
	static const uint8_t wrong_aead[] = {
		0x80, 0x01, 0x00, 0x02, 0x00, 0x00,
		0x80, 0x04, 0x00, 0x04, 0x00, 0x01, 0x00, 0x1f,
		0x80, 0x00, 0x00, 0x00 };
	uint8_t garbage[600];
	unsigned int i, seed = 0x6b6e7473;

	if (!strcmp(c, "np-odd"))
		return check_answer(ctx, c, np_odd, sizeof(np_odd), 1, 0, 0);
	if (!strcmp(c, "aead-odd"))
		return check_answer(ctx, c, aead_odd, sizeof(aead_odd), 1, 0, 0);
	if (!strcmp(c, "eom-body"))
		return check_answer(ctx, c, eom_body, sizeof(eom_body), 1, 0, 0);
	if (!strcmp(c, "unknown-critical"))
		return check_answer(ctx, c, unknown_crit, sizeof(unknown_crit),
				    0, 0, 0);
	if (!strcmp(c, "no-np"))
		return check_answer(ctx, c, no_np, sizeof(no_np), 1, 0, 0);
	if (!strcmp(c, "wrong-np"))	/* NP{} only */
		return check_answer(ctx, c, wrong_np, sizeof(wrong_np), -1, 0, -1);
	if (!strcmp(c, "wrong-aead"))	/* NP{0} AEAD{} */
		return check_answer(ctx, c, wrong_aead, sizeof(wrong_aead), -1, 2, 0);
	if (!strcmp(c, "no-eom"))
		return check_stall(ctx, c, chrony_req, sizeof(chrony_req) - 4);
	if (!strcmp(c, "garbage")) {
		/*
		 * Well framed noise: records of random types, C bits and
		 * bodies, then End of Message. The first is of an unassigned
		 * type with the C bit set, so the answer is Error 0.
		 */
		size_t off = 0, len;

		while (off + 4 + 16 + 4 <= sizeof(garbage)) {
			seed = seed * 1103515245u + 12345u;
			len = seed >> 16 & 15;
			garbage[off] = (uint8_t)(seed >> 24);
			garbage[off + 1] = (uint8_t)(seed >> 8);
			if (!off)
				garbage[off] = 0xc0 | (garbage[off] & 0x3f);
			garbage[off + 2] = 0;
			garbage[off + 3] = (uint8_t)len;
			for (i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				garbage[off + 4 + i] = (uint8_t)(seed >> 16);
			}
			off += 4 + len;
		}
		memcpy(garbage + off, "\x80\x00\x00\x00", 4);
		return check_answer(ctx, c, garbage, off + 4, 0, 0, 0);
	}
	fprintf(stderr, "ke_abuse: unknown malformed case '%s'\n", c);
	return 2;
}

static int mode_oversized(SSL_CTX *ctx)
{
	static uint8_t big[KNTS_KE_REQ_LIMIT];
	size_t i;

	/*
	 * Non-critical records of an unassigned type (0x4000), 1 KiB each,
	 * exactly up to the server's limit and no End of Message: it must
	 * give up there. Not one byte more, or the server closes with
	 * unread bytes and its RST may overtake the answer.
	 */
	for (i = 0; i + 1024 <= sizeof(big); i += 1024) {
		big[i] = 0x40;
		big[i + 1] = 0x00;
		big[i + 2] = (1020 >> 8) & 0xff;
		big[i + 3] = 1020 & 0xff;
		memset(big + i + 4, 'x', 1020);
	}
	return check_answer(ctx, "oversized", big, sizeof(big), 1, 0, 0);
}

/* The handshake must fail with @alert from the server. */
static int mode_refused_handshake(const char *name, int max_version,
				  const char *alpn, int want_reason)
{
	SSL_CTX *ctx = client_ctx(max_version, alpn);
	char why[256];
	struct exch x;
	int rc = exch_open(&x, ctx);
	uint64_t took = now_ms() - x.t0;

	exch_close(&x);
	SSL_CTX_free(ctx);
	if (rc != 0) {
		printf("FAIL %s: handshake %s\n", name, rc > 0 ? "succeeded" : "not attempted");
		return 1;
	}
	ERR_error_string_n(x.err, why, sizeof(why));
	if (ERR_GET_REASON(x.err) != want_reason) {
		printf("FAIL %s: %s\n", name, x.err ? why : "no alert, just a close");
		return 1;
	}
	printf("%s: refused with a TLS alert (%s) after %llu ms\n", name,
	       ERR_reason_error_string(x.err), (unsigned long long)took);
	return 0;
}

static int mode_no_alpn(void)
{
	SSL_CTX *ctx = client_ctx(0, NULL);
	int rc = check_stall(ctx, "no-alpn", chrony_req, sizeof(chrony_req));

	SSL_CTX_free(ctx);
	return rc;
}

/* A ClientHello as bytes (what a real client would send first). */
static size_t client_hello(uint8_t *buf, size_t cap)
{
	SSL_CTX *ctx = client_ctx(0, "ntske/1");
	SSL *ssl = SSL_new(ctx);
	BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
	int n;

	SSL_set_bio(ssl, rb, wb);
	SSL_connect(ssl);	/* WANT_READ after writing the hello */
	n = BIO_read(wb, buf, (int)cap);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return n > 0 ? (size_t)n : 0;
}

/* Raw TCP: what comes back until close (bytes, first byte), and when. */
static int drain_raw(int fd, uint64_t t0, size_t *n, int *first)
{
	uint8_t b[4096];
	ssize_t r;

	*n = 0;
	*first = -1;
	for (;;) {
		r = read(fd, b, sizeof(b));
		if (r > 0) {
			if (*first < 0)
				*first = b[0];
			*n += (size_t)r;
			continue;
		}
		if (r == 0 || errno == ECONNRESET)
			return (int)(now_ms() - t0);
		if (errno != EINTR)
			return -1;	/* timeout */
	}
}

static int mode_garbage_pre(void)
{
	static const char junk[] = "GET / HTTP/1.1\r\nHost: ntske\r\n\r\n";
	uint8_t hello[4096];
	size_t hl = client_hello(hello, sizeof(hello)), n;
	uint64_t t0 = now_ms();
	int fd = tcp_open(false), first, ms;

	if (fd < 0 || !hl)
		return 2;
	set_rcvtimeo(fd);
	/* the server may close before the hello: what read sees tells */
	if (write(fd, junk, sizeof(junk) - 1) > 0 && write(fd, hello, hl) < 0)
		hl = 0;
	ms = drain_raw(fd, t0, &n, &first);
	close(fd);
	if (ms < 0 || (unsigned int)ms > deadline_ms + MARGIN_MS ||
	    (n && first != 0x15)) {
		printf("FAIL garbage-pre: %zu bytes back (first 0x%02x), closed after %d ms\n",
		       n, first & 0xff, ms);
		return 1;
	}
	printf("garbage-pre: %s, closed after %d ms\n",
	       n ? "a TLS alert record" : "no bytes", ms);
	return 0;
}

/* N raw connections sending the ClientHello slowly: all closed in time. */
static int mode_slow_hello(unsigned int conns)
{
	uint8_t hello[4096];
	size_t hl = client_hello(hello, sizeof(hello));
	int *fd = calloc(conns, sizeof(int));
	size_t *sent = calloc(conns, sizeof(size_t));
	uint64_t t0 = now_ms(), *closed = calloc(conns, sizeof(uint64_t));
	unsigned int i, open_n = 0, late = 0;
	uint64_t worst = 0;

	if (!fd || !sent || !closed || !hl)
		return 2;
	for (i = 0; i < conns; i++) {
		fd[i] = tcp_open(true);
		open_n += fd[i] >= 0;
	}
	while (open_n && now_ms() - t0 < deadline_ms + 2 * MARGIN_MS) {
		for (i = 0; i < conns; i++) {
			char b[256];
			ssize_t r;

			if (fd[i] < 0 || closed[i])
				continue;
			r = read(fd[i], b, sizeof(b));
			if (r == 0 || (r < 0 && errno != EAGAIN)) {
				closed[i] = now_ms() - t0;
				open_n--;
				continue;
			}
			if (sent[i] < hl &&
			    write(fd[i], hello + sent[i], 1) == 1)
				sent[i]++;
		}
		usleep(SLOW_STEP_MS * 1000);
	}
	for (i = 0; i < conns; i++) {
		if (fd[i] < 0)
			continue;
		if (!closed[i] || closed[i] > deadline_ms + MARGIN_MS)
			late++;
		if (closed[i] > worst)
			worst = closed[i];
		close(fd[i]);
	}
	if (late) {
		printf("FAIL slow-hello: %u of %u connections not closed within %u ms\n",
		       late, conns, deadline_ms + MARGIN_MS);
		return 1;
	}
	printf("slow-hello: %u connections sending 1 byte per %d ms, all closed, the last after %llu ms\n",
	       conns, SLOW_STEP_MS, (unsigned long long)worst);
	return 0;
}

static int mode_slow_request(SSL_CTX *ctx)
{
	uint8_t b[256];
	struct exch x;
	size_t i;
	uint64_t took;
	int r = 0;

	if (exch_open(&x, ctx) != 1) {
		printf("FAIL slow-request: TLS handshake failed\n");
		return 1;
	}
	/* one TLS record per byte; the server reads them as they come */
	for (i = 0; i < sizeof(chrony_req) - 1; i++) {
		if (SSL_write(x.ssl, chrony_req + i, 1) != 1)
			break;
		usleep(SLOW_STEP_MS * 1000 * 2);
		if (now_ms() - x.t0 > deadline_ms + MARGIN_MS)
			break;
	}
	r = SSL_read(x.ssl, b, sizeof(b));
	took = now_ms() - x.t0;
	exch_close(&x);
	if (r > 0 || took > deadline_ms + MARGIN_MS) {
		printf("FAIL slow-request: %d bytes back, closed after %llu ms\n", r,
		       (unsigned long long)took);
		return 1;
	}
	printf("slow-request: %zu of %zu bytes sent at 1 per %d ms, closed after %llu ms\n",
	       i, sizeof(chrony_req), 2 * SLOW_STEP_MS, (unsigned long long)took);
	return 0;
}

/* ---- hold: many connections through epoll ------------------------------ */

struct held {
	int fd;
	SSL *ssl;
	bool up;	/* TCP connected (and TLS done, with tls) */
};

static int held_open(struct held *h, int ep, SSL_CTX *ctx, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = tag };

	h->fd = tcp_open(true);
	h->up = false;
	h->ssl = NULL;
	if (h->fd < 0)
		return -1;
	if (ctx) {
		h->ssl = SSL_new(ctx);
		SSL_set_fd(h->ssl, h->fd);
		SSL_set_connect_state(h->ssl);
	}
	return epoll_ctl(ep, EPOLL_CTL_ADD, h->fd, &ev);
}

static void held_close(struct held *h)
{
	SSL_free(h->ssl);
	h->ssl = NULL;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

static int mode_hold(unsigned int n, unsigned int seconds, bool tls)
{
	SSL_CTX *ctx = tls ? client_ctx(0, "ntske/1") : NULL;
	struct held *h = calloc(n, sizeof(*h));
	struct epoll_event ev[256];
	uint64_t end = now_ms() + (uint64_t)seconds * 1000;
	unsigned long long opened = 0, closed = 0, handshakes = 0, failed = 0;
	unsigned int i, up_now, up_max = 0, open_now;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (!h || ep < 0)
		return 2;
	for (i = 0; i < n; i++) {
		h[i].fd = -1;
		if (held_open(&h[i], ep, ctx, &h[i]))
			failed++;
		else
			opened++;
	}
	while (now_ms() < end) {
		int k, m = epoll_wait(ep, ev, 256, 100);

		for (k = 0; k < m; k++) {
			struct held *c = ev[k].data.ptr;
			char b[512];
			ssize_t r;

			if (c->fd < 0)
				continue;
			if (!c->up && !(ev[k].events & (EPOLLERR | EPOLLHUP))) {
				if (!tls) {
					c->up = true;
				} else {
					int rc = SSL_do_handshake(c->ssl), e;

					if (rc == 1) {
						c->up = true;
						handshakes++;
					} else {
						e = SSL_get_error(c->ssl, rc);
						if (e == SSL_ERROR_WANT_READ ||
						    e == SSL_ERROR_WANT_WRITE)
							continue;
						goto gone;
					}
				}
				/* from now on: wait for the server to close */
				struct epoll_event in = { .events = EPOLLIN, .data.ptr = c };

				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &in);
				continue;
			}
			r = c->up && !tls ? read(c->fd, b, sizeof(b)) : 0;
			if (c->up && tls) {
				int rc = SSL_read(c->ssl, b, sizeof(b));

				if (rc > 0 || SSL_get_error(c->ssl, rc) == SSL_ERROR_WANT_READ)
					continue;
			} else if (r > 0 || (r < 0 && errno == EAGAIN)) {
				continue;
			}
gone:
			/* the server closed it: open another in its place */
			closed++;
			held_close(c);
			if (held_open(c, ep, ctx, c))
				failed++;
			else
				opened++;
		}
		for (i = 0, up_now = 0; i < n; i++)
			up_now += h[i].fd >= 0 && h[i].up;
		if (up_now > up_max)
			up_max = up_now;
	}
	for (i = 0, open_now = 0; i < n; i++) {
		open_now += h[i].fd >= 0;
		held_close(&h[i]);
	}
	printf("hold: %u slots for %u s%s: %llu opened, %llu closed by the server, %llu TLS handshakes, %u up at most, %u open at the end, %llu local failures\n",
	       n, seconds, tls ? " (TLS)" : "", opened, closed, handshakes, up_max,
	       open_now, failed);
	SSL_CTX_free(ctx);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: ke_abuse [--src ADDR] [--deadline MS] [--ca FILE] HOST PORT MODE [ARGS]\n"
		"modes: good [S], burst N, rate S [PROCS], hold N S [tls], slow-hello [N], slow-request,\n"
		"       oversized, malformed CASE, tls12, wrong-alpn, no-alpn, garbage-pre\n");
	exit(2);
}

static unsigned int arg_uint(int argc, char **argv, int i, unsigned int def)
{
	return i < argc ? (unsigned int)strtoul(argv[i], NULL, 10) : def;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	const char *mode;
	SSL_CTX *ctx;
	int i = 1, rc;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--src")) {
			if (parse_addr(argv[i + 1], "0", &src, &src_len))
				usage();
		} else if (!strcmp(argv[i], "--deadline")) {
			deadline_ms = (unsigned int)strtoul(argv[i + 1], NULL, 10);
		} else if (!strcmp(argv[i], "--ca")) {
			ca_file = argv[i + 1];
		} else {
			usage();
		}
	}
	if (argc - i < 3 || parse_addr(argv[i], argv[i + 1], &dst, &dst_len))
		usage();
	mode = argv[i + 2];
	i += 3;
	/* hold 1000 needs more than the usual 1024 descriptors */
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	ctx = client_ctx(0, "ntske/1");
	if (!ctx)
		return 2;
	if (!strcmp(mode, "good"))
		rc = mode_good(ctx, arg_uint(argc, argv, i, 0));
	else if (!strcmp(mode, "burst"))
		rc = mode_burst(ctx, arg_uint(argc, argv, i, 10));
	else if (!strcmp(mode, "rate"))
		rc = mode_rate(ctx, arg_uint(argc, argv, i, 5),
			       arg_uint(argc, argv, i + 1, 2));
	else if (!strcmp(mode, "hold") && argc - i >= 2)
		rc = mode_hold(arg_uint(argc, argv, i, 0), arg_uint(argc, argv, i + 1, 0),
			       argc - i >= 3 && !strcmp(argv[i + 2], "tls"));
	else if (!strcmp(mode, "slow-hello"))
		rc = mode_slow_hello(arg_uint(argc, argv, i, 1));
	else if (!strcmp(mode, "slow-request"))
		rc = mode_slow_request(ctx);
	else if (!strcmp(mode, "oversized"))
		rc = mode_oversized(ctx);
	else if (!strcmp(mode, "malformed") && argc - i >= 1)
		rc = mode_malformed(ctx, argv[i]);
	else if (!strcmp(mode, "tls12"))
		rc = mode_refused_handshake("tls12", TLS1_2_VERSION, "ntske/1",
					    SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
	else if (!strcmp(mode, "wrong-alpn"))
		rc = mode_refused_handshake("wrong-alpn", 0, "http/1.1",
					    SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL);
	else if (!strcmp(mode, "no-alpn"))
		rc = mode_no_alpn();
	else if (!strcmp(mode, "garbage-pre"))
		rc = mode_garbage_pre();
	else
		usage();
	SSL_CTX_free(ctx);
	return rc;
}
