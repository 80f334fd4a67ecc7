// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel micro benchmark, for testing only: with bench=N at load, knts
 * times N iterations of its per-request work and prints ns per operation
 * before it registers anything, so nothing else runs through the code
 * while a backend is forced. Without the parameter none of this runs.
 *
 *  - the AES-SIV operations of one server request, on each backend:
 *    request MAC (188 bytes of AD, a nonce, no plaintext), reply
 *    (84 bytes of AD, a nonce, one 104-byte cookie EF), cookie seal/open;
 *  - the whole server path on synthetic IPv4 skbs, as the hooks run it:
 *    LOCAL_IN (open the cookie, check the MAC, mint one cookie, remember,
 *    strip) and LOCAL_OUT (sign the daemon's 48-byte reply), on each
 *    backend and on the one the dispatcher picks. The first reply of every
 *    run is opened with S2C and must authenticate, or the load fails.
 *  - the client path (bench_client.c): the daemon's requests to a
 *    protected server sealed at LOCAL_OUT, the server's replies verified
 *    and stripped at LOCAL_IN, against this very server path.
 *
 * Times come from ktime_get_ns() around chunks of iterations (batches of
 * skbs for the server path), so the clock read is amortised; each figure
 * is printed as the fastest chunk (the cost with the least interference
 * from the rest of the machine) and the median chunk. Under qemu TCG the
 * absolute figures mean nothing; compare them with each other.
 */
#include <crypto/aes.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/ip.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/udp.h>
#include <net/ip.h>

#include "bench.h"
#include "compat.h"
#include "cookie.h"
#include "ef.h"
#include "keys.h"
#include "knts.h"
#include "pending.h"
#include "pending_set.h"
#include "server.h"
#include "siv.h"
#include "siv_impl.h"
#include "skb.h"

static unsigned int bench;
module_param(bench, uint, 0444);
MODULE_PARM_DESC(bench, "testing only: at load, time N iterations of the AES-SIV and server paths and print ns/op");

void bench_fill(u8 *p, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = seed + i * 7;
}

void bench_stat_add(struct bench_stat *s, u64 ns, u64 ops)
{
	if (s->n < BENCH_CHUNKS && ops)
		s->v[s->n++] = div64_u64(ns, ops);
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* "<min> ns/op, median <median>": sorts the figures. */
void bench_print(const char *what, const char *on, struct bench_stat *s,
		 const char *note)
{
	sort(s->v, s->n, sizeof(s->v[0]), bench_cmp_u64, NULL);
	pr_info("bench: %-16s %-5s %7llu ns/op, median %llu%s\n", what, on,
		s->n ? s->v[0] : 0, s->n ? s->v[s->n / 2] : 0, note);
	s->n = 0;
}

/* The request: header, UID, cookie, authenticator with the C2S MAC. */
static int bench_build_request(struct knts_bench *b)
{
	struct knts_ef_req req;
	struct knts_siv_ad ad[2];
	u8 uid[32], nonce[KNTS_EF_NONCE_LEN];
	u32 off = KNTS_NTP_HDR_LEN;
	int ret;

	memset(b->req, 0, sizeof(b->req));
	b->req[KNTS_NTP_OFF_LVM] = (KNTS_NTP_VERSION << 3) | KNTS_NTP_MODE_CLIENT;
	bench_fill(b->req + KNTS_NTP_OFF_TX, KNTS_NTP_TS_LEN, 0x71);
	bench_fill(uid, sizeof(uid), 0x11);
	bench_fill(nonce, sizeof(nonce), 0x51);
	ret = knts_ef_put_uid(b->req + off, sizeof(b->req) - off, uid,
			      sizeof(uid));
	if (ret < 0)
		return ret;
	off += ret;
	ret = knts_ef_put_cookie(b->req + off, sizeof(b->req) - off, b->cookie,
				 b->cookie_len);
	if (ret < 0)
		return ret;
	off += ret;
	b->auth_off = off;
	ret = knts_ef_put_auth(b->req + off, sizeof(b->req) - off, nonce,
			       sizeof(nonce), KNTS_SIV_TAG_LEN);
	if (ret < 0)
		return ret;
	ad[0].data = b->req;
	ad[0].len = off;
	ad[1].data = b->req + off + KNTS_EF_AUTH_FIXED;
	ad[1].len = sizeof(nonce);
	ret = knts_siv_seal(knts_cookie_c2s(&b->keys), b->keys.key_len, ad, 2,
			    NULL, 0, b->req + off + ret, NULL);
	if (ret)
		return ret;
	b->req_len = off + knts_ef_auth_len(sizeof(nonce), KNTS_SIV_TAG_LEN);
	return knts_ef_parse_request(b->req, b->req_len, &req);
}

static int bench_setup(struct knts_bench *b)
{
	struct knts_pending_set *table;
	struct knts_net *kn;
	u8 nonce[KNTS_COOKIE_NONCE_LEN];
	int ret;

	b->keys.aead = KNTS_AEAD_AES_SIV_CMAC_256;
	b->keys.key_len = knts_aead_key_len(b->keys.aead);
	bench_fill(b->keys.key, 2 * b->keys.key_len, 0x20);

	b->ks = knts_keyset_alloc(GFP_KERNEL);
	kn = kzalloc(sizeof(*kn), GFP_KERNEL);
	b->kn = kn;
	if (!b->ks || !kn)
		return -ENOMEM;
	b->ks->n = 1;
	b->ks->keys[0].id = BENCH_KEY_ID;
	b->ks->keys[0].alg = KNTS_AEAD_AES_SIV_CMAC_256;
	bench_fill(b->ks->keys[0].key, KNTS_MASTER_KEY_LEN, 0x90);
	ret = knts_keyset_prepare(b->ks);
	if (ret)
		return ret;

	bench_fill(nonce, sizeof(nonce), 0x33);
	ret = knts_cookie_seal(b->ks->keys[0].key, BENCH_KEY_ID, nonce,
			       &b->keys, b->cookie, sizeof(b->cookie));
	if (ret < 0)
		return ret;
	b->cookie_len = ret;
	ret = bench_build_request(b);
	if (ret)
		return ret;

	kn->net = &init_net;
	mutex_init(&kn->lock);
	kn->srv_port = BENCH_PORT;
	kn->srv_policy = KNTS_POLICY_MIXED;
	ratelimit_state_init(&kn->nak_limit, HZ, 1);
	RCU_INIT_POINTER(kn->keys, b->ks);
	kn->stats = knts_stats_alloc();
	/*
	 * As many slots as the default: a batch fills them as little. The
	 * table starts small and grows as the first batches crowd it.
	 */
	table = knts_pending_set_alloc(BENCH_PENDING_SLOTS);
	RCU_INIT_POINTER(kn->pending, table);
	if (!kn->stats || !table)
		return -ENOMEM;
	return 0;
}

static void bench_teardown(struct knts_bench *b)
{
	knts_bench_client_free(b);
	if (b->kn) {
		/* Nothing runs the bench's namespace any more. */
		knts_pending_set_free(rcu_dereference_protected(b->kn->pending,
								1));
		if (b->kn->stats)
			knts_stats_free(b->kn->stats);
		kfree(b->kn);
	}
	knts_keyset_free(b->ks);
}

/* The raw AES-SIV operations of one request, each timed on its own. */
enum bench_op {
	BENCH_REQ_SEAL,
	BENCH_REQ_OPEN,
	BENCH_REPLY_SEAL,
	BENCH_REPLY_OPEN,
	BENCH_COOKIE_SEAL,
	BENCH_COOKIE_OPEN,
	BENCH_COOKIE_SEAL_KEY,
	BENCH_COOKIE_OPEN_KEY,
	BENCH_NR_OPS
};

static const char *const bench_op_names[BENCH_NR_OPS] = {
	"siv-request-seal", "siv-request-open", "siv-reply-seal",
	"siv-reply-open", "cookie-seal", "cookie-open", "cookie-seal-prep",
	"cookie-open-prep",
};

static int bench_op(struct knts_bench *b, enum bench_op op)
{
	const u8 *tag = b->req + b->auth_off + KNTS_EF_AUTH_FIXED +
			KNTS_EF_NONCE_LEN;
	struct knts_cookie_keys *k = &b->keys;
	struct knts_siv_ad ad[2];
	const u8 *master = b->ks->keys[0].key;

	ad[0].data = b->req;
	ad[1].data = b->req + b->auth_off + KNTS_EF_AUTH_FIXED;
	ad[1].len = KNTS_EF_NONCE_LEN;
	switch (op) {
	case BENCH_REQ_SEAL:
		ad[0].len = b->auth_off;
		return knts_siv_seal(knts_cookie_c2s(k), k->key_len, ad, 2,
				     NULL, 0, b->out, NULL);
	case BENCH_REQ_OPEN:
		ad[0].len = b->auth_off;
		return knts_siv_open(knts_cookie_c2s(k), k->key_len, ad, 2,
				     tag, NULL, 0, NULL);
	case BENCH_REPLY_SEAL:
		ad[0].len = KNTS_NTP_HDR_LEN + 36;
		return knts_siv_seal(knts_cookie_s2c(k), k->key_len, ad, 2,
				     b->buf, 104, b->out, b->out + 16);
	case BENCH_REPLY_OPEN:
		ad[0].len = KNTS_NTP_HDR_LEN + 36;
		return knts_siv_open(knts_cookie_s2c(k), k->key_len, ad, 2,
				     b->out, b->out + 16, 104, b->buf);
	case BENCH_COOKIE_SEAL:
		return knts_cookie_seal(master, BENCH_KEY_ID, b->req, k,
					b->out + 256, KNTS_COOKIE_MAX_LEN) < 0;
	case BENCH_COOKIE_OPEN:
		return knts_cookie_open(master, BENCH_KEY_ID, b->cookie,
					b->cookie_len, k);
	case BENCH_COOKIE_SEAL_KEY:
		return knts_cookie_seal_key(&b->ks->prep[0], BENCH_KEY_ID,
					    b->req, k, b->out + 256,
					    KNTS_COOKIE_MAX_LEN) < 0;
	case BENCH_COOKIE_OPEN_KEY:
		return knts_cookie_open_key(&b->ks->prep[0], BENCH_KEY_ID,
					    b->cookie, b->cookie_len, k);
	default:
		return -EINVAL;
	}
}

static int bench_siv(struct knts_bench *b, const char *on)
{
	unsigned int i, j, op;
	u64 t0;

	/* The reply-open loop opens what the first reply-seal produced. */
	bench_fill(b->buf, 104, 0x40);
	for (op = 0; op < BENCH_NR_OPS; op++) {
		if (bench_op(b, op)) {
			pr_err("bench: %s failed on %s\n", bench_op_names[op], on);
			return -EINVAL;
		}
		for (i = 0; i < b->n; i += b->chunk) {
			t0 = ktime_get_ns();
			for (j = 0; j < b->chunk; j++)
				bench_op(b, op);
			bench_stat_add(&b->st[0], ktime_get_ns() - t0, b->chunk);
			cond_resched();
		}
		bench_print(bench_op_names[op], on, &b->st[0], "");
	}
	return 0;
}

/*
 * What the backends are made of, one call each: where the time of an
 * AES-SIV operation goes. The transforms are the benchmark's own.
 */
enum bench_prim {
	PRIM_API_CMAC_SETKEY,
	PRIM_API_CTR_SETKEY,
	PRIM_API_CMAC_16,
	PRIM_API_CMAC_192,
	PRIM_SIMD_SETKEY,
	PRIM_SIMD_CBC_16,
	PRIM_SIMD_CBC_192,
	PRIM_LIB_EXPANDKEY,
	PRIM_LIB_BLOCK,
	BENCH_NR_PRIMS
};

static const char *const bench_prim_names[BENCH_NR_PRIMS] = {
	"cmac-setkey", "ctr-setkey", "cmac-16B", "cmac-192B",
	"setkey", "cbc-16B", "cbc-192B", "expandkey", "block",
};

struct bench_tfms {
	struct crypto_shash *cmac;
	struct crypto_sync_skcipher *ctr, *cbc;
	struct compat_aes_key *aes;
};

/* Separate frames: a hash descriptor and a request do not share a stack. */
static noinline int bench_prim_cmac(struct knts_bench *b,
				    struct bench_tfms *t, unsigned int len)
{
	SHASH_DESC_ON_STACK(desc, t->cmac);
	int err;

	desc->tfm = t->cmac;
	err = crypto_shash_digest(desc, b->buf, len, b->out);
	shash_desc_zero(desc);
	return err;
}

static noinline int bench_prim_cbc(struct knts_bench *b, struct bench_tfms *t,
				   unsigned int len)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, t->cbc);
	struct scatterlist sg;
	u8 iv[16] = { 0 };
	int err;

	sg_init_one(&sg, b->out, len);
	skcipher_request_set_sync_tfm(req, t->cbc);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, iv);
	err = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	return err;
}

