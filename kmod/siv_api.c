// SPDX-License-Identifier: GPL-2.0
/*
 * The api backend of AES-SIV: S2V over "cmac(aes)" keyed with K1, CTR
 * over "ctr(aes)" keyed with K2, as the crypto API offers them. The
 * kernel has no siv() template, so the mode is composed here.
 *
 * Why per-CPU transforms: every NTS packet brings its own key (C2S/S2C
 * come out of the cookie), so a transform per key would mean allocating
 * in the packet path. Instead each CPU owns one cmac and one ctr
 * transform, allocated at load, and each call sets its key first. The
 * dispatcher in siv.c disables bottom halves around the use so a softirq
 * on the same CPU cannot re-key the transforms under a process-context
 * caller. Setting a key neither sleeps nor allocates for aligned keys,
 * which we guarantee by copying the key into an aligned stack buffer.
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>
#include <linux/string.h>

#include "siv_impl.h"

#define SIV_BLOCK KNTS_SIV_BLOCK

struct knts_siv_tfms {
	struct crypto_shash *cmac;
	struct crypto_sync_skcipher *ctr;
};

static DEFINE_PER_CPU(struct knts_siv_tfms, knts_siv_tfms);

static const u8 siv_zero[SIV_BLOCK];

/* A prepared key @pk saves the first CMACs, which depend on K1 alone. */
static int siv_s2v(struct crypto_shash *cmac, const struct knts_siv_key *pk,
		   const struct knts_siv_ad *ad, unsigned int n_ad,
		   const u8 *pt, size_t len, u8 v[SIV_BLOCK])
{
	SHASH_DESC_ON_STACK(desc, cmac);
	u8 d[SIV_BLOCK], t[SIV_BLOCK];
	unsigned int i = 0;
	int err = 0;

	desc->tfm = cmac;
	if (pk && n_ad && !ad[0].len) {
		memcpy(d, pk->d_empty, SIV_BLOCK);
		i = 1;
	} else if (pk) {
		memcpy(d, pk->d0, SIV_BLOCK);
	} else {
		err = crypto_shash_digest(desc, siv_zero, SIV_BLOCK, d);
	}
	for (; !err && i < n_ad; i++) {
		knts_siv_dbl(d);
		err = crypto_shash_digest(desc, ad[i].data, ad[i].len, t);
		crypto_xor(d, t, SIV_BLOCK);
	}
	if (err)
		goto out;

	if (len >= SIV_BLOCK) {
		/* T = P xorend D: CMAC over P with D folded into its last block. */
		memcpy(t, pt + len - SIV_BLOCK, SIV_BLOCK);
		crypto_xor(t, d, SIV_BLOCK);
		err = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, pt, len - SIV_BLOCK) ?:
		      crypto_shash_finup(desc, t, SIV_BLOCK, v);
	} else {
		knts_siv_dbl(d);
		memset(t, 0, SIV_BLOCK);
		memcpy(t, pt, len);
		t[len] = 0x80;
		crypto_xor(d, t, SIV_BLOCK);
		err = crypto_shash_digest(desc, d, SIV_BLOCK, v);
	}
out:
	shash_desc_zero(desc);
	memzero_explicit(d, sizeof(d));
	memzero_explicit(t, sizeof(t));
	return err;
}

/*
 * CTR from @iv over @len bytes on a synchronous skcipher: the api
 * backend's ctr(aes) and simd's internal __ctr-aes-aesni alike. @in and
 * @out must not be on the stack (scatterlists).
 */
int knts_siv_skcipher_ctr(struct crypto_sync_skcipher *ctr,
			  const u8 iv[KNTS_SIV_BLOCK], const u8 *in, u8 *out,
			  size_t len)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, ctr);
	struct scatterlist sg_in, sg_out;
	u8 q[KNTS_SIV_BLOCK];
	int err;

	memcpy(q, iv, KNTS_SIV_BLOCK);
	sg_init_one(&sg_in, in, len);
	if (in != out)
		sg_init_one(&sg_out, out, len);
	skcipher_request_set_sync_tfm(req, ctr);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg_in, in == out ? &sg_in : &sg_out,
				   len, q);
	err = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	memzero_explicit(q, sizeof(q));
	return err;
}

/* CTR with the synthetic IV, bits 63 and 31 cleared (RFC 5297 s2.5). */
static int siv_ctr(struct crypto_sync_skcipher *ctr, const u8 v[SIV_BLOCK],
		   const u8 *in, u8 *out, size_t len)
{
	u8 q[SIV_BLOCK];
	int err;

	if (!len)
		return 0;
	memcpy(q, v, SIV_BLOCK);
	q[8] &= 0x7f;
	q[12] &= 0x7f;
	err = knts_siv_skcipher_ctr(ctr, q, in, out, len);
	memzero_explicit(q, sizeof(q));
	return err;
}

/*
 * Both keys on every call, as knts did before the other backends existed:
 * this backend is also the baseline the benchmark compares them with.
 */
static int siv_setkey(struct knts_siv_tfms *tfms, const u8 *key,
		      unsigned int key_len)
{
	u8 k[KNTS_SIV_MAX_KEY_LEN] __aligned(__alignof__(u64));
	unsigned int half = key_len / 2;
	int err;

	memcpy(k, key, key_len);
	err = crypto_shash_setkey(tfms->cmac, k, half) ?:
	      crypto_sync_skcipher_setkey(tfms->ctr, k + half, half);
	memzero_explicit(k, sizeof(k));
	return err;
}

