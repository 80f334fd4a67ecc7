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

struct knts_master_key {
	u32 id;
	u8 key[KNTS_MASTER_KEY_LEN];
};

struct knts_keyset {
	struct rcu_head rcu;
	unsigned long installed;	/* jiffies */
	unsigned int n;
	unsigned int current_idx;
	struct knts_master_key keys[KNTS_MAX_KEYS];
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

/* Publish @ks (may be NULL) in @slot and wipe the set it replaces. */
void knts_keyset_replace(struct knts_keyset __rcu **slot,
			 struct knts_keyset *ks, struct mutex *lock);

#endif /* _KNTS_KEYS_H */
