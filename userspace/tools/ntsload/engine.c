// SPDX-License-Identifier: GPL-2.0
/* ntsload's send/receive loop; see engine.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

#define BATCH		64
#define RX_BUF		2048	/* our requests are < 1500: so are honest replies */
#define SOCK_BUF	(4 << 20)

struct engine {
	struct pool *p;
	const struct load_cfg *cfg;
	struct load_stats *st;
	int *fd;
	unsigned int n_fd;
	struct pollfd *pfd;
	size_t next;			/* next pool slot to send */
	uint64_t outstanding;
	struct mmsghdr out[BATCH];
	struct iovec oiov[BATCH];
	struct mmsghdr in[BATCH];
	struct iovec iiov[BATCH];
	uint8_t rbuf[BATCH][RX_BUF];
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *load_bad_name(unsigned int i)
{
	static const char *const names[LOAD_BAD_MAX] = {
		[1] = "length", [2] = "mode", [3] = "origin", [4] = "format",
		[5] = "uid", [6] = "auth", [7] = "cookies", [8] = "kod",
		[9] = "internal", [LOAD_BAD_UNKNOWN] = "unknown",
		[LOAD_BAD_LATE] = "late", [LOAD_BAD_TRUNC] = "truncated",
	};

	return i < LOAD_BAD_MAX && names[i] ? names[i] : "?";
}

static int engine_sockets(struct engine *e, char *err, size_t errlen)
{
	const struct load_cfg *cfg = e->cfg;
	int buf = SOCK_BUF;
	unsigned int i;

	e->n_fd = cfg->sources;
	e->fd = calloc(e->n_fd, sizeof(*e->fd));
	e->pfd = calloc(e->n_fd, sizeof(*e->pfd));
	if (!e->fd || !e->pfd) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < e->n_fd; i++)
		e->fd[i] = -1;
	for (i = 0; i < e->n_fd; i++) {
		int fd = socket(cfg->target.ss_family,
				SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		if (fd < 0) {
			snprintf(err, errlen, "socket: %s", strerror(errno));
			return -1;
		}
		e->fd[i] = fd;
		/* best effort: the kernel caps these at [rw]mem_max */
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
		/* connected: the kernel drops datagrams from anyone else */
		if (connect(fd, (const struct sockaddr *)&cfg->target,
			    cfg->target_len)) {
			snprintf(err, errlen, "connect: %s", strerror(errno));
			return -1;
		}
		e->pfd[i].fd = fd;
		e->pfd[i].events = POLLIN;
	}
	return 0;
}

static void engine_close(struct engine *e)
{
	unsigned int i;

	for (i = 0; e->fd && i < e->n_fd; i++)
		if (e->fd[i] >= 0)
			close(e->fd[i]);
	free(e->fd);
	free(e->pfd);
}

/* Send up to want requests on socket s; returns how many went out */
static unsigned int engine_send(struct engine *e, unsigned int s,
				unsigned int want, uint64_t now)
{
	struct pool *p = e->p;
	unsigned int j;
	int r;

	if (want > BATCH)
		want = BATCH;
	for (j = 0; j < want; j++) {
		size_t i = (e->next + j) % p->n;

		e->oiov[j].iov_base = pool_pkt(p, i);
		e->oiov[j].iov_len = p->len;
		memset(&e->out[j].msg_hdr, 0, sizeof(e->out[j].msg_hdr));
		e->out[j].msg_hdr.msg_iov = &e->oiov[j];
		e->out[j].msg_hdr.msg_iovlen = 1;
	}
	r = sendmmsg(e->fd[s], e->out, want, 0);
	if (r < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			e->st->send_blocked++;
		else if (errno != EINTR)
			e->st->send_errors++;
		return 0;
	}
	for (j = 0; j < (unsigned int)r; j++) {
		struct pool_slot *sl = &p->slot[(e->next + j) % p->n];

		if (sl->outstanding)
			e->st->resent_unanswered++;
		else
			e->outstanding++;
		sl->outstanding = true;
		sl->sent_ns = now;
	}
	e->next = (e->next + (unsigned int)r) % p->n;
	e->st->sent += (unsigned int)r;
	return (unsigned int)r;
}

static void engine_account(struct engine *e, int v, long slot, uint64_t lat)
{
	struct load_stats *st = e->st;
	unsigned int bad;

	if (slot >= 0 && v != POOL_E_LATE) {
		st->answered++;
		e->outstanding--;
	}
	if (v == KNTS_NTSC_OK || v == KNTS_NTSC_UNSYNC) {
		/* an unsynchronised server still did all the work of a reply */
		if (v == KNTS_NTSC_UNSYNC)
			st->unsync++;
		st->valid++;
		hist_add(&st->lat, lat);
		return;
	}
	if (v == KNTS_NTSC_NAK) {
		st->naks++;
		return;
	}
	if (v == POOL_E_UNKNOWN)
		bad = LOAD_BAD_UNKNOWN;
	else if (v == POOL_E_LATE)
		bad = LOAD_BAD_LATE;
	else if (v < 0 && -v < LOAD_BAD_UNKNOWN)
		bad = (unsigned int)-v;
	else
		bad = (unsigned int)-KNTS_NTSC_E_INTERNAL;
	st->bad[bad]++;
	st->invalid++;
}

/* Drain socket s; returns datagrams read */
static unsigned int engine_recv(struct engine *e, unsigned int s)
{
	struct knts_ntsc_info info;
	unsigned int total = 0, j;
	uint64_t now, lat;
	long slot;
	int r, v;

	for (;;) {
		for (j = 0; j < BATCH; j++) {
			e->iiov[j].iov_base = e->rbuf[j];
			e->iiov[j].iov_len = RX_BUF;
			memset(&e->in[j].msg_hdr, 0, sizeof(e->in[j].msg_hdr));
			e->in[j].msg_hdr.msg_iov = &e->iiov[j];
			e->in[j].msg_hdr.msg_iovlen = 1;
		}
		r = recvmmsg(e->fd[s], e->in, BATCH, MSG_DONTWAIT, NULL);
		if (r <= 0)
			return total;
		now = mono_ns();
		for (j = 0; j < (unsigned int)r; j++) {
			e->st->received++;
			if (e->in[j].msg_hdr.msg_flags & MSG_TRUNC) {
				e->st->bad[LOAD_BAD_TRUNC]++;
				e->st->invalid++;
				continue;
			}
			v = pool_check(e->p, e->rbuf[j], e->in[j].msg_len, now,
				       &slot, &lat, &info);
			engine_account(e, v, slot, lat);
		}
		total += (unsigned int)r;
		if (r < BATCH)
			return total;
	}
}

/* One ppoll() over all sockets is cheaper than a recvmmsg() on each */
static void engine_recv_all(struct engine *e)
{
	struct timespec zero = { 0, 0 };
	unsigned int s;

	if (ppoll(e->pfd, e->n_fd, &zero, NULL) <= 0)
		return;
	for (s = 0; s < e->n_fd; s++)
		if (e->pfd[s].revents & POLLIN)
			engine_recv(e, s);
}

static void engine_wait(struct engine *e, uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000u),
		.tv_nsec = (long)(ns % 1000000000u),
	};

	ppoll(e->pfd, e->n_fd, &ts, NULL);
}

