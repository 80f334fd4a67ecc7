// SPDX-License-Identifier: GPL-2.0
/*
 * Server role: NTS for an unmodified NTP server.
 *
 * LOCAL_IN: an NTS request to the protected port is parsed, its cookie
 * opened, its MAC checked, the fresh cookie that replaces the one used
 * sealed right away (so the reply path, which runs after the daemon took
 * its transmit timestamp, has only one AEAD pass left in the steady
 * state), and what the reply will need is remembered. The daemon then
 * gets the bare 48-byte NTP request.
 *
 * LOCAL_OUT: the daemon's reply to a remembered request gets the cookies
 * for the request's placeholders (minted only now: see knts_srv_request),
 * the echoed UID and the authenticator, sealed under S2C.
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
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "cookie.h"
#include "keys.h"
#include "knts.h"
#include "nak.h"
#include "nak_limit.h"
#include "nonce.h"
#include "pending.h"
#include "pending_set.h"
#include "server.h"
#include "aead.h"
#include "siv.h"
#include "siv_key.h"
#include "skb.h"

struct knts_srv_scratch {
	struct knts_pending_entry entry;	/* the cookie opens into its keys */
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

/*
 * A request the daemon may answer in interleaved mode (chrony's xleave):
 * one that carries the server's receive timestamp of an earlier exchange
 * as its origin and its own receive timestamp of that exchange's reply.
 * A basic-mode request from chrony has both zero. The reply's origin is
 * then the request's receive timestamp, which the client alone chose, as
 * it chose the transmit timestamp: the match stays bound to the client's
 * address, port, UID and keys.
 */
static bool knts_srv_interleaved(const u8 *pl)
{
	static const u8 zero[KNTS_NTP_TS_LEN];
	const u8 *rx = pl + KNTS_NTP_OFF_RX;

	return memcmp(pl + KNTS_NTP_OFF_ORIGIN, zero, KNTS_NTP_TS_LEN) &&
	       memcmp(rx, zero, KNTS_NTP_TS_LEN) &&
	       memcmp(rx, pl + KNTS_NTP_OFF_TX, KNTS_NTP_TS_LEN);
}

static unsigned int knts_srv_nak(struct knts_net *kn, struct sk_buff *skb,
				 const struct knts_udp *u, const u8 *pl,
				 const struct knts_ef_req *req,
				 struct knts_srv_scratch *s, enum knts_stat why)
{
	unsigned int limited;
	int len;

