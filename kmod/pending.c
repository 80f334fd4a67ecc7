// SPDX-License-Identifier: GPL-2.0
/*
 * The in-flight table: open addressing over a fixed array, a short probe
 * window, one spinlock per slot (no global lock on the packet path), and
 * entries that expire by themselves. Keys are secret-keyed hashes so a
 * client cannot aim all its requests at one window.
 *
 * A full window evicts its oldest entry rather than refusing the newcomer
 * (see pending.h for why). A periodic sweep wipes what expired, so that
 * no S2C key outlives its entry's lifetime by more than one sweep period
 * and no expiry comparison ever spans half the jiffies range.
 */
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/jiffies.h>
#include <linux/mm.h>		/* kvzalloc() is declared here before 5.16 */
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "objcount.h"
#include "pending.h"
#include "pending_time.h"

/*
 * The window a request may land in. With eviction, its width decides how
 * many newer requests must hash to a genuine request's window before the
 * daemon answers it for that request to lose its entry: eight.
 */
#define KNTS_PENDING_PROBES	8
#define KNTS_PENDING_MAX_SLOTS	BIT(20)
/* A reply comes within milliseconds; 2 s covers a slow daemon. */
#define KNTS_PENDING_TTL	(2 * HZ)
/* Slots swept between two chances for the scheduler. */
#define KNTS_PENDING_SWEEP_BATCH	1024

/*
 * What a slot stores of an entry: all of it but the room for more than
 * one cookie EF. LOCAL_IN mints one cookie (server.c) and a reply's
 * refill is minted at LOCAL_OUT into the per-CPU scratch entry, never
 * into the table, so a slot is about a quarter of a whole entry.
 */
#define KNTS_PENDING_SLOT_PT	(KNTS_EF_HDR_LEN + ALIGN(KNTS_COOKIE_MAX_LEN, 4))
#define KNTS_PENDING_SLOT_LEN \
	(offsetof(struct knts_pending_entry, pt) + KNTS_PENDING_SLOT_PT)

struct knts_pending_slot {
	spinlock_t lock;	/* guards the entry */
	/*
	 * The hash of the last entry stored here, read without the lock:
	 * a lookup skips the slots where it differs (the entry there
	 * cannot have the key) and checks the rest under the lock.
	 */
	u32 tag;
	/* The head of a struct knts_pending_entry: knts_pending_slot_e(). */
	u8 raw[KNTS_PENDING_SLOT_LEN]
		__aligned(__alignof__(struct knts_pending_entry));
};

struct knts_pending {
	unsigned int mask;
	/*
	 * Set when a request stored here had to probe half its window or
	 * evict: the table is filling up (pending_set.c grows it).
	 */
	bool crowded;
	bool evicted;		/* ... and one had to evict */
	atomic_t seq;
	hsiphash_key_t seed;
	struct delayed_work sweep;
	struct knts_pending_slot slots[];
};

/*
 * The entry of @s: only its first KNTS_PENDING_SLOT_LEN bytes exist, and
 * nothing reads pt past pt_len, which knts_pending_put() bounds.
 */
static struct knts_pending_entry *knts_pending_slot_e(struct knts_pending_slot *s)
{
	return (struct knts_pending_entry *)s->raw;
}

static bool knts_pending_live(const struct knts_pending_entry *e,
			      unsigned long now)
{
	return e->live && !knts_pending_reached(now, e->expires);
}

/*
 * An entry's secret is its S2C (and C2S) key: wiped, and the entry is
 * dead. The rest (address, port, timestamps, UID, sealed cookies) came
 * or goes over the wire, and the next entry stored here overwrites it.
 */
static void knts_pending_wipe(struct knts_pending_entry *e)
{
	memzero_explicit(&e->keys, sizeof(e->keys));
	e->live = 0;
}

static void knts_pending_sweep(struct work_struct *work)
{
	struct knts_pending *p = container_of(to_delayed_work(work),
					      struct knts_pending, sweep);
	unsigned int i;

	for (i = 0; i <= p->mask; i++) {
		struct knts_pending_slot *s = &p->slots[i];
		struct knts_pending_entry *e = knts_pending_slot_e(s);

		spin_lock_bh(&s->lock);
		if (e->live && !knts_pending_live(e, jiffies))
			knts_pending_wipe(e);
		spin_unlock_bh(&s->lock);
		if (!((i + 1) % KNTS_PENDING_SWEEP_BATCH))
			cond_resched();
	}
	schedule_delayed_work(&p->sweep, KNTS_PENDING_TTL);
}

