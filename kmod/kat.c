// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer self-tests, run at every load like the kernel's own
 * crypto self-tests: if the AEAD underneath NTS is wrong, knts must not
 * load, because every packet it touched would be wrong too.
 */
#if IS_ENABLED(CONFIG_X86)
#include <asm/fpu/api.h>
#endif
#include <linux/bottom_half.h>
#include <linux/errno.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "aead.h"
#include "cookie.h"
#include "gcmsiv.h"
#include "gcmsiv_key.h"
#include "knts.h"
#include "siv.h"
#include "siv_impl.h"
#include "siv_key.h"
#include "simd_section.h"
#include "kat_vectors.h"

#define KAT_BUF 256

#ifdef KNTS_DEBUG
/* Lets the selftests prove that a failing KAT stops the load. */
static bool kat_inject_fault;
module_param(kat_inject_fault, bool, 0444);
MODULE_PARM_DESC(kat_inject_fault, "testing only: corrupt one known answer");

/* Lets the selftests prove that the wipe check fails without the wipe. */
static bool kat_skip_wipe;
module_param(kat_skip_wipe, bool, 0444);
MODULE_PARM_DESC(kat_skip_wipe, "testing only: check the key wipe without wiping");
#else
/* The shipped module: never. */
#define kat_inject_fault	0
#define kat_skip_wipe		false
#endif

struct kat_case {
	const char *name;
	const u8 *key;
	unsigned int key_len;
	struct knts_siv_ad ad[KNTS_SIV_MAX_AD];
	unsigned int n_ad;
	const u8 *pt;
	size_t len;
	const u8 *tag;
	const u8 *ct;
};

/* The raw-key entry points, or the prepared-key ones when @pk is set. */
static int kat_seal(const struct kat_case *c, const struct knts_siv_key *pk,
		    const struct knts_siv_ad *ad, const u8 *pt, u8 *tag, u8 *ct)
{
	if (pk)
		return knts_siv_seal_key(pk, ad, c->n_ad, pt, c->len, tag, ct);
	return knts_siv_seal(c->key, c->key_len, ad, c->n_ad, pt, c->len, tag,
			     ct);
}

static int kat_open(const struct kat_case *c, const struct knts_siv_key *pk,
		    const struct knts_siv_ad *ad, const u8 *tag, u8 *buf)
{
	if (pk)
		return knts_siv_open_key(pk, ad, c->n_ad, tag, buf, c->len, buf);
	return knts_siv_open(c->key, c->key_len, ad, c->n_ad, tag, buf, c->len,
			     buf);
}

/*
 * Seal must give exactly tag and ct; open must give back pt; a flipped
 * tag bit or a flipped bit in the first AD component must be refused and
 * release nothing. @buf and @ad0 are heap scratch (CTR uses scatterlists).
 */
static int kat_one(const struct kat_case *c, const struct knts_siv_key *pk,
		   u8 *buf, u8 *ad0)
{
	struct knts_siv_ad ad[KNTS_SIV_MAX_AD];
	u8 tag[KNTS_SIV_TAG_LEN];

	memcpy(buf, c->pt, c->len);
	if (kat_seal(c, pk, c->ad, buf, tag, buf) ||
	    memcmp(tag, c->tag, sizeof(tag)) || memcmp(buf, c->ct, c->len))
		return -EINVAL;

	memcpy(buf, c->ct, c->len);
	if (kat_open(c, pk, c->ad, c->tag, buf) ||
	    memcmp(buf, c->pt, c->len))
		return -EINVAL;

	memcpy(tag, c->tag, sizeof(tag));
	tag[15] ^= 1;
	memcpy(buf, c->ct, c->len);
	if (kat_open(c, pk, c->ad, tag, buf) != -EBADMSG ||
	    memchr_inv(buf, 0, c->len))
		return -EINVAL;

	memcpy(ad, c->ad, sizeof(ad));
	memcpy(ad0, ad[0].data, ad[0].len);
	ad0[ad[0].len / 2] ^= 0x80;
	ad[0].data = ad0;
	memcpy(buf, c->ct, c->len);
	if (kat_open(c, pk, ad, c->tag, buf) != -EBADMSG)
		return -EINVAL;
	return 0;
}

