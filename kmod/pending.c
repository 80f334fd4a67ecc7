// SPDX-License-Identifier: GPL-2.0
/*
 * The in-flight table: open addressing over a fixed array, a short probe
 * window, one spinlock per slot (no global lock on the packet path), and
 * entries that expire by themselves. Keys are secret-keyed hashes so a
 * client cannot aim all its requests at one window.
 */
#include <linux/bits.h>
#include <linux/jiffies.h>
#include <linux/mm.h>		/* kvzalloc() is declared here before 5.16 */
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "objcount.h"
#include "pending.h"

/*
 * A request is refused when every slot of its window is live: with a
 * table a fraction p full, with probability p^PROBES. Four probes meant
 * 6% refused at half full (the hostile stress run saw 2% of valid
 * requests refused behind a lagging daemon); eight mean 0.4%.
 */
#define KNTS_PENDING_PROBES	8
#define KNTS_PENDING_MAX_SLOTS	BIT(20)
/* A reply comes within milliseconds; 2 s covers a slow daemon. */
#define KNTS_PENDING_TTL	(2 * HZ)

struct knts_pending_slot {
	spinlock_t lock;	/* guards entry */
	struct knts_pending_entry entry;
};

struct knts_pending {
	unsigned int mask;
	siphash_key_t seed;
	struct knts_pending_slot slots[];
};

struct knts_pending *knts_pending_alloc(unsigned int slots)
{
	struct knts_pending *p;
	unsigned int i;

	/* The module parameter is not trusted to stay in 32 bits. */
	slots = roundup_pow_of_two(clamp_t(unsigned int, slots,
					   KNTS_PENDING_PROBES,
					   KNTS_PENDING_MAX_SLOTS));
	/*
	 * A user namespace owner may enable the server role in each network
	 * namespace it creates: charge the table to its memory cgroup.
	 */
	p = kvzalloc(struct_size(p, slots, slots), GFP_KERNEL_ACCOUNT);
	if (!p)
		return NULL;
	knts_objcount_inc(tables);
	p->mask = slots - 1;
	get_random_bytes(&p->seed, sizeof(p->seed));
	for (i = 0; i < slots; i++)
		spin_lock_init(&p->slots[i].lock);
	return p;
}

void knts_pending_free(struct knts_pending *p)
{
	if (!p)
		return;
	/* Entries hold S2C keys. */
	memzero_explicit(p->slots, (p->mask + 1) * sizeof(p->slots[0]));
	kvfree(p);
	knts_objcount_dec(tables);
}

static u32 knts_pending_hash(const struct knts_pending *p,
			     const struct knts_pending_key *k)
{
	return (u32)siphash(k, sizeof(*k), &p->seed);
}

static bool knts_pending_live(const struct knts_pending_entry *e)
{
	return e->expires && time_before(jiffies, e->expires);
}

bool knts_pending_put(struct knts_pending *p,
		      const struct knts_pending_entry *e)
{
	u32 h = knts_pending_hash(p, &e->key);
	unsigned int i;

	for (i = 0; i < KNTS_PENDING_PROBES; i++) {
		struct knts_pending_slot *s = &p->slots[(h + i) & p->mask];
		bool stored = false;

		spin_lock_bh(&s->lock);
		if (!knts_pending_live(&s->entry) ||
		    !memcmp(&s->entry.key, &e->key, sizeof(e->key))) {
			/* Only what is used: nobody reads pt past pt_len. */
			memcpy(&s->entry, e, knts_pending_used(e));
			s->entry.expires = (jiffies + KNTS_PENDING_TTL) | 1;
			stored = true;
		}
		spin_unlock_bh(&s->lock);
		if (stored)
			return true;
	}
	return false;
}

bool knts_pending_take(struct knts_pending *p,
		       const struct knts_pending_key *key,
		       struct knts_pending_entry *out)
{
	u32 h = knts_pending_hash(p, key);
	unsigned int i;

	for (i = 0; i < KNTS_PENDING_PROBES; i++) {
		struct knts_pending_slot *s = &p->slots[(h + i) & p->mask];
		bool found = false;

		spin_lock_bh(&s->lock);
		if (knts_pending_live(&s->entry) &&
		    !memcmp(&s->entry.key, key, sizeof(*key))) {
			size_t used = knts_pending_used(&s->entry);

			memcpy(out, &s->entry, used);
			memzero_explicit(&s->entry, used);
			found = true;
		}
		spin_unlock_bh(&s->lock);
		if (found)
			return true;
	}
	return false;
}
