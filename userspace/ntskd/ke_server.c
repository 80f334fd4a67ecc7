// SPDX-License-Identifier: GPL-2.0
/*
 * NTS-KE server: per-connection state machines on the event loop (see
 * ke_server.h; the listening sockets are in ke_listen.c). Each connection
 * goes
 *   HANDSHAKE -> READ (until End of Message) -> WRITE -> SHUTDOWN -> closed
 * and waits for whatever OpenSSL asks for (readable or writable) in
 * between, so no connection ever blocks another.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "ke_listen.h"
#include "ke_record.h"
#include "ke_response.h"
#include "ke_server.h"
#include "ke_tls.h"
#include "log.h"


enum ke_state {
	KE_HANDSHAKE,
	KE_READ,
	KE_WRITE,
	KE_SHUTDOWN,
};

static const char *const ke_state_name[] = {
	[KE_HANDSHAKE] = "in the TLS handshake",
	[KE_READ] = "reading the request",
	[KE_WRITE] = "writing the response",
	[KE_SHUTDOWN] = "closing",
};

struct ke_conn {
	struct ntskd_ke_server *srv;
	struct ke_conn *prev, *next;
	int fd;
	struct ntskd_io *io;
	struct ntskd_timer timer;
	SSL *ssl;
	enum ke_state state;
	uint32_t events;		/* what we wait for */
	char peer[NTSKD_PEER_LEN];
	struct ntskd_ke_tls_note note;
	struct knts_ke_framer framer;
	size_t in_len;
	size_t out_len;
	uint8_t in[KNTS_KE_REQ_LIMIT];
	uint8_t out[NTSKD_KE_RESP_MAX];
};

struct ntskd_ke_server {
	struct ntskd_loop *loop;
	const struct ntskd_config *cfg;
	const struct ntskd_masterkeys *keys;
	SSL_CTX *ctx;
	const char *keylog;
	struct ntskd_ke_listeners *listeners;
	struct ke_conn *conns;
	unsigned int n_conns;
	unsigned int timeout_ms;
};

/* ---- connections --------------------------------------------------- */

static void conn_close(struct ke_conn *c)
{
	struct ntskd_ke_server *s = c->srv;

	ntskd_timer_cancel(s->loop, &c->timer);
	ntskd_io_remove(c->io);
	SSL_free(c->ssl);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->n_conns--;
	OPENSSL_cleanse(c->out, sizeof(c->out));
	free(c);
}

static void conn_fail(struct ke_conn *c, int ret, const char *what)
{
	char why[512];

	log_warn("NTS-KE with %s failed %s: %s", c->peer, what,
		 ntskd_ke_tls_strerror(c->ssl, ret, why, sizeof(why)));
	conn_close(c);
}

/*
 * OpenSSL returned @ret <= 0: wait for what it wants (0) or fail and
 * close (-1).
 */
static int conn_wait(struct ke_conn *c, int ret, const char *what)
{
	uint32_t ev;

	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		ev = EPOLLIN;
		break;
	case SSL_ERROR_WANT_WRITE:
		ev = EPOLLOUT;
		break;
	default:
		conn_fail(c, ret, what);
		return -1;
	}
	if (ev != c->events && ntskd_io_set_events(c->io, ev)) {
		log_err("NTS-KE with %s: epoll: %s", c->peer, strerror(errno));
		conn_close(c);
		return -1;
	}
	c->events = ev;
	return 0;
}

static void conn_log_answer(struct ke_conn *c, const struct ntskd_ke_outcome *o)
{
	if (o->internal)
		log_err("NTS-KE with %s: %s; sent Error 2 (internal error)",
			c->peer, o->internal);
	else if (o->error_sent)
		log_warn("bad NTS-KE request from %s: %s; sent Error %u (%s)",
			 c->peer, knts_ke_strreason(o->reason), o->error_code,
			 o->error_code == KNTS_KE_ERR_UNRECOGNIZED_CRITICAL ?
			 "unrecognized critical record" : "bad request");
	else if (o->no_ntpv4)
		log_warn("NTS-KE request from %s does not offer NTPv4; sent an empty protocol list",
			 c->peer);
	else if (o->aead == KNTS_KE_AEAD_NONE)
		log_warn("NTS-KE request from %s offers no AEAD we support (15, 16, 17); sent an empty AEAD list",
			 c->peer);
	else
		log_info("NTS-KE with %s: AEAD %d, %u cookies under key %08X (%s, %s)",
			 c->peer, o->aead, o->n_cookies, o->key_id,
			 SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl));
}

/* A complete request (or a framing error @framed < 0): build the answer. */
static void conn_answer(struct ke_conn *c, int framed)
{
	struct ntskd_ke_outcome o;
	int n;

	if (framed < 0) {
		/* too large, or an End of Message with a body */
		memset(&o, 0, sizeof(o));
		o.reason = framed;
		o.error_sent = true;
		o.error_code = knts_ke_reason_to_error(framed);
		n = knts_ke_build_error(c->out, sizeof(c->out), o.error_code);
	} else {
		n = ntskd_ke_answer(c->ssl, c->in, c->in_len, c->srv->cfg,
				    c->srv->keys, c->out, sizeof(c->out), &o);
	}
	conn_log_answer(c, &o);
	c->out_len = n > 0 ? (size_t)n : 0;
	c->state = KE_WRITE;
}

