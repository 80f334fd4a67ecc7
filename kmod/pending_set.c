// SPDX-License-Identifier: GPL-2.0
/*
 * The in-flight table sized on demand (pending_set.h): the current table,
 * the one it is growing out of (only while its entries move over), and
 * the work that grows it.
 *
 * A request crowds the table when it finds half of its window live or
 * evicts (pending.c sets the table's flag); the next request to see the
 * flag queues the growth, at most one at a time. The work allocates a
 * table twice the size, charged to the enabler's memory cgroup, publishes
 * it for new entries, waits until no hook stores into the old one, moves
 * the old one's live entries across and frees it. Replies look in the
 * old table first, so an entry in transit is found in one or the other.
 */
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "pending_set.h"

/* A table found less than half full is not counted again this soon. */
#define KNTS_PENDING_SET_RECHECK	(HZ / 50 ?: 1)

struct knts_pending_set {
	struct knts_pending __rcu *cur;
	struct knts_pending __rcu *old;	/* while its entries move to cur */
	struct mutex lock;		/* growth and resizing */
	struct work_struct grow;
	atomic_t growing;		/* a growth is queued or running */
	unsigned long calm_until;	/* jiffies: crowding was no crowd */
	unsigned int max;		/* the setting, a power of two */
	unsigned int cap;		/* growth stops here (max, or an -ENOMEM) */
	struct mem_cgroup *memcg;	/* the enabler's; NULL without memcg */
};

/*
 * The enabler's memory cgroup for allocations in the grow work, which
 * runs in a kworker. set_active_memcg() refers to a per-CPU variable
 * that older kernels (5.10) do not export; in task context, where the
 * work runs, it only swaps the task's active_memcg, so do that there.
 */
static struct mem_cgroup *knts_pending_set_memcg(struct mem_cgroup *memcg)
{
#ifdef KNTS_HAVE_SET_ACTIVE_MEMCG
	return set_active_memcg(memcg);
#elif IS_ENABLED(CONFIG_MEMCG)
	struct mem_cgroup *old = current->active_memcg;

	current->active_memcg = memcg;
	return old;
#else
	return NULL;
#endif
}

static void knts_pending_set_grow(struct work_struct *work)
{
	struct knts_pending_set *set = container_of(work,
						    struct knts_pending_set,
						    grow);
	struct knts_pending *cur, *next;
	struct mem_cgroup *old_memcg;
	unsigned int slots, live;

	mutex_lock(&set->lock);
	cur = rcu_dereference_protected(set->cur, lockdep_is_held(&set->lock));
	live = knts_pending_count(cur);
	/*
	 * Linear probing crowds a window now and then well below half
	 * full: grow a table that is past half full or had to evict, to
	 * four times its entries, so that one step usually does (a burst
	 * that outruns a growth evicts until it is done). Otherwise look
	 * again a little later.
	 */
	if (2 * live <= knts_pending_slots(cur) && !knts_pending_evicted(cur)) {
		WRITE_ONCE(set->calm_until, jiffies + KNTS_PENDING_SET_RECHECK);
		knts_pending_calm(cur);
		goto out;
	}
	slots = max(2 * knts_pending_slots(cur), roundup_pow_of_two(4 * live));
	slots = min(slots, set->cap);
	if (slots <= knts_pending_slots(cur))
		goto out;
	old_memcg = knts_pending_set_memcg(set->memcg);
	next = knts_pending_alloc(slots);
	knts_pending_set_memcg(old_memcg);
	if (!next) {
		/* Stay at this size until the next setting; no retry storm. */
		WRITE_ONCE(set->cap, knts_pending_slots(cur));
		pr_warn_ratelimited("in-flight table: no memory to grow to %u slots, staying at %u\n",
				    slots, set->cap);
		goto out;
	}
	knts_pending_seq_after(next, cur);
	rcu_assign_pointer(set->old, cur);
	rcu_assign_pointer(set->cur, next);
	/*
	 * No hook stores into @cur after this; replies still look there.
	 * Expedited: requests keep coming into a crowded table meanwhile,
	 * and a table grows at most 12 times (256 to 2^20 slots).
	 */
	synchronize_rcu_expedited();
	knts_pending_move_all(cur, next);
	RCU_INIT_POINTER(set->old, NULL);
	synchronize_rcu();
	knts_pending_free(cur);
out:
	atomic_set(&set->growing, 0);
	mutex_unlock(&set->lock);
}