	knts_stats_inc(kn->stats, why);
	limited = knts_nak_allowed(kn, skb, u);
	if (limited) {
		knts_stats_inc(kn->stats, limited);
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
 * C2S, once no cookie is left to seal with it. AES-SIV-CMAC-256's 32
 * bytes (chrony's and knts's default) as a constant length: a few
 * stores, where a variable length takes rep stosb, a byte a turn.
 */
static void knts_srv_wipe_c2s(struct knts_cookie_keys *k)
{
	u8 *c2s = knts_cookie_c2s(k);

	if (k->key_len == 32)
		memzero_explicit(c2s, 32);
	else
		memzero_explicit(c2s, k->key_len);
}

/* Open a cookie under @mk of @ks, prepared when the set is. */
static int knts_srv_cookie_open(const struct knts_keyset *ks,
				const struct knts_master_key *mk,
				const u8 *cookie, u32 len,
				struct knts_srv_scratch *s)
{
	const struct knts_siv_key *pk = knts_keyset_prep(ks, mk);
	const struct knts_gcmsiv_key *gk = knts_keyset_gprep(ks, mk);

	if (pk)
		return knts_cookie_open_key(pk, mk->id, cookie, len,
					    &s->entry.keys);
	if (gk)
		return knts_cookie_open_gkey(gk, mk->id, cookie, len,
					     &s->entry.keys);
	return knts_cookie_open_alg(mk->alg, mk->key, mk->id, cookie, len,
				    &s->entry.keys);
}

/*
 * Seal @n cookies holding @k under the current key of @ks and append
 * their EFs to the entry's plaintext. The caller holds rcu_read_lock().
 */
static int knts_srv_mint(struct knts_srv_scratch *s,
			 const struct knts_keyset *ks,
			 const struct knts_cookie_keys *k, u32 n)
{
	const struct knts_master_key *mk = &ks->keys[ks->current_idx];
	const struct knts_siv_key *pk = knts_keyset_prep(ks, mk);
	const struct knts_gcmsiv_key *gk = knts_keyset_gprep(ks, mk);
	struct knts_pending_entry *e = &s->entry;
	u8 nonce[KNTS_COOKIE_NONCE_LEN];
	int ret = 0;

	for (; n; n--) {
		/* Sealed where its EF's body goes: no copy of the cookie. */
		u8 *ef = e->pt + e->pt_len, *body = ef + KNTS_EF_HDR_LEN;
		size_t cap = sizeof(e->pt) - e->pt_len;

		if (cap < KNTS_EF_HDR_LEN)
			return -ENOSPC;
		knts_nonce(nonce, sizeof(nonce));
		if (pk)
			ret = knts_cookie_seal_key(pk, mk->id, nonce, k, body,
						   cap - KNTS_EF_HDR_LEN);
		else if (gk)
			ret = knts_cookie_seal_gkey(gk, mk->id, nonce, k, body,
						    cap - KNTS_EF_HDR_LEN);
		else
			ret = knts_cookie_seal_alg(mk->alg, mk->key, mk->id,
						   nonce, k, body,
						   cap - KNTS_EF_HDR_LEN);
		if (ret < 0)
			break;
		ret = knts_ef_put_cookie(ef, cap, body, ret);
		if (ret < 0)
			break;
		e->pt_len += ret;
		ret = 0;
	}
	return ret;
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
	struct knts_cookie_keys *k = &s->entry.keys;
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
	    !knts_aead_nonce_ok(k->aead, a->nonce_len, knts_ef_auth_room(a)))
		return KNTS_STAT_SRV_NAK_BAD_MAC;
	if (knts_aead_open(k->aead, knts_cookie_c2s(k), k->key_len, pl,
			   a->off, pl + a->nonce_off,
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
	int ret, put, mint_err = 0;
	u32 n = 0, clen;
	bool fpu;
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

	/*
	 * The reply carries one cookie per cookie and placeholder, as many
	 * as fit. Only the first is sealed now: a valid request from a
	 * spoofed source, which the daemon never answers, then costs three
	 * AES-SIV operations whatever it asked for (a forged one costs two);
	 * the others cost nothing until there is a reply to carry them. A
	 * client in its steady state sends no placeholder, so its reply path
	 * stays one AEAD pass; refills pay theirs after the daemon's
	 * timestamp (see docs/security.md).
	 */
	rcu_read_lock();
	/* Cookie open, MAC check and cookie seal: one kernel FPU section. */
	fpu = knts_siv_begin();
	ks = rcu_dereference(kn->keys);
	ret = knts_srv_verify(ks, pl, &req, s);
	if (!ret) {
		/* Every other field of the entry is set below, before use. */
		e->pt_len = 0;
		/* Minted under the current key, whose algorithm sets the size. */
		clen = knts_cookie_len_alg(ks->keys[ks->current_idx].alg,
					   e->keys.aead);
		n = knts_ef_response_cookies_n(u->len, &req, clen,
					       knts_aead_nonce_len(e->keys.aead));
		mint_err = n ? knts_srv_mint(s, ks, &e->keys, 1) : -EMSGSIZE;
	}
	knts_siv_end(fpu);
	rcu_read_unlock();
	if (ret) {
		/* A bad MAC comes after the cookie opened: wipe its keys too. */
		memzero_explicit(&e->keys, sizeof(e->keys));
		return knts_srv_nak(kn, skb, u, pl, &req, s, ret);
	}
	if (mint_err) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_ERROR);
		ret = NF_DROP;
		goto out;
	}
	knts_srv_key(skb, u, true, pl + KNTS_NTP_OFF_TX, &e->key);
	e->max_len = u->len;
	e->mint_more = n - 1;
	/* C2S only seals the cookies still to mint. */
	if (!e->mint_more)
		knts_srv_wipe_c2s(&e->keys);
	e->uid_len = req.uid_len;
	memcpy(e->uid, pl + req.uid_off, req.uid_len);
	e->has_twin = knts_srv_interleaved(pl);
	if (e->has_twin)
		memcpy(e->twin, pl + KNTS_NTP_OFF_RX, KNTS_NTP_TS_LEN);
	/* The oldest entry of a full window made room: counted, not fatal. */
	put = knts_pending_set_put(rcu_dereference(kn->pending), e);
	if (put > 0)
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_TABLE_FULL);
	if (put >= 0 && e->has_twin) {
		/* The same request under the origin of an interleaved reply. */
		memcpy(e->twin, e->key.tx, KNTS_NTP_TS_LEN);
		memcpy(e->key.tx, pl + KNTS_NTP_OFF_RX, KNTS_NTP_TS_LEN);
		put = knts_pending_set_put(rcu_dereference(kn->pending), e);
		if (put > 0)
			knts_stats_inc(kn->stats, KNTS_STAT_SRV_TABLE_FULL);
	}
	/* Not remembered, the reply could not be signed: no request. */
	if (put < 0) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_ERROR);
		ret = NF_DROP;
		goto out;
	}
	/* The daemon sees plain NTP: the header, nothing after it. */
	if (!knts_skb_resize(skb, u, KNTS_NTP_HDR_LEN)) {
		knts_stats_inc(kn->stats, KNTS_STAT_SRV_ERROR);
		ret = NF_DROP;
		goto out;
	}
	knts_skb_udp_csum_in(skb, u);
	knts_stats_inc(kn->stats, KNTS_STAT_SRV_REQ_VERIFIED);
	ret = NF_ACCEPT;
