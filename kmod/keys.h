/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Server master keys: the set the cookies are sealed and opened with.
 * Replaced as a whole (RCU), wiped when the last reader is gone.
 */
#ifndef _KNTS_KEYS_H
#define _KNTS_KEYS_H

#include <linux/rcupdate.h>
#include <linux/types.h>
#include <uapi/linux/knts.h>

#include "gcmsiv_key.h"
#include "siv_key.h"

struct knts_master_key {
	u32 id;
	u16 alg;		/* 15 or 30: the cookie AEAD (cookie.h) */
	u8 key[KNTS_MASTER_KEY_LEN];	/* the first 16 bytes for alg 30 */
};

struct knts_keyset {
	struct rcu_head rcu;
	unsigned long installed;	/* jiffies */
	unsigned int n;
	unsigned int current_idx;
	struct knts_master_key keys[KNTS_MAX_KEYS];
	/*
	 * keys[i] prepared by knts_keyset_prepare(), or NULL: AES-SIV keys
	 * in @prep, GCM-SIV keys in @gprep (the other array's entry stays
	 * empty).
	 */
	struct knts_siv_key *prep;
	struct knts_gcmsiv_key *gprep;
};

/* Key with @id, or NULL. Caller holds rcu_read_lock(). */
static inline const struct knts_master_key *
knts_keyset_find(const struct knts_keyset *ks, u32 id)
{
	unsigned int i;

	for (i = 0; ks && i < ks->n; i++)
		if (ks->keys[i].id == id)
			return &ks->keys[i];
	return NULL;
}

/*
 * @mk of @ks prepared for AES-SIV, or NULL (not prepared, or a GCM-SIV
 * key). Caller holds rcu_read_lock().
 */
static inline const struct knts_siv_key *
knts_keyset_prep(const struct knts_keyset *ks,
		 const struct knts_master_key *mk)
{
	if (!ks->prep || mk->alg != KNTS_AEAD_AES_SIV_CMAC_256)
		return NULL;
	return &ks->prep[mk - ks->keys];
}

/*
 * @mk of @ks prepared for AES-128-GCM-SIV, or NULL (not prepared, or an
 * AES-SIV key). Caller holds rcu_read_lock().
 */
static inline const struct knts_gcmsiv_key *
knts_keyset_gprep(const struct knts_keyset *ks,
		  const struct knts_master_key *mk)
{
	if (!ks->gprep || mk->alg != KNTS_AEAD_AES_128_GCM_SIV)
		return NULL;
	return &ks->gprep[mk - ks->keys];
}

/*
 * Prepare every key of @ks once (process context, allocates), so that no
 * packet pays for a master key's schedule. Call before publishing @ks.
 */
struct knts_keyset *knts_keyset_alloc(gfp_t gfp);
int knts_keyset_prepare(struct knts_keyset *ks);

/* Wipe and free a set nobody can reach any more. */
void knts_keyset_free(struct knts_keyset *ks);

/* Publish @ks (may be NULL) in @slot and wipe the set it replaces. */
void knts_keyset_replace(struct knts_keyset __rcu **slot,
			 struct knts_keyset *ks, struct mutex *lock);

#endif /* _KNTS_KEYS_H */
