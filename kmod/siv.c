// SPDX-License-Identifier: GPL-2.0
/*
 * AES-SIV-CMAC (RFC 5297) in the kernel: one entry point per direction
 * that picks an AES backend per call (see siv_impl.h), and the mode
 * itself for the block backends, lib and simd.
 *
 * The choice per call: simd when the CPU has AES-NI and SIMD is usable
 * right now, else lib; on other CPUs the crypto API templates (api),
 * which on arm64 run on the CE instructions.
 *
 * The block backends compute S2V by hand: CMAC is CBC-MAC with the last
 * block folded with a subkey (RFC 4493), and each CMAC goes through a
 * per-CPU scratch buffer so that simd can encrypt it in one call and the
 * caller's buffers may live anywhere (the stack included) for the MAC.
 * Bottom halves are disabled around every use of the per-CPU state.
 */
#include <crypto/algapi.h>
#include <linux/atomic.h>
#include <linux/bottom_half.h>
#include <linux/errno.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "gcmsiv_key.h"
#include "knts.h"
#include "siv.h"
#include "siv_impl.h"
#include "siv_key.h"
#include "simd_section.h"

#define SIV_BLOCK	KNTS_SIV_BLOCK
/* CMAC input per backend call; NTS associated data mostly fits in one. */
#define SIV_SCRATCH	256

struct siv_pcpu {
	u8 *scratch;			/* SIV_SCRATCH bytes, heap (scatterlists) */
	struct knts_siv_key *sess;	/* a per-packet key: too big for a stack */
};

static DEFINE_PER_CPU(struct siv_pcpu, siv_pcpu);

int knts_siv_force = KNTS_SIV_AUTO;
static atomic64_t siv_key_gen = ATOMIC64_INIT(0);
static unsigned int siv_fast = KNTS_SIV_API;
static unsigned int siv_fallback = KNTS_SIV_API;

static const char *const siv_impl_names[KNTS_SIV_NR_IMPL] = {
	[KNTS_SIV_API] = "api",
	[KNTS_SIV_LIB] = "lib",
	[KNTS_SIV_SIMD] = "simd",
	[KNTS_SIV_AESNI] = KNTS_AES_CORE_NAME,
};

/* Operations per backend, per CPU (the selftests read them, debugfs). */
static DEFINE_PER_CPU(u64 [KNTS_SIV_NR_IMPL], siv_ops);

u64 knts_siv_impl_ops(unsigned int impl)
{
	u64 n = 0;
	int cpu;

	if (impl >= KNTS_SIV_NR_IMPL)
		return 0;
	for_each_possible_cpu(cpu)
		n += per_cpu(siv_ops, cpu)[impl];
	return n;
}

const char *knts_siv_impl_name(unsigned int impl)
{
	return impl < KNTS_SIV_NR_IMPL ? siv_impl_names[impl] : "?";
}

bool knts_siv_impl_ready(unsigned int impl)
{
	return impl == KNTS_SIV_API || impl == KNTS_SIV_LIB ||
	       (impl == KNTS_SIV_SIMD && knts_siv_simd_ready()) ||
	       (impl == KNTS_SIV_AESNI && knts_siv_ni_ready());
}

unsigned int knts_siv_impl_fast(void)
{
	return siv_fast;
}

unsigned int knts_siv_impl_fallback(void)
{
	return siv_fallback;
}

/*
 * KNTS_BENCH_FORCE_LIB: a benchmark-only build (tests/bench/build-module
 * lib, never kmod/knts.ko) that runs every operation the dispatcher
 * chooses on lib, no FPU section at all, to tell in a profile what the
 * FPU sections of simd cost. The load-time self-tests still force each
 * backend.
 */
#ifdef KNTS_BENCH_FORCE_LIB
#define KNTS_SIV_DEFAULT	KNTS_SIV_LIB
#else
#define KNTS_SIV_DEFAULT	KNTS_SIV_AUTO
#endif

