// SPDX-License-Identifier: GPL-2.0
/*
 * Server role: NTS for an unmodified NTP server.
 *
 * LOCAL_IN: an NTS request to the protected port is parsed, its cookie
 * opened, its MAC checked, the fresh cookies for the reply sealed right
 * away (so the reply path, which runs after the daemon took its transmit
 * timestamp, has only one AEAD pass left), and what the reply will need
 * is remembered. The daemon then gets the bare 48-byte NTP request.
 *
 * LOCAL_OUT: the daemon's reply to a remembered request gets the echoed
 * UID and the authenticator with the new cookies, sealed under S2C.
 *
 * A request whose cookie or MAC fails is answered by knts itself with an
 * NTS NAK and never reaches the daemon; a malformed one is dropped.
 *
 * Big working buffers are per CPU and heap-allocated: the SIV code feeds
 * them to scatterlists (never the stack), and the hooks run with bottom
 * halves disabled so one CPU never uses its buffers twice at once.
 */
#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "cookie.h"
#include "keys.h"
#include "knts.h"
#include "nak.h"
#include "pending.h"
#include "server.h"
#include "aead.h"
#include "siv.h"
#include "siv_key.h"
#include "skb.h"
#ifdef KNTS_BENCH_NOCRYPTO
#include "bench_nocrypto.h"	/* make bench only: no AES-SIV */
#endif

struct knts_srv_scratch {
	struct knts_pending_entry entry;
	struct knts_cookie_keys keys;
	u8 cookie[KNTS_COOKIE_MAX_LEN];
	u8 pt[KNTS_PENDING_PT_MAX];	/* encrypted EFs of a request */
	u8 nak[KNTS_NAK_MAX_LEN];
};

static DEFINE_PER_CPU(struct knts_srv_scratch *, knts_srv_scratch);

int knts_server_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct knts_srv_scratch *s = kzalloc(sizeof(*s), GFP_KERNEL);

		if (!s) {
			knts_server_exit();
			return -ENOMEM;
		}
		per_cpu(knts_srv_scratch, cpu) = s;
	}
	return 0;
}

void knts_server_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		kfree_sensitive(per_cpu(knts_srv_scratch, cpu));
		per_cpu(knts_srv_scratch, cpu) = NULL;
	}
}

static void knts_srv_key(const struct sk_buff *skb, const struct knts_udp *u,
			 bool from_client, const u8 *ts,
			 struct knts_pending_key *key)
{
	memset(key, 0, sizeof(*key));
	if (u->v6) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		key->addr = from_client ? ip6h->saddr : ip6h->daddr;
	} else {
		const struct iphdr *iph = ip_hdr(skb);

		ipv6_addr_set_v4mapped(from_client ? iph->saddr : iph->daddr,
				       &key->addr);
	}
	key->port = from_client ? u->sport : u->dport;
	memcpy(key->tx, ts, KNTS_NTP_TS_LEN);
}

static unsigned int knts_srv_nak(struct knts_net *kn, struct sk_buff *skb,
				 const struct knts_udp *u, const u8 *pl,
				 const struct knts_ef_req *req,
				 struct knts_srv_scratch *s, enum knts_stat why)
{
	int len;

	knts_stats_inc(kn->stats, why);
	/* Forged requests are free to send: never answer faster than this. */
	if (!__ratelimit(&kn->nak_limit)) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_NAK_RATELIMITED);
		return NF_DROP;
	}
	len = knts_ef_build_nak(s->nak, sizeof(s->nak), pl, u->len, req);
	if (len < 0 || knts_nak_send(kn->net, skb, u, s->nak, len)) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_ERROR);
		return NF_DROP;
	}
	knts_stats_inc(kn->stats, KNTS_STAT_SRV_NAK_SENT);
	return NF_DROP;
}

/*
 * A 16-byte nonce from the batched per-CPU CRNG output: the same generator
 * as get_random_bytes(), without setting up a ChaCha block per call.
 */
static void knts_srv_nonce(u8 nonce[16])
{
	u64 r[2] = { get_random_u64(), get_random_u64() };

	BUILD_BUG_ON(KNTS_COOKIE_NONCE_LEN != 16 || KNTS_EF_NONCE_LEN != 16);
	memcpy(nonce, r, sizeof(r));
	memzero_explicit(r, sizeof(r));
}