/*
 * The real chrony 4.3 request: it verifies under the C2S key its TLS
 * session exported, and no single flipped bit anywhere in it does.
 */
static int kat_chrony_request(u8 *pkt)
{
	const size_t auth = 188, nonce = auth + 8, tag = nonce + 16;
	const size_t len = sizeof(kat_chrony_req);
	struct knts_siv_ad ad[2] = {
		{ pkt, auth }, { pkt + nonce, 16 },
	};
	size_t bit;

	memcpy(pkt, kat_chrony_req, len);
	if (knts_siv_open(kat_chrony_c2s, 32, ad, 2, pkt + tag, NULL, 0, NULL))
		return -EINVAL;
	for (bit = 0; bit < len * 8; bit++) {
		/* Bytes 188..195 are the EF header and lengths, not MAC input. */
		if (bit / 8 >= auth && bit / 8 < nonce)
			continue;
		pkt[bit / 8] ^= 1 << (bit % 8);
		if (knts_siv_open(kat_chrony_c2s, 32, ad, 2, pkt + tag, NULL,
				  0, NULL) != -EBADMSG)
			return -EINVAL;
		pkt[bit / 8] ^= 1 << (bit % 8);
	}
	return 0;
}

/*
 * A real chrony 4.3 cookie: it opens under its master key, raw and
 * prepared, to exactly the session keys; sealing those again with its
 * nonce gives the same bytes (AES-SIV is deterministic); a flipped tag bit
 * is refused. Its S2V starts with an empty component, the case a prepared
 * key takes a shortcut for. @buf is heap scratch of 2 * KAT_BUF: the
 * ciphertext goes through a scatterlist, so not from module memory.
 */
static int kat_cookie_test(u8 *buf, struct knts_siv_key *pk)
{
	struct knts_cookie_keys *k = (struct knts_cookie_keys *)buf;
	u8 *cookie = buf + KAT_BUF, *out = cookie + sizeof(kat_cookie);
	const u32 id = 0x89fc3bb3;
	int err;

	memcpy(cookie, kat_cookie, sizeof(kat_cookie));
	if (knts_cookie_open(kat_cookie_master, id, cookie,
			     sizeof(kat_cookie), k) ||
	    k->aead != KNTS_AEAD_AES_SIV_CMAC_256 ||
	    memcmp(k->key, kat_cookie_keys, sizeof(kat_cookie_keys)) ||
	    knts_cookie_seal(kat_cookie_master, id, kat_cookie + 4, k, out,
			     sizeof(kat_cookie)) != sizeof(kat_cookie) ||
	    memcmp(out, kat_cookie, sizeof(kat_cookie)))
		return -EINVAL;
	err = knts_siv_key_prepare(pk, kat_cookie_master,
				   sizeof(kat_cookie_master));
	if (!err && (knts_cookie_open_key(pk, id, cookie, sizeof(kat_cookie),
					  k) ||
		     memcmp(k->key, kat_cookie_keys, sizeof(kat_cookie_keys)) ||
		     knts_cookie_seal_key(pk, id, kat_cookie + 4, k, out,
					  sizeof(kat_cookie)) !=
		     sizeof(kat_cookie) ||
		     memcmp(out, kat_cookie, sizeof(kat_cookie))))
		err = -EINVAL;
	if (!err) {
		out[30] ^= 1;
		if (knts_cookie_open_key(pk, id, out, sizeof(kat_cookie), k) !=
		    -EBADMSG || memchr_inv(k, 0, sizeof(*k)))
			err = -EINVAL;
	}
	knts_siv_key_wipe(pk);
	return err;
}

