// SPDX-License-Identifier: GPL-2.0
/* One NTS-KE of the client role on the event loop (see client_ke.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_ke.h"
#include "log.h"

struct ntskd_client_ke {
	struct ntskd_loop *loop;
	struct ntskd_resolver *resolver;
	const struct ntskd_server_conf *sc;
	ntskd_client_ke_fn fn;
	void *arg;

	struct ntskd_lookup *lookup;
	struct addrinfo *ai;		/* the host's addresses, NULL for a literal */
	struct addrinfo *cur;		/* the one being tried */
	struct sockaddr_storage lit;	/* the literal's address */
	socklen_t lit_len;

	struct knts_ke_client *c;
	struct ntskd_io *io;
	struct ntskd_timer timer;	/* the state machine's deadline */
	struct ntskd_timer kick;	/* starts from the loop, not from start() */

	struct knts_ke_result res;
	struct knts_assoc_id ntp;
	bool has_prefer;
	struct knts_assoc_id prefer;	/* try this address of the name first */
	int err;
	char msg[320];
};

static void ke_free(struct ntskd_client_ke *ke)
{
	ntskd_lookup_cancel(ke->lookup);
	ntskd_timer_cancel(ke->loop, &ke->timer);
	ntskd_timer_cancel(ke->loop, &ke->kick);
	ntskd_io_remove(ke->io);
	knts_ke_client_free(ke->c);
	if (ke->ai)
		freeaddrinfo(ke->ai);
	knts_ke_result_wipe(&ke->res);
	free(ke);
}

static void ke_done(struct ntskd_client_ke *ke)
{
	ke->fn(ke->err, ke->msg, ke->err ? NULL : &ke->res,
	       ke->err ? NULL : &ke->ntp, ke->arg);
	ke_free(ke);
}

__attribute__((format(printf, 3, 4)))
static void ke_fail(struct ntskd_client_ke *ke, int err, const char *fmt, ...)
{
	va_list ap;

	ke->err = err;
	va_start(ap, fmt);
	vsnprintf(ke->msg, sizeof(ke->msg), fmt, ap);
	va_end(ap);
	ke_done(ke);
}


/* The NTP address is known: report success. */
static void ke_finish(struct ntskd_client_ke *ke)
{
	ke->err = 0;
	ke->msg[0] = '\0';
	ke_done(ke);
}

/* Among @ai, the first address of @family, else the first at all. */
static const struct addrinfo *ke_pick(const struct addrinfo *ai, int family)
{
	const struct addrinfo *a;

	for (a = ai; a; a = a->ai_next)
		if (a->ai_family == family)
			return a;
	for (a = ai; a; a = a->ai_next)
		if (a->ai_family == AF_INET || a->ai_family == AF_INET6)
			return a;
	return NULL;
}

static void ke_on_ntp_name(int gai, struct addrinfo *ai, void *arg)
{
	struct ntskd_client_ke *ke = arg;
	const struct addrinfo *a;

	ke->lookup = NULL;
	a = gai ? NULL : ke_pick(ai, ke->res.ke_addr.ss_family);
	if (!a || knts_assoc_id_from_sockaddr(&ke->ntp, a->ai_addr)) {
		if (ai)
			freeaddrinfo(ai);
		ke_fail(ke, KNTS_KE_CERR_RESOLVE,
			"cannot resolve the NTP server %s it named: %s",
			ke->res.ntp_server, gai ? gai_strerror(gai) : "no address");
		return;
	}
	ke->ntp.port = ke->res.ntp_port;
	freeaddrinfo(ai);
	ke_finish(ke);
}