/* Seal or open a cookie under @mk of @ks, prepared when the set is. */
static int knts_srv_cookie_seal(const struct knts_keyset *ks,
				const struct knts_master_key *mk,
				const u8 *nonce, struct knts_srv_scratch *s)
{
	const struct knts_siv_key *pk = knts_keyset_prep(ks, mk);

	if (pk)
		return knts_cookie_seal_key(pk, mk->id, nonce, &s->keys,
					    s->cookie, sizeof(s->cookie));
	return knts_cookie_seal_alg(mk->alg, mk->key, mk->id, nonce, &s->keys,
				    s->cookie, sizeof(s->cookie));
}

static int knts_srv_cookie_open(const struct knts_keyset *ks,
				const struct knts_master_key *mk,
				const u8 *cookie, u32 len,
				struct knts_srv_scratch *s)
{
	const struct knts_siv_key *pk = knts_keyset_prep(ks, mk);

	if (pk)
		return knts_cookie_open_key(pk, mk->id, cookie, len, &s->keys);
	return knts_cookie_open_alg(mk->alg, mk->key, mk->id, cookie, len,
				    &s->keys);
}

/*
 * Seal the cookies the reply will carry: one for the cookie used, one
 * per placeholder, as many as fit in a reply no longer than the request.
 * Under the current key of @ks; the caller holds rcu_read_lock().
 */
static int knts_srv_mint(struct knts_srv_scratch *s,
			 const struct knts_keyset *ks, size_t req_len,
			 const struct knts_ef_req *req)
{
	const struct knts_master_key *mk = &ks->keys[ks->current_idx];
	struct knts_pending_entry *e = &s->entry;
	unsigned int cookie_len = knts_cookie_len_alg(mk->alg, s->keys.aead);
	u8 nonce[KNTS_COOKIE_NONCE_LEN];
	u32 n, i, off = 0;
	int ret;

	n = knts_ef_response_cookies_n(req_len, req, cookie_len,
				       knts_aead_nonce_len(s->keys.aead));
	if (!n)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		knts_srv_nonce(nonce);
		ret = knts_srv_cookie_seal(ks, mk, nonce, s);
		if (ret < 0)
			return ret;
		ret = knts_ef_put_cookie(e->pt + off, sizeof(e->pt) - off,
					 s->cookie, ret);
		if (ret < 0)
			return ret;
		off += ret;
	}
	e->pt_len = off;
	return 0;
}

/*
 * Open the cookie and check the request MAC; 0 or the NAK reason. The
 * caller holds rcu_read_lock() for @ks (NULL: no keys loaded).
 */
static int knts_srv_verify(const struct knts_keyset *ks, const u8 *pl,
			   const struct knts_ef_req *req,
			   struct knts_srv_scratch *s)
{
	const struct knts_ef_auth *a = &req->auth;
	const struct knts_master_key *mk;
	u32 id, ct_len;

	if (knts_cookie_key_id(pl + req->cookie_off, req->cookie_len, &id))
		return KNTS_STAT_SRV_NAK_BAD_COOKIE;
	mk = knts_keyset_find(ks, id);
	if (!mk)
		return KNTS_STAT_SRV_NAK_UNKNOWN_KEY;
	if (knts_srv_cookie_open(ks, mk, pl + req->cookie_off,
				 req->cookie_len, s))
		return KNTS_STAT_SRV_NAK_BAD_COOKIE;

	/*
	 * Encrypted EFs of a request are checked, then ignored. A nonce the
	 * session AEAD cannot take (aead.h) fails like a bad MAC.
	 */
	ct_len = a->ct_len - KNTS_AEAD_TAG_LEN;
	if (ct_len > sizeof(s->pt) ||
	    !knts_aead_nonce_ok(s->keys.aead, a->nonce_len,
				knts_ef_auth_room(a)))
		return KNTS_STAT_SRV_NAK_BAD_MAC;
	if (knts_aead_open(s->keys.aead, knts_cookie_c2s(&s->keys),
			   s->keys.key_len, pl, a->off, pl + a->nonce_off,
			   a->nonce_len, pl + a->ct_off, ct_len, s->pt))
		return KNTS_STAT_SRV_NAK_BAD_MAC;
	return 0;
}

