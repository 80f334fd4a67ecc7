// SPDX-License-Identifier: GPL-2.0
/*
 * AES-128-GCM-SIV (RFC 8452) on AES-NI and PCLMULQDQ: knts's own core,
 * x86-64 only, next to the AES-SIV one (siv_aesni.c). Built with SSE,
 * AES-NI and PCLMUL enabled (kmod/Kbuild), so every function here must
 * run inside kernel_fpu_begin()/end(); gcmsiv_ni.c sees to it and takes
 * the generic mode (gcmsiv.c on lib AES) when the FPU is not usable.
 *
 * POLYVAL works on little-endian field elements, which is how x86 loads
 * 16 bytes: no byte swapping anywhere. A product is four carry-less
 * multiplies into 256 bits, then two Montgomery folds by x^64 with the
 * constant x^63 + x^62 + x^57 (0xc2 << 56), which is what multiplying
 * the low 64 bits by the polynomial x^128 + x^127 + x^126 + x^121 + 1
 * leaves above bit 64 after dividing by x^64: RFC 8452's dot(a, b) =
 * a * b * x^-128. Everything is constant time: no branch or index
 * depends on a key or the data. The helpers are inlined into the entry
 * points so that the POLYVAL key stays in registers instead of being
 * spilled around calls; the byte buffers on the stack are zeroed.
 */
#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/types.h>

#include "gcmsiv_aesni.h"

/* sparse checks the declarations only (see siv_aesni.c). */
#ifndef __CHECKER__

#include "aesni_vec.h"

#define clmul(a, b, imm)	__builtin_ia32_pclmulqdq128((a), (b), (imm))

static __always_inline v2di enc(const struct knts_gni_ks *ks, v2di x)
{
	const v2di *rk = (const v2di *)ks->rk;

	return aesenclast(aes_rounds_1_9(rk, x), rk[10]);
}

/* RFC 8452 dot(a, h) = a * h * x^-128 mod x^128 + x^127 + x^126 + x^121 + 1. */
static __always_inline v2di dot(v2di a, v2di h)
{
	const v2di fold = { (__s64)0xc200000000000000ULL, 0 };
	v2di lo = clmul(a, h, 0x00), hi = clmul(a, h, 0x11);
	v2di mid = clmul(a, h, 0x01) ^ clmul(a, h, 0x10);

	lo ^= pslldq(mid, 8);
	hi ^= psrldq(mid, 8);
	/*
	 * Twice: the low 64 bits t0 times the polynomial cancel themselves
	 * and leave t0 * (x^57 + x^62 + x^63) and t0 * x^64 one word up.
	 */
	lo = pshufd(lo, 0x4e) ^ clmul(lo, fold, 0x00);
	lo = pshufd(lo, 0x4e) ^ clmul(lo, fold, 0x00);
	return hi ^ lo;
}

/* POLYVAL continued over @len bytes, the last block zero-padded. */
static __always_inline v2di polyval(v2di acc, v2di h, const u8 *p, size_t len)
{
	u8 b[16] __aligned(16);

	for (; len >= 16; len -= 16, p += 16)
		acc = dot(acc ^ ld(p), h);
	if (len) {
		st(b, (v2di){ 0, 0 });
		memcpy(b, p, len);
		acc = dot(acc ^ ld(b), h);
		st(b, (v2di){ 0, 0 });
		barrier_data(b);
	}
	return acc;
}

void knts_gni_expand(struct knts_gni_ks *ks, const u8 key[16])
{
	aesni_expand128((v2di *)ks->rk, key);
}

void knts_gni_wipe(struct knts_gni_ks *ks)
{
	v2di *rk = (v2di *)ks->rk;
	unsigned int i;

	for (i = 0; i < 11; i++)
		rk[i] = (v2di){ 0, 0 };
	barrier_data(ks);
}

/* The nonce in bytes 0-11 of a block, zeros after it. */
static __always_inline v2di nonce_block(const u8 nonce[12])
{
	u8 b[16] __aligned(16);

	st(b, (v2di){ 0, 0 });
	memcpy(b, nonce, 12);
	return ld(b);
}

