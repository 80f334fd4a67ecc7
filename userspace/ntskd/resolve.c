// SPDX-License-Identifier: GPL-2.0
/* getaddrinfo() in helper threads, results on the loop (see resolve.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "resolve.h"

struct ntskd_resolver {
	struct ntskd_loop *loop;
	int pipe_rd, pipe_wr;
	struct ntskd_io *io;
	unsigned int running;		/* threads not yet reported */
};

struct ntskd_lookup {
	/* set by the loop thread before the helper starts, then read-only */
	char host[256];
	char port[8];
	int socktype;
	int pipe_wr;
	/* written by the helper only */
	int gai;
	struct addrinfo *ai;
	/* loop thread only */
	ntskd_lookup_fn fn;
	void *arg;
	bool cancelled;
};

static void *lookup_thread(void *p)
{
	struct ntskd_lookup *lk = p;
	struct addrinfo hints = {
		.ai_socktype = lk->socktype,
		.ai_flags = AI_NUMERICSERV,
	};
	ssize_t w;

	lk->gai = getaddrinfo(lk->host, lk->port, &hints, &lk->ai);
	/* a pointer is far below PIPE_BUF: the write is atomic */
	do {
		w = write(lk->pipe_wr, &lk, sizeof(lk));
	} while (w < 0 && errno == EINTR);
	return NULL;
}

static void resolver_on_pipe(struct ntskd_io *io, int fd, uint32_t events,
			     void *arg)
{
	struct ntskd_resolver *r = arg;
	struct ntskd_lookup *lk;

	while (read(fd, &lk, sizeof(lk)) == (ssize_t)sizeof(lk)) {
		r->running--;
		if (lk->cancelled) {
			if (lk->ai)
				freeaddrinfo(lk->ai);
		} else {
			lk->fn(lk->gai, lk->ai, lk->arg);
		}
		free(lk);
	}
}

struct ntskd_resolver *ntskd_resolver_new(struct ntskd_loop *loop)
{
	struct ntskd_resolver *r = calloc(1, sizeof(*r));
	int p[2];

	if (!r)
		return NULL;
	if (pipe2(p, O_CLOEXEC)) {
		free(r);
		return NULL;
	}
	r->loop = loop;
	r->pipe_rd = p[0];
	r->pipe_wr = p[1];
	/* the read end only: helpers must never block on a full pipe */
	fcntl(r->pipe_rd, F_SETFL, O_NONBLOCK);
	r->io = ntskd_loop_add_fd(loop, r->pipe_rd, EPOLLIN, resolver_on_pipe, r);
	if (!r->io) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		free(r);
		errno = e;
		return NULL;
	}
	return r;
}

void ntskd_resolver_free(struct ntskd_resolver *r)
{
	if (!r)
		return;
	ntskd_io_remove(r->io);
	close(r->pipe_rd);
	/*
	 * A helper still running writes to pipe_wr when it is done: leave it
	 * open (its write then fails with EPIPE, which is ignored) rather
	 * than let the number be reused for another file. Only at exit.
	 */
	if (!r->running)
		close(r->pipe_wr);
	free(r);
}

struct ntskd_lookup *ntskd_resolve(struct ntskd_resolver *r, const char *host,
				   uint16_t port, int socktype,
				   ntskd_lookup_fn fn, void *arg)
{
	struct ntskd_lookup *lk;
	pthread_attr_t attr;
	pthread_t t;
	int err;

	if (strlen(host) >= sizeof(lk->host)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	lk = calloc(1, sizeof(*lk));
	if (!lk)
		return NULL;
	strcpy(lk->host, host);
	snprintf(lk->port, sizeof(lk->port), "%u", port);
	lk->socktype = socktype;
	lk->pipe_wr = r->pipe_wr;
	lk->fn = fn;
	lk->arg = arg;
	if (pthread_attr_init(&attr)) {
		free(lk);
		errno = ENOMEM;
		return NULL;
	}
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* getaddrinfo needs little stack; 256 KiB instead of 8 MiB each */
	pthread_attr_setstacksize(&attr, 256 * 1024);
	err = pthread_create(&t, &attr, lookup_thread, lk);
	pthread_attr_destroy(&attr);
	if (err) {
		free(lk);
		errno = err;
		return NULL;
	}
	r->running++;
	return lk;
}

void ntskd_lookup_cancel(struct ntskd_lookup *lk)
{
	if (lk)
		lk->cancelled = true;
}