struct knts_pending *knts_pending_alloc(unsigned int slots)
{
	struct knts_pending *p;
	unsigned int i;
	size_t size;
	gfp_t gfp;

	/* The netlink policy bounds it too; the table must not rely on that. */
	slots = roundup_pow_of_two(clamp_t(unsigned int, slots,
					   KNTS_PENDING_PROBES,
					   KNTS_PENDING_MAX_SLOTS));
	/*
	 * A user namespace owner may enable the server role, with a table
	 * of up to 2^20 slots (440 MiB), in each network namespace it
	 * creates: charge the table to its memory cgroup, and let a size
	 * that does not fit fail quietly (-ENOMEM to the netlink request)
	 * rather than wake the OOM killer. Only beyond kmalloc's reach: for
	 * smaller tables, __GFP_RETRY_MAYFAIL would make kvzalloc()'s
	 * kmalloc attempt retry hard.
	 */
	size = struct_size(p, slots, slots);
	gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN;
	if (size > KMALLOC_MAX_SIZE)
		gfp |= __GFP_RETRY_MAYFAIL;
	p = kvzalloc(size, gfp);
	if (!p)
		return NULL;
	knts_objcount_inc(tables);
	p->mask = slots - 1;
	get_random_bytes(&p->seed, sizeof(p->seed));
	for (i = 0; i < slots; i++)
		spin_lock_init(&p->slots[i].lock);
	INIT_DELAYED_WORK(&p->sweep, knts_pending_sweep);
	schedule_delayed_work(&p->sweep, KNTS_PENDING_TTL);
	return p;
}

/* Process context: no hook uses @p any more. */
void knts_pending_free(struct knts_pending *p)
{
	if (!p)
		return;
	cancel_delayed_work_sync(&p->sweep);
	memzero_explicit(p->slots, (p->mask + 1) * sizeof(p->slots[0]));
	kvfree(p);
	knts_objcount_dec(tables);
}

/*
 * The UID is not hashed: every copy of a request lands in one window.
 * hsiphash, the kernel's keyed hash for hash tables, is enough: the
 * values never leave the kernel, and a flood that aims at one window
 * only evicts its own entries (knts_pending_put()).
 */
static u32 knts_pending_hash(const struct knts_pending *p,
			     const struct knts_pending_key *k)
{
	return hsiphash(k, sizeof(*k), &p->seed);
}

static bool knts_pending_same(const struct knts_pending_entry *a,
			      const struct knts_pending_entry *b)
{
	return !memcmp(&a->key, &b->key, sizeof(a->key)) &&
	       a->uid_len == b->uid_len &&
	       !memcmp(a->uid, b->uid, a->uid_len);
}

/* Slot lock held; @h: the hash of @e's key. */
static void knts_pending_store(struct knts_pending *p,
			       struct knts_pending_slot *s,
			       const struct knts_pending_entry *e, u32 h)
{
	struct knts_pending_entry *dst = knts_pending_slot_e(s);

	WRITE_ONCE(s->tag, h);
	/*
	 * Only what is used: nobody reads pt past pt_len. The keys go over
	 * the old ones whole (they are in the fixed part).
	 */
	memcpy(dst, e, knts_pending_used(e));
	dst->expires = jiffies + KNTS_PENDING_TTL;
	dst->seq = (u32)atomic_inc_return(&p->seq);
	dst->live = 1;
}

int knts_pending_put(struct knts_pending *p,
		     const struct knts_pending_entry *e)
{
	u32 h = knts_pending_hash(p, &e->key);
	struct knts_pending_slot *oldest = NULL;
	unsigned long oldest_exp = 0;
	unsigned int i;

	BUILD_BUG_ON(KNTS_PENDING_SLOT_PT > KNTS_PENDING_PT_MAX);
	if (e->pt_len > KNTS_PENDING_SLOT_PT)
		return -EMSGSIZE;
	for (i = 0; i < KNTS_PENDING_PROBES; i++) {
		struct knts_pending_slot *s = &p->slots[(h + i) & p->mask];
		struct knts_pending_entry *se = knts_pending_slot_e(s);
		bool stored = false;

		spin_lock_bh(&s->lock);
		if (!knts_pending_live(se, jiffies) ||
		    knts_pending_same(se, e)) {
			knts_pending_store(p, s, e, h);
			stored = true;
		} else if (!oldest || time_before(se->expires, oldest_exp)) {
			oldest = s;
			oldest_exp = se->expires;
		}
		spin_unlock_bh(&s->lock);
		if (stored) {
			if (i >= KNTS_PENDING_PROBES / 2 && !READ_ONCE(p->crowded))
				WRITE_ONCE(p->crowded, true);
			return 0;
		}
	}
	if (!READ_ONCE(p->evicted)) {
		WRITE_ONCE(p->crowded, true);
		WRITE_ONCE(p->evicted, true);
	}
	/*
	 * Every slot live: evict the oldest. Another CPU may have refilled
	 * that slot since it was looked at; then a newer entry goes, which
	 * only a race between two requests for one window can cause.
	 */
	spin_lock_bh(&oldest->lock);
	knts_pending_store(p, oldest, e, h);
	spin_unlock_bh(&oldest->lock);
	return 1;
}