out:
	/*
	 * The keys are the secret here; the rest (UID, sealed cookie, the
	 * packet's timestamps) went over the wire or will.
	 */
	memzero_explicit(&e->keys, sizeof(e->keys));
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
	bool fpu;
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
	if (!knts_pending_set_take(rcu_dereference(kn->pending), &key, e))
		return NF_ACCEPT;
	/* Answered: the same request's other entry can never be used now. */
	if (e->has_twin) {
		memcpy(key.tx, e->twin, KNTS_NTP_TS_LEN);
		knts_pending_set_drop(rcu_dereference(kn->pending), &key, e);
	}

	ret = NF_DROP;
	/* The refill's cookies, the nonce and the seal: one FPU section. */
	fpu = knts_siv_begin();
	if (e->mint_more) {
		const struct knts_keyset *ks;
		int err = -ENOKEY;

		rcu_read_lock();
		ks = rcu_dereference(kn->keys);
		if (ks)
			err = knts_srv_mint(s, ks, &e->keys, e->mint_more);
		rcu_read_unlock();
		knts_srv_wipe_c2s(&e->keys);
		if (err)
			goto fail;
	}
	n_len = knts_aead_nonce_len(e->keys.aead);
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
	knts_nonce(nonce, n_len);
	ret = knts_ef_put_auth(pl + off, len - off, nonce, n_len,
			       KNTS_AEAD_TAG_LEN + e->pt_len);
	if (ret < 0) {
		ret = NF_DROP;
		goto fail;
	}
	/* Encrypted straight from the entry into the packet. */
	ct = pl + off + ret;
	if (knts_aead_seal(e->keys.aead, knts_cookie_s2c(&e->keys),
			   e->keys.key_len, pl, off, nonce, n_len, e->pt,
			   e->pt_len, ct)) {
		ret = NF_DROP;
		goto fail;
	}
	knts_siv_end(fpu);
	knts_skb_udp_csum(skb, u);
	knts_stats_inc(kn->stats, KNTS_STAT_SRV_REPLY_SIGNED);
	memzero_explicit(&e->keys, sizeof(e->keys));
	return NF_ACCEPT;
fail:
	knts_siv_end(fpu);
	/* S2C is the secret; the refill's cookies are sealed already. */
	memzero_explicit(&e->keys, sizeof(e->keys));
	/* Unsigned, it would read as a forgery to the client: drop it. */
	knts_stats_inc(kn->stats, KNTS_STAT_SRV_REPLY_DROPPED);
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
