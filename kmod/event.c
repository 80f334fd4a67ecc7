// SPDX-License-Identifier: GPL-2.0
/*
 * The event worker. It runs when a hook raised an event and, while the
 * namespace has associations, every few seconds to notice idle ones. Each
 * association sends at most one event of each type per second; the rest
 * are counted and dropped (the condition that raised them comes back with
 * the next request if it still holds).
 */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/workqueue.h>

#include "assoc.h"
#include "event.h"
#include "knts.h"

#define KNTS_EVENT_INTERVAL	HZ

void knts_event_raise(struct knts_net *kn, struct knts_assoc *a,
		      enum knts_event_type type)
{
	if (!test_and_set_bit(type, &a->events))
		mod_delayed_work(system_wq, &kn->event_work, 0);
}

/*
 * How often to look for idle associations: a quarter of the idle time
 * (kn->cli_idle_secs, KNTS_CMD_CLIENT_SET, bounded by its policy).
 */
static unsigned long knts_event_period(struct knts_net *kn)
{
	unsigned int idle = READ_ONCE(kn->cli_idle_secs);

	return clamp_t(unsigned int, idle / 4, 1, 60) * HZ;
}

static bool knts_event_idle(struct knts_net *kn, struct knts_assoc *a)
{
	unsigned long idle = READ_ONCE(kn->cli_idle_secs) * (unsigned long)HZ;
	bool fire = false;

	spin_lock_bh(&a->lock);
	if (idle && !a->idle_reported &&
	    time_after(jiffies, a->last_request + idle)) {
		a->idle_reported = true;
		fire = true;
	}
	spin_unlock_bh(&a->lock);
	return fire;
}

static void knts_event_count(struct knts_net *kn, enum knts_stat which)
{
	/* Per-CPU counters are written with bottom halves off. */
	local_bh_disable();
	knts_stats_inc(kn->stats, which);
	local_bh_enable();
}

static void knts_event_flush(struct knts_net *kn, struct knts_assoc *a)
{
	unsigned long pending = xchg(&a->events, 0);
	unsigned int type;
	u32 held;

	if (knts_event_idle(kn, a))
		__set_bit(KNTS_EVENT_IDLE, &pending);
	if (!pending)
		return;
	spin_lock_bh(&a->lock);
	held = a->n_cookies;
	spin_unlock_bh(&a->lock);
	for_each_set_bit(type, &pending, __KNTS_EVENT_MAX) {
		unsigned long *last = &a->event_sent[type];

		if (*last && time_before(jiffies, *last + KNTS_EVENT_INTERVAL)) {
			knts_event_count(kn, KNTS_STAT_CLI_EVENT_RATELIMITED);
			continue;
		}
		*last = jiffies | 1;
		if (knts_nl_notify(kn->net, &a->id, type, held))
			knts_event_count(kn, KNTS_STAT_CLI_ERROR);
		else
			knts_event_count(kn, KNTS_STAT_CLI_EVENT_SENT);
	}
}

static void knts_event_work(struct work_struct *work)
{
	struct knts_net *kn = container_of(to_delayed_work(work),
					   struct knts_net, event_work);
	struct knts_assoc *a;
	unsigned int i;

	mutex_lock(&kn->lock);
	for (i = 0; (a = knts_assoc_nth(&kn->assocs, i)); i++)
		knts_event_flush(kn, a);
	if (kn->assocs.n)
		queue_delayed_work(system_wq, &kn->event_work,
				   knts_event_period(kn));
	mutex_unlock(&kn->lock);
}

void knts_event_init(struct knts_net *kn)
{
	INIT_DELAYED_WORK(&kn->event_work, knts_event_work);
}

void knts_event_start(struct knts_net *kn)
{
	queue_delayed_work(system_wq, &kn->event_work, knts_event_period(kn));
}

/* A new idle time: look now, not a quarter of the old one later. */
void knts_event_set_idle(struct knts_net *kn, u32 secs)
{
	lockdep_assert_held(&kn->lock);
	WRITE_ONCE(kn->cli_idle_secs, secs);
	if (kn->assocs.n)
		mod_delayed_work(system_wq, &kn->event_work, 0);
}

void knts_event_stop(struct knts_net *kn)
{
	cancel_delayed_work_sync(&kn->event_work);
}