/* Bottom halves disabled. */
static unsigned int siv_pick(void)
{
	int force = READ_ONCE(knts_siv_force);

	if (force == KNTS_SIV_AUTO)
		force = KNTS_SIV_DEFAULT;
	if (force == KNTS_SIV_API || force == KNTS_SIV_LIB)
		return force;
	if (force == KNTS_SIV_SIMD)
		return knts_siv_simd_usable() ? KNTS_SIV_SIMD : KNTS_SIV_LIB;
	if (force == KNTS_SIV_AESNI)
		return knts_siv_ni_usable() ? KNTS_SIV_AESNI : KNTS_SIV_LIB;
	if (siv_fast == KNTS_SIV_AESNI && knts_siv_ni_usable())
		return KNTS_SIV_AESNI;
	if (siv_fast == KNTS_SIV_SIMD && knts_siv_simd_usable())
		return KNTS_SIV_SIMD;
	return siv_fallback;
}

/*
 * Bottom halves disabled. AES-128-GCM-SIV's core (gcmsiv_ni.c) runs
 * exactly where AES-SIV's would: the same FPU section rules, and the
 * same forcing for the tests and the benchmark.
 */
bool knts_siv_pick_aesni(void)
{
	return siv_pick() == KNTS_SIV_AESNI;
}

/* The section is opened only for the backend that uses it. */
bool knts_siv_begin(void)
{
	int force = READ_ONCE(knts_siv_force);

	local_bh_disable();
	if (force == KNTS_SIV_AUTO)
		force = KNTS_SIV_DEFAULT;
	if (force == KNTS_SIV_AESNI ||
	    (force == KNTS_SIV_AUTO && siv_fast == KNTS_SIV_AESNI))
		return knts_siv_ni_begin();
	return false;
}

void knts_siv_end(bool opened)
{
	knts_siv_ni_end(opened);
	local_bh_enable();
}

/*
 * One block-backend operation: where its keys are (this CPU's transforms
 * or lib schedules; subkeys from a prepared key or derived into the
 * per-CPU one), the scratch buffer and how much of it got dirty.
 */
struct siv_run {
	unsigned int impl;
	struct knts_siv_simd_tfms *tfms;
	const struct compat_aes_key *mac, *ctr;
	const u8 *k1, *k2, *d0;
	const u8 *d_empty;		/* prepared keys only */
	struct siv_pcpu *pc;
	unsigned int dirty;
	bool sess;			/* pc->sess holds key material */
};

static int siv_cbcmac(struct siv_run *r, u8 state[SIV_BLOCK], unsigned int n)
{
	r->dirty = max(r->dirty, n * SIV_BLOCK);
	if (r->impl == KNTS_SIV_SIMD)
		return knts_siv_simd_cbcmac(r->tfms->cbc, state, r->pc->scratch,
					    n);
	knts_siv_lib_cbcmac(r->mac, state, r->pc->scratch, n);
	return 0;
}

/* CTR with the synthetic IV, bits 63 and 31 cleared (RFC 5297 s2.5). */
static int siv_ctr(struct siv_run *r, const u8 v[SIV_BLOCK], const u8 *in,
		   u8 *out, size_t len)
{
	u8 q[SIV_BLOCK];
	int err = 0;

	if (!len)
		return 0;
	memcpy(q, v, SIV_BLOCK);
	q[8] &= 0x7f;
	q[12] &= 0x7f;
	if (r->impl == KNTS_SIV_SIMD)
		err = knts_siv_skcipher_ctr(r->tfms->ctr, q, in, out, len);
	else
		knts_siv_lib_ctr(r->ctr, q, in, out, len);
	memzero_explicit(q, sizeof(q));
	return err;
}

/*
 * CMAC(K1, M) where M is @msg with @xorend, when given, xored into its
 * last 16 bytes (S2V's xorend; then @len >= 16). The message goes through
 * the scratch buffer in chunks of whole blocks; the last chunk gets the
 * 10* padding and the subkey.
 */