static int bench_prim(struct knts_bench *b, struct bench_tfms *t,
		      enum bench_prim p)
{
	switch (p) {
	case PRIM_API_CMAC_SETKEY:
		return crypto_shash_setkey(t->cmac, b->keys.key, 16);
	case PRIM_API_CTR_SETKEY:
		return crypto_sync_skcipher_setkey(t->ctr, b->keys.key, 16);
	case PRIM_API_CMAC_16:
		return bench_prim_cmac(b, t, 16);
	case PRIM_API_CMAC_192:
		return bench_prim_cmac(b, t, 192);
	case PRIM_SIMD_SETKEY:
		return crypto_sync_skcipher_setkey(t->cbc, b->keys.key, 16);
	case PRIM_SIMD_CBC_16:
		return bench_prim_cbc(b, t, 16);
	case PRIM_SIMD_CBC_192:
		return bench_prim_cbc(b, t, 192);
	case PRIM_LIB_EXPANDKEY:
		return compat_aes_prepare(t->aes, b->keys.key, 16);
	case PRIM_LIB_BLOCK:
		aes_encrypt(t->aes, b->out, b->out);
		return 0;
	default:
		return -EINVAL;
	}
}

static void bench_primitives(struct knts_bench *b)
{
	struct bench_tfms t = { };
	unsigned int p, i, j;
	u64 t0;

	t.cmac = crypto_alloc_shash("cmac(aes)", 0, 0);
	t.ctr = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
	t.cbc = crypto_alloc_sync_skcipher("__cbc-aes-aesni",
					   CRYPTO_ALG_INTERNAL,
					   CRYPTO_ALG_INTERNAL);
	t.aes = kzalloc(sizeof(*t.aes), GFP_KERNEL);
	if (IS_ERR(t.cmac) || IS_ERR(t.ctr) || !t.aes)
		goto out;
	for (p = 0; p < BENCH_NR_PRIMS; p++) {
		const char *on = p < PRIM_SIMD_SETKEY ? "api" :
				 p < PRIM_LIB_EXPANDKEY ? "simd" : "lib";

		if (p >= PRIM_SIMD_SETKEY && p < PRIM_LIB_EXPANDKEY &&
		    IS_ERR(t.cbc))
			continue;
		/* The simd primitives need SIMD: they run as the backend would. */
		if (on[0] == 's' && !knts_siv_simd_usable())
			continue;
		if (p == PRIM_SIMD_CBC_16)
			bench_prim(b, &t, PRIM_SIMD_SETKEY);
		if (p == PRIM_LIB_BLOCK)
			bench_prim(b, &t, PRIM_LIB_EXPANDKEY);
		if (p == PRIM_API_CMAC_16)
			bench_prim(b, &t, PRIM_API_CMAC_SETKEY);
		for (i = 0; i < b->n; i += b->chunk) {
			local_bh_disable();
			t0 = ktime_get_ns();
			for (j = 0; j < b->chunk; j++)
				bench_prim(b, &t, p);
			bench_stat_add(&b->st[0], ktime_get_ns() - t0, b->chunk);
			local_bh_enable();
			cond_resched();
		}
		bench_print(bench_prim_names[p], on, &b->st[0], " (primitive)");
	}
out:
	if (!IS_ERR_OR_NULL(t.cmac))
		crypto_free_shash(t.cmac);
	if (!IS_ERR_OR_NULL(t.ctr))
		crypto_free_sync_skcipher(t.ctr);
	if (!IS_ERR_OR_NULL(t.cbc))
		crypto_free_sync_skcipher(t.cbc);
	kfree_sensitive(t.aes);
}

