// SPDX-License-Identifier: GPL-2.0
/* NTS-KE listening sockets (see ke_listen.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ke_listen.h"
#include "log.h"

/*
 * Room for one attacker's burst: with 128, a real client's SYN was dropped
 * behind 1000 reconnecting connections and its connect waited for the 1 s
 * retransmit (17-ke-abuse: 8 attempts and 17 s to one exchange; about 1 s
 * with 1024). Queued connections cost ntskd nothing until accepted,
 * and refusing them then is a close(). The kernel caps it at somaxconn.
 */
#define KE_BACKLOG		1024
#define KE_ACCEPT_PAUSE_MS	1000	/* after EMFILE and friends */
/*
 * Connections accepted per wake-up. The watch is level-triggered, so the
 * rest wait for the next round of the loop, after the connections in
 * progress had their turn: a flood of connects no longer holds up the
 * handshakes already under way (which would then look silent and be the
 * ones evicted).
 */
#define KE_ACCEPT_BATCH		16
/*
 * Every NTS-KE worker (ke_workers.h) watches the same listening sockets
 * in its own epoll: EPOLLEXCLUSIVE wakes one worker that is waiting, not
 * all of them, and a worker busy with handshakes is not woken at all, so
 * connections go to whoever is idle. (SO_REUSEPORT would hash them to a
 * fixed socket, busy or not, and would let a second ntskd started by
 * mistake under the same user quietly take half of them.) An exclusive
 * watch cannot be modified, so pausing removes and re-adds it.
 */
#define KE_LISTEN_EVENTS	(EPOLLIN | EPOLLEXCLUSIVE)

struct ke_listener {
	struct ntskd_ke_listeners *ls;
	int fd;
	struct ntskd_io *io;
	struct ntskd_timer pause;
	char name[NTSKD_PEER_LEN];
};

struct ntskd_ke_listeners {
	struct ntskd_loop *loop;
	ntskd_ke_accept_fn fn;
	void *arg;
	struct ke_listener l[NTSKD_MAX_LISTEN];
	unsigned int n;
};

static void ke_sockaddr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	}
}

static bool ke_addr_any(int family, const void *addr)
{
	if (family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED((const struct in6_addr *)addr);
	return ((const struct in_addr *)addr)->s_addr == htonl(INADDR_ANY);
}

static void listener_event(struct ntskd_io *io, int fd, uint32_t events,
			   void *arg);

static void listener_resume(struct ntskd_timer *t, void *arg)
{
	struct ke_listener *l = arg;

	l->io = ntskd_loop_add_fd(l->ls->loop, l->fd, KE_LISTEN_EVENTS,
				  listener_event, l);
	if (!l->io)
		ntskd_timer_arm(l->ls->loop, &l->pause, KE_ACCEPT_PAUSE_MS);
}

static void listener_event(struct ntskd_io *io, int fd, uint32_t events,
			   void *arg)
{
	struct ke_listener *l = arg;
	struct ntskd_ke_listeners *ls = l->ls;
	struct sockaddr_storage ss;
	char peer[NTSKD_PEER_LEN];
	socklen_t sl;
	unsigned int n;
	int cfd, one = 1;

	for (n = 0; n < KE_ACCEPT_BATCH; n++) {
		sl = sizeof(ss);
		cfd = accept4(fd, (struct sockaddr *)&ss, &sl,
			      SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNABORTED)
				return;
			/* out of fds or memory: stop accepting for a while */
			log_err("NTS-KE listener %s: accept: %s; pausing %d ms",
				l->name, strerror(errno), KE_ACCEPT_PAUSE_MS);
			ntskd_io_remove(l->io);
			l->io = NULL;
			ntskd_timer_arm(ls->loop, &l->pause, KE_ACCEPT_PAUSE_MS);
			return;
		}
		/*
		 * The answer and the close_notify are the last two writes;
		 * with Nagle the second waited for the client's delayed ACK
		 * (40 ms on Linux), holding the slot, and a client that
		 * reads to the end of the session, that long
		 */
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		ke_sockaddr_text((struct sockaddr *)&ss, peer, sizeof(peer));
		ls->fn(cfd, (struct sockaddr *)&ss, peer, ls->arg);
	}
}

/*
 * An explicit ke-listen address may not be up yet when ntskd starts (DHCP,
 * SLAAC and DAD, a VRRP address, network-online.target being best
 * effort): bind to it anyway (IP_FREEBIND), so that connections arrive once
 * the address does, instead of the start failing with EADDRNOTAVAIL.
 */