static int siv_cmac(struct siv_run *r, const u8 *msg, size_t len,
		    const u8 *xorend, u8 out[SIV_BLOCK])
{
	size_t padded = len ? round_up(len, SIV_BLOCK) : SIV_BLOCK;
	size_t xo = xorend ? len - SIV_BLOCK : 0;
	size_t off, clen, dlen, start, end;
	u8 *s = r->pc->scratch;
	int err = 0;

	memset(out, 0, SIV_BLOCK);
	for (off = 0; !err && off < padded; off += clen) {
		clen = min_t(size_t, padded - off, SIV_SCRATCH);
		dlen = off < len ? min_t(size_t, clen, len - off) : 0;
		if (dlen)
			memcpy(s, msg + off, dlen);
		if (dlen < clen) {
			s[dlen] = 0x80;
			memset(s + dlen + 1, 0, clen - dlen - 1);
		}
		if (xorend) {
			start = max(xo, off);
			end = min(len, off + dlen);
			if (end > start)
				crypto_xor(s + start - off, xorend + start - xo,
					   end - start);
		}
		if (off + clen == padded)
			crypto_xor(s + clen - SIV_BLOCK,
				   len && !(len % SIV_BLOCK) ? r->k1 : r->k2,
				   SIV_BLOCK);
		err = siv_cbcmac(r, out, clen / SIV_BLOCK);
	}
	return err;
}

static int siv_s2v(struct siv_run *r, const struct knts_siv_ad *ad,
		   unsigned int n_ad, const u8 *pt, size_t len,
		   u8 v[SIV_BLOCK])
{
	u8 d[SIV_BLOCK], t[SIV_BLOCK];
	unsigned int i;
	int err = 0;

	i = 0;
	if (r->d_empty && n_ad && !ad[0].len) {
		memcpy(d, r->d_empty, SIV_BLOCK);
		i = 1;
	} else {
		memcpy(d, r->d0, SIV_BLOCK);
	}
	for (; !err && i < n_ad; i++) {
		knts_siv_dbl(d);
		err = siv_cmac(r, ad[i].data, ad[i].len, NULL, t);
		crypto_xor(d, t, SIV_BLOCK);
	}
	if (!err && len >= SIV_BLOCK) {
		err = siv_cmac(r, pt, len, d, v);
	} else if (!err) {
		knts_siv_dbl(d);
		memset(t, 0, SIV_BLOCK);
		if (len)
			memcpy(t, pt, len);
		t[len] = 0x80;
		crypto_xor(d, t, SIV_BLOCK);
		err = siv_cmac(r, d, SIV_BLOCK, NULL, v);
	}
	memzero_explicit(d, sizeof(d));
	memzero_explicit(t, sizeof(t));
	return err;
}

/* From L = E(K1, 0^128): the CMAC subkeys, then D0 = CMAC(K1, 0^128). */
static int siv_derive(struct siv_run *r, struct knts_siv_key *k)
{
	u8 *s = r->pc->scratch;
	int err;

	memset(k->k1, 0, SIV_BLOCK);
	memset(s, 0, SIV_BLOCK);
	err = siv_cbcmac(r, k->k1, 1);
	if (err)
		return err;
	knts_siv_dbl(k->k1);
	memcpy(k->k2, k->k1, SIV_BLOCK);
	knts_siv_dbl(k->k2);
	/* The all-zero block is complete: M xor K1 = K1. */
	memset(k->d0, 0, SIV_BLOCK);
	memcpy(s, k->k1, SIV_BLOCK);
	return siv_cbcmac(r, k->d0, 1);
}

/* Point @r at this CPU's state for @impl; bottom halves disabled. */
static void siv_run_start(struct siv_run *r, unsigned int impl)
{
	memset(r, 0, sizeof(*r));
	r->impl = impl;
	r->pc = this_cpu_ptr(&siv_pcpu);
}

/*
 * Key this CPU's simd transforms, unless they hold the prepared key @pk
 * already: both halves then, so that the pair stays complete.
 */