static const char *const kat_how[] = { "", " with a prepared key" };

/*
 * The known-answer tests on whatever backend the dispatcher picks: each
 * vector with the key as it comes and prepared (@pk is heap scratch),
 * then the real chrony request.
 */
static int kat_all(const char *on, u8 *buf, u8 *ad0, const u8 *c2s,
		   const u8 *s2c, const u8 *cookie_ef, struct knts_siv_key *pk)
{
	const struct kat_case cases[] = {
		{ "rfc5297-a1", kat_a1_key, 32,
		  { { kat_a1_ad, sizeof(kat_a1_ad) } }, 1,
		  kat_a1_pt, sizeof(kat_a1_pt),
		  kat_a1_out, kat_a1_out + 16 },
		{ "rfc5297-a2", kat_a2_key, 32,
		  { { kat_a2_ad1, sizeof(kat_a2_ad1) },
		    { kat_a2_ad2, sizeof(kat_a2_ad2) },
		    { kat_a2_nonce, sizeof(kat_a2_nonce) } }, 3,
		  kat_a2_pt, sizeof(kat_a2_pt),
		  kat_a2_out, kat_a2_out + 16 },
		{ "nts-synthetic-request", c2s, 32,
		  { { kat_syn_req, 188 }, { kat_syn_req + 196, 16 } }, 2,
		  NULL, 0, kat_syn_req + 212, NULL },
		{ "nts-synthetic-response", s2c, 32,
		  { { kat_syn_resp, 84 }, { kat_syn_resp + 92, 16 } }, 2,
		  cookie_ef, 104, kat_syn_resp + 108, kat_syn_resp + 124 },
	};
	unsigned int i, passed = 0;
	bool prepared = false;
	int err;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		prepared = false;
		err = kat_one(&cases[i], NULL, buf, ad0);
		if (!err) {
			passed++;
			prepared = true;
			err = knts_siv_key_prepare(pk, cases[i].key,
						   cases[i].key_len) ?:
			      kat_one(&cases[i], pk, buf, ad0);
			knts_siv_key_wipe(pk);
		}
		if (err) {
			pr_err("self-test %s failed on %s%s\n", cases[i].name, on,
			       kat_how[prepared]);
			return -EINVAL;
		}
		passed++;
	}
	if (kat_chrony_request(buf)) {
		pr_err("self-test chrony-request failed on %s\n", on);
		return -EINVAL;
	}
	if (kat_cookie_test(buf, pk)) {
		pr_err("self-test chrony-cookie failed on %s\n", on);
		return -EINVAL;
	}
	pr_info("self-tests: %u passed on %s\n", passed + 2, on);
	return 0;
}

static int __maybe_unused kat_fallback_unreachable(void)
{
	pr_info("self-tests: lib as the fallback not run (SIMD stays usable in a NEON section here)\n");
	return 0;
}

/*
 * The fallback as the packet path meets it: inside a kernel FPU section
 * SIMD is not usable, so the dispatcher must take the lib backend.
 */
static int kat_fallback(u8 *buf, u8 *ad0, const u8 *c2s, const u8 *s2c,
			const u8 *cookie_ef, struct knts_siv_key *pk)
{
#if KNTS_HAVE_AES_CORE
	int err = -EINVAL;

	if (knts_siv_impl_fast() != KNTS_SIV_SIMD &&
	    knts_siv_impl_fast() != KNTS_SIV_AESNI)
		return 0;
	local_bh_disable();
	knts_simd_begin();
	if (!knts_siv_simd_usable() && !knts_siv_ni_usable())
		err = kat_all("lib, as the fallback with SIMD not usable", buf,
			      ad0, c2s, s2c, cookie_ef, pk);
	else if (IS_ENABLED(CONFIG_ARM64))
		/*
		 * arm64 since 6.8 saves a task's kernel NEON state, so SIMD
		 * stays usable inside a section: the packet path meets the
		 * fallback only with interrupts off. Not run, and not counted.
		 */
		err = kat_fallback_unreachable();
	else
		pr_err("self-test: SIMD still usable inside a kernel FPU section\n");
	knts_simd_end();
	local_bh_enable();
	return err;
#else
	return 0;
#endif
}

