// SPDX-License-Identifier: GPL-2.0
/* State the NTS-KE workers share (see ke_shared.h). */
#include <stdbool.h>
#include <stdlib.h>

#include <openssl/crypto.h>

#include "ke_shared.h"

struct ntskd_ke_shared *ntskd_ke_shared_new(SSL_CTX *ctx,
					    struct ntskd_ke_rl *rl)
{
	struct ntskd_ke_shared *sh = calloc(1, sizeof(*sh));

	if (!sh || !SSL_CTX_up_ref(ctx)) {
		free(sh);
		return NULL;
	}
	pthread_mutex_init(&sh->lock, NULL);
	pthread_mutex_init(&sh->rl_lock, NULL);
	pthread_mutex_init(&sh->log_lock, NULL);
	sh->ctx = ctx;
	sh->ctx_gen = 1;
	sh->rl = rl;
	return sh;
}

void ntskd_ke_shared_free(struct ntskd_ke_shared *sh)
{
	if (!sh)
		return;
	SSL_CTX_free(sh->ctx);
	ntskd_ke_rl_free(sh->rl);
	ntskd_mk_wipe(&sh->keys);
	pthread_mutex_destroy(&sh->lock);
	pthread_mutex_destroy(&sh->rl_lock);
	pthread_mutex_destroy(&sh->log_lock);
	free(sh);
}

void ntskd_ke_shared_set_keys(struct ntskd_ke_shared *sh,
			      const struct ntskd_masterkeys *mk)
{
	pthread_mutex_lock(&sh->lock);
	sh->keys = *mk;
	__atomic_add_fetch(&sh->keys_gen, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&sh->lock);
}

void ntskd_ke_shared_set_ctx(struct ntskd_ke_shared *sh, SSL_CTX *ctx)
{
	SSL_CTX *old;

	if (!SSL_CTX_up_ref(ctx))
		return;
	pthread_mutex_lock(&sh->lock);
	old = sh->ctx;
	sh->ctx = ctx;
	__atomic_add_fetch(&sh->ctx_gen, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&sh->lock);
	/* workers hold their own references until they sync */
	SSL_CTX_free(old);
}

bool ntskd_ke_shared_sync_keys(struct ntskd_ke_shared *sh,
			       struct ntskd_masterkeys *mk, uint64_t *gen)
{
	if (__atomic_load_n(&sh->keys_gen, __ATOMIC_ACQUIRE) == *gen)
		return false;
	pthread_mutex_lock(&sh->lock);
	*mk = sh->keys;
	*gen = sh->keys_gen;
	pthread_mutex_unlock(&sh->lock);
	return true;
}

bool ntskd_ke_shared_sync_ctx(struct ntskd_ke_shared *sh, SSL_CTX **ctx,
			      uint64_t *gen)
{
	SSL_CTX *old;

	if (__atomic_load_n(&sh->ctx_gen, __ATOMIC_ACQUIRE) == *gen)
		return false;
	pthread_mutex_lock(&sh->lock);
	old = *ctx;
	*ctx = sh->ctx;
	SSL_CTX_up_ref(*ctx);
	*gen = sh->ctx_gen;
	pthread_mutex_unlock(&sh->lock);
	SSL_CTX_free(old);
	return true;
}

bool ntskd_ke_shared_log_take(struct ntskd_ke_shared *sh, uint64_t now_ms)
{
	bool ok;

	pthread_mutex_lock(&sh->log_lock);
	ok = ntskd_log_budget_take(&sh->log, now_ms);
	pthread_mutex_unlock(&sh->log_lock);
	return ok;
}
