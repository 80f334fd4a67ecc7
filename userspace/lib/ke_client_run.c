// SPDX-License-Identifier: GPL-2.0
/*
 * Blocking NTS-KE: resolve the server, then drive the state machine of
 * ke_client.c with poll() for each address until one works. Only failures
 * that say nothing about the server itself (resolution, connect, connect
 * timeout) move on to the next address; a TLS, certificate or protocol
 * failure is the server's answer and is returned at once.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "ke_client.h"

static int ke_run_one(const struct knts_ke_client_params *p,
		      struct knts_ke_result *res, char *err, size_t errlen,
		      int *detail)
{
	struct knts_ke_client *c = knts_ke_client_start(p);
	int st, e;

	if (!c) {
		if (errlen)
			snprintf(err, errlen, "out of memory");
		return KNTS_KE_CERR_INTERNAL;
	}
	for (;;) {
		struct pollfd pfd = { .fd = knts_ke_client_fd(c) };

		st = knts_ke_client_step(c);
		if (st != KNTS_KE_CLIENT_WANT_READ && st != KNTS_KE_CLIENT_WANT_WRITE)
			break;
		pfd.events = st == KNTS_KE_CLIENT_WANT_READ ? POLLIN : POLLOUT;
		if (poll(&pfd, 1, knts_ke_client_timeout_ms(c)) < 0 && errno != EINTR)
			break;
	}
	if (st == KNTS_KE_CLIENT_DONE) {
		knts_ke_client_result(c, res);
		e = KNTS_KE_CERR_NONE;
	} else {
		e = knts_ke_client_error(c, detail);
		if (e == KNTS_KE_CERR_NONE)	/* poll() itself failed */
			e = KNTS_KE_CERR_INTERNAL;
		if (errlen)
			snprintf(err, errlen, "%s", knts_ke_client_errmsg(c));
	}
	knts_ke_client_free(c);
	return e;
}

int knts_ke_client_run(const struct knts_ke_client_params *p,
		       struct knts_ke_result *res, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *a;
	struct knts_ke_client_params one;
	char port[8];
	int e, detail = 0, ret;

	if (errlen)
		err[0] = '\0';
	memset(res, 0, sizeof(*res));
	if (!p || !p->host)
		return -KNTS_KE_CERR_INVAL;
	if (p->addr)
		return -ke_run_one(p, res, err, errlen, &detail);

	snprintf(port, sizeof(port), "%u",
		 p->port ? p->port : KNTS_KE_CLIENT_DEFAULT_PORT);
	hints.ai_family = p->family;
	hints.ai_flags = AI_NUMERICSERV;
	/* the state machine strips "[...]" itself; getaddrinfo() does not */
	if (p->host[0] == '[') {
		/* let knts_ke_client_start() resolve the literal */
		return -ke_run_one(p, res, err, errlen, &detail);
	}
	ret = getaddrinfo(p->host, port, &hints, &ai);
	if (ret) {
		if (errlen)
			snprintf(err, errlen, "cannot resolve %s: %s", p->host,
				 gai_strerror(ret));
		return -KNTS_KE_CERR_RESOLVE;
	}
	e = KNTS_KE_CERR_RESOLVE;
	for (a = ai; a; a = a->ai_next) {
		one = *p;
		one.addr = a->ai_addr;
		one.addr_len = a->ai_addrlen;
		e = ke_run_one(&one, res, err, errlen, &detail);
		if (e != KNTS_KE_CERR_CONNECT &&
		    !(e == KNTS_KE_CERR_TIMEOUT && detail == 0))
			break;
	}
	freeaddrinfo(ai);
	return -e;
}
