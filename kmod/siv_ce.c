// SPDX-License-Identifier: GPL-2.0
/*
 * AES-SIV-CMAC (RFC 5297) on the Armv8 Crypto Extensions: knts's own core
 * on arm64 (a Raspberry Pi 5's Cortex-A76 has them, a Pi 4's Cortex-A72
 * has not). It implements siv_aesni.h, the interface of the x86-64 core
 * (siv_aesni.c), so the glue (siv_ni.c), the dispatcher and the
 * self-tests are the same on both; only the vector code differs.
 *
 * This file alone is built with NEON and the AES instructions enabled
 * (kmod/Kbuild removes -mgeneral-regs-only), so the compiler may use
 * vector registers anywhere in it: every function here must run between
 * kernel_neon_begin() and kernel_neon_end(), which siv_ni.c opens once
 * per packet leg or per operation, and only when crypto_simd_usable().
 *
 * AESE does AddRoundKey, ShiftRows and SubBytes, AESMC MixColumns: the
 * rounds are AESE+AESMC with round keys 0 to nr - 2, AESE with nr - 1,
 * and a xor with nr. The schedules are FIPS-197's bytes, as on x86.
 */
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/types.h>

#include "siv_aesni.h"

/* sparse knows no NEON types: it checks the declarations (siv_aesni.h). */
#ifndef __CHECKER__

#include <asm/neon-intrinsics.h>

static __always_inline uint8x16_t ld(const void *p)
{
	return vld1q_u8(p);
}

static __always_inline void st(void *p, uint8x16_t x)
{
	vst1q_u8(p, x);
}

static __always_inline uint8x16_t zero(void)
{
	return vdupq_n_u8(0);
}

static __always_inline uint8x16_t enc(const struct knts_aesni_ks *ks,
				      uint8x16_t x)
{
	const u8 (*rk)[16] = ks->rk;
	unsigned int nr = ks->nr;

	x = vaesmcq_u8(vaeseq_u8(x, ld(rk[0])));
	x = vaesmcq_u8(vaeseq_u8(x, ld(rk[1])));
	x = vaesmcq_u8(vaeseq_u8(x, ld(rk[2])));
	x = vaesmcq_u8(vaeseq_u8(x, ld(rk[3])));
	x = vaesmcq_u8(vaeseq_u8(x, ld(rk[4])));
	x = vaesmcq_u8(vaeseq_u8(x, ld(rk[5])));
	x = vaesmcq_u8(vaeseq_u8(x, ld(rk[6])));
	x = vaesmcq_u8(vaeseq_u8(x, ld(rk[7])));
	x = vaesmcq_u8(vaeseq_u8(x, ld(rk[8])));
	if (nr > 10) {
		x = vaesmcq_u8(vaeseq_u8(x, ld(rk[9])));
		x = vaesmcq_u8(vaeseq_u8(x, ld(rk[10])));
		if (nr > 12) {
			x = vaesmcq_u8(vaeseq_u8(x, ld(rk[11])));
			x = vaesmcq_u8(vaeseq_u8(x, ld(rk[12])));
			return veorq_u8(vaeseq_u8(x, ld(rk[13])), ld(rk[14]));
		}
		return veorq_u8(vaeseq_u8(x, ld(rk[11])), ld(rk[12]));
	}
	return veorq_u8(vaeseq_u8(x, ld(rk[9])), ld(rk[10]));
}

/*
 * Multiply by x in GF(2^128), RFC 5297 dbl, big-endian, no branch: each
 * byte shifted left takes the top bit of the next, and the top bit of
 * byte 0 folds back into byte 15 as 0x87.
 */
static __always_inline uint8x16_t dbl(uint8x16_t x)
{
	static const u8 fold[16] = { 1, 1, 1, 1, 1, 1, 1, 1,
				     1, 1, 1, 1, 1, 1, 1, 0x87 };
	uint8x16_t top = vreinterpretq_u8_s8(vshrq_n_s8(vreinterpretq_s8_u8(x), 7));

	top = vandq_u8(vextq_u8(top, top, 1), ld(fold));
	return veorq_u8(vshlq_n_u8(x, 1), top);
}

/*
 * SubWord of @w: AESE with a zero key on @w in every column, where
 * ShiftRows moves nothing.
 */
static __always_inline u32 sub_word(u32 w)
{
	uint8x16_t x = vaeseq_u8(vreinterpretq_u8_u32(vdupq_n_u32(w)), zero());

	return vgetq_lane_u32(vreinterpretq_u32_u8(x), 0);
}

/*
 * Round key i of AES-128 from round key i - 1: every word of it gets
 * RotWord(SubWord(last word)) ^ rcon and the running xor of the words
 * before it (x86's aeskeygenassist scheme, in NEON).
 */