/* A UDP/IPv4 packet between the bench client and the server port. */
struct sk_buff *bench_udp4(const u8 *pl, unsigned int len, bool to_server,
			   __be16 cport, unsigned int headroom,
			   unsigned int tailroom)
{
	unsigned int hlen = sizeof(struct iphdr) + sizeof(struct udphdr);
	struct sk_buff *skb;
	struct udphdr *uh;
	struct iphdr *iph;

	skb = alloc_skb(headroom + hlen + len + tailroom, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, headroom);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = htonl(to_server ? BENCH_CLIENT_IP : BENCH_SERVER_IP);
	iph->daddr = htonl(to_server ? BENCH_SERVER_IP : BENCH_CLIENT_IP);
	iph->tot_len = htons(hlen + len);
	ip_send_check(iph);
	skb_set_transport_header(skb, sizeof(*iph));
	uh = skb_put_zero(skb, sizeof(*uh));
	uh->source = to_server ? cport : htons(BENCH_PORT);
	uh->dest = to_server ? htons(BENCH_PORT) : cport;
	uh->len = htons(sizeof(*uh) + len);
	skb_put_data(skb, pl, len);
	skb->protocol = htons(ETH_P_IP);
	return skb;
}

/*
 * A daemon's packet as UDP hands it to LOCAL_OUT on a route with checksum
 * offload (veth, virtio-net, nearly every NIC): the payload left to sum,
 * the pseudo-header in the check field, as udp4_hwcsum() leaves it.
 */
