/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the NTS-KE workers (ke_workers.h) share: the master keys, the TLS
 * context (certificate and key) and the per-address rate limit table.
 *
 * The main thread owns the keys and the certificate: it rotates, reloads
 * on SIGHUP or a changed file, re-reads the keyfile, and publishes the
 * result here. Each worker works from its own copy and compares a
 * generation number before every answer (keys) and every accepted
 * connection (TLS context), so it never mints a cookie under a key the
 * main thread has replaced once the publication returned, and never
 * takes a lock on the hot path unless something changed.
 *
 * The rate limit table is one for all workers, so an address gets its
 * burst and max-conns once, not once per worker; admission and release
 * take rl_lock (a hash lookup, never any TLS work).
 *
 * The budget of per-connection log lines is one for all workers too, so
 * that ntskd logs at most its burst per window, not that many per worker.
 */
#ifndef NTSKD_KE_SHARED_H
#define NTSKD_KE_SHARED_H

#include <pthread.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "ke_ratelimit.h"
#include "log_budget.h"
#include "masterkeys.h"

struct ntskd_ke_shared {
	pthread_mutex_t lock;		/* keys, ctx and their generations */
	struct ntskd_masterkeys keys;
	uint64_t keys_gen;		/* read without the lock: atomic */
	SSL_CTX *ctx;			/* one reference held here */
	uint64_t ctx_gen;		/* read without the lock: atomic */
	pthread_mutex_t rl_lock;
	struct ntskd_ke_rl *rl;		/* NULL: no ke-rate-limit; owned */
	pthread_mutex_t log_lock;
	struct ntskd_log_budget log;	/* under log_lock */
};

/* @ctx: a reference is taken; @rl is taken over. NULL when out of memory. */
struct ntskd_ke_shared *ntskd_ke_shared_new(SSL_CTX *ctx,
					    struct ntskd_ke_rl *rl);
void ntskd_ke_shared_free(struct ntskd_ke_shared *sh);

/* Publish new keys / a new TLS context (a reference is taken). */
void ntskd_ke_shared_set_keys(struct ntskd_ke_shared *sh,
			      const struct ntskd_masterkeys *mk);
void ntskd_ke_shared_set_ctx(struct ntskd_ke_shared *sh, SSL_CTX *ctx);

/*
 * Copy the keys into @mk if their generation is not *@gen (updated);
 * cheap when nothing changed. Returns true when it copied.
 */
bool ntskd_ke_shared_sync_keys(struct ntskd_ke_shared *sh,
			       struct ntskd_masterkeys *mk, uint64_t *gen);
/* The same for a TLS context: *@ctx's reference is swapped. */
bool ntskd_ke_shared_sync_ctx(struct ntskd_ke_shared *sh, SSL_CTX **ctx,
			      uint64_t *gen);

/* ntskd_log_budget_take() on the workers' one budget, under its lock. */
bool ntskd_ke_shared_log_take(struct ntskd_ke_shared *sh, uint64_t now_ms);

#endif /* NTSKD_KE_SHARED_H */
