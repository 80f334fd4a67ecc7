// SPDX-License-Identifier: GPL-2.0
/*
 * Test code, in the selftests' build only (KNTS_DEBUG): at load, the
 * in-flight table's growth (pending_set.c) is run on a private table and
 * must keep what it moves. 150 requests go into the 256-slot start, past
 * half full: it may grow on another CPU while the rest arrive, and must
 * have grown once the test asks it to look again. Then every request
 * not evicted on the way (one in eight may be) must be found by its
 * reply, and of two requests with the same key the older first. The load
 * fails otherwise (selftest 01 reads the line).
 */
#include <linux/bottom_half.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "pending_set.h"

#define SELFTEST_ENTRIES	150

static void selftest_entry(struct knts_pending_entry *e, unsigned int i,
			   u8 uid)
{
	memset(e, 0, offsetof(struct knts_pending_entry, pt));
	e->key.addr.s6_addr[10] = 0xff;
	e->key.addr.s6_addr[11] = 0xff;
	e->key.addr.s6_addr[12] = 10;
	e->key.addr.s6_addr[15] = i & 0xff;
	e->key.addr.s6_addr[14] = i >> 8;
	e->key.port = htons(1024 + i);
	e->key.tx[0] = i;
	e->uid_len = 1;
	e->uid[0] = uid;
}

int knts_pending_set_selftest(void)
{
	struct knts_pending_entry *e = kzalloc(sizeof(*e), GFP_KERNEL);
	unsigned int i, evicted = 0, found = 0, grown = 0;
	struct knts_pending_set *set = knts_pending_set_alloc(4096);
	bool order = false;
	u8 first;
	int ret;

	if (!e || !set) {
		ret = -ENOMEM;
		goto out;
	}
	rcu_read_lock();
	local_bh_disable();
	for (i = 0; i < SELFTEST_ENTRIES; i++) {
		selftest_entry(e, i, 1);
		evicted += knts_pending_set_put(set, e) > 0;
	}
	/* One more request, then a copy of it under another UID. */
	selftest_entry(e, SELFTEST_ENTRIES, 1);
	evicted += knts_pending_set_put(set, e) > 0;
	selftest_entry(e, SELFTEST_ENTRIES, 2);
	evicted += knts_pending_set_put(set, e) > 0;
	local_bh_enable();
	rcu_read_unlock();
	/* It may have grown meanwhile; past half full, it must now. */
	knts_pending_set_grow_now(set);
	grown = knts_pending_set_slots(set);

	rcu_read_lock();
	local_bh_disable();
	for (i = 0; i < SELFTEST_ENTRIES; i++) {
		selftest_entry(e, i, 0);
		found += knts_pending_set_take(set, &e->key, e);
	}
	/* Both there (an eviction may take one): the older first. */
	selftest_entry(e, SELFTEST_ENTRIES, 0);
	if (knts_pending_set_take(set, &e->key, e)) {
		found++;
		first = e->uid[0];
		selftest_entry(e, SELFTEST_ENTRIES, 0);
		if (knts_pending_set_take(set, &e->key, e)) {
			found++;
			order = first == 1 && e->uid[0] == 2;
		} else {
			order = true;
		}
	}
	local_bh_enable();
	rcu_read_unlock();

	ret = grown > 256 && found + evicted == SELFTEST_ENTRIES + 2 &&
	      evicted <= SELFTEST_ENTRIES / 8 && order ? 0 : -EINVAL;
	if (ret)
		pr_err("self-test: in-flight table growth: %u slots, %u of %u found, %u evicted, order %s\n",
		       grown, found, SELFTEST_ENTRIES + 2, evicted,
		       order ? "kept" : "lost");
	else
		pr_info("self-test: in-flight table grew from 256 to %u slots, kept %u of %u entries (%u evicted), order kept\n",
			grown, found, SELFTEST_ENTRIES + 2, evicted);
out:
	knts_pending_set_free(set);
	kfree(e);
	return ret;
}
