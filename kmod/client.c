// SPDX-License-Identifier: GPL-2.0
/*
 * Client role: NTS for an unmodified NTP client.
 *
 * LOCAL_OUT: only the association's owner (a socket owner uid, when ntskd
 * set one) speaks to a protected server: anyone else's request to it is
 * dropped and counted, so a local user can neither spend the cookies nor
 * push the daemon's requests out of the ring.
 * The daemon's bare NTPv4 request to a protected server gets a
 * fresh UID, one cookie from the jar (each used once), placeholders that
 * ask for enough cookies to fill the jar again, and the authenticator
 * under C2S, in the one shape every server accepts (digest P3). The UID
 * and the transmit timestamp go into the association's ring. With an
 * empty jar the request is dropped: never a silent fallback to plain NTP.
 *
 * LOCAL_IN: a mode 4 packet from a protected server reaches the daemon
 * only if it echoes the UID and origin of a request still waiting for its
 * reply, comes to the port that request left from, and authenticates
 * under S2C. Its cookies go into the jar, its NTS fields are stripped,
 * and the daemon sees the plain 48-byte reply.
 * Anything else from that server is dropped and counted (other modes,
 * empty datagrams and IPv6 fragments too: the daemon must get nothing
 * unauthenticated from it; only requests, mode 3, go on to the server
 * role); an NTS NAK that answers one of our requests is counted and
 * reported.
 *
 * A closed association (ntskd installs one before the server's first
 * NTS-KE) has no keys, no cookies and an empty ring: every request to it
 * is dropped (no cookie) and every reply from it too (nothing matches).
 *
 * The ring entry is marked answered only after a reply verified, so a
 * forged reply cannot use up the slot the real one needs.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>

#include "assoc.h"
#include "client.h"
#include "ef.h"
#include "event.h"
#include "knts.h"
#include "nonce.h"
#include "aead.h"
#include "siv.h"
#include "skb.h"

/* A jar this low after a request is worth telling ntskd about. */
#define KNTS_CLI_LOW_WATER		2
/* Decrypted reply fields: 8 of the largest cookies, and then some. */
#define KNTS_CLI_PT_MAX			4096

struct knts_cli_scratch {
	u8 cookie[KNTS_ASSOC_COOKIE_MAX];
	u8 pt[KNTS_CLI_PT_MAX];
};

static DEFINE_PER_CPU(struct knts_cli_scratch *, knts_cli_scratch);

int knts_client_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct knts_cli_scratch *s = kzalloc(sizeof(*s), GFP_KERNEL);

		if (!s) {
			knts_client_exit();
			return -ENOMEM;
		}
		per_cpu(knts_cli_scratch, cpu) = s;
	}
	return 0;
}

void knts_client_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		kfree_sensitive(per_cpu(knts_cli_scratch, cpu));
		per_cpu(knts_cli_scratch, cpu) = NULL;
	}
}

struct knts_assoc *knts_client_peer(struct knts_net *kn,
				    const struct sk_buff *skb,
				    const struct knts_udp *u, bool in)
{
	struct knts_assoc_id id = { .v6 = u->v6 };

	if (!READ_ONCE(kn->assocs.n))
		return NULL;
	if (u->v6) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		id.addr = in ? ip6h->saddr : ip6h->daddr;
	} else {
		const struct iphdr *iph = ip_hdr(skb);

		ipv6_addr_set_v4mapped(in ? iph->saddr : iph->daddr, &id.addr);
	}
	id.port = in ? u->sport : u->dport;
	/* A link-local server is one per link: the packet's interface. */
	if (knts_assoc_id_linklocal(&id)) {
		if (in)
			id.ifindex = inet6_iif(skb);
		else if (skb_dst(skb))
			id.ifindex = skb_dst(skb)->dev->ifindex;
	}
	return knts_assoc_lookup(&kn->assocs, &id);
}