static unsigned int knts_srv_plain(struct knts_net *kn)
{
	if (READ_ONCE(kn->srv_policy) == KNTS_POLICY_NTS_ONLY) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_PLAIN_DROPPED);
		return NF_DROP;
	}
	knts_stats_inc(kn->stats, KNTS_STAT_SRV_PLAIN_PASSED);
	return NF_ACCEPT;
}

static unsigned int knts_srv_request(struct knts_net *kn, struct sk_buff *skb,
				     struct knts_udp *u,
				     struct knts_srv_scratch *s)
{
	struct knts_pending_entry *e = &s->entry;
	const struct knts_keyset *ks;
	struct knts_ef_req req;
	int ret, mint_err = 0;
	u8 *pl;

	pl = knts_skb_payload(skb, u);
	if (!pl) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_ERROR);
		return NF_DROP;
	}
	/*
	 * Other modes (symmetric, control, replies to the daemon's own
	 * requests) are the daemon's business, whatever the policy.
	 */
	if ((pl[KNTS_NTP_OFF_LVM] & 7) != KNTS_NTP_MODE_CLIENT) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_PLAIN_PASSED);
		return NF_ACCEPT;
	}
	/* A legacy symmetric-key MAC (key ID + digest) alone: plain NTP. */
	if (u->len == KNTS_NTP_HDR_LEN + 20 || u->len == KNTS_NTP_HDR_LEN + 24)
		return knts_srv_plain(kn);
	ret = knts_ef_parse_request(pl, u->len, &req);
	if (ret == -KNTS_EF_E_NOT_NTS || ret == -KNTS_EF_E_NOT_V4)
		return knts_srv_plain(kn);
	if (ret < 0) {
		knts_stats_malformed(kn->stats, -ret);
		return NF_DROP;
	}
	/* Corrupted in transit: no NAK, no crypto, and no fresh checksum. */
	if (!knts_skb_udp_csum_ok(skb, u)) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_BAD_CSUM);
		return NF_DROP;
	}

	/* The key set must stay for the cookies mint_err under its current key. */
	rcu_read_lock();
	ks = rcu_dereference(kn->keys);
	ret = knts_srv_verify(ks, pl, &req, s);
	if (!ret) {
		memset(e, 0, offsetof(struct knts_pending_entry, pt));
		mint_err = knts_srv_mint(s, ks, u->len, &req);
	}
	rcu_read_unlock();
	if (ret) {
		/* A bad MAC comes after the cookie opened: wipe its keys too. */
		memzero_explicit(&s->keys, sizeof(s->keys));
		return knts_srv_nak(kn, skb, u, pl, &req, s, ret);
	}
	if (mint_err) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_ERROR);
		ret = NF_DROP;
		goto out;
	}
	knts_srv_key(skb, u, true, pl + KNTS_NTP_OFF_TX, &e->key);
	e->max_len = u->len;
	e->aead = s->keys.aead;
	e->key_len = s->keys.key_len;
	memcpy(e->s2c, knts_cookie_s2c(&s->keys), e->key_len);
	e->uid_len = req.uid_len;
	memcpy(e->uid, pl + req.uid_off, req.uid_len);
	if (!knts_pending_put(kn->pending, e)) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_TABLE_FULL);
		ret = NF_DROP;
		goto out;
	}
	/* The daemon sees plain NTP: the header, nothing after it. */
	if (!knts_skb_resize(skb, u, KNTS_NTP_HDR_LEN)) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_ERROR);
		ret = NF_DROP;
		goto out;
	}
	knts_skb_udp_csum(skb, u);
	knts_stats_inc(kn->stats, KNTS_STAT_SRV_REQ_VERIFIED);
	ret = NF_ACCEPT;
out:
	memzero_explicit(&s->keys, sizeof(s->keys));
	memzero_explicit(e, offsetof(struct knts_pending_entry, pt));
	return ret;
}

static unsigned int knts_srv_reply(struct knts_net *kn, struct sk_buff *skb,
				   struct knts_udp *u,
				   struct knts_srv_scratch *s)
{
	struct knts_pending_entry *e = &s->entry;
	struct knts_pending_key key;
	u8 hdr[KNTS_NTP_HDR_LEN], nonce[KNTS_EF_NONCE_LEN];
	u32 len, off, n_len;
	const u8 *h;
	u8 *pl, *ct;
	int ret;