struct knts_pending_set *knts_pending_set_alloc(unsigned int max_slots)
{
	struct knts_pending_set *set = kzalloc(sizeof(*set), GFP_KERNEL_ACCOUNT);
	struct knts_pending *p;

	if (!set)
		return NULL;
	set->max = roundup_pow_of_two(clamp_t(unsigned int, max_slots,
					      KNTS_PENDING_SLOTS_MIN,
					      KNTS_PENDING_SLOTS_MAX));
	set->cap = set->max;
	p = knts_pending_alloc(min_t(unsigned int, set->max,
				     KNTS_PENDING_START_SLOTS));
	if (!p) {
		kfree(set);
		return NULL;
	}
	RCU_INIT_POINTER(set->cur, p);
	mutex_init(&set->lock);
	INIT_WORK(&set->grow, knts_pending_set_grow);
	set->calm_until = jiffies;
	set->memcg = get_mem_cgroup_from_mm(current->mm);
	return set;
}

void knts_pending_set_free(struct knts_pending_set *set)
{
	if (!set)
		return;
	cancel_work_sync(&set->grow);
	knts_pending_free(rcu_dereference_protected(set->cur, 1));
	mem_cgroup_put(set->memcg);
	kfree(set);
}

int knts_pending_set_max(struct knts_pending_set *set, unsigned int max_slots)
{
	struct knts_pending *cur, *p;
	int err = 0;

	max_slots = roundup_pow_of_two(clamp_t(unsigned int, max_slots,
					       KNTS_PENDING_SLOTS_MIN,
					       KNTS_PENDING_SLOTS_MAX));
	mutex_lock(&set->lock);
	cur = rcu_dereference_protected(set->cur, lockdep_is_held(&set->lock));
	if (knts_pending_slots(cur) > max_slots) {
		/* Charged to the caller, who is in the enabler's place. */
		p = knts_pending_alloc(min_t(unsigned int, max_slots,
					     KNTS_PENDING_START_SLOTS));
		if (!p) {
			err = -ENOMEM;
			goto out;
		}
		rcu_assign_pointer(set->cur, p);
		/* Hooks that still hold the old table are done after this. */
		synchronize_net();
		knts_pending_free(cur);
	}
	set->max = max_slots;
	WRITE_ONCE(set->cap, max_slots);
out:
	mutex_unlock(&set->lock);
	return err;
}

unsigned int knts_pending_set_slots(struct knts_pending_set *set)
{
	unsigned int n;

	mutex_lock(&set->lock);
	n = knts_pending_slots(rcu_dereference_protected(set->cur,
							 lockdep_is_held(&set->lock)));
	mutex_unlock(&set->lock);
	return n;
}

#ifdef KNTS_DEBUG
void knts_pending_set_grow_now(struct knts_pending_set *set)
{
	flush_work(&set->grow);
	if (!atomic_xchg(&set->growing, 1))
		queue_work(system_unbound_wq, &set->grow);
	flush_work(&set->grow);
}
#endif

int knts_pending_set_put(struct knts_pending_set *set,
			 const struct knts_pending_entry *e)
{
	struct knts_pending *cur = rcu_dereference(set->cur);
	int ret = knts_pending_put(cur, e);

	/* One growth at a time; none past the cap. */
	if (knts_pending_crowded(cur) &&
	    knts_pending_slots(cur) < READ_ONCE(set->cap) &&
	    (knts_pending_evicted(cur) ||
	     time_after(jiffies, READ_ONCE(set->calm_until))) &&
	    !atomic_read(&set->growing) && !atomic_xchg(&set->growing, 1))
		queue_work(system_unbound_wq, &set->grow);
	return ret;
}

bool knts_pending_set_take(struct knts_pending_set *set,
			   const struct knts_pending_key *key,
			   struct knts_pending_entry *out)
{
	struct knts_pending *old = rcu_dereference(set->old);

	/* Entries in transit are older than any stored in cur. */
	if (old && knts_pending_take(old, key, out))
		return true;
	return knts_pending_take(rcu_dereference(set->cur), key, out);
}

void knts_pending_set_drop(struct knts_pending_set *set,
			   const struct knts_pending_key *key,
			   const struct knts_pending_entry *e)
{
	struct knts_pending *old = rcu_dereference(set->old);

	if (old)
		knts_pending_drop(old, key, e);
	knts_pending_drop(rcu_dereference(set->cur), key, e);
}