struct knts_assoc *knts_client_match(struct knts_net *kn, struct sk_buff *skb,
				     const struct knts_udp *u, bool in)
{
	u8 _lvm;
	const u8 *lvm;

	if (!READ_ONCE(kn->assocs.n))
		return NULL;
	/* An IPv6 first fragment has no length yet, but it may have a mode. */
	lvm = u->len || u->fragment ?
	      skb_header_pointer(skb, u->l4 + sizeof(struct udphdr),
				 sizeof(_lvm), &_lvm) : NULL;
	if (!in) {
		if (!u->len || !lvm ||
		    knts_ntp_mode(*lvm) != KNTS_NTP_MODE_CLIENT)
			return NULL;
	} else if (lvm && knts_ntp_mode(*lvm) == KNTS_NTP_MODE_CLIENT) {
		/* A request from the server: the server role's business. */
		return NULL;
	}
	/*
	 * Everything else from a protected server is ours to check: a
	 * reply, but also what only looks unlike one (other modes, empty
	 * datagrams, fragments whose rest would be reassembled after this
	 * hook), or it would reach the daemon unauthenticated.
	 */
	return knts_client_peer(kn, skb, u, in);
}

/*
 * Take a cookie into @s and note the request in the ring. Returns the
 * number of placeholders to send, or -ENOENT when the jar is empty.
 */
static int knts_cli_take(struct knts_net *kn, struct knts_assoc *a,
			 const u8 *uid, const u8 *ntp, __be16 lport,
			 struct knts_cli_scratch *s)
{
	struct knts_assoc_req *r;
	u32 held;

	spin_lock(&a->lock);
	held = a->n_cookies;
	if (!held) {
		a->ctr.req_dropped++;
		spin_unlock(&a->lock);
		return -ENOENT;
	}
	a->n_cookies--;
	memcpy(s->cookie, a->cookies[a->n_cookies], a->cookie_len);
	memzero_explicit(a->cookies[a->n_cookies], a->cookie_len);
	r = &a->ring[a->ring_next];
	a->ring_next = (a->ring_next + 1) % KNTS_ASSOC_RING;
	memcpy(r->uid, uid, KNTS_ASSOC_UID_LEN);
	memcpy(r->tx, ntp + KNTS_NTP_OFF_TX, KNTS_NTP_TS_LEN);
	memcpy(r->rx, ntp + KNTS_NTP_OFF_RX, KNTS_NTP_TS_LEN);
	r->lport = lport;
	r->state = KNTS_REQ_SENT;
	a->ctr.requests++;
	a->last_request = jiffies;
	a->idle_reported = false;
	spin_unlock(&a->lock);

	if (held - 1 <= KNTS_CLI_LOW_WATER)
		knts_event_raise(kn, a, KNTS_EVENT_COOKIES_LOW);
	return knts_ef_request_placeholders(held, a->cookie_len);
}

/* Write UID, cookie, placeholders and the authenticator after the header. */
static int knts_cli_build(struct knts_assoc *a, u8 *pl, u32 len,
			  const u8 *uid, const u8 *cookie, u32 n_ph)
{
	unsigned int n_len = knts_aead_nonce_len(a->aead);
	u8 nonce[KNTS_EF_NONCE_LEN];
	u32 off = KNTS_NTP_HDR_LEN;
	int ret;

	ret = knts_ef_put_uid(pl + off, len - off, uid, KNTS_ASSOC_UID_LEN);
	if (ret < 0)
		return ret;
	off += ret;
	ret = knts_ef_put_cookie(pl + off, len - off, cookie, a->cookie_len);
	if (ret < 0)
		return ret;
	off += ret;
	while (n_ph--) {
		ret = knts_ef_put_placeholder(pl + off, len - off,
					      a->cookie_len);
		if (ret < 0)
			return ret;
		off += ret;
	}
	knts_nonce(nonce, n_len);
	ret = knts_ef_put_auth(pl + off, len - off, nonce, n_len,
			       KNTS_AEAD_TAG_LEN);
	if (ret < 0)
		return ret;
	/* Nothing to encrypt: the tag over header and fields is all. */
	return knts_aead_seal_pk(a->aead, a->siv_prepared ? &a->c2s_pk : NULL,
				 a->c2s, a->key_len, pl, off, nonce, n_len,
				 pl, 0, pl + off + ret);
}

