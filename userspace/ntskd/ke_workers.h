/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS-KE on more than one core: ke-workers NTS-KE servers (ke_server.h),
 * the first on the main loop, each other one on a loop of its own in a
 * thread, all accepting from the same listening sockets (ke_listen.h:
 * whichever worker is idle takes the next connection), so that a
 * handshake flood is spread over the CPUs.
 *
 * The main thread keeps everything else (keys, kernel, signals, control
 * socket, certificate timers). What the workers share is in ke_shared.h:
 * the master keys the main thread publishes (ntskd_ke_workers_set_keys()
 * after every load, rotation and keyfile change: each worker takes them
 * before its next answer), the TLS context (a reload in the main thread
 * reaches every worker at its next connection) and the per-address rate
 * limit table. The connection cap (ke-max-conns) is split between the
 * workers; each runs ke_fair.h's max-min fair sharing over its own part.
 * Counters are summed over the workers (ntskd_ke_workers_stats()).
 *
 * Threads start only after privileges are dropped (ntskd_ke_workers_run()),
 * so they inherit the dropped credentials and the seccomp filter.
 */
#ifndef NTSKD_KE_WORKERS_H
#define NTSKD_KE_WORKERS_H

#include "config.h"
#include "ke_server.h"
#include "loop.h"
#include "masterkeys.h"

/* ke-workers auto: one per CPU ntskd may run on, at most this many */
#define NTSKD_KE_WORKERS_AUTO_MAX	8

struct ntskd_ke_workers;

/* How many workers @cfg asks for (auto resolved), at most ke-max-conns. */
unsigned int ntskd_ke_workers_wanted(const struct ntskd_config *cfg);

/*
 * Load the certificate and key and set up the workers of @cfg on @loop
 * (the first) and new loops; no listener, no thread, no keys yet. NULL
 * after logging why.
 */
struct ntskd_ke_workers *ntskd_ke_workers_new(struct ntskd_loop *loop,
					      const struct ntskd_config *cfg);

/* Publish the master keys to every worker. */
void ntskd_ke_workers_set_keys(struct ntskd_ke_workers *w,
			       const struct ntskd_masterkeys *mk);

/* Open the listeners; every worker watches them. 0 or -1 (logged). */
int ntskd_ke_workers_listen(struct ntskd_ke_workers *w);

/* Start the threads of workers 2..N. 0 or -1 (logged). */
int ntskd_ke_workers_run(struct ntskd_ke_workers *w);

/* The first worker (main loop): certificate checks and reloads. */
struct ntskd_ke_server *ntskd_ke_workers_first(struct ntskd_ke_workers *w);

unsigned int ntskd_ke_workers_count(const struct ntskd_ke_workers *w);

/*
 * The counters summed over all workers; with @per (NULL or room for
 * ntskd_ke_workers_count() entries) each worker's too.
 */
void ntskd_ke_workers_stats(struct ntskd_ke_workers *w,
			    struct ntskd_ke_server_stats *sum,
			    struct ntskd_ke_server_stats *per);

/* Stop the threads, close everything. NULL is a no-op. */
void ntskd_ke_workers_stop(struct ntskd_ke_workers *w);

#endif /* NTSKD_KE_WORKERS_H */
