// SPDX-License-Identifier: GPL-2.0
/* NTS-KE workers: one server per thread (see ke_workers.h). */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ke_shared.h"
#include "ke_workers.h"
#include "log.h"

struct ke_worker {
	struct ntskd_ke_workers *w;
	struct ntskd_loop *loop;	/* the main loop for the first */
	struct ntskd_ke_server *srv;
	int stop_fd;			/* eventfd: the thread is to return */
	struct ntskd_io *stop_io;
	pthread_t thread;
	bool running;
};

struct ntskd_ke_workers {
	struct ntskd_ke_shared *shared;
	unsigned int cap;		/* ke-max-conns, over all workers */
	unsigned int n;
	struct ke_worker wk[];
};

unsigned int ntskd_ke_workers_wanted(const struct ntskd_config *cfg)
{
	unsigned int n = cfg->ke_workers, cap;
	cpu_set_t set;

	if (!n) {
		/* the CPUs we may run on (taskset, cpusets), not all online */
		if (!sched_getaffinity(0, sizeof(set), &set))
			n = (unsigned int)CPU_COUNT(&set);
		else
			n = (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
		if (!n)
			n = 1;
		if (n > NTSKD_KE_WORKERS_AUTO_MAX)
			n = NTSKD_KE_WORKERS_AUTO_MAX;
	}
	/* every worker needs at least one connection slot */
	cap = cfg->ke_max_conns ? cfg->ke_max_conns : NTSKD_KE_MAX_CONNS;
	return n < cap ? n : cap;
}

/* Worker @i's part of the cap: the remainder goes to the first ones. */
static unsigned int ke_share(const struct ntskd_config *cfg, unsigned int i,
			     unsigned int n)
{
	unsigned int cap = cfg->ke_max_conns ? cfg->ke_max_conns :
			   NTSKD_KE_MAX_CONNS;

	return cap / n + (i < cap % n);
}

static void ke_worker_stop_event(struct ntskd_io *io, int fd,
				 uint32_t events, void *arg)
{
	struct ke_worker *k = arg;

	ntskd_loop_stop(k->loop);
}

struct ntskd_ke_workers *ntskd_ke_workers_new(struct ntskd_loop *loop,
					      const struct ntskd_config *cfg)
{
	unsigned int i, n = ntskd_ke_workers_wanted(cfg);
	struct ntskd_ke_workers *w;
	char label[24];

	w = calloc(1, sizeof(*w) + n * sizeof(w->wk[0]));
	if (!w) {
		log_err("NTS-KE workers: out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++)
		w->wk[i].stop_fd = -1;
	w->cap = cfg->ke_max_conns ? cfg->ke_max_conns : NTSKD_KE_MAX_CONNS;
	w->wk[0].w = w;
	w->wk[0].loop = loop;
	w->wk[0].srv = ntskd_ke_server_new(loop, cfg, NULL);
	w->n = 1;
	if (!w->wk[0].srv)
		goto fail;
	w->shared = ntskd_ke_server_share(w->wk[0].srv, ke_share(cfg, 0, n));
	if (!w->shared) {
		log_err("NTS-KE workers: out of memory");
		goto fail;
	}
	if (n > 1) {
		snprintf(label, sizeof(label), " (worker 1)");
		ntskd_ke_server_set_label(w->wk[0].srv, label);
	}
	for (i = 1; i < n; i++) {
		struct ke_worker *k = &w->wk[i];

		k->w = w;
		k->loop = ntskd_loop_new();
		w->n++;
		if (!k->loop) {
			log_err("NTS-KE worker %u: event loop: %s", i + 1,
				strerror(errno));
			goto fail;
		}
		k->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (k->stop_fd < 0 ||
		    !(k->stop_io = ntskd_loop_add_fd(k->loop, k->stop_fd,
						     EPOLLIN,
						     ke_worker_stop_event, k))) {
			log_err("NTS-KE worker %u: eventfd: %s", i + 1,
				strerror(errno));
			goto fail;
		}
		k->srv = ntskd_ke_server_new_worker(k->loop, cfg, w->shared,
						    i + 1, ke_share(cfg, i, n));
		if (!k->srv)
			goto fail;
	}
	return w;
fail:
	ntskd_ke_workers_stop(w);
	return NULL;
}

void ntskd_ke_workers_set_keys(struct ntskd_ke_workers *w,
			       const struct ntskd_masterkeys *mk)
{
	ntskd_ke_shared_set_keys(w->shared, mk);
}

int ntskd_ke_workers_listen(struct ntskd_ke_workers *w)
{
	unsigned int i;

	if (ntskd_ke_server_listen(w->wk[0].srv))
		return -1;
	for (i = 1; i < w->n; i++)
		if (ntskd_ke_server_listen_join(w->wk[i].srv, w->wk[0].srv))
			return -1;
	return 0;
}

static void *ke_worker_main(void *arg)
{
	struct ke_worker *k = arg;
	int err = ntskd_loop_run(k->loop);

	if (err)
		log_err("NTS-KE worker: event loop: %s", strerror(-err));
	return NULL;
}

int ntskd_ke_workers_run(struct ntskd_ke_workers *w)
{
	unsigned int i;
	int err;

	for (i = 1; i < w->n; i++) {
		struct ke_worker *k = &w->wk[i];

		err = pthread_create(&k->thread, NULL, ke_worker_main, k);
		if (err) {
			log_err("cannot start NTS-KE worker %u: %s", i + 1,
				strerror(err));
			return -1;
		}
		k->running = true;
	}
	if (w->n > 1)
		log_info("NTS-KE: %u workers, %u connections at most (ke-workers, ke-max-conns)",
			 w->n, w->cap);
	return 0;
}

struct ntskd_ke_server *ntskd_ke_workers_first(struct ntskd_ke_workers *w)
{
	return w->wk[0].srv;
}

unsigned int ntskd_ke_workers_count(const struct ntskd_ke_workers *w)
{
	return w->n;
}

static void ke_add(struct ntskd_ke_server_stats *a,
		   const struct ntskd_ke_server_stats *b)
{
	unsigned int i;

	a->conns += b->conns;
	a->refused_rate += b->refused_rate;
	a->refused_addr_conns += b->refused_addr_conns;
	a->refused_full += b->refused_full;
	a->evicted += b->evicted;
	a->evicted_share += b->evicted_share;
	a->out.ok += b->out.ok;
	for (i = 0; i < 3; i++)
		a->out.aead[i] += b->out.aead[i];
	a->out.cookies += b->out.cookies;
	a->out.bad_request += b->out.bad_request;
	a->out.no_aead += b->out.no_aead;
	a->out.no_ntpv4 += b->out.no_ntpv4;
	a->out.internal += b->out.internal;
	a->out.tls_failed += b->out.tls_failed;
	a->out.conn_failed += b->out.conn_failed;
	a->out.closed_early += b->out.closed_early;
	a->out.timeouts += b->out.timeouts;
	a->cert_warnings += b->cert_warnings;
}

void ntskd_ke_workers_stats(struct ntskd_ke_workers *w,
			    struct ntskd_ke_server_stats *sum,
			    struct ntskd_ke_server_stats *per)
{
	struct ntskd_ke_server_stats st;
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < w->n; i++) {
		/* the first runs on this thread; the others publish */
		if (i == 0)
			ntskd_ke_server_stats(w->wk[0].srv, &st);
		else
			ntskd_ke_server_stats_published(w->wk[i].srv, &st);
		ke_add(sum, &st);
		if (per)
			per[i] = st;
	}
	if (w->shared->rl) {
		pthread_mutex_lock(&w->shared->rl_lock);
		sum->rate_untracked = ntskd_ke_rl_stats(w->shared->rl)->untracked;
		pthread_mutex_unlock(&w->shared->rl_lock);
	}
}

void ntskd_ke_workers_stop(struct ntskd_ke_workers *w)
{
	struct ntskd_ke_server_stats sum = { 0 };
	uint64_t one = 1;
	unsigned int i;

	if (!w)
		return;
	for (i = 1; i < w->n; i++) {
		struct ke_worker *k = &w->wk[i];

		if (!k->running)
			continue;
		if (write(k->stop_fd, &one, sizeof(one)) != sizeof(one))
			log_err("NTS-KE worker %u: cannot stop it: %s", i + 1,
				strerror(errno));
		pthread_join(k->thread, NULL);
		k->running = false;
	}
	/* every thread is done: the totals over all workers, once */
	if (w->shared) {
		struct ntskd_ke_server_stats st;

		for (i = 0; i < w->n; i++) {
			if (!w->wk[i].srv)
				break;
			ntskd_ke_server_stats(w->wk[i].srv, &st);
			ke_add(&sum, &st);
		}
		ntskd_ke_log_refusal_totals(&sum);
	}
	/* the first stops last: the others' listeners are duplicates */
	for (i = w->n; i-- > 0;) {
		struct ke_worker *k = &w->wk[i];

		ntskd_ke_server_stop(k->srv);
		if (i == 0)
			continue;
		ntskd_io_remove(k->stop_io);
		if (k->stop_fd >= 0)
			close(k->stop_fd);
		ntskd_loop_free(k->loop);
	}
	ntskd_ke_shared_free(w->shared);
	free(w);
}