/*
 * The packet path's way: every operation inside one knts_siv_begin()
 * section, where the dispatcher must take aesni and no operation may
 * open a section of its own (kernel_fpu_begin() does not nest).
 */
static int kat_one_section(u8 *buf, u8 *ad0, const u8 *c2s, const u8 *s2c,
			   const u8 *cookie_ef, struct knts_siv_key *pk)
{
	u64 ops = knts_siv_impl_ops(KNTS_SIV_AESNI);
	u64 sect = knts_siv_ni_sections();
	bool opened;
	int err;

	if (knts_siv_impl_fast() != KNTS_SIV_AESNI)
		return 0;
	opened = knts_siv_begin();
	if (!opened) {
		knts_siv_end(opened);
		pr_err("self-test: no FPU section for the %s backend\n",
		       KNTS_AES_CORE_NAME);
		return -EINVAL;
	}
	err = kat_all(KNTS_AES_CORE_NAME ", in one FPU section", buf, ad0,
		      c2s, s2c, cookie_ef, pk);
	knts_siv_end(opened);
	if (!err && (knts_siv_ni_sections() != sect + 1 ||
		     knts_siv_impl_ops(KNTS_SIV_AESNI) < ops + 10)) {
		pr_err("self-test: the aesni operations did not share one FPU section\n");
		err = -EINVAL;
	}
	return err;
}

/* A deterministic byte pattern per @seed (the parity inputs). */
static void kat_fill(u8 *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed * 131 + i * 29 + (i >> 3) * 7);
}

/*
 * Backend parity: the same inputs sealed on aesni and on lib give the
 * same bytes, for every key size knts accepts (AEAD 15, 16, 17; the RFC
 * vectors have 32-byte keys only), AD shapes a packet and a cookie have,
 * and plaintexts of 0 to 104 bytes; each opens what the other sealed.
 * @buf: 4 * KAT_BUF of heap.
 */
static int kat_parity(u8 *buf)
{
	static const unsigned int kls[] = { 32, 48, 64 };
	static const unsigned int lens[] = { 0, 1, 15, 16, 17, 31, 32, 64, 104 };
	u8 *key = buf, *ad = buf + 64, *pt = buf + 256, *c1 = buf + 384;
	u8 *c2 = buf + 512, *back = buf + 640;
	u8 t1[KNTS_SIV_TAG_LEN], t2[KNTS_SIV_TAG_LEN];
	unsigned int i, j, runs = 0;
	int err = 0;

	if (!knts_siv_impl_ready(KNTS_SIV_AESNI))
		return 0;
	for (i = 0; i < ARRAY_SIZE(kls) && !err; i++) {
		for (j = 0; j < ARRAY_SIZE(lens) && !err; j++) {
			struct knts_siv_ad a[3] = {
				{ ad, (j * 37) % 190 }, { ad + 176, j % 2 ? 0 : 7 },
				{ ad + 160, 16 },
			};
			unsigned int n_ad = 1 + (i + j) % 3;
			size_t len = lens[j];

			kat_fill(key, 64, i * 16 + j);
			kat_fill(ad, 192, j + 3);
			kat_fill(pt, 104, i + j + kat_inject_fault);
			if (j % 3 == 1)
				a[0].len = 0;	/* as in a cookie */
			knts_siv_force = KNTS_SIV_LIB;
			err = knts_siv_seal(key, kls[i], a, n_ad, pt, len, t1,
					    c1);
			knts_siv_force = KNTS_SIV_AESNI;
			err = err ?: knts_siv_seal(key, kls[i], a, n_ad, pt, len,
						   t2, c2);
			if (!err && (memcmp(t1, t2, sizeof(t1)) ||
				     memcmp(c1, c2, len)))
				err = -EINVAL;
			err = err ?: knts_siv_open(key, kls[i], a, n_ad, t1, c1,
						   len, back);
			if (!err && memcmp(back, pt, len))
				err = -EINVAL;
			knts_siv_force = KNTS_SIV_LIB;
			err = err ?: knts_siv_open(key, kls[i], a, n_ad, t2, c2,
						   len, back);
			if (!err && memcmp(back, pt, len))
				err = -EINVAL;
			if (err)
				pr_err("self-test parity failed: key %u bytes, %zu bytes\n",
				       kls[i], len);
			runs++;
		}
	}
	knts_siv_force = KNTS_SIV_AUTO;
	if (!err)
		pr_info("self-tests: %s and lib agree on %u inputs (keys of 32, 48, 64 bytes)\n",
			KNTS_AES_CORE_NAME, runs);
	return err;
}