/*
 * Is @skb from a socket of @a's owner? The uid is the socket's (sk_uid,
 * set when it was created, as routing uses it), not the sending task's:
 * a packet without a full socket (none, or not UDP's) is nobody's.
 */
static bool knts_cli_owner(const struct knts_assoc *a,
			   const struct sk_buff *skb)
{
	const struct sock *sk;

	if (!a->has_owner)
		return true;
	sk = skb_to_full_sk(skb);
	return sk && sk_fullsock(sk) && uid_eq(sk->sk_uid, a->owner);
}

unsigned int knts_client_out(struct knts_net *kn, struct knts_assoc *a,
			     struct sk_buff *skb, struct knts_udp *u)
{
	struct knts_cli_scratch *s = this_cpu_read(knts_cli_scratch);
	u8 uid[KNTS_ASSOC_UID_LEN];
	bool fpu, err;
	u32 len;
	int n_ph;
	u8 *pl;

	/* Neither signed nor sent plain: the server is the owner's. */
	if (!knts_cli_owner(a, skb)) {
		knts_stats_inc(kn->stats, KNTS_STAT_CLI_REQ_NOT_OWNER);
		return NF_DROP;
	}
	/* Only a bare NTPv4 request can carry NTS: no MAC, no fields yet. */
	if (u->len != KNTS_NTP_HDR_LEN || skb_is_gso(skb)) {
		knts_stats_inc(kn->stats, KNTS_STAT_CLI_REQ_UNSUPPORTED);
		return NF_DROP;
	}
	pl = knts_skb_payload(skb, u);
	if (!pl) {
		knts_stats_inc(kn->stats, KNTS_STAT_CLI_ERROR);
		return NF_DROP;
	}
	if (knts_ntp_version(pl[KNTS_NTP_OFF_LVM]) != KNTS_NTP_VERSION) {
		knts_stats_inc(kn->stats, KNTS_STAT_CLI_REQ_UNSUPPORTED);
		return NF_DROP;
	}
	/* UID, nonce and request MAC in one FPU section (nonce.c). */
	fpu = knts_siv_begin();
	knts_nonce(uid, sizeof(uid));
	n_ph = knts_cli_take(kn, a, uid, pl, u->sport, s);
	if (n_ph < 0) {
		knts_siv_end(fpu);
		knts_stats_inc(kn->stats, KNTS_STAT_CLI_REQ_NO_COOKIE);
		knts_event_raise(kn, a, KNTS_EVENT_JAR_EMPTY);
		return NF_DROP;
	}
	len = knts_ef_request_len_n(KNTS_ASSOC_UID_LEN, a->cookie_len, n_ph,
				    knts_aead_nonce_len(a->aead));
	pl = len ? knts_skb_resize(skb, u, len) : NULL;
	err = !pl || knts_cli_build(a, pl, len, uid, s->cookie, n_ph);
	knts_siv_end(fpu);
	/* The cookie is spent, and may have been half written on error. */
	memzero_explicit(s->cookie, a->cookie_len);
	if (err) {
		knts_stats_inc(kn->stats, KNTS_STAT_CLI_ERROR);
		return NF_DROP;
	}
	knts_skb_udp_csum(skb, u);
	knts_stats_inc(kn->stats, KNTS_STAT_CLI_REQ_PROTECTED);
	return NF_ACCEPT;
}

/*
 * Is @origin the origin a reply to @r may carry: the request's transmit
 * timestamp (basic mode), or, in interleaved mode (chrony's xleave), its
 * receive timestamp, which the server echoes instead. An all-zero receive
 * timestamp is a basic-mode request's and matches nothing.
 */
static bool knts_cli_origin_ok(const struct knts_assoc_req *r,
			       const u8 *origin)
{
	static const u8 zero[KNTS_NTP_TS_LEN];

	return !memcmp(r->tx, origin, KNTS_NTP_TS_LEN) ||
	       (memcmp(r->rx, zero, KNTS_NTP_TS_LEN) &&
		!memcmp(r->rx, origin, KNTS_NTP_TS_LEN));
}

/*
 * The ring slot of the request with this UID and a matching origin
 * (knts_cli_origin_ok), sent from local port @lport.
 */