static int listener_freebind(int fd, int family)
{
	int one = 1;

	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one,
				  sizeof(one));
	return setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
}

static int listener_open(struct ntskd_ke_listeners *ls, int family,
			 const void *addr, uint16_t port, bool optional)
{
	struct ke_listener *l = &ls->l[ls->n];
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1, err;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (void *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, addr, sizeof(s6->sin6_addr));
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (void *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, addr, sizeof(s4->sin_addr));
		sl = sizeof(*s4);
	}
	ke_sockaddr_text((struct sockaddr *)&ss, l->name, sizeof(l->name));
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* each ke-listen line is one address family */
	if (family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		goto fail;
	/* the wildcard listeners (optional or not) need no free bind */
	if (!ke_addr_any(family, addr) && listener_freebind(fd, family))
		goto fail;
	if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, KE_BACKLOG))
		goto fail;
	l->ls = ls;
	l->fd = fd;
	ntskd_timer_init(&l->pause, listener_resume, l);
	l->io = ntskd_loop_add_fd(ls->loop, fd, KE_LISTEN_EVENTS,
				  listener_event, l);
	if (!l->io)
		goto fail;
	ls->n++;
	log_info("NTS-KE server listening on %s", l->name);
	return 0;
fail:
	err = errno;
	if (optional)
		log_warn("not listening on %s: %s", l->name, strerror(err));
	else
		log_err("cannot listen on %s: %s", l->name, strerror(err));
	if (fd >= 0)
		close(fd);
	return optional ? 0 : -1;
}

struct ntskd_ke_listeners *ntskd_ke_listen(struct ntskd_loop *loop,
					   const struct ntskd_config *cfg,
					   ntskd_ke_accept_fn fn, void *arg)
{
	struct ntskd_ke_listeners *ls = calloc(1, sizeof(*ls));
	struct in_addr any4 = { .s_addr = htonl(INADDR_ANY) };
	unsigned int i;

	if (!ls) {
		log_err("NTS-KE listeners: out of memory");
		return NULL;
	}
	ls->loop = loop;
	ls->fn = fn;
	ls->arg = arg;
	if (!cfg->n_listen) {
		/* a host without IPv6 still serves IPv4 */
		if (listener_open(ls, AF_INET, &any4, NTSKD_KE_PORT, false) ||
		    listener_open(ls, AF_INET6, &in6addr_any, NTSKD_KE_PORT,
				  true))
			goto fail;
		return ls;
	}
	for (i = 0; i < cfg->n_listen; i++) {
		const struct ntskd_listen *l = &cfg->listen[i];

		if (listener_open(ls, l->family, &l->addr, l->port, false))
			goto fail;
	}
	return ls;
fail:
	ntskd_ke_listeners_close(ls);
	return NULL;
}

struct ntskd_ke_listeners *ntskd_ke_listen_join(struct ntskd_loop *loop,
						const struct ntskd_ke_listeners *src,
						ntskd_ke_accept_fn fn, void *arg)
{
	struct ntskd_ke_listeners *ls = calloc(1, sizeof(*ls));
	unsigned int i;

	if (!ls) {
		log_err("NTS-KE listeners: out of memory");
		return NULL;
	}
	ls->loop = loop;
	ls->fn = fn;
	ls->arg = arg;
	for (i = 0; i < src->n; i++) {
		struct ke_listener *l = &ls->l[i];

		*l = src->l[i];
		l->ls = ls;
		/* its own descriptor, so that each set closes what it owns */
		l->fd = fcntl(src->l[i].fd, F_DUPFD_CLOEXEC, 0);
		if (l->fd < 0)
			goto fail;
		ntskd_timer_init(&l->pause, listener_resume, l);
		l->io = ntskd_loop_add_fd(loop, l->fd, KE_LISTEN_EVENTS,
					  listener_event, l);
		if (!l->io) {
			close(l->fd);
			goto fail;
		}
		ls->n++;
	}
	return ls;
fail:
	log_err("NTS-KE listener %s for a worker: %s", src->l[i].name,
		strerror(errno));
	ntskd_ke_listeners_close(ls);
	return NULL;
}

void ntskd_ke_listeners_close(struct ntskd_ke_listeners *ls)
{
	unsigned int i;

	if (!ls)
		return;
	for (i = 0; i < ls->n; i++) {
		ntskd_timer_cancel(ls->loop, &ls->l[i].pause);
		ntskd_io_remove(ls->l[i].io);
		close(ls->l[i].fd);
	}
	free(ls);
}