int knts_siv_api_seal(const u8 *key, unsigned int key_len,
		      const struct knts_siv_key *pk,
		      const struct knts_siv_ad *ad, unsigned int n_ad,
		      const u8 *pt, size_t len, u8 tag[KNTS_SIV_TAG_LEN],
		      u8 *ct)
{
	struct knts_siv_tfms *tfms = this_cpu_ptr(&knts_siv_tfms);

	return siv_setkey(tfms, key, key_len) ?:
	       siv_s2v(tfms->cmac, pk, ad, n_ad, pt, len, tag) ?:
	       siv_ctr(tfms->ctr, tag, pt, ct, len);
}

int knts_siv_api_open(const u8 *key, unsigned int key_len,
		      const struct knts_siv_key *pk,
		      const struct knts_siv_ad *ad, unsigned int n_ad,
		      const u8 tag[KNTS_SIV_TAG_LEN], const u8 *ct, size_t len,
		      u8 *pt)
{
	struct knts_siv_tfms *tfms = this_cpu_ptr(&knts_siv_tfms);
	u8 v[SIV_BLOCK];
	int err;

	err = siv_setkey(tfms, key, key_len) ?:
	      siv_ctr(tfms->ctr, tag, ct, pt, len) ?:
	      siv_s2v(tfms->cmac, pk, ad, n_ad, pt, len, v);
	if (!err && crypto_memneq(v, tag, SIV_BLOCK))
		err = -EBADMSG;
	memzero_explicit(v, sizeof(v));
	return err;
}

/*
 * Overwrite the key schedules @cpu's transforms hold (the last session
 * key, or a master key) with those of the all-zero AES-256 key: the
 * longest schedule, so no round key of a longer key survives a shorter
 * one. Bottom halves disabled on @cpu, or @cpu offline.
 */
int knts_siv_api_forget(int cpu)
{
	struct knts_siv_tfms *tfms = per_cpu_ptr(&knts_siv_tfms, cpu);
	static const u8 zero[KNTS_SIV_WIPE_KEY_LEN] __aligned(8);

	if (!tfms->cmac || !tfms->ctr)
		return 0;
	return crypto_shash_setkey(tfms->cmac, zero, sizeof(zero)) ?:
	       crypto_sync_skcipher_setkey(tfms->ctr, zero, sizeof(zero));
}

/*
 * This CPU's transforms hold the all-zero key: their CMAC of one zero
 * block and their CTR key stream from a zero IV are @cmac0 and @e0
 * (computed with lib AES). @buf: two blocks off the stack.
 */
bool knts_siv_api_forgotten(const u8 e0[KNTS_SIV_BLOCK],
			    const u8 cmac0[KNTS_SIV_BLOCK], u8 *buf)
{
	struct knts_siv_tfms *tfms = this_cpu_ptr(&knts_siv_tfms);
	SHASH_DESC_ON_STACK(desc, tfms->cmac);
	bool ok;

	memset(buf, 0, 2 * SIV_BLOCK);
	desc->tfm = tfms->cmac;
	ok = !crypto_shash_digest(desc, buf, SIV_BLOCK, buf + SIV_BLOCK) &&
	     !memcmp(buf + SIV_BLOCK, cmac0, SIV_BLOCK);
	shash_desc_zero(desc);
	memset(buf, 0, 2 * SIV_BLOCK);
	return ok && !knts_siv_skcipher_ctr(tfms->ctr, buf, buf, buf + SIV_BLOCK,
					    SIV_BLOCK) &&
	       !memcmp(buf + SIV_BLOCK, e0, SIV_BLOCK);
}

const char *knts_siv_api_driver(bool ctr)
{
	struct knts_siv_tfms *tfms = per_cpu_ptr(&knts_siv_tfms, 0);

	if (ctr)
		return tfms->ctr ?
		       crypto_skcipher_driver_name(&tfms->ctr->base) : "none";
	return tfms->cmac ? crypto_shash_driver_name(tfms->cmac) : "none";
}

void knts_siv_api_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct knts_siv_tfms *tfms = per_cpu_ptr(&knts_siv_tfms, cpu);

		if (tfms->ctr)
			crypto_free_sync_skcipher(tfms->ctr);
		if (tfms->cmac)
			crypto_free_shash(tfms->cmac);
		tfms->ctr = NULL;
		tfms->cmac = NULL;
	}
}

int knts_siv_api_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct knts_siv_tfms *tfms = per_cpu_ptr(&knts_siv_tfms, cpu);
		struct crypto_shash *cmac;
		struct crypto_sync_skcipher *ctr;

		cmac = crypto_alloc_shash("cmac(aes)", 0, 0);
		if (IS_ERR(cmac)) {
			pr_err("cannot allocate cmac(aes) (%ld): is CONFIG_CRYPTO_CMAC enabled?\n",
			       PTR_ERR(cmac));
			knts_siv_api_exit();
			return PTR_ERR(cmac);
		}
		tfms->cmac = cmac;
		ctr = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
		if (IS_ERR(ctr)) {
			pr_err("cannot allocate ctr(aes) (%ld): is CONFIG_CRYPTO_CTR enabled?\n",
			       PTR_ERR(ctr));
			knts_siv_api_exit();
			return PTR_ERR(ctr);
		}
		tfms->ctr = ctr;
	}
	return 0;
}