static int knts_cli_find(struct knts_assoc *a, const u8 *uid,
			 const u8 *origin, __be16 lport, u8 *state)
{
	int i;

	lockdep_assert_held(&a->lock);
	for (i = 0; i < KNTS_ASSOC_RING; i++) {
		struct knts_assoc_req *r = &a->ring[i];

		if (r->state != KNTS_REQ_FREE && r->lport == lport &&
		    !memcmp(r->uid, uid, KNTS_ASSOC_UID_LEN) &&
		    knts_cli_origin_ok(r, origin)) {
			*state = r->state;
			return i;
		}
	}
	return -ENOENT;
}

static unsigned int knts_cli_drop(struct knts_net *kn, struct knts_assoc *a,
				  enum knts_stat why)
{
	spin_lock(&a->lock);
	a->ctr.bad++;
	spin_unlock(&a->lock);
	knts_stats_inc(kn->stats, why);
	return NF_DROP;
}

/* An NTS NAK: unauthenticated, so it only counts if it names our request. */
static unsigned int knts_cli_nak(struct knts_net *kn, struct knts_assoc *a,
				 const u8 *pl, const struct knts_ef_resp *resp,
				 __be16 lport)
{
	u8 state;
	int slot;

	spin_lock(&a->lock);
	slot = resp->uid_len != KNTS_ASSOC_UID_LEN ? -ENOENT :
	       knts_cli_find(a, pl + resp->uid_off, pl + KNTS_NTP_OFF_ORIGIN,
			     lport, &state);
	if (slot < 0 || state != KNTS_REQ_SENT) {
		a->ctr.bad++;
		spin_unlock(&a->lock);
		knts_stats_inc(kn->stats, KNTS_STAT_CLI_NAK_UNMATCHED);
		return NF_DROP;
	}
	/* The slot stays open: a forged NAK must not block the real reply. */
	a->ctr.naks++;
	spin_unlock(&a->lock);
	knts_stats_inc(kn->stats, KNTS_STAT_CLI_NAK);
	knts_event_raise(kn, a, KNTS_EVENT_NAK);
	return NF_DROP;
}

/* Check the authenticator; 0 or the counter that says why not. */
static int knts_cli_verify(struct knts_assoc *a, const u8 *pl,
			   const struct knts_ef_resp *resp,
			   struct knts_cli_scratch *s,
			   struct knts_ef_cookies *ck)
{
	const struct knts_ef_auth *au = &resp->auth;
	u32 pt_len = au->ct_len - KNTS_AEAD_TAG_LEN;

	if (pt_len > sizeof(s->pt) ||
	    !knts_aead_nonce_ok(a->aead, au->nonce_len, knts_ef_auth_room(au)))
		return KNTS_STAT_CLI_REPLY_MALFORMED;
	if (knts_aead_open_pk(a->aead, a->siv_prepared ? &a->s2c_pk : NULL,
			      a->s2c, a->key_len, pl, au->off,
			      pl + au->nonce_off, au->nonce_len,
			      pl + au->ct_off, pt_len, s->pt))
		return KNTS_STAT_CLI_REPLY_BAD_MAC;
	/* Authenticated, still checked: one length, the jar's (digest P7). */
	if (knts_ef_parse_cookies(s->pt, pt_len, ck) ||
	    ck->len != a->cookie_len) {
		memzero_explicit(s->pt, pt_len);
		return KNTS_STAT_CLI_REPLY_BAD_COOKIES;
	}
	return 0;
}

/* Close the ring slot and fill the jar; false if the slot was taken. */
static bool knts_cli_accept(struct knts_assoc *a, const u8 *pl,
			    const struct knts_ef_resp *resp, __be16 lport,
			    const struct knts_cli_scratch *s,
			    const struct knts_ef_cookies *ck)
{
	u8 state;
	u32 i;
	int slot;

	spin_lock(&a->lock);
	slot = knts_cli_find(a, pl + resp->uid_off, pl + KNTS_NTP_OFF_ORIGIN,
			     lport, &state);
	if (slot < 0 || state != KNTS_REQ_SENT) {
		spin_unlock(&a->lock);
		return false;
	}
	a->ring[slot].state = KNTS_REQ_ANSWERED;
	for (i = 0; i < ck->count; i++)
		if (!knts_assoc_put_cookie(a, s->pt + ck->off[i]))
			break;
	a->ctr.good++;
	a->last_reply = jiffies | 1;
	spin_unlock(&a->lock);
	return true;
}

