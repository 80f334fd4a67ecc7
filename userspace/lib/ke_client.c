// SPDX-License-Identifier: GPL-2.0
/*
 * NTS-KE client state machine over a non-blocking TCP socket and OpenSSL.
 * See ke_client.h for the API and the rules it enforces.
 *
 *   CONNECT -> HANDSHAKE -> WRITE -> READ -> DONE
 *         \________\___________\______\___> ERROR
 *
 * Every state calls a non-blocking function and maps OpenSSL's or the
 * kernel's "would block" onto WANT_READ/WANT_WRITE. The deadline of the
 * current phase is checked on every step, so a caller that wakes up on a
 * timeout just calls step() again.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "exporter.h"
#include "ke_client.h"
#include "ke_record.h"
#include "tls_sock.h"

#define KE_ALPN		"ntske/1"
#define KE_BUF_START	4096

enum ke_state {
	KE_ST_CONNECT,
	KE_ST_HANDSHAKE,
	KE_ST_WRITE,
	KE_ST_READ,
	KE_ST_DONE,
	KE_ST_ERROR,
};

struct knts_ke_client {
	enum ke_state st;
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	char host[KNTS_KE_CLIENT_NAME_MAX + 1];	/* no brackets, no final dot */
	bool host_is_ip;
	bool noverify;
	uint16_t aeads[KNTS_KE_CLIENT_MAX_AEADS];
	size_t n_aeads;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	unsigned int io_timeout_ms;
	int64_t deadline_ms;		/* CLOCK_MONOTONIC */
	uint8_t req[64];
	int req_len;
	uint8_t *buf;			/* response bytes received */
	size_t len, cap;
	struct knts_ke_framer framer;
	int err, detail;
	char msg[256];
	struct knts_ke_result res;
};

static int64_t ke_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Enter the error state once; the first failure is the one reported. */
__attribute__((format(printf, 4, 5)))
static int ke_fail(struct knts_ke_client *c, int err, int detail,
		   const char *fmt, ...)
{
	va_list ap;

	if (c->st != KE_ST_ERROR) {
		c->st = KE_ST_ERROR;
		c->err = err;
		c->detail = detail;
		va_start(ap, fmt);
		vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
		va_end(ap);
	}
	knts_ke_result_wipe(&c->res);
	return KNTS_KE_CLIENT_ERROR;
}

/* "[::1]" -> "::1", "ntp.example." -> "ntp.example"; false if too long */
static bool ke_set_host(struct knts_ke_client *c, const char *host)
{
	size_t n = strlen(host);
	unsigned char a[16];

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n && host[n - 1] == '.')
		n--;
	if (!n || n > KNTS_KE_CLIENT_NAME_MAX)
		return false;
	memcpy(c->host, host, n);
	c->host[n] = '\0';
	c->host_is_ip = inet_pton(AF_INET, c->host, a) == 1 ||
			inet_pton(AF_INET6, c->host, a) == 1;
	return true;
}

static int ke_resolve(struct knts_ke_client *c, const struct knts_ke_client_params *p)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	char port[8];
	int ret;

	if (p->addr) {
		if (p->addr_len > sizeof(c->addr) ||
		    (p->addr->sa_family != AF_INET &&
		     p->addr->sa_family != AF_INET6))
			return ke_fail(c, KNTS_KE_CERR_INVAL, 0,
				       "unusable address for %s", c->host);
		memcpy(&c->addr, p->addr, p->addr_len);
		c->addr_len = p->addr_len;
		return 0;
	}
	snprintf(port, sizeof(port), "%u",
		 p->port ? p->port : KNTS_KE_CLIENT_DEFAULT_PORT);
	hints.ai_family = p->family;
	hints.ai_flags = AI_NUMERICSERV | (c->host_is_ip ? AI_NUMERICHOST : 0);
	/* Blocks for names; documented in ke_client.h */
	ret = getaddrinfo(c->host, port, &hints, &ai);
	if (ret)
		return ke_fail(c, KNTS_KE_CERR_RESOLVE, ret, "cannot resolve %s: %s",
			       c->host, gai_strerror(ret));
	memcpy(&c->addr, ai->ai_addr, ai->ai_addrlen);
	c->addr_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* Last OpenSSL error as text, for the message; clears the queue */
static const char *ke_ssl_errstr(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (e)
		ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "no OpenSSL error");
	ERR_clear_error();
	return buf;
}

