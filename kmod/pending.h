/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Server role: what knts must remember between a verified request
 * (LOCAL_IN) and the daemon's reply to it (LOCAL_OUT). A fixed-size,
 * per-netns table: memory never grows with the number of clients. A slot
 * keeps the entry below with room for one cookie EF in @pt (pending.c). When
 * the slots a request hashes to are all live, the oldest of them is
 * evicted: a flood of valid requests the daemon never answers (spoofed
 * sources) can push out only entries older than its own, never the
 * newest, so a genuine request needs to survive only the milliseconds
 * the daemon takes to answer it. Entries expire after a lifetime and a
 * sweeper wipes their keys.
 */
#ifndef _KNTS_PENDING_H
#define _KNTS_PENDING_H

#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "cookie.h"
#include "ef.h"

/* Room for 8 cookie EFs of the largest cookie we mint. */
#define KNTS_PENDING_PT_MAX \
	(KNTS_EF_MAX_COOKIES * (KNTS_EF_HDR_LEN + KNTS_COOKIE_MAX_LEN))

struct knts_pending_key {
	struct in6_addr addr;	/* client; IPv4 as v4-mapped */
	__be16 port;
	u8 tx[KNTS_NTP_TS_LEN];	/* request transmit timestamp */
};

/*
 * An entry is found by its key and told apart by its UID too: requests
 * with the same client, port and transmit timestamp but another UID (an
 * on-path attacker's copy under its own cookie) get entries of their own
 * and never overwrite the first. A reply takes the oldest of them.
 */
struct knts_pending_entry {
	struct knts_pending_key key;
	unsigned long expires;		/* jiffies, while live */
	u32 seq;			/* order of arrival in the table */
	u8 live;
	u8 mint_more;			/* cookies still to mint at reply */
	/*
	 * Interleaved mode: chronyd answers a request whose origin is its
	 * receive timestamp of the client's previous request with the
	 * request's *receive* timestamp as the reply's origin, not its
	 * transmit. Such a request is stored twice, under each, and @twin
	 * is the other entry's timestamp: the reply takes one, and the
	 * other goes with it.
	 */
	u8 has_twin;
	u8 twin[KNTS_NTP_TS_LEN];
	u32 max_len;			/* reply payload may not exceed this */
	/* S2C to seal the reply; C2S as well only while mint_more */
	struct knts_cookie_keys keys;
	u32 uid_len;
	u32 pt_len;			/* the cookie EFs to encrypt */
	u8 uid[KNTS_EF_UID_MAX];
	u8 pt[KNTS_PENDING_PT_MAX];
};

/* The bytes of @e that mean something: everything but the unused pt. */
static inline size_t knts_pending_used(const struct knts_pending_entry *e)
{
	return offsetof(struct knts_pending_entry, pt) +
	       min_t(size_t, e->pt_len, sizeof(e->pt));
}

struct knts_pending;

struct knts_pending *knts_pending_alloc(unsigned int slots);
void knts_pending_free(struct knts_pending *p);

/*
 * Store @e under @e->key and its UID (replacing an entry with both the
 * same): 0, or 1 when a live entry had to be evicted for it, or
 * -EMSGSIZE when @e holds more than one cookie EF (a slot has room for
 * the one LOCAL_IN mints, not for a whole reply's).
 */
int knts_pending_put(struct knts_pending *p,
		     const struct knts_pending_entry *e);

/*
 * Move the oldest live entry for @key into @out and wipe its slot; false
 * if none.
 */
/* Wipe the live entry with @key and @e's UID, if there is one. */
void knts_pending_drop(struct knts_pending *p,
		       const struct knts_pending_key *key,
		       const struct knts_pending_entry *e);

bool knts_pending_take(struct knts_pending *p,
		       const struct knts_pending_key *key,
		       struct knts_pending_entry *out);

/*
 * Slots of @p; whether a request stored in @p found its window crowded,
 * or full so that it evicted (both until knts_pending_calm()); live
 * entries, counted without the locks from at most 4096 slots spread over
 * the table (exact up to that size; process context).
 */
unsigned int knts_pending_slots(const struct knts_pending *p);
bool knts_pending_crowded(const struct knts_pending *p);
bool knts_pending_evicted(const struct knts_pending *p);
void knts_pending_calm(struct knts_pending *p);
unsigned int knts_pending_count(struct knts_pending *p);
/*
 * Growth (pending_set.c): @to's order of arrival begins after @from's;
 * then, once no hook stores into @from any more, every live entry of
 * @from moves to @to, keeping its order and expiry. Process context.
 */
void knts_pending_seq_after(struct knts_pending *to,
			    const struct knts_pending *from);
void knts_pending_move_all(struct knts_pending *from, struct knts_pending *to);

#endif /* _KNTS_PENDING_H */