static unsigned int knts_cli_reply(struct knts_net *kn, struct knts_assoc *a,
				   struct sk_buff *skb, struct knts_udp *u,
				   struct knts_cli_scratch *s)
{
	struct knts_ef_cookies ck;
	struct knts_ef_resp resp;
	u8 state = KNTS_REQ_FREE;
	int ret, slot;
	u8 *pl;

	pl = knts_skb_payload(skb, u);
	if (!pl) {
		knts_stats_inc(kn->stats, KNTS_STAT_CLI_ERROR);
		return NF_DROP;
	}
	/*
	 * A verified reply gets a new checksum: check the old one first, or
	 * a datagram udp_rcv() would drop reaches the daemon repaired.
	 */
	if (!knts_skb_udp_csum_ok(skb, u))
		return knts_cli_drop(kn, a, KNTS_STAT_CLI_REPLY_BAD_CSUM);
	ret = knts_ef_parse_response(pl, u->len, &resp);
	/* Not an NTPv4 reply at all (another mode): no NTS either. */
	if (ret == -KNTS_EF_E_NOT_NTS || ret == -KNTS_EF_E_NOT_V4 ||
	    ret == -KNTS_EF_E_SHORT || ret == -KNTS_EF_E_BAD_MODE)
		return knts_cli_drop(kn, a, KNTS_STAT_CLI_REPLY_UNAUTH);
	if (ret < 0)
		return knts_cli_drop(kn, a, KNTS_STAT_CLI_REPLY_MALFORMED);
	if (ret == KNTS_EF_NAK)
		return knts_cli_nak(kn, a, pl, &resp, u->dport);

	slot = -ENOENT;
	if (resp.uid_len == KNTS_ASSOC_UID_LEN) {
		spin_lock(&a->lock);
		slot = knts_cli_find(a, pl + resp.uid_off,
				     pl + KNTS_NTP_OFF_ORIGIN, u->dport, &state);
		spin_unlock(&a->lock);
	}
	if (slot < 0)
		return knts_cli_drop(kn, a, KNTS_STAT_CLI_REPLY_UNMATCHED);
	if (state != KNTS_REQ_SENT)
		return knts_cli_drop(kn, a, KNTS_STAT_CLI_REPLY_REPLAY);

	ret = knts_cli_verify(a, pl, &resp, s, &ck);
	if (ret)
		return knts_cli_drop(kn, a, ret);
	/* A twin of this reply may have been accepted meanwhile. */
	ret = knts_cli_accept(a, pl, &resp, u->dport, s, &ck);
	memzero_explicit(s->pt, resp.auth.ct_len - KNTS_SIV_TAG_LEN);
	if (!ret)
		return knts_cli_drop(kn, a, KNTS_STAT_CLI_REPLY_REPLAY);

	/* The daemon sees plain NTP: the header, nothing after it. */
	if (!knts_skb_resize(skb, u, KNTS_NTP_HDR_LEN)) {
		knts_stats_inc(kn->stats, KNTS_STAT_CLI_ERROR);
		return NF_DROP;
	}
	knts_skb_udp_csum_in(skb, u);
	knts_stats_inc(kn->stats, KNTS_STAT_CLI_REPLY_VERIFIED);
	return NF_ACCEPT;
}

unsigned int knts_client_in(struct knts_net *kn, struct knts_assoc *a,
			    struct sk_buff *skb, struct knts_udp *u)
{
	/* The rest of the datagram would be reassembled past this hook. */
	if (u->fragment)
		return knts_cli_drop(kn, a, KNTS_STAT_CLI_REPLY_FRAGMENT);
	return knts_cli_reply(kn, a, skb, u, this_cpu_read(knts_cli_scratch));
}