static int siv_simd_key(struct knts_siv_simd_tfms *t,
			const struct knts_siv_key *pk, const u8 *key,
			unsigned int half, bool need_ctr)
{
	int err;

	if (pk && t->gen == pk->gen)
		return 0;
	t->gen = 0;
	err = knts_siv_simd_setkey(t->cbc, key, half);
	if (!err && (pk || need_ctr))
		err = knts_siv_simd_setkey(t->ctr, key + half, half);
	if (!err && pk)
		t->gen = pk->gen;
	return err;
}

/*
 * A prepared key: simd keys this CPU's transforms when they hold another
 * key, everything else comes ready. A raw key is prepared in
 * this CPU's session key; @need_ctr is false for a MAC-only operation.
 */
static int siv_run_key(struct siv_run *r, const struct knts_siv_key *pk,
		       const u8 *key, unsigned int key_len, bool need_ctr)
{
	struct knts_siv_key *k = r->pc->sess;
	unsigned int half = key_len / 2;
	int err = 0;

	if (pk) {
		key = pk->key;
		r->mac = &pk->mac;
		r->ctr = &pk->ctr;
	} else {
		r->sess = true;
		r->mac = &k->mac;
		r->ctr = &k->ctr;
	}
	if (r->impl == KNTS_SIV_SIMD) {
		r->tfms = knts_siv_simd_this_cpu(!!pk);
		err = siv_simd_key(r->tfms, pk, key, half, need_ctr);
	} else if (!pk) {
		err = compat_aes_prepare(&k->mac, key, half);
		if (!err && need_ctr)
			err = compat_aes_prepare(&k->ctr, key + half, half);
	}
	if (!err && !pk)
		err = siv_derive(r, k);
	if (!pk)
		pk = k;
	r->k1 = pk->k1;
	r->k2 = pk->k2;
	r->d0 = pk->d0;
	if (!r->sess)
		r->d_empty = pk->d_empty;
	return err;
}

/* The per-CPU state held plaintext and key material: wipe what we used. */
static void siv_run_end(struct siv_run *r)
{
	struct knts_siv_key *k = r->pc->sess;

	memzero_explicit(r->pc->scratch, r->dirty);
	if (!r->sess)
		return;
	if (r->impl == KNTS_SIV_LIB) {
		memzero_explicit(&k->mac, sizeof(k->mac));
		memzero_explicit(&k->ctr, sizeof(k->ctr));
	}
	memzero_explicit(k->k1, sizeof(k->k1));
	memzero_explicit(k->k2, sizeof(k->k2));
	memzero_explicit(k->d0, sizeof(k->d0));
}

static int siv_blk_seal(struct siv_run *r, const struct knts_siv_key *pk,
			const u8 *key, unsigned int key_len,
			const struct knts_siv_ad *ad, unsigned int n_ad,
			const u8 *pt, size_t len, u8 v[SIV_BLOCK], u8 *ct)
{
	int err;

	err = siv_run_key(r, pk, key, key_len, len != 0) ?:
	      siv_s2v(r, ad, n_ad, pt, len, v) ?:
	      siv_ctr(r, v, pt, ct, len);
	siv_run_end(r);
	return err;
}

static int siv_blk_open(struct siv_run *r, const struct knts_siv_key *pk,
			const u8 *key, unsigned int key_len,
			const struct knts_siv_ad *ad, unsigned int n_ad,
			const u8 want[SIV_BLOCK], const u8 *ct, size_t len,
			u8 *pt)
{
	u8 v[SIV_BLOCK];
	int err;

	err = siv_run_key(r, pk, key, key_len, len != 0) ?:
	      siv_ctr(r, want, ct, pt, len) ?:
	      siv_s2v(r, ad, n_ad, pt, len, v);
	siv_run_end(r);
	if (!err && crypto_memneq(v, want, SIV_BLOCK))
		err = -EBADMSG;
	memzero_explicit(v, sizeof(v));
	return err;
}