static int ke_tls_setup(struct knts_ke_client *c, const struct knts_ke_client_params *p)
{
	static const unsigned char alpn[] = "\x07" KE_ALPN;
	char e[160];
	struct stat sb;
	BIO *bio;

	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx)
		return ke_fail(c, KNTS_KE_CERR_INTERNAL, 0, "SSL_CTX_new: %s",
			       ke_ssl_errstr(e, sizeof(e)));
	/* RFC 8915 s3: TLS 1.3 or later only */
	if (!SSL_CTX_set_min_proto_version(c->ctx, TLS1_3_VERSION))
		return ke_fail(c, KNTS_KE_CERR_INTERNAL, 0, "cannot require TLS 1.3");
	/* No resumption: the RFC defines none and every peer disables it */
	SSL_CTX_set_options(c->ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(c->ctx, SSL_SESS_CACHE_OFF);

	if (!c->noverify) {
		int ok;

		if (p->ca_file && stat(p->ca_file, &sb) == 0 && S_ISDIR(sb.st_mode))
			ok = SSL_CTX_load_verify_locations(c->ctx, NULL, p->ca_file);
		else if (p->ca_file)
			ok = SSL_CTX_load_verify_locations(c->ctx, p->ca_file, NULL);
		else
			ok = SSL_CTX_set_default_verify_paths(c->ctx);
		if (ok != 1)
			return ke_fail(c, KNTS_KE_CERR_INVAL, 0,
				       "cannot load CA certificates from %s: %s",
				       p->ca_file ? p->ca_file : "the system store",
				       ke_ssl_errstr(e, sizeof(e)));
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	} else {
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	}

	c->ssl = SSL_new(c->ctx);
	if (!c->ssl)
		return ke_fail(c, KNTS_KE_CERR_INTERNAL, 0, "SSL_new: %s",
			       ke_ssl_errstr(e, sizeof(e)));
	/* SSL_set_alpn_protos() returns 0 on success */
	if (SSL_set_alpn_protos(c->ssl, alpn, sizeof(alpn) - 1))
		return ke_fail(c, KNTS_KE_CERR_INTERNAL, 0, "cannot offer ALPN");
	if (!c->host_is_ip && !SSL_set_tlsext_host_name(c->ssl, c->host))
		return ke_fail(c, KNTS_KE_CERR_INVAL, 0, "bad SNI name %s", c->host);
	if (!c->noverify) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(c->ssl);
		int ok;

		if (c->host_is_ip) {
			ok = X509_VERIFY_PARAM_set1_ip_asc(vp, c->host);
		} else {
			X509_VERIFY_PARAM_set_hostflags(vp,
				X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
			ok = X509_VERIFY_PARAM_set1_host(vp, c->host, 0);
		}
		if (ok != 1)
			return ke_fail(c, KNTS_KE_CERR_INVAL, 0,
				       "cannot check certificates for %s", c->host);
	}
	/* our BIO: a closed peer must not SIGPIPE the caller */
	bio = knts_tls_sock_bio(c->fd);
	if (!bio)
		return ke_fail(c, KNTS_KE_CERR_INTERNAL, 0, "cannot make the socket BIO");
	SSL_set_bio(c->ssl, bio, bio);
	return 0;
}

static int ke_check_params(struct knts_ke_client *c,
			   const struct knts_ke_client_params *p)
{
	const uint16_t *aeads = p->aeads ? p->aeads : knts_ke_client_default_aeads;
	size_t n = p->aeads ? p->n_aeads :
		   sizeof(knts_ke_client_default_aeads) / sizeof(uint16_t);
	size_t i;

	if (!p->host || !ke_set_host(c, p->host))
		return ke_fail(c, KNTS_KE_CERR_INVAL, 0, "no or overlong server name");
	if (!n || n > KNTS_KE_CLIENT_MAX_AEADS)
		return ke_fail(c, KNTS_KE_CERR_INVAL, 0,
			       "offer 1 to %d AEAD algorithms", KNTS_KE_CLIENT_MAX_AEADS);
	for (i = 0; i < n; i++) {
		if (!knts_ke_aead_supported(aeads[i]))
			return ke_fail(c, KNTS_KE_CERR_INVAL, 0,
				       "AEAD %u is not supported (15, 16, 17 are)",
				       aeads[i]);
		c->aeads[i] = aeads[i];
	}
	c->n_aeads = n;
	c->noverify = p->noverify;
	c->io_timeout_ms = p->io_timeout_ms ? p->io_timeout_ms :
			   KNTS_KE_CLIENT_IO_TIMEOUT_MS;
	c->req_len = knts_ke_build_request(c->req, sizeof(c->req), c->aeads,
					   c->n_aeads);
	if (c->req_len < 0)
		return ke_fail(c, KNTS_KE_CERR_INTERNAL, 0, "cannot build the request");
	return 0;
}