static int conn_handshake(struct ke_conn *c)
{
	const unsigned char *alpn;
	unsigned int alpn_len = 0;
	int ret;

	ERR_clear_error();
	ret = SSL_do_handshake(c->ssl);
	if (ret != 1)
		return conn_wait(c, ret, "in the TLS handshake");
	SSL_get0_alpn_selected(c->ssl, &alpn, &alpn_len);
	if (!alpn_len) {
		/* the ALPN callback only runs when the client sends ALPN */
		log_warn("NTS-KE with %s refused: the client offered no ALPN ('" NTSKD_ALPN "' is required)",
			 c->peer);
		conn_close(c);
		return -1;
	}
	if (SSL_version(c->ssl) != TLS1_3_VERSION) {
		log_warn("NTS-KE with %s refused: %s negotiated, TLS 1.3 is required",
			 c->peer, SSL_get_version(c->ssl));
		conn_close(c);
		return -1;
	}
	log_debug("NTS-KE with %s: TLS handshake done (%s, %s)", c->peer,
		  SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl));
	knts_ke_framer_init(&c->framer, sizeof(c->in));
	c->state = KE_READ;
	return 0;
}

/* The peer closed TCP without a close_notify (OpenSSL 3 calls it an error). */
static bool ke_eof(int ssl_error)
{
	unsigned long e = ERR_peek_error();

	if (ssl_error == SSL_ERROR_SYSCALL && !e)
		return true;
	return ssl_error == SSL_ERROR_SSL && ERR_GET_LIB(e) == ERR_LIB_SSL &&
	       ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

static int conn_read(struct ke_conn *c)
{
	int ret, framed;

	for (;;) {
		if (c->in_len == sizeof(c->in)) {
			conn_answer(c, KNTS_KE_E_TOO_LARGE);
			return 0;
		}
		ERR_clear_error();
		ret = SSL_read(c->ssl, c->in + c->in_len,
			       (int)(sizeof(c->in) - c->in_len));
		if (ret <= 0) {
			int e = SSL_get_error(c->ssl, ret);

			if (e == SSL_ERROR_ZERO_RETURN || ke_eof(e)) {
				log_warn("NTS-KE with %s: the client closed the connection after %zu bytes, before End of Message",
					 c->peer, c->in_len);
				conn_close(c);
				return -1;
			}
			return conn_wait(c, ret, "reading the request");
		}
		c->in_len += (size_t)ret;
		framed = knts_ke_framer_feed(&c->framer, c->in, c->in_len);
		if (framed) {
			conn_answer(c, framed);
			return 0;
		}
	}
}

static int conn_write(struct ke_conn *c)
{
	int ret;

	if (!c->out_len) {
		/* nothing could be built: only the caller's cap can cause it */
		log_err("NTS-KE with %s: no response could be built", c->peer);
		conn_close(c);
		return -1;
	}
	ERR_clear_error();
	ret = SSL_write(c->ssl, c->out, (int)c->out_len);
	if (ret <= 0)
		return conn_wait(c, ret, "writing the response");
	c->state = KE_SHUTDOWN;
	return 0;
}

static int conn_shutdown(struct ke_conn *c)
{
	int ret;

	ERR_clear_error();
	ret = SSL_shutdown(c->ssl);
	if (ret == 1) {
		conn_close(c);
		return -1;
	}
	if (ret == 0) {
		/* our close_notify is out; the next call waits for theirs */
		if (c->events != EPOLLIN && !ntskd_io_set_events(c->io, EPOLLIN))
			c->events = EPOLLIN;
		return 0;
	}
	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return conn_wait(c, ret, "closing");
	}
	/* the client went away without a close_notify: nothing lost */
	conn_close(c);
	return -1;
}

/* Run the state machine until it has to wait (0) or the conn is gone. */
static void conn_step(struct ke_conn *c)
{
	enum ke_state before;
	int ret;

	do {
		before = c->state;
		switch (c->state) {
		case KE_HANDSHAKE:
			ret = conn_handshake(c);
			break;
		case KE_READ:
			ret = conn_read(c);
			break;
		case KE_WRITE:
			ret = conn_write(c);
			break;
		default:
			ret = conn_shutdown(c);
			break;
		}
		/* went on to the next state: run it now */
	} while (ret == 0 && c->state != before);
}

static void conn_event(struct ntskd_io *io, int fd, uint32_t events, void *arg)
{
	conn_step(arg);
}