void bench_tx_offload(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct udphdr *uh = udp_hdr(skb);

	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct udphdr, check);
	uh->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr,
				       ntohs(uh->len), IPPROTO_UDP, 0);
}

/*
 * The same packet as the other host gets it from the wire: summed (what
 * the sending device did), and no longer CHECKSUM_PARTIAL.
 */
int bench_wire(struct sk_buff *skb)
{
	return skb->ip_summed == CHECKSUM_PARTIAL ? skb_checksum_help(skb) : 0;
}

/* What knts_hook() does for a packet to or from the server port. */
unsigned int bench_hook(struct knts_net *kn, struct sk_buff *skb, bool in)
{
	unsigned int verdict;
	struct knts_udp u;

	if (!knts_skb_udp(skb, false, &u))
		return NF_DROP;
	local_bh_disable();
	rcu_read_lock();
	verdict = in ? knts_server_in(kn, skb, &u) : knts_server_out(kn, skb, &u);
	rcu_read_unlock();
	local_bh_enable();
	return verdict;
}

static void bench_free_skbs(struct knts_bench *b)
{
	unsigned int i;

	for (i = 0; i < BENCH_BATCH; i++) {
		kfree_skb(b->skbs[i]);
		b->skbs[i] = NULL;
	}
}

/*
 * The reply must carry our UID, authenticate under S2C and hold one fresh
 * cookie that opens, under the current master key, to this session's
 * keys: figures of a path that signs broken cookies are no figures.
 */