static void ke_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

struct knts_ke_client *knts_ke_client_start(const struct knts_ke_client_params *p)
{
	struct knts_ke_client *c = calloc(1, sizeof(*c));
	unsigned int cto;
	char a[INET6_ADDRSTRLEN];

	if (!c)
		return NULL;
	c->fd = -1;
	c->st = KE_ST_CONNECT;
	if (!p) {
		ke_fail(c, KNTS_KE_CERR_INVAL, 0, "no parameters");
		return c;
	}
	if (ke_check_params(c, p) || ke_resolve(c, p))
		return c;
	ke_addr_str(&c->addr, a, sizeof(a));

	c->fd = socket(c->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		ke_fail(c, KNTS_KE_CERR_CONNECT, errno, "socket: %s", strerror(errno));
		return c;
	}
	if (ke_tls_setup(c, p))
		return c;
	cto = p->connect_timeout_ms ? p->connect_timeout_ms :
	      KNTS_KE_CLIENT_CONNECT_TIMEOUT_MS;
	c->deadline_ms = ke_now_ms() + cto;
	if (connect(c->fd, (struct sockaddr *)&c->addr, c->addr_len) == 0) {
		c->st = KE_ST_HANDSHAKE;
		c->deadline_ms = ke_now_ms() + c->io_timeout_ms;
	} else if (errno != EINPROGRESS) {
		ke_fail(c, KNTS_KE_CERR_CONNECT, errno, "connect to %s port %u: %s",
			a, ntohs(((struct sockaddr_in *)&c->addr)->sin_port),
			strerror(errno));
	}
	return c;
}

static int ke_step_connect(struct knts_ke_client *c)
{
	struct sockaddr_storage peer;
	socklen_t sl = sizeof(int), pl = sizeof(peer);
	char a[INET6_ADDRSTRLEN];
	int soerr = 0;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		soerr = errno;
	if (soerr) {
		ke_addr_str(&c->addr, a, sizeof(a));
		return ke_fail(c, KNTS_KE_CERR_CONNECT, soerr,
			       "connect to %s port %u: %s", a,
			       ntohs(((struct sockaddr_in *)&c->addr)->sin_port),
			       strerror(soerr));
	}
	/* Not connected yet (spurious wake-up): getpeername() says so */
	if (getpeername(c->fd, (struct sockaddr *)&peer, &pl) < 0 &&
	    errno == ENOTCONN)
		return KNTS_KE_CLIENT_WANT_WRITE;
	c->st = KE_ST_HANDSHAKE;
	c->deadline_ms = ke_now_ms() + c->io_timeout_ms;
	return 0;
}

/* Map a failed SSL_* call: WANT_* to wait, anything else to an error */
static int ke_ssl_wait(struct knts_ke_client *c, int ret, const char *what)
{
	int e = SSL_get_error(c->ssl, ret);
	char s[160];
	long vr;

	switch (e) {
	case SSL_ERROR_WANT_READ:
		return KNTS_KE_CLIENT_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return KNTS_KE_CLIENT_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return ke_fail(c, KNTS_KE_CERR_IO, 0,
			       "%s: server closed the TLS session", what);
	case SSL_ERROR_SYSCALL:
		if (!ERR_peek_error())
			return ke_fail(c, KNTS_KE_CERR_IO, errno,
				       "%s: %s", what, errno ? strerror(errno) :
				       "connection closed by the server");
		break;
	}
	vr = SSL_get_verify_result(c->ssl);
	if (c->st == KE_ST_HANDSHAKE && !c->noverify && vr != X509_V_OK) {
		ERR_clear_error();
		return ke_fail(c, KNTS_KE_CERR_VERIFY, (int)vr,
			       "certificate verify failed for %s: %s", c->host,
			       X509_verify_cert_error_string(vr));
	}
	return ke_fail(c, c->st == KE_ST_HANDSHAKE ? KNTS_KE_CERR_TLS :
		       KNTS_KE_CERR_IO, e, "%s: %s", what,
		       ke_ssl_errstr(s, sizeof(s)));
}