static __always_inline uint8x16_t exp128(uint8x16_t prev, u32 rcon)
{
	uint32x4_t p = vreinterpretq_u32_u8(prev), z = vdupq_n_u32(0);
	uint32x4_t t = vdupq_n_u32(ror32(sub_word(vgetq_lane_u32(p, 3)), 8) ^
				   rcon);

	p = veorq_u32(p, vextq_u32(z, p, 3));
	p = veorq_u32(p, vextq_u32(z, p, 2));
	return vreinterpretq_u8_u32(veorq_u32(p, t));
}

static void expand128(struct knts_aesni_ks *ks, const u8 *key)
{
	static const u8 rcon[10] = { 0x01, 0x02, 0x04, 0x08, 0x10,
				     0x20, 0x40, 0x80, 0x1b, 0x36 };
	u8 (*rk)[16] = ks->rk;
	uint8x16_t k = ld(key);
	unsigned int i;

	st(rk[0], k);
	for (i = 0; i < 10; i++) {
		k = exp128(k, rcon[i]);
		st(rk[i + 1], k);
	}
	ks->nr = 10;
}

/*
 * AES-192 and AES-256 (AEAD 16, 17: rarer): FIPS-197's word by word
 * expansion, little-endian words (RotWord is a rotation by 8 bits), with
 * AESE as the S-box.
 */
static void expand_words(struct knts_aesni_ks *ks, const u8 *key,
			 unsigned int len)
{
	unsigned int nk = len / 4, nr = nk + 6, i;
	u32 *w = (u32 *)ks->rk;
	u32 rcon = 1, t;

	memcpy(w, key, len);
	for (i = nk; i < 4 * (nr + 1); i++) {
		t = w[i - 1];
		if (i % nk == 0) {
			t = ror32(sub_word(t), 8) ^ rcon;
			rcon = (rcon << 1) ^ ((rcon >> 7) * 0x1b);
		} else if (nk > 6 && i % nk == 4) {
			t = sub_word(t);
		}
		w[i] = w[i - nk] ^ t;
	}
	ks->nr = nr;
}

static void expand(struct knts_aesni_ks *ks, const u8 *key, unsigned int len)
{
	if (len == 16)
		expand128(ks, key);
	else
		expand_words(ks, key, len);
}

void knts_aesni_prepare(struct knts_aesni_key *k, const u8 *key,
			unsigned int key_len, bool need_ctr, bool need_empty)
{
	static const u8 pad[16] = { 0x80 };
	unsigned int half = key_len / 2;
	uint8x16_t k1, k2, d0;

	expand(&k->mac, key, half);
	k->has_ctr = need_ctr;
	if (need_ctr)
		expand(&k->ctr, key + half, half);
	/* L = E(0^128); the subkeys; D0 = CMAC(0^128) = E(0 ^ K1). */
	k1 = dbl(enc(&k->mac, zero()));
	k2 = dbl(k1);
	d0 = enc(&k->mac, k1);
	st(k->k1, k1);
	st(k->k2, k2);
	st(k->d0, d0);
	k->has_d_empty = need_empty;
	/* CMAC(""): the padded block 10^127 takes K2. */
	if (need_empty)
		st(k->d_empty, veorq_u8(dbl(d0),
					enc(&k->mac, veorq_u8(k2, ld(pad)))));
}

static __always_inline void ks_wipe(struct knts_aesni_ks *ks)
{
	unsigned int i, n = ks->nr > 10 ? KNTS_AESNI_MAX_RK : 11;

	for (i = 0; i < n; i++)
		st(ks->rk[i], zero());
	ks->nr = 0;
}

void knts_aesni_wipe(struct knts_aesni_key *k)
{
	ks_wipe(&k->mac);
	if (k->has_ctr)
		ks_wipe(&k->ctr);
	st(k->k1, zero());
	st(k->k2, zero());
	st(k->d0, zero());
	st(k->d_empty, zero());
	k->has_ctr = false;
	k->has_d_empty = false;
	barrier_data(k);
}

/* CBC-MAC continued from @x over @n complete blocks at @m. */
static __always_inline uint8x16_t cbcmac(const struct knts_aesni_ks *s,
					 uint8x16_t x, const u8 *m, size_t n)
{
	for (; n; n--, m += 16)
		x = enc(s, veorq_u8(x, ld(m)));
	return x;
}

/*
 * CMAC's last block, 0 to 16 bytes at @m, from the chain value @x: a
 * complete block takes K1, a padded one K2 (RFC 4493).
 */
static __always_inline uint8x16_t cmac_last(const struct knts_aesni_ks *s,
					    uint8x16_t x, const u8 *m,
					    size_t len, uint8x16_t k1,
					    uint8x16_t k2)
{
	u8 b[16] __aligned(16);
	uint8x16_t last;

	if (len == 16)
		return enc(s, veorq_u8(veorq_u8(x, ld(m)), k1));
	st(b, zero());
	memcpy(b, m, len);
	b[len] = 0x80;
	last = ld(b);
	st(b, zero());
	barrier_data(b);
	return enc(s, veorq_u8(veorq_u8(x, last), k2));
}

