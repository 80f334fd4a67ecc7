// SPDX-License-Identifier: GPL-2.0
/* ntskd event loop: epoll + sorted timer list + signalfd (see loop.h). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

#define LOOP_MAX_EVENTS		64
#define LOOP_MAX_SIGNALS	8

struct ntskd_io {
	struct ntskd_loop *loop;
	int fd;			/* -1 once removed */
	ntskd_io_fn fn;
	void *arg;
	struct ntskd_io *next_dead;
};

struct loop_signal {
	int signo;
	ntskd_signal_fn fn;
	void *arg;
};

struct ntskd_loop {
	int epfd;
	bool stop;
	struct ntskd_timer *timers;	/* sorted by expiry, earliest first */
	struct ntskd_io *dead;		/* removed, freed after the batch */
	/* signals */
	int sigfd;
	struct ntskd_io *sig_io;
	sigset_t sigmask;
	struct loop_signal sig[LOOP_MAX_SIGNALS];
	unsigned int n_sig;
};

uint64_t ntskd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct ntskd_loop *ntskd_loop_new(void)
{
	struct ntskd_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->sigfd = -1;
	sigemptyset(&l->sigmask);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	return l;
}

static void loop_reap(struct ntskd_loop *l)
{
	while (l->dead) {
		struct ntskd_io *io = l->dead;

		l->dead = io->next_dead;
		free(io);
	}
}

void ntskd_loop_free(struct ntskd_loop *l)
{
	if (!l)
		return;
	ntskd_io_remove(l->sig_io);
	loop_reap(l);
	if (l->sigfd >= 0)
		close(l->sigfd);
	close(l->epfd);
	free(l);
}

struct ntskd_io *ntskd_loop_add_fd(struct ntskd_loop *l, int fd,
				   uint32_t events, ntskd_io_fn fn, void *arg)
{
	struct ntskd_io *io = calloc(1, sizeof(*io));
	struct epoll_event ev = { .events = events };

	if (!io)
		return NULL;
	io->loop = l;
	io->fd = fd;
	io->fn = fn;
	io->arg = arg;
	ev.data.ptr = io;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		int e = errno;

		free(io);
		errno = e;
		return NULL;
	}
	return io;
}

int ntskd_io_set_events(struct ntskd_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (io->fd < 0)
		return -EBADF;
	if (epoll_ctl(io->loop->epfd, EPOLL_CTL_MOD, io->fd, &ev))
		return -errno;
	return 0;
}

void ntskd_io_remove(struct ntskd_io *io)
{
	if (!io || io->fd < 0)
		return;
	epoll_ctl(io->loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	io->fd = -1;
	io->next_dead = io->loop->dead;
	io->loop->dead = io;
}

void ntskd_timer_init(struct ntskd_timer *t, ntskd_timer_fn fn, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->arg = arg;
}

void ntskd_timer_cancel(struct ntskd_loop *l, struct ntskd_timer *t)
{
	struct ntskd_timer **pp;

	if (!t->armed)
		return;
	for (pp = &l->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = false;
}

void ntskd_timer_arm(struct ntskd_loop *l, struct ntskd_timer *t,
		     uint64_t delay_ms)
{
	struct ntskd_timer **pp;

	ntskd_timer_cancel(l, t);
	t->expires = ntskd_now_ms() + delay_ms;
	/* after timers with the same expiry: they fire in arming order */
	for (pp = &l->timers; *pp && (*pp)->expires <= t->expires;
	     pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->armed = true;
}

static void loop_on_signalfd(struct ntskd_io *io, int fd, uint32_t events,
			     void *arg)
{
	struct ntskd_loop *l = arg;
	struct signalfd_siginfo si;
	unsigned int i;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		for (i = 0; i < l->n_sig; i++)
			if (l->sig[i].signo == (int)si.ssi_signo)
				l->sig[i].fn((int)si.ssi_signo, l->sig[i].arg);
	}
}

int ntskd_loop_on_signal(struct ntskd_loop *l, int signo, ntskd_signal_fn fn,
			 void *arg)
{
	unsigned int i;
	int fd;

	for (i = 0; i < l->n_sig; i++)
		if (l->sig[i].signo == signo)
			break;
	if (i == LOOP_MAX_SIGNALS)
		return -ENOSPC;
	sigaddset(&l->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL))
		return -errno;
	fd = signalfd(l->sigfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (l->sigfd < 0) {
		l->sigfd = fd;
		l->sig_io = ntskd_loop_add_fd(l, fd, EPOLLIN, loop_on_signalfd, l);
		if (!l->sig_io)
			return -errno;
	}
	l->sig[i].signo = signo;
	l->sig[i].fn = fn;
	l->sig[i].arg = arg;
	if (i == l->n_sig)
		l->n_sig++;
	return 0;
}

static void loop_run_timers(struct ntskd_loop *l)
{
	uint64_t now = ntskd_now_ms();

	/* one at a time: a callback may change the list under us */
	while (!l->stop && l->timers && l->timers->expires <= now) {
		struct ntskd_timer *t = l->timers;

		l->timers = t->next;
		t->next = NULL;
		t->armed = false;
		t->fn(t, t->arg);
	}
}

static int loop_timeout(const struct ntskd_loop *l)
{
	uint64_t now, d;

	if (!l->timers)
		return -1;
	now = ntskd_now_ms();
	if (l->timers->expires <= now)
		return 0;
	d = l->timers->expires - now;
	return d > 60000 ? 60000 : (int)d;
}

int ntskd_loop_run(struct ntskd_loop *l)
{
	struct epoll_event ev[LOOP_MAX_EVENTS];
	int i, n;

	l->stop = false;
	while (!l->stop) {
		n = epoll_wait(l->epfd, ev, LOOP_MAX_EVENTS, loop_timeout(l));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n && !l->stop; i++) {
			struct ntskd_io *io = ev[i].data.ptr;

			/* removed by an earlier callback of this batch */
			if (io->fd < 0)
				continue;
			io->fn(io, io->fd, ev[i].events, io->arg);
		}
		loop_reap(l);
		loop_run_timers(l);
	}
	return 0;
}

void ntskd_loop_stop(struct ntskd_loop *l)
{
	l->stop = true;
}