static bool siv_args_ok(unsigned int key_len, unsigned int n_ad)
{
	return (key_len == 32 || key_len == 48 || key_len == 64) &&
	       n_ad <= KNTS_SIV_MAX_AD;
}

/*
 * The api and block backends. Their own function, so that the block
 * backends' per-operation state (which the stack initialisation zeroes
 * on every entry) costs nothing to the aesni operations.
 */
static noinline int siv_seal_other(unsigned int impl,
				   const struct knts_siv_key *pk,
				   const u8 *key, unsigned int key_len,
				   const struct knts_siv_ad *ad,
				   unsigned int n_ad, const u8 *pt, size_t len,
				   u8 v[SIV_BLOCK], u8 *ct)
{
	struct siv_run r;

	if (impl == KNTS_SIV_API)
		return knts_siv_api_seal(key, key_len, pk, ad, n_ad, pt, len,
					 v, ct);
	siv_run_start(&r, impl);
	return siv_blk_seal(&r, pk, key, key_len, ad, n_ad, pt, len, v, ct);
}

/*
 * Seal with a raw key (@pk NULL) or a prepared one. Inlined into each
 * public wrapper: one call less on every operation.
 */
static __always_inline int siv_seal(const struct knts_siv_key *pk,
				    const u8 *key, unsigned int key_len,
				    const struct knts_siv_ad *ad,
				    unsigned int n_ad, const u8 *pt,
				    size_t len, u8 tag[KNTS_SIV_TAG_LEN],
				    u8 *ct)
{
	unsigned int impl;
	u8 v[SIV_BLOCK];
	int err;

	if (!siv_args_ok(key_len, n_ad))
		return -EINVAL;
	if (knts_siv_ni_in_section()) {
		/*
		 * A leg's section (knts_siv_begin()): chosen, halves off. The
		 * core cannot fail: the tag goes straight where it belongs.
		 */
		this_cpu_inc(siv_ops[KNTS_SIV_AESNI]);
		return knts_siv_ni_seal(pk, key, key_len, ad, n_ad, pt, len,
					tag, ct);
	}
	local_bh_disable();
	impl = siv_pick();
	this_cpu_inc(siv_ops[impl]);
	if (impl == KNTS_SIV_AESNI)
		err = knts_siv_ni_seal(pk, key, key_len, ad, n_ad, pt, len, v,
				       ct);
	else
		err = siv_seal_other(impl, pk, key, key_len, ad, n_ad, pt, len,
				     v, ct);
	local_bh_enable();
	if (!err)
		memcpy(tag, v, SIV_BLOCK);
	memzero_explicit(v, sizeof(v));
	return err;
}

/* As siv_seal_other(), to open. */
static noinline int siv_open_other(unsigned int impl,
				   const struct knts_siv_key *pk,
				   const u8 *key, unsigned int key_len,
				   const struct knts_siv_ad *ad,
				   unsigned int n_ad, const u8 want[SIV_BLOCK],
				   const u8 *ct, size_t len, u8 *pt)
{
	struct siv_run r;

	if (impl == KNTS_SIV_API)
		return knts_siv_api_open(key, key_len, pk, ad, n_ad, want, ct,
					 len, pt);
	siv_run_start(&r, impl);
	return siv_blk_open(&r, pk, key, key_len, ad, n_ad, want, ct, len,
			    pt);
}