struct kat_gcm {
	const char *name;
	const u8 *key, *nonce, *ad, *pt, *out;
	size_t ad_len, len;
};

/*
 * One RFC 8452 vector: seal gives exactly ciphertext || tag, in place
 * too; open gives back the plaintext; a flipped tag bit or AD bit is
 * refused and releases nothing. The session-AEAD dispatch (aead.h) must
 * land on the same bytes.
 */
static int kat_gcm_one(const struct kat_gcm *c, u8 *buf, u8 *ad)
{
	size_t n = c->len + KNTS_GCMSIV_TAG_LEN;

	memcpy(buf, c->pt, c->len);
	if (knts_gcmsiv_seal(c->key, c->ad, c->ad_len, c->nonce, buf, c->len,
			     buf) || memcmp(buf, c->out, n))
		return -EINVAL;
	if (knts_gcmsiv_open(c->key, c->ad, c->ad_len, c->nonce, buf, c->len,
			     buf) || memcmp(buf, c->pt, c->len))
		return -EINVAL;
	memset(buf, 0, n);
	if (knts_aead_seal(KNTS_AEAD_AES_128_GCM_SIV, c->key, 16, c->ad,
			   c->ad_len, c->nonce, KNTS_GCMSIV_NONCE_LEN, c->pt,
			   c->len, buf) || memcmp(buf, c->out, n))
		return -EINVAL;
	buf[n - 1] ^= 1;
	if (knts_gcmsiv_open(c->key, c->ad, c->ad_len, c->nonce, buf, c->len,
			     buf) != -EBADMSG || memchr_inv(buf, 0, c->len))
		return -EINVAL;
	if (!c->ad_len)
		return 0;
	memcpy(buf, c->out, n);
	memcpy(ad, c->ad, c->ad_len);
	ad[c->ad_len - 1] ^= 0x80;
	if (knts_aead_open(KNTS_AEAD_AES_128_GCM_SIV, c->key, 16, ad,
			   c->ad_len, c->nonce, KNTS_GCMSIV_NONCE_LEN, buf,
			   c->len, buf) != -EBADMSG)
		return -EINVAL;
	return 0;
}

/*
 * A cookie under a GCM-SIV master key (chrony >= 4.4's layout) for a
 * session of AEAD 30: 64 bytes, opens to the same keys, refuses a
 * flipped ciphertext bit with the keys zeroed. The master key prepared
 * once (@gk, as a key set has it) gives the same bytes as the raw key.
 */