	h = skb_header_pointer(skb, u->l4 + sizeof(struct udphdr), sizeof(hdr),
			       hdr);
	if (!h || (h[KNTS_NTP_OFF_LVM] & 7) != KNTS_NTP_MODE_SERVER)
		return NF_ACCEPT;
	/*
	 * Our own NAK, sent from inside the LOCAL_IN hook, passes here too.
	 * The daemon knows no NTS and never sends NTSN: leave it alone, or a
	 * forged copy of a pending request would get its NAK signed with the
	 * real request's keys and steal that request's reply.
	 */
	if (h[KNTS_NTP_OFF_STRATUM] == KNTS_NTP_STRATUM_KOD &&
	    knts_get_be32(h + KNTS_NTP_OFF_REFID) == KNTS_NTP_KISS_NTSN)
		return NF_ACCEPT;
	knts_srv_key(skb, u, false, h + KNTS_NTP_OFF_ORIGIN, &key);
	/* Not a reply to a request we verified: plain NTP, or our own NAK. */
	if (!knts_pending_take(kn->pending, &key, e))
		return NF_ACCEPT;

	ret = NF_DROP;
	n_len = knts_aead_nonce_len(e->aead);
	len = KNTS_NTP_HDR_LEN + knts_ef_len(e->uid_len) +
	      knts_ef_auth_len(n_len, KNTS_AEAD_TAG_LEN + e->pt_len);
	if (skb_is_gso(skb) || len > e->max_len)
		goto fail;
	pl = knts_skb_resize(skb, u, len);
	if (!pl)
		goto fail;
	off = KNTS_NTP_HDR_LEN;
	ret = knts_ef_put_uid(pl + off, len - off, e->uid, e->uid_len);
	if (ret < 0) {
		ret = NF_DROP;
		goto fail;
	}
	off += ret;
	knts_srv_nonce(nonce);
	ret = knts_ef_put_auth(pl + off, len - off, nonce, n_len,
			       KNTS_AEAD_TAG_LEN + e->pt_len);
	if (ret < 0) {
		ret = NF_DROP;
		goto fail;
	}
	/* Sealed in place, the plaintext where the AEAD's layout has it. */
	ct = pl + off + ret;
	memcpy(ct + knts_aead_pt_off(e->aead), e->pt, e->pt_len);
	if (knts_aead_seal(e->aead, e->s2c, e->key_len, pl, off, nonce, n_len,
			   ct + knts_aead_pt_off(e->aead), e->pt_len, ct)) {
		ret = NF_DROP;
		goto fail;
	}
	knts_skb_udp_csum(skb, u);
	knts_stats_inc(kn->stats, KNTS_STAT_SRV_REPLY_SIGNED);
	memzero_explicit(e, knts_pending_used(e));
	return NF_ACCEPT;
fail:
	/* Unsigned, it would read as a forgery to the client: drop it. */
	knts_stats_inc(kn->stats, KNTS_STAT_SRV_REPLY_DROPPED);
	memzero_explicit(e, knts_pending_used(e));
	return ret;
}

unsigned int knts_server_in(struct knts_net *kn, struct sk_buff *skb,
			    struct knts_udp *u)
{
	unsigned int verdict;

	if (u->fragment) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_FRAGMENT_DROPPED);
		return NF_DROP;
	}
	/* Too short for NTP: the daemon drops it; nts-only drops it here. */
	if (u->len < KNTS_NTP_HDR_LEN)
		return knts_srv_plain(kn);
	verdict = knts_srv_request(kn, skb, u, this_cpu_read(knts_srv_scratch));
	return verdict;
}

unsigned int knts_server_out(struct knts_net *kn, struct sk_buff *skb,
			     struct knts_udp *u)
{
	/* Only raw sockets send fragments through LOCAL_OUT. */
	if (u->fragment || u->len < KNTS_NTP_HDR_LEN)
		return NF_ACCEPT;
	return knts_srv_reply(kn, skb, u, this_cpu_read(knts_srv_scratch));
}