static __always_inline int siv_open(const struct knts_siv_key *pk,
				    const u8 *key, unsigned int key_len,
				    const struct knts_siv_ad *ad,
				    unsigned int n_ad,
				    const u8 tag[KNTS_SIV_TAG_LEN],
				    const u8 *ct, size_t len, u8 *pt)
{
	unsigned int impl;
	u8 want[SIV_BLOCK];
	int err;

	if (!siv_args_ok(key_len, n_ad))
		return -EINVAL;
	/* The tag may live in the buffer that decryption overwrites. */
	memcpy(want, tag, SIV_BLOCK);
	if (knts_siv_ni_in_section()) {
		/* A leg's section (knts_siv_begin()): chosen, halves off. */
		this_cpu_inc(siv_ops[KNTS_SIV_AESNI]);
		err = knts_siv_ni_open(pk, key, key_len, ad, n_ad, want, ct,
				       len, pt);
		goto done;
	}
	local_bh_disable();
	impl = siv_pick();
	this_cpu_inc(siv_ops[impl]);
	if (impl == KNTS_SIV_AESNI)
		err = knts_siv_ni_open(pk, key, key_len, ad, n_ad, want, ct,
				       len, pt);
	else
		err = siv_open_other(impl, pk, key, key_len, ad, n_ad, want,
				     ct, len, pt);
	local_bh_enable();
done:
	if (err)
		memzero_explicit(pt, len);
	memzero_explicit(want, sizeof(want));
	return err;
}

int knts_siv_seal(const u8 *key, unsigned int key_len,
		  const struct knts_siv_ad *ad, unsigned int n_ad,
		  const u8 *pt, size_t len, u8 tag[KNTS_SIV_TAG_LEN], u8 *ct)
{
	return siv_seal(NULL, key, key_len, ad, n_ad, pt, len, tag, ct);
}

int knts_siv_open(const u8 *key, unsigned int key_len,
		  const struct knts_siv_ad *ad, unsigned int n_ad,
		  const u8 tag[KNTS_SIV_TAG_LEN], const u8 *ct, size_t len,
		  u8 *pt)
{
	return siv_open(NULL, key, key_len, ad, n_ad, tag, ct, len, pt);
}

int knts_siv_seal_key(const struct knts_siv_key *k,
		      const struct knts_siv_ad *ad, unsigned int n_ad,
		      const u8 *pt, size_t len, u8 tag[KNTS_SIV_TAG_LEN],
		      u8 *ct)
{
	return siv_seal(k, k->key, k->key_len, ad, n_ad, pt, len, tag, ct);
}

int knts_siv_open_key(const struct knts_siv_key *k,
		      const struct knts_siv_ad *ad, unsigned int n_ad,
		      const u8 tag[KNTS_SIV_TAG_LEN], const u8 *ct, size_t len,
		      u8 *pt)
{
	return siv_open(k, k->key, k->key_len, ad, n_ad, tag, ct, len, pt);
}

/*
 * With lib AES, so it runs anywhere (process context at key install, or
 * the benchmark) and its result serves every backend.
 */
int knts_siv_key_prepare(struct knts_siv_key *k, const u8 *key,
			 unsigned int key_len)
{
	unsigned int half = key_len / 2;
	u8 blk[SIV_BLOCK] = { };
	int err;

	memset(k, 0, sizeof(*k));
	if (!siv_args_ok(key_len, 0))
		return -EINVAL;
	memcpy(k->key, key, key_len);
	k->key_len = key_len;
	k->gen = atomic64_inc_return(&siv_key_gen);
	err = compat_aes_prepare(&k->mac, key, half) ?:
	      compat_aes_prepare(&k->ctr, key + half, half);
	if (err) {
		knts_siv_key_wipe(k);
		return err;
	}
	/* L = E(0^128), the subkeys, then D0 = CMAC(0^128) = E(0 ^ K1). */
	knts_siv_lib_cbcmac(&k->mac, k->k1, blk, 1);
	knts_siv_dbl(k->k1);
	memcpy(k->k2, k->k1, SIV_BLOCK);
	knts_siv_dbl(k->k2);
	knts_siv_lib_cbcmac(&k->mac, k->d0, k->k1, 1);
	/* CMAC(""): 10^127 is an incomplete block, so it takes K2. */
	memcpy(blk, k->k2, SIV_BLOCK);
	blk[0] ^= 0x80;
	knts_siv_lib_cbcmac(&k->mac, k->d_empty, blk, 1);
	memcpy(blk, k->d0, SIV_BLOCK);
	knts_siv_dbl(blk);
	crypto_xor(k->d_empty, blk, SIV_BLOCK);
	memzero_explicit(blk, sizeof(blk));
	knts_siv_ni_prepare(k);
	return 0;
}