static int bench_check_reply(struct knts_bench *b, struct sk_buff *skb)
{
	const struct knts_master_key *mk = &b->ks->keys[b->ks->current_idx];
	struct knts_cookie_keys *got = &b->got;
	struct knts_ef_cookies ck;
	struct knts_ef_resp resp;
	struct knts_siv_ad ad[2];
	struct knts_udp u;
	const u8 *pl;
	u32 ct_len;
	int err;

	if (!knts_skb_udp(skb, false, &u) || skb_linearize(skb))
		return -EINVAL;
	pl = skb->data + u.l4 + sizeof(struct udphdr);
	if (knts_ef_parse_response(pl, u.len, &resp) || resp.nak ||
	    resp.uid_len != 32 ||
	    memcmp(pl + resp.uid_off, b->req + KNTS_NTP_HDR_LEN + 4, 32))
		return -EBADMSG;
	ct_len = resp.auth.ct_len - KNTS_SIV_TAG_LEN;
	if (ct_len > sizeof(b->buf))
		return -EMSGSIZE;
	ad[0].data = pl;
	ad[0].len = resp.auth.off;
	ad[1].data = pl + resp.auth.nonce_off;
	ad[1].len = resp.auth.nonce_len;
	memcpy(b->out, pl + resp.auth.ct_off, resp.auth.ct_len);
	err = knts_siv_open(knts_cookie_s2c(&b->keys), b->keys.key_len, ad, 2,
			    b->out, b->out + KNTS_SIV_TAG_LEN, ct_len, b->buf);
	if (err)
		return err;
	if (knts_ef_parse_cookies(b->buf, ct_len, &ck) || ck.count != 1)
		return -EBADMSG;
	err = knts_cookie_open_alg(mk->alg, mk->key, mk->id, b->buf + ck.off[0],
				   ck.len, got);
	if (!err && (got->aead != b->keys.aead ||
		     got->key_len != b->keys.key_len ||
		     memcmp(got->key, b->keys.key, 2 * got->key_len)))
		err = -EBADMSG;
	memzero_explicit(got, sizeof(*got));
	return err;
}

