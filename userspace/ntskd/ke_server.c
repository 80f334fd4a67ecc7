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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "ke_fair.h"
#include "ke_listen.h"
#include "ke_ratelimit.h"
#include "ke_record.h"
#include "ke_response.h"
#include "ke_server.h"
#include "ke_shared.h"
#include "ke_tls.h"
#include "log.h"
#include "log_budget.h"


/* after the answer is written, for the client's close_notify */
#define KE_CLOSE_GRACE_MS	500

/*
 * Per-client lines are debug lines (ntskd -d); at info, a summary of the
 * exchanges every KE_SUMMARY_MS says what happened, when anything did.
 */
#define KE_SUMMARY_MS		600000

/*
 * Abuse must not turn into log volume: per-connection lines (debug, and
 * internal errors) are limited to NTSKD_LOG_BUDGET_BURST per window, over
 * all workers (log_budget.h); refusals before the handshake log their
 * first one, then a sum per window (ke_quiet_tick).
 */
#define KE_LOG_WINDOW_MS	NTSKD_LOG_BUDGET_WINDOW_MS

enum ke_refusal {
	KE_REF_RATE,		/* ke-rate-limit: bucket empty */
	KE_REF_ADDR,		/* ke-rate-limit: max-conns from the address */
	KE_REF_FULL,		/* the cap, none old enough to evict */
	KE_REF_EVICTED,		/* a silent connection closed for a new one */
	KE_REF_SHARE,		/* closed: its address held the most (ke_fair.h) */
	KE_REF_N,
};

static const char *const ke_refusal_text[] = {
	[KE_REF_RATE] = "over the per-address rate (ke-rate-limit)",
	[KE_REF_ADDR] = "max-conns already open from its address (ke-rate-limit)",
	[KE_REF_FULL] = "connections in progress",
	[KE_REF_EVICTED] = "evicted: silent longest, for a new connection",
	[KE_REF_SHARE] = "evicted: its address holds the most connections, for a client from another address",
};

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
	uint64_t heard_ms;		/* accept, or the last bytes from the peer */
	int rl_slot;			/* ke_ratelimit.h */
	struct ntskd_ke_group group;	/* its address (ke_fair.h) */
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
	struct ke_conn *conns;		/* oldest first */
	struct ke_conn *last;
	unsigned int n_conns;
	unsigned int timeout_ms;
	struct ntskd_ke_rl *rl;		/* NULL: no ke-rate-limit */
	bool rl_owned;			/* else shared->rl, under rl_lock */
	uint8_t group_key[16];		/* hashes address groups */
	unsigned int max_conns;		/* this server's share of the cap */
	/* ke_make_room()'s view of the connections (max_conns each) */
	struct ntskd_ke_fair_conn *fair;
	struct ke_conn **fair_conn;
	/* a worker of several (ke_workers.h); NULL when alone */
	struct ntskd_ke_shared *shared;
	unsigned int worker;
	struct ntskd_masterkeys own_keys;	/* copy of shared->keys */
	uint64_t keys_gen, ctx_gen;
	/* the counters as the main thread reads them (ke-stats) */
	pthread_mutex_t pub_lock;
	struct ntskd_ke_server_stats pub;
	char label[24];			/* " (worker N)" in summaries */
	/* what ntskd_ke_server_stats() reports, and the log's budget */
	uint64_t refused[KE_REF_N];
	uint64_t window_refused[KE_REF_N];
	struct ntskd_ke_outcomes out;	/* how exchanges ended */
	struct ntskd_ke_outcomes summed;	/* ... as of the last summary */
	struct ntskd_timer summary;
	int64_t cert_not_after;		/* CLOCK_REALTIME s, of s->ctx */
	uint64_t cert_warnings;
	struct ntskd_timer cert_check;
	uint64_t log_suppressed;
	struct ntskd_log_budget log;	/* when alone; else shared->log */
	bool refusals_summed;		/* the first was logged */
	struct ntskd_timer quiet;	/* armed while a window is open */
};

