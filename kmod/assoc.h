/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client role: one association per protected NTP server (address and UDP
 * port). It holds the session keys from NTS-KE, a jar of cookies, and a
 * small ring of the requests sent and not yet answered.
 *
 * The keys never change once the association is published: a new NTS-KE
 * replaces the whole association. So the hooks use them under RCU without
 * a lock; only the jar, the ring and the counters need the spinlock.
 *
 * The table is per namespace, at most KNTS_MAX_ASSOCS entries, changed
 * under knts_net.lock and read under RCU. A removed association is wiped
 * by kfree_sensitive() once no hook can still be using it.
 */
#ifndef _KNTS_ASSOC_H
#define _KNTS_ASSOC_H

#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <uapi/linux/knts.h>

#include "ntp.h"
#include "siv.h"
#include "siv_key.h"

#define KNTS_ASSOC_BUCKETS	64
#define KNTS_ASSOC_RING		8	/* requests remembered per association */
#define KNTS_ASSOC_UID_LEN	32	/* what every client sends (digest P15) */

/*
 * What a packet is matched on: the server's address and port, and for a
 * link-local server the interface, so that one address on two links is
 * two servers.
 */
struct knts_assoc_id {
	struct in6_addr addr;	/* IPv4 as v4-mapped */
	int ifindex;		/* link-local IPv6 only, else 0 */
	__be16 port;
	bool v6;
};

enum knts_assoc_req_state {
	KNTS_REQ_FREE,
	KNTS_REQ_SENT,
	KNTS_REQ_ANSWERED,
};

/*
 * A request sent with NTS; a reply must echo both fields, and come back
 * to the local port the request left from (the owner's socket).
 */
struct knts_assoc_req {
	u8 uid[KNTS_ASSOC_UID_LEN];
	u8 tx[KNTS_NTP_TS_LEN];		/* transmit timestamp = reply origin */
	/* receive timestamp: the origin of an interleaved reply, if not 0 */
	u8 rx[KNTS_NTP_TS_LEN];
	__be16 lport;			/* the request's source port */
	u8 state;			/* enum knts_assoc_req_state */
};

struct knts_assoc_counters {
	u64 requests;
	u64 req_dropped;
	u64 good;
	u64 bad;
	u64 naks;
};

struct knts_assoc {
	struct hlist_node node;
	struct rcu_head rcu;
	struct knts_assoc_id id;
	unsigned long created;		/* jiffies */
	u16 aead;			/* 0: closed, no keys (see below) */
	u16 key_len;
	u32 cookie_len;			/* every cookie in the jar has it */
	bool has_owner;
	kuid_t owner;			/* whose sockets' requests get NTS */
	u8 c2s[KNTS_SIV_MAX_KEY_LEN];
	u8 s2c[KNTS_SIV_MAX_KEY_LEN];
	/*
	 * AES-SIV (15, 16, 17): C2S and S2C prepared once, here, instead
	 * of expanded for every request and reply (about 650 instructions
	 * a request). Never copied: a prepared key must stay where it was
	 * prepared (siv_key.h).
	 */
	bool siv_prepared;
	struct knts_siv_key c2s_pk;
	struct knts_siv_key s2c_pk;

	unsigned long events;		/* pending enum knts_event_type bits */
	unsigned long event_sent[__KNTS_EVENT_MAX];	/* event worker only */

	spinlock_t lock;		/* guards everything below */
	u32 n_cookies;
	u32 ring_next;
	unsigned long last_request;	/* jiffies */
	unsigned long last_reply;	/* jiffies, 0 = never */
	bool idle_reported;
	struct knts_assoc_counters ctr;
	struct knts_assoc_req ring[KNTS_ASSOC_RING];
	u8 cookies[KNTS_ASSOC_MAX_COOKIES][KNTS_ASSOC_COOKIE_MAX];
};

struct knts_assoc_table {
	struct hlist_head buckets[KNTS_ASSOC_BUCKETS];
	siphash_key_t seed;
	struct mutex *lock;	/* the namespace's configuration lock */
	unsigned int n;		/* the hooks read it without the lock */
	/*
	 * Changes with every insert, replacement and removal, and is never
	 * 0: a dump resumes by index, so it tells the reader when the table
	 * changed between two parts (nl_dump_check_consistent()).
	 */
	unsigned int gen;
};

void knts_assoc_table_init(struct knts_assoc_table *t, struct mutex *lock);

/*
 * A new, unpublished association: keys set, empty jar. With @aead 0 (and
 * no keys) it is closed: it holds no keys and never a cookie, so the
 * client role drops every request to it and every reply from it, which
 * is how a server is protected before its first NTS-KE.
 */
struct knts_assoc *knts_assoc_new(const struct knts_assoc_id *id, u16 aead,
				  const u8 *c2s, const u8 *s2c,
				  u32 cookie_len);

static inline bool knts_assoc_closed(const struct knts_assoc *a)
{
	return !a->aead;
}

/* Does @id name a link-local IPv6 server (whose ID has an interface)? */
bool knts_assoc_id_linklocal(const struct knts_assoc_id *id);

/* Free an association that was never published (or is no longer). */
void knts_assoc_free(struct knts_assoc *a);

/* Under rcu_read_lock() or the table lock. */
struct knts_assoc *knts_assoc_lookup(const struct knts_assoc_table *t,
				     const struct knts_assoc_id *id);

/* The @idx-th association in table order, or NULL. Table lock held. */
struct knts_assoc *knts_assoc_nth(const struct knts_assoc_table *t,
				  unsigned int idx);

/*
 * Publish @a, replacing an association with the same ID (whose counters
 * @a inherits). -ENOSPC when the table is full; @a is then not consumed.
 */
int knts_assoc_insert(struct knts_assoc_table *t, struct knts_assoc *a);

/* Unpublish and free after a grace period. -ENOENT if there is none. */
int knts_assoc_remove(struct knts_assoc_table *t,
		      const struct knts_assoc_id *id);
void knts_assoc_flush(struct knts_assoc_table *t);

/* Add a cookie of @a->cookie_len bytes if the jar has room. a->lock held. */
bool knts_assoc_put_cookie(struct knts_assoc *a, const u8 *cookie);

#endif /* _KNTS_ASSOC_H */