/*
 * One batch: BENCH_BATCH requests in from distinct client ports, then the
 * daemon's replies out. Returns the ns spent in each direction.
 */
static int bench_server_batch(struct knts_bench *b, bool check,
			      unsigned int tailroom)
{
	u8 reply[KNTS_NTP_HDR_LEN] = { 0 };
	unsigned int i, refused = 0;
	u64 t0, ns_in, ns_out;
	int err = 0;

	for (i = 0; i < BENCH_BATCH; i++) {
		b->skbs[i] = bench_udp4(b->req, b->req_len, true,
					htons(20000 + i), LL_MAX_HEADER, 0);
		if (!b->skbs[i])
			return -ENOMEM;
	}
	t0 = ktime_get_ns();
	for (i = 0; i < BENCH_BATCH; i++)
		refused += bench_hook(b->kn, b->skbs[i], true) != NF_ACCEPT;
	ns_in = ktime_get_ns() - t0;
	for (i = 0; i < BENCH_BATCH; i++)
		if (b->skbs[i]->len != sizeof(struct iphdr) +
		    sizeof(struct udphdr) + KNTS_NTP_HDR_LEN)
			err = -EPROTO;
	bench_free_skbs(b);
	if (err || refused)
		return -EPROTO;

	reply[KNTS_NTP_OFF_LVM] = (KNTS_NTP_VERSION << 3) | KNTS_NTP_MODE_SERVER;
	memcpy(reply + KNTS_NTP_OFF_ORIGIN, b->req + KNTS_NTP_OFF_TX,
	       KNTS_NTP_TS_LEN);
	for (i = 0; i < BENCH_BATCH; i++) {
		b->skbs[i] = bench_udp4(reply, sizeof(reply), false,
					htons(20000 + i), BENCH_HH_LEN,
					tailroom);
		if (!b->skbs[i])
			return -ENOMEM;
		bench_tx_offload(b->skbs[i]);
	}
	t0 = ktime_get_ns();
	for (i = 0; i < BENCH_BATCH; i++)
		refused += bench_hook(b->kn, b->skbs[i], false) != NF_ACCEPT;
	ns_out = ktime_get_ns() - t0;
	bench_stat_add(&b->st[0], ns_in, BENCH_BATCH);
	bench_stat_add(&b->st[1], ns_out, BENCH_BATCH);
	bench_stat_add(&b->st[2], ns_in + ns_out, BENCH_BATCH);
	if (refused)
		err = -EPROTO;
	else if (check)
		err = bench_check_reply(b, b->skbs[0]);
	bench_free_skbs(b);
	return err;
}

/* Why the server path refused a packet: its non-zero counters. */
void bench_explain(struct knts_bench *b)
{
	struct knts_stats_sum *sum = kzalloc(sizeof(*sum), GFP_KERNEL);
	unsigned int i;

	if (!sum)
		return;
	knts_stats_sum(b->kn->stats, sum);
	for (i = 0; i < __KNTS_STAT_MAX; i++)
		if (sum->ctr[i])
			pr_err("bench: counter %u = %llu\n", i, sum->ctr[i]);
	kfree(sum);
}

static void bench_grow_counts(u64 n[KNTS_SKB_NR_GROW])
{
	unsigned int i;

	for (i = 0; i < KNTS_SKB_NR_GROW; i++)
		n[i] = knts_skb_grow_count(i);
}

/*
 * One checked batch of replies in skbs with @tailroom after the daemon's
 * 48 bytes: each must grow by path @want, or by the tailroom where the
 * kernel's small heads have room enough (6.3+: skb_small_head_cache);
 * the first reply must authenticate whatever the path.
 */
