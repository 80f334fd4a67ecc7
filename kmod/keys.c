// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "keys.h"
#include "siv_key.h"
#include "objcount.h"

/* Every keyset is made here and freed by knts_keyset_free (objcount). */
struct knts_keyset *knts_keyset_alloc(gfp_t gfp)
{
	struct knts_keyset *ks = kzalloc(sizeof(*ks), gfp);

	if (ks)
		knts_objcount_inc(keysets);
	return ks;
}

int knts_keyset_prepare(struct knts_keyset *ks)
{
	unsigned int i;
	int err;

	ks->prep = kvcalloc(ks->n, sizeof(*ks->prep), GFP_KERNEL);
	ks->gprep = kvcalloc(ks->n, sizeof(*ks->gprep), GFP_KERNEL);
	if (!ks->prep || !ks->gprep)
		return -ENOMEM;
	for (i = 0; i < ks->n; i++) {
		if (ks->keys[i].alg == KNTS_AEAD_AES_128_GCM_SIV) {
			knts_gcmsiv_key_prepare(&ks->gprep[i], ks->keys[i].key);
			continue;
		}
		if (ks->keys[i].alg != KNTS_AEAD_AES_SIV_CMAC_256)
			continue;
		err = knts_siv_key_prepare(&ks->prep[i], ks->keys[i].key,
					   sizeof(ks->keys[i].key));
		if (err)
			return err;
	}
	return 0;
}

void knts_keyset_free(struct knts_keyset *ks)
{
	if (!ks)
		return;
	if (ks->prep)
		kvfree_sensitive(ks->prep, ks->n * sizeof(*ks->prep));
	if (ks->gprep)
		kvfree_sensitive(ks->gprep, ks->n * sizeof(*ks->gprep));
	kfree_sensitive(ks);
	knts_objcount_dec(keysets);
	/*
	 * The per-CPU AES transforms may still hold the schedule of one of
	 * these keys, or of a session key from a cookie sealed under them.
	 */
	knts_siv_forget();
}

static void knts_keyset_free_rcu(struct rcu_head *head)
{
	knts_keyset_free(container_of(head, struct knts_keyset, rcu));
}

void knts_keyset_replace(struct knts_keyset __rcu **slot,
			 struct knts_keyset *ks, struct mutex *lock)
{
	struct knts_keyset *old;

	old = rcu_replace_pointer(*slot, ks, lockdep_is_held(lock));
	/* Packets in flight may still be opening cookies with the old set. */
	if (old)
		call_rcu(&old->rcu, knts_keyset_free_rcu);
}
