/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Server role: what knts must remember between a verified request
 * (LOCAL_IN) and the daemon's reply to it (LOCAL_OUT). A fixed-size,
 * per-netns table: memory never grows with the number of clients; when
 * the slots a request hashes to are all live, the request is dropped and
 * counted instead.
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

struct knts_pending_entry {
	struct knts_pending_key key;
	unsigned long expires;		/* jiffies; 0 = free */
	u32 max_len;			/* reply payload may not exceed this */
	u16 aead;
	u16 key_len;
	u32 uid_len;
	u32 pt_len;			/* the cookie EFs to encrypt */
	u8 s2c[KNTS_SIV_MAX_KEY_LEN];
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

/* Store @e under @e->key; false when every candidate slot is live. */
bool knts_pending_put(struct knts_pending *p,
		      const struct knts_pending_entry *e);

/* Move the entry for @key into @out and free its slot; false if none. */
bool knts_pending_take(struct knts_pending *p,
		       const struct knts_pending_key *key,
		       struct knts_pending_entry *out);

#endif /* _KNTS_PENDING_H */