static int kat_gcm_cookie(u8 *buf, struct knts_gcmsiv_key *gk)
{
	struct knts_cookie_keys *k = (struct knts_cookie_keys *)buf;
	struct knts_cookie_keys *back = k + 1;
	u8 *cookie = (u8 *)(back + 1), *again = cookie + 64;
	const u8 *master = kat_gcm_c1_18_key;
	const u32 id = 0x6d5e4f3c;
	unsigned int i;
	int err = -EINVAL;

	memset(k, 0, sizeof(*k));
	k->aead = KNTS_AEAD_AES_128_GCM_SIV;
	k->key_len = 16;
	for (i = 0; i < 32; i++)
		k->key[i] = 0x40 + i;
	if (knts_cookie_seal_alg(KNTS_AEAD_AES_128_GCM_SIV, master, id,
				 kat_gcm_c1_2_out, k, cookie, 64) != 64 ||
	    memcmp(cookie + 4, kat_gcm_c1_2_out, 12) ||
	    knts_cookie_open_alg(KNTS_AEAD_AES_128_GCM_SIV, master, id, cookie,
				 64, back) ||
	    back->aead != KNTS_AEAD_AES_128_GCM_SIV ||
	    memcmp(back->key, k->key, 32))
		return -EINVAL;
	knts_gcmsiv_key_prepare(gk, master);
	if (knts_cookie_seal_gkey(gk, id, kat_gcm_c1_2_out, k, again, 64) != 64 ||
	    memcmp(again, cookie, 64) ||
	    knts_cookie_open_gkey(gk, id, cookie, 64, back) ||
	    memcmp(back->key, k->key, 32))
		goto out;
	cookie[20] ^= 4;
	if (knts_cookie_open_alg(KNTS_AEAD_AES_128_GCM_SIV, master, id, cookie,
				 64, back) != -EBADMSG ||
	    memchr_inv(back, 0, sizeof(*back)))
		goto out;
	memset(back, 0x55, sizeof(*back));
	if (knts_cookie_open_gkey(gk, id, cookie, 64, back) != -EBADMSG ||
	    memchr_inv(back, 0, sizeof(*back)))
		goto out;
	err = 0;
out:
	knts_gcmsiv_key_wipe(gk);
	return err;
}

/*
 * RFC 8452 C.1 and A (POLYVAL), and the cookie, on the backend the
 * dispatcher takes now: 5 tests. @ni: POLYVAL of the AES-NI core (with
 * PCLMULQDQ), else gcmsiv.c's bitwise one.
 */
static int kat_gcm_all(const char *on, bool ni, u8 *buf, u8 *ad,
		       struct knts_gcmsiv_key *gk)
{
	const struct kat_gcm cases[] = {
		{ "rfc8452-c1-pt8", kat_gcm_c1_2_key, kat_gcm_c1_2_nonce,
		  NULL, kat_gcm_c1_2_pt, kat_gcm_c1_2_out, 0,
		  sizeof(kat_gcm_c1_2_pt) },
		{ "rfc8452-c1-ad18-pt20", kat_gcm_c1_15_key,
		  kat_gcm_c1_15_nonce, kat_gcm_c1_15_ad, kat_gcm_c1_15_pt,
		  kat_gcm_c1_15_out, sizeof(kat_gcm_c1_15_ad),
		  sizeof(kat_gcm_c1_15_pt) },
		{ "rfc8452-c1-random", kat_gcm_c1_18_key, kat_gcm_c1_18_nonce,
		  kat_gcm_c1_18_ad, kat_gcm_c1_18_pt, kat_gcm_c1_18_out,
		  sizeof(kat_gcm_c1_18_ad), sizeof(kat_gcm_c1_18_pt) },
	};
	u8 acc[16];
	unsigned int i;
	int err = 0;

	memset(acc, kat_inject_fault, sizeof(acc));
	if (ni)
		err = knts_gcmsiv_ni_polyval(acc, kat_polyval_h, kat_polyval_x,
					     2);
	else
		knts_polyval(acc, kat_polyval_h, kat_polyval_x, 2);
	if (err || memcmp(acc, kat_polyval_out, sizeof(acc))) {
		pr_err("self-test rfc8452-polyval failed on gcm-siv (%s)\n", on);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (kat_gcm_one(&cases[i], buf, ad)) {
			pr_err("self-test %s failed on gcm-siv (%s)\n",
			       cases[i].name, on);
			return -EINVAL;
		}
	}
	if (kat_gcm_cookie(buf, gk)) {
		pr_err("self-test gcm-siv-cookie failed on gcm-siv (%s)\n", on);
		return -EINVAL;
	}
	pr_info("self-tests: %u passed on gcm-siv (%s)\n",
		(unsigned int)ARRAY_SIZE(cases) + 2, on);
	return 0;
}