void knts_pending_drop(struct knts_pending *p,
		       const struct knts_pending_key *key,
		       const struct knts_pending_entry *e)
{
	u32 h = knts_pending_hash(p, key);
	unsigned int i;

	for (i = 0; i < KNTS_PENDING_PROBES; i++) {
		struct knts_pending_slot *s = &p->slots[(h + i) & p->mask];
		struct knts_pending_entry *se = knts_pending_slot_e(s);

		if (READ_ONCE(s->tag) != h)
			continue;
		spin_lock_bh(&s->lock);
		if (knts_pending_live(se, jiffies) &&
		    !memcmp(&se->key, key, sizeof(*key)) &&
		    se->uid_len == e->uid_len &&
		    !memcmp(se->uid, e->uid, e->uid_len))
			knts_pending_wipe(se);
		spin_unlock_bh(&s->lock);
	}
}

/*
 * The slots from @s to @end (not included) whose tag is @h, in order:
 * the oldest live entry under @key among them and @best, the oldest
 * before them (*@seq: its order of arrival).
 */
static __always_inline struct knts_pending_slot *
knts_pending_scan(struct knts_pending_slot *s, struct knts_pending_slot *end,
		  const struct knts_pending_key *key, u32 h,
		  struct knts_pending_slot *best, u32 *seq)
{
	for (; s != end; s++) {
		struct knts_pending_entry *se = knts_pending_slot_e(s);
		u32 sq;

		if (READ_ONCE(s->tag) != h)
			continue;
		/* racy reads, checked again under the lock (see above) */
		sq = data_race(READ_ONCE(se->seq));
		/* racy reads, checked again under the lock (see above) */
		if (data_race(knts_pending_live(se, jiffies) &&
			      !memcmp(&se->key, key, sizeof(*key))) &&
		    (!best || knts_pending_seq_before(sq, *seq))) {
			best = s;
			*seq = sq;
		}
	}
	return best;
}

/*
 * The slot of the oldest live entry under @key in its window, read
 * without the locks (*@seq: its order of arrival); NULL if none. A slot
 * another CPU is writing may be misread: the caller checks the one
 * chosen again under its lock, and a miss costs the reply nothing a
 * locked read would have saved (the entry might as well have changed
 * just after it).
 *
 * The window is walked as it lies in the array: up to its end, then
 * what wraps around to the start, if anything. A pointer that steps
 * from slot to slot costs less than an index masked and scaled each
 * time.
 */
static struct knts_pending_slot *
knts_pending_find(struct knts_pending *p, const struct knts_pending_key *key,
		  u32 h, u32 *seq)
{
	unsigned int first = h & p->mask, n = p->mask + 1;
	unsigned int tail = min_t(unsigned int, KNTS_PENDING_PROBES,
				  n - first);
	struct knts_pending_slot *best;

	best = knts_pending_scan(&p->slots[first], &p->slots[first + tail],
				 key, h, NULL, seq);
	return knts_pending_scan(&p->slots[0],
				 &p->slots[KNTS_PENDING_PROBES - tail], key, h,
				 best, seq);
}

bool knts_pending_take(struct knts_pending *p,
		       const struct knts_pending_key *key,
		       struct knts_pending_entry *out)
{
	u32 h = knts_pending_hash(p, key);
	unsigned int tries;