/* NTS-KE done: where does NTP go? */
static void ke_ntp_address(struct ntskd_client_ke *ke)
{
	if (!ke->res.ntp_server_is_name) {
		if (knts_assoc_id_parse(&ke->ntp, ke->res.ntp_server,
					ke->res.ntp_port)) {
			ke_fail(ke, KNTS_KE_CERR_RESPONSE,
				"unusable NTP server address '%s'", ke->res.ntp_server);
			return;
		}
		ke_finish(ke);
		return;
	}
	log_debug("server %s: resolving the NTP server name %s", ke->sc->host,
		  ke->res.ntp_server);
	ke->lookup = ntskd_resolve(ke->resolver, ke->res.ntp_server,
				   ke->res.ntp_port, SOCK_DGRAM, ke_on_ntp_name, ke);
	if (!ke->lookup)
		ke_fail(ke, KNTS_KE_CERR_INTERNAL, "cannot start a lookup: %s",
			strerror(errno));
}

static void ke_connect(struct ntskd_client_ke *ke);

/* Drive the state machine once and act on what it asks for. */
static void ke_step(struct ntskd_client_ke *ke)
{
	int st = knts_ke_client_step(ke->c), err, detail = 0;

	if (st == KNTS_KE_CLIENT_WANT_READ || st == KNTS_KE_CLIENT_WANT_WRITE) {
		if (ntskd_io_set_events(ke->io, st == KNTS_KE_CLIENT_WANT_READ ?
					EPOLLIN : EPOLLOUT)) {
			ke_fail(ke, KNTS_KE_CERR_INTERNAL, "epoll: %s",
				strerror(errno));
			return;
		}
		ntskd_timer_arm(ke->loop, &ke->timer,
				(uint64_t)knts_ke_client_timeout_ms(ke->c));
		return;
	}
	ntskd_timer_cancel(ke->loop, &ke->timer);
	ntskd_io_remove(ke->io);
	ke->io = NULL;
	if (st == KNTS_KE_CLIENT_DONE) {
		knts_ke_client_result(ke->c, &ke->res);
		knts_ke_client_free(ke->c);
		ke->c = NULL;
		ke_ntp_address(ke);
		return;
	}
	err = knts_ke_client_error(ke->c, &detail);
	snprintf(ke->msg, sizeof(ke->msg), "%s", knts_ke_client_errmsg(ke->c));
	knts_ke_client_free(ke->c);
	ke->c = NULL;
	/* only "nobody answered here" moves on to the next address */
	if ((err == KNTS_KE_CERR_CONNECT ||
	     (err == KNTS_KE_CERR_TIMEOUT && detail == 0)) &&
	    ke->cur && ke->cur->ai_next) {
		log_debug("server %s: %s; trying the next address", ke->sc->host,
			  ke->msg);
		ke->cur = ke->cur->ai_next;
		ke_connect(ke);
		return;
	}
	ke->err = err ? err : KNTS_KE_CERR_INTERNAL;
	ke_done(ke);
}

static void ke_on_io(struct ntskd_io *io, int fd, uint32_t events, void *arg)
{
	ke_step(arg);
}

static void ke_on_timer(struct ntskd_timer *t, void *arg)
{
	ke_step(arg);
}

static void ke_connect(struct ntskd_client_ke *ke)
{
	const struct ntskd_server_conf *sc = ke->sc;
	struct knts_ke_client_params p = {
		.host = sc->host,
		.port = sc->ke_port,
		.ca_file = sc->ca[0] ? sc->ca : NULL,
		.noverify = sc->noverify,
		.aeads = sc->n_aeads ? sc->aeads : NULL,
		.n_aeads = sc->n_aeads,
	};
	int fd;

	if (ke->cur) {
		p.addr = ke->cur->ai_addr;
		p.addr_len = ke->cur->ai_addrlen;
	} else {
		p.addr = (const struct sockaddr *)&ke->lit;
		p.addr_len = ke->lit_len;
	}
	ke->c = knts_ke_client_start(&p);
	if (!ke->c) {
		ke_fail(ke, KNTS_KE_CERR_INTERNAL, "out of memory");
		return;
	}
	fd = knts_ke_client_fd(ke->c);
	if (fd >= 0) {
		ke->io = ntskd_loop_add_fd(ke->loop, fd, EPOLLOUT, ke_on_io, ke);
		if (!ke->io) {
			ke_fail(ke, KNTS_KE_CERR_INTERNAL, "epoll: %s",
				strerror(errno));
			return;
		}
	}
	ke_step(ke);
}