/*
 * kat_gcm_all() on the backend @ni, which must then have run every
 * AEAD 30 operation: the dispatcher falls back silently, so the
 * operation counters prove which backend answered.
 */
static int kat_gcm_on(const char *on, bool ni, u8 *buf, u8 *ad,
		      struct knts_gcmsiv_key *gk)
{
	u64 mine = knts_gcmsiv_ops(ni), other = knts_gcmsiv_ops(!ni);
	int err = kat_gcm_all(on, ni, buf, ad, gk);

	if (!err && (knts_gcmsiv_ops(!ni) != other ||
		     knts_gcmsiv_ops(ni) < mine + 20)) {
		pr_err("self-test: gcm-siv (%s) ran on the other backend\n", on);
		err = -EINVAL;
	}
	return err;
}

/*
 * Parity, as for AES-SIV: the same inputs sealed on aesni and on lib
 * give the same bytes, each opens what the other sealed, for AD and
 * plaintexts of 0 to 200 bytes (every tail length below 32; the NTS
 * shapes: a request's MAC over ~200 bytes of AD, a 32-byte cookie, a
 * 104-byte cookie EF). @buf: 4 * KAT_BUF of heap.
 */
static int kat_gcm_parity(u8 *buf)
{
	u8 *key = buf, *nonce = buf + 16, *ad = buf + 32, *pt = buf + 256;
	u8 *c1 = buf + 512, *c2 = buf + 768;
	unsigned int i, runs = 0;
	int err = 0;

	for (i = 0; i < 48 && !err; i++) {
		size_t ad_len = (i * 37) % 201, len = i < 32 ? i : (i * 29) % 201;

		kat_fill(key, 16, i);
		kat_fill(nonce, 12, i + 100);
		kat_fill(ad, 200, i + 3);
		kat_fill(pt, 200, i + 7 + kat_inject_fault);
		knts_siv_force = KNTS_SIV_LIB;
		err = knts_gcmsiv_seal(key, ad, ad_len, nonce, pt, len, c1);
		knts_siv_force = KNTS_SIV_AESNI;
		err = err ?: knts_gcmsiv_seal(key, ad, ad_len, nonce, pt, len,
					      c2);
		if (!err && memcmp(c1, c2, len + KNTS_GCMSIV_TAG_LEN))
			err = -EINVAL;
		err = err ?: knts_gcmsiv_open(key, ad, ad_len, nonce, c1, len,
					      c1);
		if (!err && memcmp(c1, pt, len))
			err = -EINVAL;
		knts_siv_force = KNTS_SIV_LIB;
		err = err ?: knts_gcmsiv_open(key, ad, ad_len, nonce, c2, len,
					      c2);
		if (!err && memcmp(c2, pt, len))
			err = -EINVAL;
		if (err)
			pr_err("self-test gcm-siv parity failed: %zu bytes of AD, %zu of plaintext\n",
			       ad_len, len);
		runs++;
	}
	knts_siv_force = KNTS_SIV_AUTO;
	if (!err)
		pr_info("self-tests: gcm-siv aesni and lib agree on %u inputs\n",
			runs);
	return err;
}

/*
 * AES-128-GCM-SIV on lib AES, and where the CPU has them on the AES-NI
 * core: forced, as the fallback inside a kernel FPU section (lib), in
 * one knts_siv_begin() section as a packet leg runs it, and in parity
 * with lib.
 */