static void conn_timeout(struct ntskd_timer *t, void *arg)
{
	struct ke_conn *c = arg;

	if (c->state == KE_SHUTDOWN)
		log_debug("NTS-KE with %s: no close_notify from the client; closing",
			  c->peer);
	else
		log_warn("NTS-KE with %s timed out after %u ms %s (%zu request bytes)",
			 c->peer, c->srv->timeout_ms, ke_state_name[c->state],
			 c->in_len);
	conn_close(c);
}

void ntskd_ke_server_adopt(struct ntskd_ke_server *s, int fd,
			   const char *peer)
{
	struct ke_conn *c;

	if (s->n_conns >= NTSKD_KE_MAX_CONNS) {
		log_warn("NTS-KE with %s refused: %u connections in progress",
			 peer, s->n_conns);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		log_err("NTS-KE with %s refused: out of memory", peer);
		close(fd);
		return;
	}
	c->srv = s;
	c->fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	c->ssl = SSL_new(s->ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, fd)) {
		log_err("NTS-KE with %s refused: cannot create the TLS session",
			peer);
		SSL_free(c->ssl);
		close(fd);
		free(c);
		return;
	}
	SSL_set_app_data(c->ssl, &c->note);
	SSL_set_accept_state(c->ssl);
	c->events = EPOLLIN;
	c->io = ntskd_loop_add_fd(s->loop, fd, c->events, conn_event, c);
	if (!c->io) {
		log_err("NTS-KE with %s refused: epoll: %s", peer, strerror(errno));
		SSL_free(c->ssl);
		close(fd);
		free(c);
		return;
	}
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->n_conns++;
	ntskd_timer_init(&c->timer, conn_timeout, c);
	ntskd_timer_arm(s->loop, &c->timer, s->timeout_ms);
	log_debug("NTS-KE connection from %s (%u open)", peer, s->n_conns);
	conn_step(c);
}

/* ---- the server ----------------------------------------------------- */

static SSL_CTX *ke_load_ctx(struct ntskd_ke_server *s)
{
	char err[1024];
	SSL_CTX *ctx;

	ctx = ntskd_ke_tls_ctx(s->cfg->cert, s->cfg->key, s->keylog, err,
			       sizeof(err));
	if (!ctx)
		log_err("%s", err);
	return ctx;
}

struct ntskd_ke_server *ntskd_ke_server_new(struct ntskd_loop *loop,
					    const struct ntskd_config *cfg,
					    const struct ntskd_masterkeys *keys)
{
	struct ntskd_ke_server *s = calloc(1, sizeof(*s));
	const char *keylog = getenv("SSLKEYLOGFILE");

	if (!s) {
		log_err("NTS-KE server: out of memory");
		return NULL;
	}
	s->loop = loop;
	s->cfg = cfg;
	s->keys = keys;
	s->timeout_ms = NTSKD_KE_TIMEOUT_MS;
	/* TLS secrets on disk are for decrypting test captures only */
	if (keylog && keylog[0] && ntskd_log_debug_enabled()) {
		log_warn("debug: writing TLS secrets to %s (SSLKEYLOGFILE)", keylog);
		s->keylog = keylog;
	}
	s->ctx = ke_load_ctx(s);
	if (!s->ctx) {
		free(s);
		return NULL;
	}
	return s;
}

static void ke_accepted(int fd, const char *peer, void *arg)
{
	ntskd_ke_server_adopt(arg, fd, peer);
}

int ntskd_ke_server_listen(struct ntskd_ke_server *s)
{
	s->listeners = ntskd_ke_listen(s->loop, s->cfg, ke_accepted, s);
	return s->listeners ? 0 : -1;
}

struct ntskd_ke_server *ntskd_ke_server_start(struct ntskd_loop *loop,
					      const struct ntskd_config *cfg,
					      const struct ntskd_masterkeys *keys)
{
	struct ntskd_ke_server *s = ntskd_ke_server_new(loop, cfg, keys);

	if (s && ntskd_ke_server_listen(s)) {
		ntskd_ke_server_stop(s);
		return NULL;
	}
	return s;
}

unsigned int ntskd_ke_server_conns(const struct ntskd_ke_server *s)
{
	return s->n_conns;
}

void ntskd_ke_server_set_timeout(struct ntskd_ke_server *s, unsigned int ms)
{
	s->timeout_ms = ms;
}

int ntskd_ke_server_reload_tls(struct ntskd_ke_server *s)
{
	SSL_CTX *ctx = ke_load_ctx(s);

	if (!ctx) {
		log_err("keeping the certificate and key already loaded");
		return -1;
	}
	/* sessions in progress hold a reference to the old context */
	SSL_CTX_free(s->ctx);
	s->ctx = ctx;
	log_info("reloaded cert %s and key %s", s->cfg->cert, s->cfg->key);
	return 0;
}

void ntskd_ke_server_stop(struct ntskd_ke_server *s)
{
	if (!s)
		return;
	while (s->conns)
		conn_close(s->conns);
	ntskd_ke_listeners_close(s->listeners);
	SSL_CTX_free(s->ctx);
	free(s);
}