/* ---- logging under load ---------------------------------------------- */

static void ke_quiet_tick(struct ntskd_timer *t, void *arg)
{
	struct ntskd_ke_server *s = arg;
	uint64_t *w = s->window_refused;
	uint64_t refusals = w[KE_REF_RATE] + w[KE_REF_ADDR] + w[KE_REF_FULL] +
			    w[KE_REF_EVICTED] + w[KE_REF_SHARE];
	uint64_t any = refusals + s->log_suppressed;

	if (any)
		log_warn("NTS-KE in the last %d s: refused %llu over the rate, %llu at max-conns, %llu with the server full; evicted %llu silent, %llu for a fair share; %llu log lines suppressed (since start: %llu, %llu, %llu; %llu, %llu)",
			 KE_LOG_WINDOW_MS / 1000,
			 (unsigned long long)w[KE_REF_RATE],
			 (unsigned long long)w[KE_REF_ADDR],
			 (unsigned long long)w[KE_REF_FULL],
			 (unsigned long long)w[KE_REF_EVICTED],
			 (unsigned long long)w[KE_REF_SHARE],
			 (unsigned long long)s->log_suppressed,
			 (unsigned long long)s->refused[KE_REF_RATE],
			 (unsigned long long)s->refused[KE_REF_ADDR],
			 (unsigned long long)s->refused[KE_REF_FULL],
			 (unsigned long long)s->refused[KE_REF_EVICTED],
			 (unsigned long long)s->refused[KE_REF_SHARE]);
	if (!refusals)
		s->refusals_summed = false;	/* the next one is logged */
	memset(s->window_refused, 0, sizeof(s->window_refused));
	s->log_suppressed = 0;
	/* keep summing while it goes on; a quiet window closes it */
	if (any)
		ntskd_timer_arm(s->loop, &s->quiet, KE_LOG_WINDOW_MS);
}

void ntskd_ke_server_log_summary(struct ntskd_ke_server *s)
{
	const struct ntskd_ke_outcomes *o = &s->out, *p = &s->summed;
	uint64_t failed = (o->tls_failed - p->tls_failed) +
			  (o->conn_failed - p->conn_failed) +
			  (o->closed_early - p->closed_early) +
			  (o->timeouts - p->timeouts);
	uint64_t odd = (o->bad_request - p->bad_request) +
		       (o->no_aead - p->no_aead) +
		       (o->no_ntpv4 - p->no_ntpv4) +
		       (o->internal - p->internal);

	if (o->ok != p->ok || failed || odd)
		log_info("NTS-KE summary%s: %llu exchanges (AEAD 15/16/17: %llu/%llu/%llu), %llu cookies; %llu requests answered without cookies, %llu connections failed (TLS %llu, early close %llu, timeout %llu); details with -d, counters in ntsctl ke-stats",
			 s->label, (unsigned long long)(o->ok - p->ok),
			 (unsigned long long)(o->aead[0] - p->aead[0]),
			 (unsigned long long)(o->aead[1] - p->aead[1]),
			 (unsigned long long)(o->aead[2] - p->aead[2]),
			 (unsigned long long)(o->cookies - p->cookies),
			 (unsigned long long)odd, (unsigned long long)failed,
			 (unsigned long long)(o->tls_failed - p->tls_failed),
			 (unsigned long long)(o->closed_early - p->closed_early),
			 (unsigned long long)(o->timeouts - p->timeouts));
	s->summed = s->out;
}

static void ke_summary_tick(struct ntskd_timer *t, void *arg)
{
	struct ntskd_ke_server *s = arg;

	ntskd_ke_server_log_summary(s);
	ntskd_timer_arm(s->loop, t, KE_SUMMARY_MS);
}

static void ke_quiet_open(struct ntskd_ke_server *s)
{
	if (!s->quiet.armed)
		ntskd_timer_arm(s->loop, &s->quiet, KE_LOG_WINDOW_MS);
}