static int bench_grow_path(struct knts_bench *b, unsigned int tailroom,
			   bool realloc, enum knts_skb_grow want)
{
	u64 n0[KNTS_SKB_NR_GROW], n1[KNTS_SKB_NR_GROW], got;
	int err;

	bench_grow_counts(n0);
	WRITE_ONCE(knts_skb_force_realloc, realloc);
	err = bench_server_batch(b, true, tailroom);
	WRITE_ONCE(knts_skb_force_realloc, false);
	bench_grow_counts(n1);
	/* The timed figures are not these batches'. */
	b->st[0].n = 0;
	b->st[1].n = 0;
	b->st[2].n = 0;
	got = n1[want] - n0[want];
	if (want != KNTS_SKB_GROW_TAILROOM)
		got += n1[KNTS_SKB_GROW_TAILROOM] - n0[KNTS_SKB_GROW_TAILROOM];
	if (!err && got != BENCH_BATCH)
		err = -EPROTO;
	if (err)
		pr_err("bench: reply growth, path %d, tailroom %u: %d\n", want,
		       tailroom, err);
	return err;
}

/*
 * Each way a reply can grow (skb.c), checked: room enough at the tail;
 * the head UDP allocates, never reallocated (a page fragment where the
 * tailroom is short); and the reallocation left for when no fragment can
 * be had.
 */
static int bench_grow_paths(struct knts_bench *b)
{
	return bench_grow_path(b, BENCH_BUF * 2, false,
			       KNTS_SKB_GROW_TAILROOM) ?:
	       bench_grow_path(b, 15, false, KNTS_SKB_GROW_FRAG) ?:
	       bench_grow_path(b, 15, true, KNTS_SKB_GROW_REALLOC);
}

static int bench_server(struct knts_bench *b, const char *on)
{
	u64 n0[KNTS_SKB_NR_GROW], n1[KNTS_SKB_NR_GROW];
	unsigned int n = 0;
	char note[96];
	int err;

	err = bench_grow_paths(b);
	bench_grow_counts(n0);
	while (!err && n < b->n) {
		err = bench_server_batch(b, !n, 15);
		n += BENCH_BATCH;
		cond_resched();
	}
	if (err) {
		pr_err("bench: server path failed on %s (%d)\n", on, err);
		bench_explain(b);
		return err;
	}
	bench_grow_counts(n1);
	bench_print("server-in", on, &b->st[0], "");
	bench_print("server-out", on, &b->st[1], "");
	snprintf(note, sizeof(note),
		 " (replies grown: %llu tailroom, %llu frag, %llu realloc)",
		 n1[0] - n0[0], n1[1] - n0[1], n1[2] - n0[2]);
	bench_print("server-request", on, &b->st[2], note);
	return 0;
}

static int bench_on(struct knts_bench *b, int impl)
{
	const char *on = impl == KNTS_SIV_AUTO ? "auto" :
			 knts_siv_impl_name(impl);

	knts_siv_force = impl;
	return bench_siv(b, on) ?: bench_server(b, on) ?:
	       knts_bench_client(b, on);
}

/* The server path as it was before master keys were prepared at install. */
static int bench_unprepared(struct knts_bench *b)
{
	struct knts_siv_key *prep = b->ks->prep;
	int err;

	knts_siv_force = KNTS_SIV_AUTO;
	b->ks->prep = NULL;
	err = bench_server(b, "raw");
	b->ks->prep = prep;
	return err;
}

int knts_bench_run(void)
{
	struct knts_bench *b;
	int impl, err;

	if (!bench)
		return 0;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->n = roundup(bench, BENCH_BATCH);
	b->chunk = roundup(DIV_ROUND_UP(b->n, BENCH_CHUNKS), BENCH_BATCH);
	pr_info("bench: %u iterations; AES-SIV on %s, %s when SIMD is not usable; api = %s + %s\n",
		b->n, knts_siv_impl_name(knts_siv_impl_fast()),
		knts_siv_impl_name(knts_siv_impl_fallback()),
		knts_siv_api_driver(false), knts_siv_api_driver(true));
	err = bench_setup(b);
	if (!err)
		bench_primitives(b);
	for (impl = 0; !err && impl < KNTS_SIV_NR_IMPL; impl++)
		if (knts_siv_impl_ready(impl))
			err = bench_on(b, impl);
	if (!err)
		err = bench_on(b, KNTS_SIV_AUTO) ?: bench_unprepared(b) ?:
		      knts_bench_gcmsiv(b);
	knts_siv_force = KNTS_SIV_AUTO;
	if (err)
		pr_err("bench: failed (%d)\n", err);
	bench_teardown(b);
	kfree_sensitive(b);
	return err;
}