/* A literal host connects now; an early failure is reported now. */
static void ke_on_kick(struct ntskd_timer *t, void *arg)
{
	struct ntskd_client_ke *ke = arg;

	if (ke->err)
		ke_done(ke);
	else
		ke_connect(ke);
}

/* Move the preferred address, if the name still has it, to the front. */
static void ke_prefer(struct ntskd_client_ke *ke)
{
	struct addrinfo *a, *prev = NULL;
	struct knts_assoc_id id;

	if (!ke->has_prefer)
		return;
	for (a = ke->ai; a; prev = a, a = a->ai_next) {
		if (knts_assoc_id_from_sockaddr(&id, a->ai_addr))
			continue;
		id.port = ke->prefer.port;
		if (!knts_assoc_id_equal(&id, &ke->prefer))
			continue;
		if (prev) {
			prev->ai_next = a->ai_next;
			a->ai_next = ke->ai;
			ke->ai = a;
		}
		return;
	}
}

static void ke_on_host(int gai, struct addrinfo *ai, void *arg)
{
	struct ntskd_client_ke *ke = arg;

	ke->lookup = NULL;
	if (gai) {
		ke_fail(ke, KNTS_KE_CERR_RESOLVE, "cannot resolve %s: %s",
			ke->sc->host, gai_strerror(gai));
		return;
	}
	ke->ai = ai;
	ke_prefer(ke);
	ke->cur = ke->ai;
	ke_connect(ke);
}

/* A literal ("192.0.2.1", "2001:db8::1", "[2001:db8::1]") or not. */
static bool ke_literal(struct ntskd_client_ke *ke)
{
	struct knts_assoc_id id;
	struct sockaddr_in *in = (struct sockaddr_in *)&ke->lit;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ke->lit;

	if (knts_assoc_id_parse(&id, ke->sc->host, ke->sc->ke_port))
		return false;
	memset(&ke->lit, 0, sizeof(ke->lit));
	if (id.family == AF_INET) {
		in->sin_family = AF_INET;
		in->sin_port = htons(id.port);
		memcpy(&in->sin_addr, id.addr, 4);
		ke->lit_len = sizeof(*in);
	} else {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(id.port);
		memcpy(&in6->sin6_addr, id.addr, 16);
		ke->lit_len = sizeof(*in6);
	}
	return true;
}

struct ntskd_client_ke *ntskd_client_ke_start(struct ntskd_loop *loop,
					      struct ntskd_resolver *resolver,
					      const struct ntskd_server_conf *sc,
					      const struct knts_assoc_id *prefer,
					      ntskd_client_ke_fn fn, void *arg)
{
	struct ntskd_client_ke *ke = calloc(1, sizeof(*ke));

	if (!ke)
		return NULL;
	ke->loop = loop;
	ke->resolver = resolver;
	ke->sc = sc;
	ke->fn = fn;
	ke->arg = arg;
	if (prefer) {
		ke->prefer = *prefer;
		ke->has_prefer = true;
	}
	ntskd_timer_init(&ke->timer, ke_on_timer, ke);
	/* the caller gets its callback from the loop, never from here */
	ntskd_timer_init(&ke->kick, ke_on_kick, ke);
	if (ke_literal(ke)) {
		ntskd_timer_arm(loop, &ke->kick, 0);
		return ke;
	}
	ke->lookup = ntskd_resolve(resolver, sc->host, sc->ke_port, SOCK_STREAM,
				   ke_on_host, ke);
	if (!ke->lookup) {
		ke->err = KNTS_KE_CERR_INTERNAL;
		snprintf(ke->msg, sizeof(ke->msg), "cannot start a lookup: %s",
			 strerror(errno));
		ntskd_timer_arm(loop, &ke->kick, 0);
	}
	return ke;
}

void ntskd_client_ke_cancel(struct ntskd_client_ke *ke)
{
	if (ke)
		ke_free(ke);
}