/* May one more per-connection line be logged now? */
static bool ke_log_ok(struct ntskd_ke_server *s)
{
	uint64_t now = ntskd_now_ms();

	ke_quiet_open(s);
	if (s->shared ? ntskd_ke_shared_log_take(s->shared, now) :
			ntskd_log_budget_take(&s->log, now))
		return true;
	s->log_suppressed++;
	return false;
}

#define conn_log(c, prio, ...)						\
	do {								\
		if (ke_log_ok((c)->srv))				\
			ntskd_log((prio), __VA_ARGS__);			\
	} while (0)

/* A connection refused (or evicted) before any TLS: count, log the first. */
static void ke_refuse(struct ntskd_ke_server *s, enum ke_refusal why,
		      const char *peer)
{
	s->refused[why]++;
	ke_quiet_open(s);
	if (s->refusals_summed) {
		s->window_refused[why]++;
		return;
	}
	s->refusals_summed = true;
	if (why == KE_REF_FULL)
		log_warn("NTS-KE with %s refused: %u %s (more refusals are summed up every %d s)",
			 peer, s->n_conns, ke_refusal_text[why],
			 KE_LOG_WINDOW_MS / 1000);
	else
		log_warn("NTS-KE with %s %s%s (more refusals are summed up every %d s)",
			 peer, why == KE_REF_EVICTED || why == KE_REF_SHARE ?
			 "" : "refused: ",
			 ke_refusal_text[why], KE_LOG_WINDOW_MS / 1000);
}

/* ---- state shared between workers -------------------------------- */

static void ke_rl_release(struct ntskd_ke_server *s, int slot)
{
	if (!s->rl || slot == NTSKD_KE_RL_UNTRACKED)
		return;
	if (s->rl_owned) {
		ntskd_ke_rl_release(s->rl, slot);
		return;
	}
	pthread_mutex_lock(&s->shared->rl_lock);
	ntskd_ke_rl_release(s->rl, slot);
	pthread_mutex_unlock(&s->shared->rl_lock);
}

static enum ntskd_ke_rl_verdict ke_rl_admit(struct ntskd_ke_server *s,
					    const struct sockaddr *sa,
					    int *slot)
{
	enum ntskd_ke_rl_verdict v;

	if (s->rl_owned)
		return ntskd_ke_rl_admit(s->rl, sa, ntskd_now_ms(), slot);
	pthread_mutex_lock(&s->shared->rl_lock);
	v = ntskd_ke_rl_admit(s->rl, sa, ntskd_now_ms(), slot);
	pthread_mutex_unlock(&s->shared->rl_lock);
	return v;
}

static void ke_fill_stats(const struct ntskd_ke_server *s,
			  struct ntskd_ke_server_stats *st);

/*
 * Make this worker's counters visible to the main thread: after every
 * callback that may have changed them (an uncontended lock and a copy of
 * 200 bytes, against a TLS handshake per connection).
 */
static void ke_publish(struct ntskd_ke_server *s)
{
	struct ntskd_ke_server_stats st;

	if (!s->shared)
		return;
	ke_fill_stats(s, &st);
	pthread_mutex_lock(&s->pub_lock);
	s->pub = st;
	pthread_mutex_unlock(&s->pub_lock);
}

/* ---- connections --------------------------------------------------- */

static void conn_close(struct ke_conn *c)
{
	struct ntskd_ke_server *s = c->srv;

	ntskd_timer_cancel(s->loop, &c->timer);
	ntskd_io_remove(c->io);
	SSL_free(c->ssl);
	close(c->fd);
	ke_rl_release(s, c->rl_slot);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		s->last = c->prev;
	s->n_conns--;
	OPENSSL_cleanse(c->out, sizeof(c->out));
	free(c);
}