/*
 * Per-nonce keys (RFC 8452 s4): AES(K, LE32(i) || N) for i = 0..3, the
 * first 8 bytes of each; blocks 0-1 are the POLYVAL key (returned),
 * blocks 2-3 the encryption key, expanded into @ek.
 */
static __always_inline v2di derive(const struct knts_gni_ks *m,
				   struct knts_gni_ks *ek, v2di nv)
{
	v2di n = pslldq(nv, 4);
	v2di b0 = enc(m, n), b1 = enc(m, n ^ (v2di){ 1, 0 });
	v2di b2 = enc(m, n ^ (v2di){ 2, 0 }), b3 = enc(m, n ^ (v2di){ 3, 0 });
	u8 k[16] __aligned(16);

	st(k, (v2di){ b2[0], b3[0] });
	aesni_expand128((v2di *)ek->rk, k);
	st(k, (v2di){ 0, 0 });
	barrier_data(k);
	return (v2di){ b0[0], b1[0] };
}

/* The tag: POLYVAL over AD, plaintext and their bit lengths, then AES. */
static __always_inline v2di tag_of(const struct knts_gni_ks *ek, v2di h,
				   const u8 *ad, size_t ad_len, const u8 *pt,
				   size_t len, v2di nv)
{
	v2di s = polyval((v2di){ 0, 0 }, h, ad, ad_len);

	s = polyval(s, h, pt, len);
	s = dot(s ^ (v2di){ (__s64)ad_len * 8, (__s64)len * 8 }, h);
	s ^= nv;
	/* The top bit of byte 15 cleared. */
	s &= (v2di){ -1, 0x7fffffffffffffffLL };
	return enc(ek, s);
}

/*
 * CTR from the tag with the top bit of byte 15 set; the counter is the
 * little-endian 32-bit word at byte 0, wrapping modulo 2^32 (the lane
 * add does exactly that).
 */
static __always_inline void ctr(const struct knts_gni_ks *ek, v2di tag,
				const u8 *in, u8 *out, size_t len)
{
	const v4su one = { 1, 0, 0, 0 };
	v2di c = tag | (v2di){ 0, (__s64)0x8000000000000000ULL };
	u8 b[16] __aligned(16);

	for (; len >= 16; len -= 16, in += 16, out += 16) {
		st(out, ld(in) ^ enc(ek, c));
		c = (v2di)((v4su)c + one);
	}
	if (len) {
		st(b, (v2di){ 0, 0 });
		memcpy(b, in, len);
		st(b, ld(b) ^ enc(ek, c));
		memcpy(out, b, len);
		st(b, (v2di){ 0, 0 });
		barrier_data(b);
	}
}

void knts_gni_seal(const struct knts_gni_ks *m, struct knts_gni_ks *ek,
		   const u8 *ad, size_t ad_len, const u8 nonce[12],
		   const u8 *pt, size_t len, u8 *out)
{
	v2di nv = nonce_block(nonce), h, t;

	h = derive(m, ek, nv);
	/* The tag reads @pt before CTR may overwrite it in place. */
	t = tag_of(ek, h, ad, ad_len, pt, len, nv);
	ctr(ek, t, pt, out, len);
	st(out + len, t);
	knts_gni_wipe(ek);
}

void knts_gni_open(const struct knts_gni_ks *m, struct knts_gni_ks *ek,
		   const u8 *ad, size_t ad_len, const u8 nonce[12],
		   const u8 *in, size_t len, u8 *pt, u8 want[16])
{
	v2di nv = nonce_block(nonce), t = ld(in + len), h;

	h = derive(m, ek, nv);
	ctr(ek, t, in, pt, len);
	st(want, tag_of(ek, h, ad, ad_len, pt, len, nv));
	knts_gni_wipe(ek);
}

void knts_gni_polyval(u8 acc[16], const u8 h[16], const u8 *blocks,
		      size_t n)
{
	v2di hh = ld(h);

	st(acc, polyval(ld(acc), hh, blocks, 16 * n));
}

#endif /* __CHECKER__ */
