// SPDX-License-Identifier: GPL-2.0
#include <linux/mutex.h>
#include <linux/slab.h>

#include "keys.h"
#include "objcount.h"

static void knts_keyset_free_rcu(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct knts_keyset, rcu));
	atomic_dec(&knts_live_keysets);
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