static int ke_step_handshake(struct knts_ke_client *c)
{
	const unsigned char *sel = NULL;
	unsigned int sel_len = 0;
	const char *cipher;
	int ret;

	ERR_clear_error();
	errno = 0;
	ret = SSL_connect(c->ssl);
	if (ret != 1)
		return ke_ssl_wait(c, ret, "TLS handshake");
	if (SSL_version(c->ssl) != TLS1_3_VERSION)
		return ke_fail(c, KNTS_KE_CERR_TLS, 0, "negotiated %s, not TLS 1.3",
			       SSL_get_version(c->ssl));
	/* A server that ignores ALPN may speak anything: refuse it (P12) */
	SSL_get0_alpn_selected(c->ssl, &sel, &sel_len);
	if (sel_len != strlen(KE_ALPN) || memcmp(sel, KE_ALPN, sel_len))
		return ke_fail(c, KNTS_KE_CERR_ALPN, 0,
			       "server %s did not select ALPN " KE_ALPN, c->host);
	cipher = SSL_get_cipher_name(c->ssl);
	snprintf(c->res.tls_cipher, sizeof(c->res.tls_cipher), "%s",
		 cipher ? cipher : "");
	c->st = KE_ST_WRITE;
	return 0;
}

static int ke_step_write(struct knts_ke_client *c)
{
	int ret;

	ERR_clear_error();
	errno = 0;
	/* Without partial writes, SSL_write() sends all or nothing */
	ret = SSL_write(c->ssl, c->req, c->req_len);
	if (ret <= 0)
		return ke_ssl_wait(c, ret, "sending the request");
	c->st = KE_ST_READ;
	knts_ke_framer_init(&c->framer, KNTS_KE_RESP_LIMIT);
	return 0;
}

/* Validate the complete response and export the keys */
static int ke_finish(struct knts_ke_client *c)
{
	struct knts_ke_result r;
	int err, detail, ret;

	err = knts_ke_client_take_response(c->buf, c->len, c->aeads, c->n_aeads,
					   &r, &detail);
	if (err == KNTS_KE_CERR_SERVER_ERROR)
		return ke_fail(c, err, detail, "server %s sent an Error/Warning record, code %d",
			       c->host, detail);
	if (err)
		return ke_fail(c, err, detail, "invalid NTS-KE response from %s: %s",
			       c->host, knts_ke_strreason(detail));
	/* keep what the connection already filled in */
	memcpy(r.tls_cipher, c->res.tls_cipher, sizeof(r.tls_cipher));
	r.ke_addr = c->addr;
	r.ke_addr_len = c->addr_len;
	if (!r.ntp_server_negotiated)
		ke_addr_str(&c->addr, r.ntp_server, sizeof(r.ntp_server));
	if (c->noverify)
		r.warnings |= KNTS_KE_WARN_NOVERIFY;
	/* AEAD 30 without record 1024 back: chrony's legacy context. */
	ret = knts_export_keys(c->ssl, knts_exporter_ctx_aead(r.aead,
							      r.compliant_gcm),
			       r.c2s, r.s2c, r.key_len);
	if (ret) {
		knts_ke_result_wipe(&r);
		return ke_fail(c, KNTS_KE_CERR_INTERNAL, ret, "key export failed (%d)", ret);
	}
	c->res = r;
	knts_ke_result_wipe(&r);
	/* Our close_notify; the server's is not worth waiting for */
	ERR_clear_error();
	SSL_shutdown(c->ssl);
	ERR_clear_error();
	c->st = KE_ST_DONE;
	return KNTS_KE_CLIENT_DONE;
}