static void engine_loop(struct engine *e)
{
	const struct load_cfg *cfg = e->cfg;
	uint64_t t0 = mono_ns(), now = t0, last_send = t0;
	uint64_t dur = (uint64_t)(cfg->duration * 1e9);
	unsigned int s = 0;

	while ((now = mono_ns()) - t0 < dur) {
		uint64_t due;

		if (cfg->rate > 0) {
			uint64_t target = (uint64_t)((double)(now - t0) * cfg->rate / 1e9) + 1;

			due = target > e->st->sent ? target - e->st->sent : 0;
		} else {
			due = BATCH;
		}
		while (due) {
			unsigned int want = due > BATCH ? BATCH : (unsigned int)due;
			unsigned int n = engine_send(e, s, want, now);

			s = (s + 1) % e->n_fd;
			if (!n)
				break;
			due -= n;
			last_send = now;
		}
		engine_recv_all(e);
		if (cfg->rate > 0) {
			/* sleep until the next request is due, if that is worth it */
			uint64_t next = t0 + (uint64_t)((double)(e->st->sent) * 1e9 / cfg->rate);

			now = mono_ns();
			if (next > now + 20000)
				engine_wait(e, next - now < dur ? next - now : dur);
		}
	}
	e->st->send_seconds = (double)(last_send - t0) / 1e9;

	/* stragglers: until all are answered or the drain time is over */
	{
		uint64_t end = mono_ns() + (uint64_t)cfg->drain_ms * 1000000u;

		while (e->outstanding && (now = mono_ns()) < end) {
			engine_wait(e, end - now);
			engine_recv_all(e);
		}
	}
	e->st->total_seconds = (double)(mono_ns() - t0) / 1e9;
}

int load_run(struct pool *p, const struct load_cfg *cfg,
	     struct load_stats *st, char *err, size_t errlen)
{
	struct engine *e;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	if (!cfg->sources || cfg->sources > ENGINE_MAX_SOURCES ||
	    cfg->duration <= 0 || cfg->rate < 0) {
		snprintf(err, errlen, "bad run parameters");
		return -1;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e->p = p;
	e->cfg = cfg;
	e->st = st;
	if (!engine_sockets(e, err, errlen)) {
		engine_loop(e);
		ret = 0;
	}
	engine_close(e);
	free(e);
	return ret;
}