static void conn_fail(struct ke_conn *c, int ret, const char *what)
{
	char why[512];

	if (c->state == KE_HANDSHAKE)
		c->srv->out.tls_failed++;
	else
		c->srv->out.conn_failed++;
	ntskd_ke_tls_strerror(c->ssl, ret, why, sizeof(why));
	conn_log(c, LOG_DEBUG, "NTS-KE with %s failed %s: %s", c->peer, what,
		 why);
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

static void conn_count_answer(struct ntskd_ke_outcomes *out,
			      const struct ntskd_ke_outcome *o)
{
	if (o->internal) {
		out->internal++;
	} else if (o->error_sent) {
		out->bad_request++;
	} else if (o->no_ntpv4) {
		out->no_ntpv4++;
	} else if (o->aead == KNTS_KE_AEAD_NONE) {
		out->no_aead++;
	} else {
		out->ok++;
		out->cookies += o->n_cookies;
		if (o->aead >= 15 && o->aead <= 17)
			out->aead[o->aead - 15]++;
	}
}

static void conn_log_answer(struct ke_conn *c, const struct ntskd_ke_outcome *o)
{
	conn_count_answer(&c->srv->out, o);
	if (o->internal)
		log_err("NTS-KE with %s: %s; sent Error 2 (internal error)",
			c->peer, o->internal);
	else if (!ke_log_ok(c->srv))
		return;
	else if (o->error_sent)
		log_debug("bad NTS-KE request from %s: %s; sent Error %u (%s)",
			 c->peer, knts_ke_strreason(o->reason), o->error_code,
			 o->error_code == KNTS_KE_ERR_UNRECOGNIZED_CRITICAL ?
			 "unrecognized critical record" : "bad request");
	else if (o->no_ntpv4)
		log_debug("NTS-KE request from %s does not offer NTPv4; sent an empty protocol list",
			 c->peer);
	else if (o->aead == KNTS_KE_AEAD_NONE)
		log_debug("NTS-KE request from %s offers no AEAD we support (30, 15, 16, 17); sent an empty AEAD list",
			 c->peer);
	else
		log_debug("NTS-KE with %s: AEAD %d, %u cookies under key %08X (%s, %s)",
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
		struct ntskd_ke_server *s = c->srv;

		/* the keys the main thread published last, before every answer */
		if (s->shared)
			ntskd_ke_shared_sync_keys(s->shared, &s->own_keys,
						  &s->keys_gen);
		if (s->shared && !s->keys_gen) {
			/* never mint under keys nobody published (fail closed) */
			memset(&o, 0, sizeof(o));
			o.internal = "no master keys published to this worker";
			o.error_sent = true;
			o.error_code = KNTS_KE_ERR_INTERNAL;
			n = knts_ke_build_error(c->out, sizeof(c->out),
						o.error_code);
		} else {
			n = ntskd_ke_answer(c->ssl, c->in, c->in_len, s->cfg,
					    s->keys, c->out, sizeof(c->out),
					    &o);
		}
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
		conn_log(c, LOG_DEBUG, "NTS-KE with %s refused: the client offered no ALPN ('" NTSKD_ALPN "' is required)",
			 c->peer);
		c->srv->out.tls_failed++;
		conn_close(c);
		return -1;
	}
	if (SSL_version(c->ssl) != TLS1_3_VERSION) {
		conn_log(c, LOG_DEBUG, "NTS-KE with %s refused: %s negotiated, TLS 1.3 is required",
			 c->peer, SSL_get_version(c->ssl));
		c->srv->out.tls_failed++;
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
				conn_log(c, LOG_DEBUG, "NTS-KE with %s: the client closed the connection after %zu bytes, before End of Message",
					 c->peer, c->in_len);
				c->srv->out.closed_early++;
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

/*
 * The answer is out: the exchange is done whatever the client does next.
 * Its close_notify is waited for KE_CLOSE_GRACE_MS at most (never past the
 * deadline), not until the deadline: a client that keeps the TCP
 * connection open after reading (or never sends close_notify) would
 * otherwise hold its slot, and its address's max-conns, for seconds.
 */
static void conn_close_soon(struct ke_conn *c)
{
	struct ntskd_ke_server *s = c->srv;
	uint64_t now = ntskd_now_ms();

	if (c->timer.armed && c->timer.expires > now + KE_CLOSE_GRACE_MS)
		ntskd_timer_arm(s->loop, &c->timer, KE_CLOSE_GRACE_MS);
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
	conn_close_soon(c);
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
	struct ke_conn *c = arg;
	struct ntskd_ke_server *s = c->srv;

	if (events & EPOLLIN)
		c->heard_ms = ntskd_now_ms();
	conn_step(c);
	ke_publish(s);
}

static void conn_timeout(struct ntskd_timer *t, void *arg)
{
	struct ke_conn *c = arg;
	struct ntskd_ke_server *s = c->srv;

	if (c->state == KE_SHUTDOWN) {
		log_debug("NTS-KE with %s: no close_notify from the client; closing",
			  c->peer);
	} else {
		c->srv->out.timeouts++;
		conn_log(c, LOG_DEBUG, "NTS-KE with %s timed out after %u ms %s (%zu request bytes)",
			 c->peer, c->srv->timeout_ms, ke_state_name[c->state],
			 c->in_len);
	}
	conn_close(c);
	ke_publish(s);
}

/*
 * At the cap (max_conns): make room for a newcomer from @group by closing
 * a connection that ke_fair.h's rules pick, or refuse it. A connection of
 * an address holding two more than the newcomer's is closed whatever it
 * does, so one address cannot keep clients from any other out; within
 * the newcomer's own share, a connection silent for a fifth of the
 * deadline (1 s) is. A real client talks all along its exchange and is
 * done in well under a second, so it is never the silent one pushed out.
 * Both happen before any TLS work for the newcomer.
 */
static bool ke_make_room(struct ntskd_ke_server *s,
			 const struct ntskd_ke_group *group, const char *peer)
{
	struct ke_conn *c;
	unsigned int n = 0;
	bool fair;
	int v;

	if (s->n_conns < s->max_conns)
		return true;
	for (c = s->conns; c && n < s->max_conns; c = c->next, n++) {
		s->fair[n].group = &c->group;
		s->fair[n].heard_ms = c->heard_ms;
		s->fair_conn[n] = c;
	}
	v = ntskd_ke_fair_victim(s->fair, n, group, ntskd_now_ms(),
				 s->timeout_ms / 5, &fair);
	if (v >= 0) {
		c = s->fair_conn[v];
		ke_refuse(s, fair ? KE_REF_SHARE : KE_REF_EVICTED, c->peer);
		conn_close(c);
		return true;
	}
	ke_refuse(s, KE_REF_FULL, peer);
	return false;
}

static void ke_adopt(struct ntskd_ke_server *s, int fd,
		     const struct sockaddr *sa, const char *peer, int rl_slot)
{
	struct ntskd_ke_group group;
	struct ke_conn *c;

	ntskd_ke_group_of(sa, s->group_key, &group);
	if (!ke_make_room(s, &group, peer)) {
		ke_rl_release(s, rl_slot);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		log_err("NTS-KE with %s refused: out of memory", peer);
		ke_rl_release(s, rl_slot);
		close(fd);
		return;
	}
	c->srv = s;
	c->fd = fd;
	c->rl_slot = rl_slot;
	c->group = group;
	c->heard_ms = ntskd_now_ms();
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	/* a certificate reloaded by the main thread: new connections use it */
	if (s->shared)
		ntskd_ke_shared_sync_ctx(s->shared, &s->ctx, &s->ctx_gen);
	c->ssl = SSL_new(s->ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, fd)) {
		log_err("NTS-KE with %s refused: cannot create the TLS session",
			peer);
		goto fail;
	}
	SSL_set_app_data(c->ssl, &c->note);
	SSL_set_accept_state(c->ssl);
	c->events = EPOLLIN;
	c->io = ntskd_loop_add_fd(s->loop, fd, c->events, conn_event, c);
	if (!c->io) {
		log_err("NTS-KE with %s refused: epoll: %s", peer, strerror(errno));
		goto fail;
	}
	c->prev = s->last;
	if (s->last)
		s->last->next = c;
	else
		s->conns = c;
	s->last = c;
	s->n_conns++;
	ntskd_timer_init(&c->timer, conn_timeout, c);
	ntskd_timer_arm(s->loop, &c->timer, s->timeout_ms);
	log_debug("NTS-KE connection from %s (%u open)", peer, s->n_conns);
	conn_step(c);
	return;
fail:
	ke_rl_release(s, rl_slot);
	SSL_free(c->ssl);
	close(fd);
	free(c);
}

void ntskd_ke_server_adopt(struct ntskd_ke_server *s, int fd,
			   const char *peer)
{
	ke_adopt(s, fd, NULL, peer, NTSKD_KE_RL_UNTRACKED);
	ke_publish(s);
}

/* From the listeners: the per-address check first, before any TLS. */
static void ke_accepted(int fd, const struct sockaddr *sa, const char *peer,
			void *arg)
{
	struct ntskd_ke_server *s = arg;
	int slot = NTSKD_KE_RL_UNTRACKED;

	if (s->rl) {
		switch (ke_rl_admit(s, sa, &slot)) {
		case NTSKD_KE_RL_RATE:
			ke_refuse(s, KE_REF_RATE, peer);
			close(fd);
			goto out;
		case NTSKD_KE_RL_CONNS:
			ke_refuse(s, KE_REF_ADDR, peer);
			close(fd);
			goto out;
		default:
			break;
		}
	}
	ke_adopt(s, fd, sa, peer, slot);
out:
	ke_publish(s);
}

/* ---- the server ----------------------------------------------------- */

/* Note when the certificate of @ctx (just loaded) expires. */
static void ke_note_cert(struct ntskd_ke_server *s, SSL_CTX *ctx)
{
	int64_t left;

	if (!ntskd_ke_tls_cert_left(ctx, &left))
		s->cert_not_after = (int64_t)time(NULL) + left;
}

void ntskd_ke_server_cert_left(const struct ntskd_ke_server *s,
			       int64_t *left_s)
{
	*left_s = s->cert_not_after - (int64_t)time(NULL);
}

void ntskd_ke_server_check_cert(struct ntskd_ke_server *s)
{
	int64_t left;

	ntskd_ke_server_cert_left(s, &left);
	if (left <= 0) {
		s->cert_warnings++;
		log_err("cert %s has EXPIRED: clients refuse it; renew it and reload ntskd (systemctl reload ntskd)",
			s->cfg->cert);
	} else if (left < (int64_t)NTSKD_CERT_WARN_DAYS * 86400) {
		s->cert_warnings++;
		log_warn("cert %s expires in %lld days %lld hours: renew it (certbot renews at 30 days left; is its timer running?)",
			 s->cfg->cert, (long long)(left / 86400),
			 (long long)(left % 86400 / 3600));
	}
}

static void ke_cert_tick(struct ntskd_timer *t, void *arg)
{
	struct ntskd_ke_server *s = arg;

	ntskd_ke_server_check_cert(s);
	ntskd_timer_arm(s->loop, t, NTSKD_CERT_CHECK_MS);
}

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

/* Room for ke_make_room()'s view of @max connections. 0 or -1. */
static int ke_size_fair(struct ntskd_ke_server *s, unsigned int max)
{
	struct ntskd_ke_fair_conn *fair = calloc(max, sizeof(*fair));
	struct ke_conn **fc = calloc(max, sizeof(*fc));

	if (!fair || !fc) {
		free(fair);
		free(fc);
		return -1;
	}
	free(s->fair);
	free(s->fair_conn);
	s->fair = fair;
	s->fair_conn = fc;
	s->max_conns = max;
	return 0;
}

/* What every server has, alone or a worker: no TLS context yet. */
static struct ntskd_ke_server *ke_alloc(struct ntskd_loop *loop,
					const struct ntskd_config *cfg,
					unsigned int max_conns)
{
	struct ntskd_ke_server *s = calloc(1, sizeof(*s));

	if (!s) {
		log_err("NTS-KE server: out of memory");
		return NULL;
	}
	s->loop = loop;
	s->cfg = cfg;
	s->timeout_ms = NTSKD_KE_TIMEOUT_MS;
	pthread_mutex_init(&s->pub_lock, NULL);
	if (ke_size_fair(s, max_conns)) {
		log_err("NTS-KE server: out of memory");
		goto fail;
	}
	if (RAND_bytes(s->group_key, sizeof(s->group_key)) != 1) {
		log_err("NTS-KE server: no random bytes for the address hash");
		goto fail;
	}
	ntskd_timer_init(&s->quiet, ke_quiet_tick, s);
	ntskd_timer_init(&s->cert_check, ke_cert_tick, s);
	ntskd_timer_init(&s->summary, ke_summary_tick, s);
	ntskd_timer_arm(loop, &s->summary, KE_SUMMARY_MS);
	return s;
fail:
	free(s->fair);
	free(s->fair_conn);
	pthread_mutex_destroy(&s->pub_lock);
	free(s);
	return NULL;
}

static unsigned int ke_cap(const struct ntskd_config *cfg)
{
	return cfg->ke_max_conns ? cfg->ke_max_conns : NTSKD_KE_MAX_CONNS;
}

struct ntskd_ke_server *ntskd_ke_server_new(struct ntskd_loop *loop,
					    const struct ntskd_config *cfg,
					    const struct ntskd_masterkeys *keys)
{
	struct ntskd_ke_server *s = ke_alloc(loop, cfg, ke_cap(cfg));
	const char *keylog = getenv("SSLKEYLOGFILE");

	if (!s)
		return NULL;
	s->keys = keys;
	if (cfg->ke_rate_milli) {
		s->rl = ntskd_ke_rl_new(cfg->ke_rate_milli, cfg->ke_burst,
					cfg->ke_addr_conns, NULL);
		if (!s->rl) {
			log_err("NTS-KE server: cannot set up ke-rate-limit");
			goto fail;
		}
		s->rl_owned = true;
		log_info("NTS-KE rate limit per address (IPv6: per /64): %u.%03u/s, burst %u, %u open at once",
			 cfg->ke_rate_milli / 1000, cfg->ke_rate_milli % 1000,
			 cfg->ke_burst, cfg->ke_addr_conns);
	}
	/* TLS secrets on disk are for decrypting test captures only */
	if (keylog && keylog[0] && ntskd_log_debug_enabled()) {
		log_warn("debug: writing TLS secrets to %s (SSLKEYLOGFILE)", keylog);
		s->keylog = keylog;
	}
	s->ctx = ke_load_ctx(s);
	if (!s->ctx)
		goto fail;
	ke_note_cert(s, s->ctx);
	ntskd_ke_server_check_cert(s);
	ntskd_timer_arm(loop, &s->cert_check, NTSKD_CERT_CHECK_MS);
	return s;
fail:
	ntskd_ke_server_stop(s);
	return NULL;
}

struct ntskd_ke_shared *ntskd_ke_server_share(struct ntskd_ke_server *s,
					      unsigned int max_conns)
{
	struct ntskd_ke_shared *sh;

	if (ke_size_fair(s, max_conns))
		return NULL;
	sh = ntskd_ke_shared_new(s->ctx, s->rl);
	if (!sh)
		return NULL;
	s->rl_owned = false;
	s->shared = sh;
	s->ctx_gen = sh->ctx_gen;
	s->keys = &s->own_keys;
	return sh;
}

struct ntskd_ke_server *ntskd_ke_server_new_worker(struct ntskd_loop *loop,
						   const struct ntskd_config *cfg,
						   struct ntskd_ke_shared *sh,
						   unsigned int worker,
						   unsigned int max_conns)
{
	struct ntskd_ke_server *s = ke_alloc(loop, cfg, max_conns);

	if (!s)
		return NULL;
	s->shared = sh;
	s->worker = worker;
	s->rl = sh->rl;
	s->keys = &s->own_keys;
	snprintf(s->label, sizeof(s->label), " (worker %u)", worker);
	ntskd_ke_shared_sync_ctx(sh, &s->ctx, &s->ctx_gen);
	ntskd_ke_shared_sync_keys(sh, &s->own_keys, &s->keys_gen);
	return s;
}

void ntskd_ke_server_set_label(struct ntskd_ke_server *s, const char *label)
{
	snprintf(s->label, sizeof(s->label), "%s", label);
}

int ntskd_ke_server_listen(struct ntskd_ke_server *s)
{
	s->listeners = ntskd_ke_listen(s->loop, s->cfg, ke_accepted, s);
	return s->listeners ? 0 : -1;
}

int ntskd_ke_server_listen_join(struct ntskd_ke_server *s,
				const struct ntskd_ke_server *first)
{
	s->listeners = ntskd_ke_listen_join(s->loop, first->listeners,
					    ke_accepted, s);
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

static void ke_fill_stats(const struct ntskd_ke_server *s,
			  struct ntskd_ke_server_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->conns = s->n_conns;
	st->refused_rate = s->refused[KE_REF_RATE];
	st->refused_addr_conns = s->refused[KE_REF_ADDR];
	st->refused_full = s->refused[KE_REF_FULL];
	st->evicted = s->refused[KE_REF_EVICTED];
	st->evicted_share = s->refused[KE_REF_SHARE];
	/* the shared table's count is the pool's to report (ke_workers.c) */
	if (s->rl && s->rl_owned)
		st->rate_untracked = ntskd_ke_rl_stats(s->rl)->untracked;
	st->out = s->out;
	st->cert_warnings = s->cert_warnings;
}

void ntskd_ke_server_stats(const struct ntskd_ke_server *s,
			   struct ntskd_ke_server_stats *st)
{
	ke_fill_stats(s, st);
}

void ntskd_ke_server_stats_published(struct ntskd_ke_server *s,
				     struct ntskd_ke_server_stats *st)
{
	pthread_mutex_lock(&s->pub_lock);
	*st = s->pub;
	pthread_mutex_unlock(&s->pub_lock);
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
	if (s->shared) {
		/* the other workers take it at their next connection */
		ntskd_ke_shared_set_ctx(s->shared, ctx);
		s->ctx_gen = s->shared->ctx_gen;
	}
	ke_note_cert(s, ctx);
	log_info("reloaded cert %s and key %s", s->cfg->cert, s->cfg->key);
	ntskd_ke_server_check_cert(s);
	return 0;
}

void ntskd_ke_log_refusal_totals(const struct ntskd_ke_server_stats *st)
{
	if (st->refused_rate || st->refused_addr_conns || st->refused_full ||
	    st->evicted || st->evicted_share)
		log_info("NTS-KE since start: refused %llu over the rate, %llu at max-conns, %llu with the server full; evicted %llu silent, %llu for a fair share",
			 (unsigned long long)st->refused_rate,
			 (unsigned long long)st->refused_addr_conns,
			 (unsigned long long)st->refused_full,
			 (unsigned long long)st->evicted,
			 (unsigned long long)st->evicted_share);
}

void ntskd_ke_server_stop(struct ntskd_ke_server *s)
{
	struct ntskd_ke_server_stats st;

	if (!s)
		return;
	/* a worker's are part of the pool's sum (ke_workers.c) */
	if (!s->shared) {
		ke_fill_stats(s, &st);
		ntskd_ke_log_refusal_totals(&st);
	}
	ntskd_timer_cancel(s->loop, &s->quiet);
	ntskd_timer_cancel(s->loop, &s->cert_check);
	ntskd_timer_cancel(s->loop, &s->summary);
	ntskd_ke_server_log_summary(s);
	while (s->conns)
		conn_close(s->conns);
	ntskd_ke_listeners_close(s->listeners);
	if (s->rl_owned)
		ntskd_ke_rl_free(s->rl);
	SSL_CTX_free(s->ctx);
	free(s->fair);
	free(s->fair_conn);
	ntskd_mk_wipe(&s->own_keys);
	pthread_mutex_destroy(&s->pub_lock);
	free(s);
}