static int ke_step_read(struct knts_ke_client *c)
{
	size_t got;
	int ret;

	for (;;) {
		if (c->cap - c->len < 1024 && c->cap < KNTS_KE_RESP_LIMIT + 1) {
			size_t ncap = c->cap ? c->cap * 2 : KE_BUF_START;
			uint8_t *nb;

			if (ncap > KNTS_KE_RESP_LIMIT + 1)
				ncap = KNTS_KE_RESP_LIMIT + 1;
			nb = malloc(ncap);
			if (!nb)
				return ke_fail(c, KNTS_KE_CERR_INTERNAL, ENOMEM,
					       "out of memory");
			if (c->len)
				memcpy(nb, c->buf, c->len);
			if (c->buf) {
				OPENSSL_cleanse(c->buf, c->cap);
				free(c->buf);
			}
			c->buf = nb;
			c->cap = ncap;
		}
		ERR_clear_error();
		errno = 0;
		ret = SSL_read_ex(c->ssl, c->buf + c->len, c->cap - c->len, &got);
		if (ret != 1) {
			int e = SSL_get_error(c->ssl, ret);

			/* OpenSSL 3 reports a plain TCP close as an SSL error */
			if (e == SSL_ERROR_ZERO_RETURN ||
			    (e == SSL_ERROR_SYSCALL && !errno && !ERR_peek_error()) ||
			    (e == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error()) ==
			     SSL_R_UNEXPECTED_EOF_WHILE_READING))
				return ke_fail(c, KNTS_KE_CERR_IO, 0,
					       "server %s closed after %zu bytes, before End of Message",
					       c->host, c->len);
			return ke_ssl_wait(c, ret, "reading the response");
		}
		c->len += got;
		ret = knts_ke_framer_feed(&c->framer, c->buf, c->len);
		if (ret < 0)
			return ke_fail(c, KNTS_KE_CERR_RESPONSE, ret,
				       "invalid NTS-KE response from %s: %s",
				       c->host, knts_ke_strreason(ret));
		if (ret > 0)
			/* bytes after End of Message make the parser refuse it */
			return ke_finish(c);
	}
}

int knts_ke_client_step(struct knts_ke_client *c)
{
	int ret = 0;

	if (!c)
		return KNTS_KE_CLIENT_ERROR;
	while (!ret) {
		if (c->st == KE_ST_DONE)
			return KNTS_KE_CLIENT_DONE;
		if (c->st == KE_ST_ERROR)
			return KNTS_KE_CLIENT_ERROR;
		if (ke_now_ms() >= c->deadline_ms)
			return ke_fail(c, KNTS_KE_CERR_TIMEOUT,
				       c->st == KE_ST_CONNECT ? 0 : 1,
				       "%s with %s timed out",
				       c->st == KE_ST_CONNECT ? "TCP connect" :
				       "NTS-KE", c->host);
		switch (c->st) {
		case KE_ST_CONNECT:
			ret = ke_step_connect(c);
			break;
		case KE_ST_HANDSHAKE:
			ret = ke_step_handshake(c);
			break;
		case KE_ST_WRITE:
			ret = ke_step_write(c);
			break;
		case KE_ST_READ:
			ret = ke_step_read(c);
			break;
		default:
			ret = KNTS_KE_CLIENT_ERROR;
			break;
		}
	}
	return ret;
}

int knts_ke_client_fd(const struct knts_ke_client *c)
{
	return c ? c->fd : -1;
}

int knts_ke_client_timeout_ms(const struct knts_ke_client *c)
{
	int64_t left;

	if (!c || c->st == KE_ST_DONE || c->st == KE_ST_ERROR)
		return -1;
	left = c->deadline_ms - ke_now_ms();
	if (left < 0)
		return 0;
	return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

int knts_ke_client_result(const struct knts_ke_client *c,
			  struct knts_ke_result *out)
{
	if (!c || c->st != KE_ST_DONE || !out)
		return -1;
	*out = c->res;
	return 0;
}

int knts_ke_client_error(const struct knts_ke_client *c, int *detail)
{
	if (!c)
		return KNTS_KE_CERR_INTERNAL;
	if (detail)
		*detail = c->detail;
	return c->st == KE_ST_ERROR ? c->err : KNTS_KE_CERR_NONE;
}

const char *knts_ke_client_errmsg(const struct knts_ke_client *c)
{
	if (!c)
		return "out of memory";
	return c->st == KE_ST_ERROR ? c->msg : "";
}

void knts_ke_client_free(struct knts_ke_client *c)
{
	if (!c)
		return;
	if (c->ssl)
		SSL_free(c->ssl);
	if (c->ctx)
		SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	if (c->buf) {
		OPENSSL_cleanse(c->buf, c->cap);
		free(c->buf);
	}
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}