static int kat_gcmsiv(u8 *buf, u8 *ad)
{
	struct knts_gcmsiv_key *gk = kzalloc(sizeof(*gk), GFP_KERNEL);
	u64 sect;
	bool opened;
	int err;

	if (!gk)
		return -ENOMEM;
	knts_siv_force = KNTS_SIV_LIB;
	err = kat_gcm_on("lib AES", false, buf, ad, gk);
	knts_siv_force = KNTS_SIV_AESNI;
	if (!err && knts_gcmsiv_ni_ready())
		err = kat_gcm_on("aesni", true, buf, ad, gk);
	knts_siv_force = KNTS_SIV_AUTO;
	if (err || !knts_gcmsiv_ni_ready())
		goto out;
#if IS_ENABLED(CONFIG_X86)
	local_bh_disable();
	kernel_fpu_begin();
	err = kat_gcm_on("lib AES, as the fallback with SIMD not usable",
			 false, buf, ad, gk);
	kernel_fpu_end();
	local_bh_enable();
#endif
	if (err)
		goto out;
	sect = knts_siv_ni_sections();
	opened = knts_siv_begin();
	err = opened ? kat_gcm_on("aesni, in one FPU section", true, buf, ad,
				  gk) : -EINVAL;
	knts_siv_end(opened);
	if (!err && knts_siv_ni_sections() != sect + 1)
		err = -EINVAL;
	if (err) {
		pr_err("self-test: the gcm-siv operations did not share one FPU section\n");
		goto out;
	}
	err = kat_gcm_parity(buf);
out:
	kfree_sensitive(gk);
	return err;
}

int knts_kat_run(void)
{
	u8 *buf, *ad0, *c2s, *s2c, *cookie_ef;
	struct knts_siv_key *pk;
	unsigned int i;
	int err = 0;

	buf = kzalloc(4 * KAT_BUF, GFP_KERNEL);
	pk = kzalloc(sizeof(*pk), GFP_KERNEL);
	if (!buf || !pk) {
		kfree(buf);
		kfree(pk);
		return -ENOMEM;
	}
	ad0 = buf + KAT_BUF;
	c2s = ad0 + KAT_BUF;
	s2c = c2s + 32;
	cookie_ef = s2c + 32;
	for (i = 0; i < 32; i++) {
		c2s[i] = i + kat_inject_fault;
		s2c[i] = 0x20 + i;
	}
	/* The synthetic response encrypts one cookie EF of 0x30, 0x31, ... */
	cookie_ef[0] = 0x02;
	cookie_ef[1] = 0x04;
	cookie_ef[2] = 0x00;
	cookie_ef[3] = 0x68;
	for (i = 0; i < 100; i++)
		cookie_ef[4 + i] = 0x30 + i;

	/* Every backend the dispatcher may pick, each forced in turn. */
	for (i = 0; i < KNTS_SIV_NR_IMPL && !err; i++) {
		if (!knts_siv_impl_ready(i))
			continue;
		knts_siv_force = i;
		err = kat_all(knts_siv_impl_name(i), buf, ad0, c2s, s2c,
			      cookie_ef, pk);
	}
	knts_siv_force = KNTS_SIV_AUTO;
	if (!err)
		err = kat_fallback(buf, ad0, c2s, s2c, cookie_ef, pk);
	if (!err)
		err = kat_one_section(buf, ad0, c2s, s2c, cookie_ef, pk);
	if (!err)
		err = kat_parity(buf);
	if (!err)
		err = kat_gcmsiv(buf, ad0);
	if (!err)
		err = knts_siv_ni_nonce_selftest();
	/* The KATs left their keys in this CPU's transforms: wipe them. */
	if (!err) {
		err = knts_siv_forget_test(kat_skip_wipe);
		if (!err)
			pr_info("self-test: the per-CPU AES state forgot its keys\n");
	}
	kfree_sensitive(buf);
	kfree_sensitive(pk);
	return err;
}