	/* A second pass only if another CPU took the one we chose. */
	for (tries = 0; tries < 2; tries++) {
		struct knts_pending_entry *be;
		struct knts_pending_slot *best;
		u32 best_seq = 0;
		bool found = false;

		best = knts_pending_find(p, key, h, &best_seq);
		if (!best)
			return false;
		be = knts_pending_slot_e(best);
		spin_lock_bh(&best->lock);
		if (knts_pending_live(be, jiffies) && be->seq == best_seq &&
		    !memcmp(&be->key, key, sizeof(*key))) {
			memcpy(out, be, knts_pending_used(be));
			knts_pending_wipe(be);
			found = true;
		}
		spin_unlock_bh(&best->lock);
		if (found)
			return true;
	}
	return false;
}

unsigned int knts_pending_slots(const struct knts_pending *p)
{
	return p->mask + 1;
}

bool knts_pending_crowded(const struct knts_pending *p)
{
	return READ_ONCE(p->crowded);
}

bool knts_pending_evicted(const struct knts_pending *p)
{
	return READ_ONCE(p->evicted);
}

void knts_pending_calm(struct knts_pending *p)
{
	WRITE_ONCE(p->crowded, false);
	WRITE_ONCE(p->evicted, false);
}

/*
 * At most this many slots are read to count a table: a flood that keeps
 * a large table crowded but under half full must not buy a scan of all
 * of it every time the growth looks (pending_set.c).
 */
#define KNTS_PENDING_COUNT_SAMPLE	4096

unsigned int knts_pending_count(struct knts_pending *p)
{
	unsigned int slots = p->mask + 1, i, n = 0;
	unsigned int step = max(slots / KNTS_PENDING_COUNT_SAMPLE, 1U);
	unsigned long now = jiffies;

	/* Both powers of two: every step-th slot, evenly over the table. */
	for (i = 0; i < slots; i += step) {
		struct knts_pending_entry *e = knts_pending_slot_e(&p->slots[i]);

		/* racy reads: an estimate is all the growth needs */
		if (data_race(knts_pending_live(e, now)))
			n++;
		if (!((i / step + 1) % KNTS_PENDING_SWEEP_BATCH))
			cond_resched();
	}
	return n * step;
}

/*
 * Into @to (hooks store there already): @e with its order of arrival and
 * expiry as they were, in a free slot of its window or over the oldest
 * entry there (a table twice the size rarely has a full window). The
 * caller holds @e's slot lock in the other table: the only place where
 * two slot locks nest, always old table first.
 */
static void knts_pending_move(struct knts_pending *to,
			      const struct knts_pending_entry *e)
{
	u32 h = knts_pending_hash(to, &e->key);
	struct knts_pending_slot *oldest = NULL;
	unsigned long oldest_exp = 0;
	unsigned int i;

	for (i = 0; i <= KNTS_PENDING_PROBES; i++) {
		struct knts_pending_slot *s = i < KNTS_PENDING_PROBES ?
			&to->slots[(h + i) & to->mask] : oldest;
		struct knts_pending_entry *se = knts_pending_slot_e(s);
		bool stored = false;

		spin_lock_nested(&s->lock, SINGLE_DEPTH_NESTING);
		if (i == KNTS_PENDING_PROBES || !knts_pending_live(se, jiffies)) {
			WRITE_ONCE(s->tag, h);
			memcpy(se, e, knts_pending_used(e));
			stored = true;
		} else if (!oldest || time_before(se->expires, oldest_exp)) {
			oldest = s;
			oldest_exp = se->expires;
		}
		spin_unlock(&s->lock);
		if (stored)
			return;
	}
}

void knts_pending_seq_after(struct knts_pending *to,
			    const struct knts_pending *from)
{
	/*
	 * Entries stored in @to from now on are newer than any @from still
	 * takes while the hooks move over (a grace period: far fewer than
	 * 2^20 requests), and the order stays wrap-safe: every compared
	 * entry is younger than twice the lifetime.
	 */
	atomic_set(&to->seq, atomic_read(&from->seq) + (1 << 20));
}

void knts_pending_move_all(struct knts_pending *from, struct knts_pending *to)
{
	unsigned int i;

	for (i = 0; i <= from->mask; i++) {
		struct knts_pending_slot *s = &from->slots[i];
		struct knts_pending_entry *e = knts_pending_slot_e(s);

		/*
		 * The slot stays locked until the entry is in @to, so a
		 * reply that looks here first and then in @to finds it in
		 * one of them.
		 */
		spin_lock_bh(&s->lock);
		if (knts_pending_live(e, jiffies)) {
			knts_pending_move(to, e);
			knts_pending_wipe(e);
		}
		spin_unlock_bh(&s->lock);
		if (!((i + 1) % KNTS_PENDING_SWEEP_BATCH))
			cond_resched();
	}
}
