// SPDX-License-Identifier: GPL-2.0
/*
 * The association table of the client role: a fixed array of RCU hash
 * chains. Lookups run in the hooks for every UDP packet of a namespace
 * with associations, so they hash with a secret seed (nobody can aim
 * packets at one chain) and touch nothing but the chain.
 */
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "assoc.h"
#include "objcount.h"
#include "siv_key.h"

void knts_assoc_table_init(struct knts_assoc_table *t, struct mutex *lock)
{
	unsigned int i;

	for (i = 0; i < KNTS_ASSOC_BUCKETS; i++)
		INIT_HLIST_HEAD(&t->buckets[i]);
	get_random_bytes(&t->seed, sizeof(t->seed));
	t->lock = lock;
	t->n = 0;
	t->gen = 1;
}

static void knts_assoc_changed(struct knts_assoc_table *t)
{
	t->gen = t->gen + 1 ?: 1;
}

static struct hlist_head *knts_assoc_bucket(const struct knts_assoc_table *t,
					    const struct knts_assoc_id *id)
{
	const __be32 *w = id->addr.s6_addr32;
	u32 h;

	/* Byte order does not matter to a hash: only equality does. */
	h = (u32)siphash_4u32((__force u32)w[0] ^ (__force u32)w[1],
			      (__force u32)w[2] ^ (u32)id->ifindex,
			      (__force u32)w[3],
			      (__force u32)id->port << 1 | id->v6, &t->seed);

	return (struct hlist_head *)&t->buckets[h % KNTS_ASSOC_BUCKETS];
}

static bool knts_assoc_id_eq(const struct knts_assoc_id *a,
			     const struct knts_assoc_id *b)
{
	return a->port == b->port && a->v6 == b->v6 &&
	       a->ifindex == b->ifindex && ipv6_addr_equal(&a->addr, &b->addr);
}

bool knts_assoc_id_linklocal(const struct knts_assoc_id *id)
{
	return id->v6 && (ipv6_addr_type(&id->addr) & IPV6_ADDR_LINKLOCAL);
}

struct knts_assoc *knts_assoc_new(const struct knts_assoc_id *id, u16 aead,
				  const u8 *c2s, const u8 *s2c,
				  u32 cookie_len)
{
	unsigned int key_len = knts_aead_key_len(aead);
	struct knts_assoc *a;

	/* Closed: no AEAD, no keys, no cookie length; or all of them. */
	if (aead ? !key_len || !cookie_len || cookie_len > KNTS_ASSOC_COOKIE_MAX
		 : c2s || s2c || cookie_len)
		return NULL;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return NULL;
	a->id = *id;
	a->aead = aead;
	a->key_len = key_len;
	a->cookie_len = cookie_len;
	if (aead) {
		memcpy(a->c2s, c2s, key_len);
		memcpy(a->s2c, s2c, key_len);
		/* -EINVAL for GCM-SIV's keys: those stay unprepared. */
		a->siv_prepared = !knts_siv_key_prepare(&a->c2s_pk, c2s,
							key_len) &&
				  !knts_siv_key_prepare(&a->s2c_pk, s2c,
							key_len);
	}
	spin_lock_init(&a->lock);
	a->created = jiffies;
	a->last_request = a->created;
	knts_objcount_inc(assocs);
	return a;
}

struct knts_assoc *knts_assoc_lookup(const struct knts_assoc_table *t,
				     const struct knts_assoc_id *id)
{
	struct knts_assoc *a;

	hlist_for_each_entry_rcu(a, knts_assoc_bucket(t, id), node,
				 lockdep_is_held(t->lock))
		if (knts_assoc_id_eq(&a->id, id))
			return a;
	return NULL;
}

struct knts_assoc *knts_assoc_nth(const struct knts_assoc_table *t,
				  unsigned int idx)
{
	struct knts_assoc *a;
	unsigned int b;

	lockdep_assert_held(t->lock);
	for (b = 0; b < KNTS_ASSOC_BUCKETS; b++)
		hlist_for_each_entry_rcu(a, &t->buckets[b], node,
					 lockdep_is_held(t->lock))
			if (!idx--)
				return a;
	return NULL;
}

void knts_assoc_free(struct knts_assoc *a)
{
	/* Keys and cookies: wipe, not just free. */
	kfree_sensitive(a);
	knts_objcount_dec(assocs);
	/* The per-CPU AES transforms may still hold its C2S or S2C schedule. */
	knts_siv_forget();
}

static void knts_assoc_free_rcu(struct rcu_head *head)
{
	knts_assoc_free(container_of(head, struct knts_assoc, rcu));
}

int knts_assoc_insert(struct knts_assoc_table *t, struct knts_assoc *a)
{
	struct knts_assoc *old;

	lockdep_assert_held(t->lock);
	old = knts_assoc_lookup(t, &a->id);
	if (old) {
		/* A re-key: the history of the server stays readable. */
		spin_lock_bh(&old->lock);
		a->ctr = old->ctr;
		spin_unlock_bh(&old->lock);
		hlist_replace_rcu(&old->node, &a->node);
		call_rcu(&old->rcu, knts_assoc_free_rcu);
		knts_assoc_changed(t);
		return 0;
	}
	if (t->n >= KNTS_MAX_ASSOCS)
		return -ENOSPC;
	hlist_add_head_rcu(&a->node, knts_assoc_bucket(t, &a->id));
	WRITE_ONCE(t->n, t->n + 1);
	knts_assoc_changed(t);
	return 0;
}

static void knts_assoc_unlink(struct knts_assoc_table *t, struct knts_assoc *a)
{
	hlist_del_rcu(&a->node);
	WRITE_ONCE(t->n, t->n - 1);
	call_rcu(&a->rcu, knts_assoc_free_rcu);
	knts_assoc_changed(t);
}

int knts_assoc_remove(struct knts_assoc_table *t,
		      const struct knts_assoc_id *id)
{
	struct knts_assoc *a;

	lockdep_assert_held(t->lock);
	a = knts_assoc_lookup(t, id);
	if (!a)
		return -ENOENT;
	knts_assoc_unlink(t, a);
	return 0;
}

void knts_assoc_flush(struct knts_assoc_table *t)
{
	struct knts_assoc *a;

	lockdep_assert_held(t->lock);
	while ((a = knts_assoc_nth(t, 0)))
		knts_assoc_unlink(t, a);
}

bool knts_assoc_put_cookie(struct knts_assoc *a, const u8 *cookie)
{
	lockdep_assert_held(&a->lock);
	if (knts_assoc_closed(a) || a->n_cookies >= KNTS_ASSOC_MAX_COOKIES)
		return false;
	memcpy(a->cookies[a->n_cookies++], cookie, a->cookie_len);
	return true;
}