void knts_siv_key_wipe(struct knts_siv_key *k)
{
	memzero_explicit(k, sizeof(*k));
}

/*
 * The block backends' per-CPU state of @cpu: the session key struct is
 * wiped after each use already (siv_run_end); make sure of it. Bottom
 * halves disabled on @cpu, or @cpu offline.
 */
void knts_siv_blk_forget(int cpu)
{
	struct siv_pcpu *pc = per_cpu_ptr(&siv_pcpu, cpu);

	if (pc->sess)
		memzero_explicit(pc->sess, sizeof(*pc->sess));
	if (pc->scratch)
		memzero_explicit(pc->scratch, SIV_SCRATCH);
	knts_siv_ni_forget(cpu);
	knts_gcmsiv_ni_forget(cpu);
}

/* This CPU's session key struct and scratch buffer hold no byte. */
bool knts_siv_blk_forgotten(void)
{
	struct siv_pcpu *pc = this_cpu_ptr(&siv_pcpu);

	return !memchr_inv(pc->sess, 0, sizeof(*pc->sess)) &&
	       !memchr_inv(pc->scratch, 0, SIV_SCRATCH) &&
	       knts_siv_ni_forgotten() && knts_gcmsiv_ni_forgotten();
}

void knts_siv_exit(void)
{
	int cpu;

	knts_siv_forget_exit();
	knts_siv_api_exit();
	knts_siv_simd_exit();
	knts_gcmsiv_ni_exit();
	knts_siv_ni_exit();
	for_each_possible_cpu(cpu) {
		struct siv_pcpu *pc = per_cpu_ptr(&siv_pcpu, cpu);

		kfree_sensitive(pc->scratch);
		kfree_sensitive(pc->sess);
		pc->scratch = NULL;
		pc->sess = NULL;
	}
}

int knts_siv_init(void)
{
	int cpu, err;

	for_each_possible_cpu(cpu) {
		struct siv_pcpu *pc = per_cpu_ptr(&siv_pcpu, cpu);

		pc->scratch = kzalloc(SIV_SCRATCH, GFP_KERNEL);
		pc->sess = kzalloc(sizeof(*pc->sess), GFP_KERNEL);
		if (!pc->scratch || !pc->sess) {
			knts_siv_exit();
			return -ENOMEM;
		}
	}
	/* First: it may load aesni-intel, which the api templates then use. */
	err = knts_siv_simd_init() ?: knts_siv_api_init() ?:
	      knts_siv_ni_init() ?: knts_gcmsiv_ni_init();
	if (err) {
		knts_siv_exit();
		return err;
	}
	if (knts_siv_simd_ready()) {
		siv_fast = KNTS_SIV_SIMD;
		siv_fallback = KNTS_SIV_LIB;
	}
	/* knts's own AES-NI core where the CPU has it: the fewest cycles. */
	if (knts_siv_ni_ready()) {
		siv_fast = KNTS_SIV_AESNI;
		siv_fallback = KNTS_SIV_LIB;
	}
	if (siv_fast != siv_fallback)
		pr_info("AES-SIV on %s, %s when SIMD is not usable (api: %s, %s)\n",
			knts_siv_impl_name(siv_fast),
			knts_siv_impl_name(siv_fallback),
			knts_siv_api_driver(false), knts_siv_api_driver(true));
	else
		pr_info("AES-SIV on api: %s, %s\n", knts_siv_api_driver(false),
			knts_siv_api_driver(true));
	if (knts_gcmsiv_ni_ready())
		pr_info("AES-128-GCM-SIV on aesni (PCLMULQDQ), lib when SIMD is not usable\n");
	else
		pr_info("AES-128-GCM-SIV on lib\n");
	return 0;
}