static __always_inline uint8x16_t cmac(const struct knts_aesni_ks *s,
				       const u8 *m, size_t len, uint8x16_t k1,
				       uint8x16_t k2)
{
	size_t full = len ? (len - 1) / 16 : 0;
	uint8x16_t x = cbcmac(s, zero(), m, full);

	return cmac_last(s, x, m + 16 * full, len - 16 * full, k1, k2);
}

/*
 * CMAC of @m (@len >= 16) with @d xored into its last 16 bytes (S2V's
 * xorend): the blocks those bytes touch go through a local copy.
 */
static uint8x16_t cmac_xorend(const struct knts_aesni_ks *s, const u8 *m,
			      size_t len, uint8x16_t d, uint8x16_t k1,
			      uint8x16_t k2)
{
	size_t head = (len - 16) & ~(size_t)15;
	size_t tail = len - head;	/* 16 to 31 bytes */
	u8 b[32] __aligned(16);
	uint8x16_t x;

	x = cbcmac(s, zero(), m, head / 16);
	memcpy(b, m + head, tail);
	st(b + tail - 16, veorq_u8(ld(b + tail - 16), d));
	if (tail > 16) {
		x = cbcmac(s, x, b, 1);
		x = cmac_last(s, x, b + 16, tail - 16, k1, k2);
	} else {
		x = cmac_last(s, x, b, 16, k1, k2);
	}
	st(b, zero());
	st(b + 16, zero());
	barrier_data(b);
	return x;
}

void knts_aesni_s2v(const struct knts_aesni_key *k,
		    const struct knts_siv_ad *ad, unsigned int n_ad,
		    const u8 *pt, size_t len, u8 v[16])
{
	const struct knts_aesni_ks *s = &k->mac;
	uint8x16_t k1 = ld(k->k1), k2 = ld(k->k2), d, t;
	unsigned int i = 0;
	u8 b[16] __aligned(16);

	if (k->has_d_empty && n_ad && !ad[0].len) {
		d = ld(k->d_empty);
		i = 1;
	} else {
		d = ld(k->d0);
	}
	for (; i < n_ad; i++)
		d = veorq_u8(dbl(d), cmac(s, ad[i].data, ad[i].len, k1, k2));
	if (len >= 16) {
		t = cmac_xorend(s, pt, len, d, k1, k2);
	} else {
		/* dbl(D) xor pad(Sn): one complete block, so K1. */
		st(b, zero());
		memcpy(b, pt, len);
		b[len] = 0x80;
		t = enc(s, veorq_u8(veorq_u8(dbl(d), ld(b)), k1));
		st(b, zero());
		barrier_data(b);
	}
	st(v, t);
}

void knts_aesni_ctr(const struct knts_aesni_key *k, const u8 v[16],
		    const u8 *in, u8 *out, size_t len)
{
	/* Q = V with bits 63 and 31 cleared (RFC 5297 s2.5). */
	static const u8 clear[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff };
	static const u32 one[4] = { 0, 0, 0, 1 };
	const struct knts_aesni_ks *s = &k->ctr;
	u8 b[16] __aligned(16);
	uint32x4_t ctr, inc;

	if (!len)
		return;
	/*
	 * Each 32-bit word byte-swapped, so that one add increments the
	 * last, big-endian one: its top bit starts clear and a message is
	 * far shorter than 2^31 blocks, so the carry the 128-bit addition
	 * might need never comes.
	 */
	ctr = vreinterpretq_u32_u8(vrev32q_u8(vandq_u8(ld(v), ld(clear))));
	inc = vld1q_u32(one);
	for (; len >= 16; len -= 16, in += 16, out += 16) {
		uint8x16_t ks = enc(s, vrev32q_u8(vreinterpretq_u8_u32(ctr)));

		st(out, veorq_u8(ld(in), ks));
		ctr = vaddq_u32(ctr, inc);
	}
	if (len) {
		st(b, zero());
		memcpy(b, in, len);
		st(b, veorq_u8(ld(b),
			       enc(s, vrev32q_u8(vreinterpretq_u8_u32(ctr)))));
		memcpy(out, b, len);
		st(b, zero());
		barrier_data(b);
	}
}

void knts_aesni_counter(const struct knts_aesni_ks *ks, u64 hi, u64 lo,
			u8 *out, unsigned int len)
{
	u8 b[16] __aligned(16);
	uint8x16_t x;

	for (; len >= 16; len -= 16, out += 16, lo++)
		st(out, enc(ks, vreinterpretq_u8_u64(vcombine_u64(vcreate_u64(lo),
								  vcreate_u64(hi)))));
	if (len) {
		x = enc(ks, vreinterpretq_u8_u64(vcombine_u64(vcreate_u64(lo),
							      vcreate_u64(hi))));
		st(b, x);
		memcpy(out, b, len);
		st(b, zero());
		barrier_data(b);
	}
}

#endif /* __CHECKER__ */
