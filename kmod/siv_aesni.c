// SPDX-License-Identifier: GPL-2.0
/*
 * AES-SIV-CMAC (RFC 5297) on AES-NI: knts's own core, x86-64 only.
 *
 * This file is built with SSE, SSSE3 and AES-NI enabled (kmod/Kbuild),
 * so the compiler may use vector registers anywhere in it: every
 * function here must run between kernel_fpu_begin() and
 * kernel_fpu_end(). siv.c opens one such section per packet leg
 * (knts_siv_begin()) or per operation, and only when
 * crypto_simd_usable(); it takes lib/crypto AES otherwise.
 *
 * GCC's builtins are used instead of <wmmintrin.h>, which the kernel's
 * include path does not have; the vector types are GCC vector
 * extensions. Round keys are used in place, 16-byte aligned (see
 * siv_aesni.h), so no copy of a schedule is left on the stack.
 */
#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/types.h>

#include "siv_aesni.h"

/*
 * sparse knows neither GCC's vector extensions nor the x86 builtins; it
 * checks the declarations (siv_aesni.h) and gcc, with -Werror, the code.
 */
#ifndef __CHECKER__

#include "aesni_vec.h"

/* Byte order reversed: big-endian 128-bit values to little-endian. */
static const char ni_bswap __attribute__((__vector_size__(16))) = {
	15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
};

#define pshufb(x, m) \
	((v2di)__builtin_ia32_pshufb128((__typeof__(ni_bswap))(x), \
					(__typeof__(ni_bswap))(m)))
#define psrad(x, n)		((v2di)__builtin_ia32_psradi128((v4si)(x), (n)))

/* The round keys of @ks, in place (16-byte aligned, siv_aesni.h). */
static __always_inline v2di enc(const struct knts_aesni_ks *ks, v2di x)
{
	const v2di *rk = (const v2di *)ks->rk;
	unsigned int nr = ks->nr;

	x = aes_rounds_1_9(rk, x);
	if (nr > 10) {
		x = aesenc(x, rk[10]);
		x = aesenc(x, rk[11]);
		if (nr > 12) {
			x = aesenc(x, rk[12]);
			x = aesenc(x, rk[13]);
			return aesenclast(x, rk[14]);
		}
		return aesenclast(x, rk[12]);
	}
	return aesenclast(x, rk[10]);
}

/*
 * Multiply by x in GF(2^128), RFC 5297 dbl, big-endian; no branch. In
 * little-endian order (as XTS doubles its tweak): each 64-bit half
 * shifted by paddq, the sign of dword 3 (bit 127) gives the 0x87 of
 * lane 0 and that of dword 1 (bit 63) the carry into bit 64.
 */
static __always_inline v2di dbl(v2di x)
{
	const v4si poly = { 0x87, 0, 1, 0 };
	v2di le = pshufb(x, ni_bswap);
	v2di t = psrad(pshufd(le, 0x13), 31) & (v2di)poly;

	le = (le + le) ^ t;
	return pshufb(le, ni_bswap);
}

static __always_inline void expand128(struct knts_aesni_ks *ks,
				      const u8 *key)
{
	aesni_expand128((v2di *)ks->rk, key);
	ks->nr = 10;
}

/*
 * AES-256: an even round key from the two before it (with the round
 * constant), an odd one likewise (SubWord only, no rotation).
 */
static __always_inline v2di exp256_even(v2di prev2, v2di prev1,
					const int rcon)
{
	return prefix_xor(prev2) ^ pshufd(keygen(prev1, rcon), 0xff);
}

static __always_inline v2di exp256_odd(v2di prev2, v2di prev1)
{
	return prefix_xor(prev2) ^ pshufd(keygen(prev1, 0), 0xaa);
}

static void expand256(struct knts_aesni_ks *ks, const u8 *key)
{
	v2di *rk = (v2di *)ks->rk;

	rk[0] = ld(key);
	rk[1] = ld(key + 16);
	rk[2] = exp256_even(rk[0], rk[1], 0x01);
	rk[3] = exp256_odd(rk[1], rk[2]);
	rk[4] = exp256_even(rk[2], rk[3], 0x02);
	rk[5] = exp256_odd(rk[3], rk[4]);
	rk[6] = exp256_even(rk[4], rk[5], 0x04);
	rk[7] = exp256_odd(rk[5], rk[6]);
	rk[8] = exp256_even(rk[6], rk[7], 0x08);
	rk[9] = exp256_odd(rk[7], rk[8]);
	rk[10] = exp256_even(rk[8], rk[9], 0x10);
	rk[11] = exp256_odd(rk[9], rk[10]);
	rk[12] = exp256_even(rk[10], rk[11], 0x20);
	rk[13] = exp256_odd(rk[11], rk[12]);
	rk[14] = exp256_even(rk[12], rk[13], 0x40);
	ks->nr = 14;
}

/*
 * AES-192 (AES-SIV-CMAC-384, rare): FIPS-197's word by word expansion,
 * with aeskeygenassist as the S-box. It leaves lane 0 = SubWord(X1) and
 * lane 1 = RotWord(SubWord(X1)) for the word X1 in lane 1.
 */
static void expand192(struct knts_aesni_ks *ks, const u8 *key)
{
	static const u8 rcon[8] = { 1, 2, 4, 8, 16, 32, 64, 128 };
	u32 w[52];
	unsigned int i;
	v4si t;

	/* x86 is little-endian: the key's words are its bytes as they are. */
	memcpy(w, key, 24);
	for (i = 6; i < 52; i++) {
		if (i % 6 == 0) {
			t = (v4si){ 0, (int)w[i - 1], 0, 0 };
			t = (v4si)keygen((v2di)t, 0);
			w[i] = w[i - 6] ^ (u32)t[1] ^ rcon[i / 6 - 1];
		} else {
			w[i] = w[i - 6] ^ w[i - 1];
		}
	}
	memcpy(ks->rk, w, sizeof(w));
	memzero_explicit(w, sizeof(w));
	ks->nr = 12;
}

/*
 * Inlined, so that the compiler keeps AES-128's fresh round keys in
 * registers for the blocks knts_aesni_prepare() enciphers right after.
 */
static __always_inline void expand(struct knts_aesni_ks *ks, const u8 *key,
				   unsigned int len)
{
	if (len == 16)
		expand128(ks, key);
	else if (len == 24)
		expand192(ks, key);
	else
		expand256(ks, key);
}

void knts_aesni_prepare(struct knts_aesni_key *k, const u8 *key,
			unsigned int key_len, bool need_ctr, bool need_empty)
{
	unsigned int half = key_len / 2;
	v2di k1, k2, d0;

	expand(&k->mac, key, half);
	/* L = E(0^128); the subkeys; D0 = CMAC(0^128) = E(0 ^ K1). */
	k1 = dbl(enc(&k->mac, (v2di){ 0, 0 }));
	k2 = dbl(k1);
	d0 = enc(&k->mac, k1);
	*(v2di *)k->k1 = k1;
	*(v2di *)k->k2 = k2;
	*(v2di *)k->d0 = d0;
	k->has_d_empty = need_empty;
	/* CMAC(""): the padded block 10^127 takes K2. */
	if (need_empty)
		*(v2di *)k->d_empty = dbl(d0) ^
				      enc(&k->mac, k2 ^ (v2di){ 0x80, 0 });
	/* K2 last: K1's round keys are used while they are fresh. */
	k->has_ctr = need_ctr;
	if (need_ctr)
		expand(&k->ctr, key + half, half);
}

/*
 * One SSE store a round key, written out: as a loop, the compiler makes
 * it a rep stosq, two iterations a round key.
 */
static __always_inline void ks_wipe(struct knts_aesni_ks *ks)
{
	v2di *rk = (v2di *)ks->rk;

	rk[0] = (v2di){ 0, 0 };
	rk[1] = (v2di){ 0, 0 };
	rk[2] = (v2di){ 0, 0 };
	rk[3] = (v2di){ 0, 0 };
	rk[4] = (v2di){ 0, 0 };
	rk[5] = (v2di){ 0, 0 };
	rk[6] = (v2di){ 0, 0 };
	rk[7] = (v2di){ 0, 0 };
	rk[8] = (v2di){ 0, 0 };
	rk[9] = (v2di){ 0, 0 };
	rk[10] = (v2di){ 0, 0 };
	if (ks->nr > 10) {
		rk[11] = (v2di){ 0, 0 };
		rk[12] = (v2di){ 0, 0 };
		rk[13] = (v2di){ 0, 0 };
		rk[14] = (v2di){ 0, 0 };
	}
	ks->nr = 0;
}

void knts_aesni_wipe(struct knts_aesni_key *k)
{
	ks_wipe(&k->mac);
	if (k->has_ctr)
		ks_wipe(&k->ctr);
	*(v2di *)k->k1 = (v2di){ 0, 0 };
	*(v2di *)k->k2 = (v2di){ 0, 0 };
	*(v2di *)k->d0 = (v2di){ 0, 0 };
	*(v2di *)k->d_empty = (v2di){ 0, 0 };
	k->has_ctr = false;
	k->has_d_empty = false;
	barrier_data(k);
}

/*
 * Byte windows for pshufb and pad: 16 bytes loaded at a public offset
 * (a length), never at a secret one. In ni_slide at 16 - r, lane i
 * takes byte i - r (a shift up by r bytes); at 32 - r, byte i + 16 - r
 * (the last r bytes moved down to lane 0); 0x80 lanes give zero. In
 * ni_pad at 16 - r: 0x80 in lane r alone, the 10* padding of r bytes.
 */
static const u8 ni_slide[48] __aligned(16) = {
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80
};

static const u8 ni_pad[32] __aligned(16) = { [16] = 0x80 };

/*
 * Rounds 1 to @nr of a block already whitened with rk[0], the last one
 * with @last: rk[nr] gives E(x), rk[nr] ^ rk[0] gives E(x) ^ rk[0], the
 * whitened input of the next block of a CBC chain (aesenclast ends with
 * the xor of its key). @nr is a constant: one copy per key size.
 *
 * The round keys stay memory operands: hidden from the optimiser, @rk
 * cannot have its keys hoisted into registers, which would cost a load
 * each per call (and spills) where an aesenc with a memory operand
 * costs nothing more.
 */
static __always_inline v2di rounds(const v2di *rk, v2di x, v2di last,
				   const unsigned int nr)
{
	asm("" : "=r" (rk) : "0" (rk));
	x = aes_rounds_1_9_whitened(rk, x);
	if (nr > 10) {
		x = aesenc(x, rk[10]);
		x = aesenc(x, rk[11]);
	}
	if (nr > 12) {
		x = aesenc(x, rk[12]);
		x = aesenc(x, rk[13]);
	}
	return aesenclast(x, last);
}

/*
 * CBC-MAC over @n complete blocks at @m from @y, the chain value xored
 * with rk[0]; the result likewise (@fold: rk[nr] ^ rk[0]).
 */
static __always_inline v2di cbcmac(const v2di *rk, v2di fold, v2di y,
				   const u8 *m, size_t n, const unsigned int nr)
{
	const u8 *end = m + 32 * (n / 2);

	/* Two blocks a turn: half the loop's own instructions. */
	for (; m != end; m += 32) {
		y = rounds(rk, y ^ ld(m), fold, nr);
		y = rounds(rk, y ^ ld(m + 16), fold, nr);
	}
	if (n & 1)
		y = rounds(rk, y ^ ld(m), fold, nr);
	return y;
}

/*
 * The last @r bytes (1 to 15) before @end, 10* padded into a block;
 * the 16 bytes before @end must be readable.
 */
static __always_inline v2di last_partial(const u8 *end, size_t r)
{
	return pshufb(ld(end - 16), ld(ni_slide + 32 - r)) |
	       ld(ni_pad + 16 - r);
}

/*
 * 1 to 15 bytes with nothing readable before them, 10* padded: byte by
 * byte into two words, with no array on the stack to zero and wipe.
 */
static __always_inline v2di pad_short(const u8 *m, size_t len)
{
	u64 lo = 0, hi = 0;
	size_t i;

	for (i = 0; i < len && i < 8; i++)
		lo |= (u64)m[i] << (8 * i);
	for (; i < len; i++)
		hi |= (u64)m[i] << (8 * (i - 8));
	if (len < 8)
		lo |= 0x80ULL << (8 * len);
	else
		hi |= 0x80ULL << (8 * (len - 8));
	return (v2di){ (s64)lo, (s64)hi };
}

/*
 * CMAC (RFC 4493) of @len bytes at @m: the complete last block takes
 * K1, a padded one K2.
 */
static __always_inline v2di cmac(const v2di *rk, v2di fold, const u8 *m,
				 size_t len, v2di k1, v2di k2,
				 const unsigned int nr)
{
	v2di y = rk[0];
	size_t full;

	if (len > 16) {
		full = (len - 1) / 16;
		y = cbcmac(rk, fold, y, m, full, nr);
		m += 16 * full;
		len -= 16 * full;
		if (len == 16)
			y ^= ld(m) ^ k1;
		else
			y ^= last_partial(m + len, len) ^ k2;
	} else if (len == 16) {
		y ^= ld(m) ^ k1;
	} else if (!len) {
		y ^= (v2di){ 0x80, 0 } ^ k2;
	} else {
		y ^= pad_short(m, len) ^ k2;
	}
	return rounds(rk, y, rk[nr], nr);
}

static __always_inline void s2v(const struct knts_aesni_key *k,
				const struct knts_siv_ad *ad,
				unsigned int n_ad, const u8 *pt, size_t len,
				u8 v[16], const unsigned int nr)
{
	const v2di *rk = (const v2di *)k->mac.rk;
	v2di k1 = *(const v2di *)k->k1, k2 = *(const v2di *)k->k2;
	v2di fold = rk[nr] ^ rk[0], d, y, t;
	unsigned int i = 0;
	size_t head, r;

	if (k->has_d_empty && n_ad && !ad[0].len) {
		d = *(const v2di *)k->d_empty;
		i = 1;
	} else {
		d = *(const v2di *)k->d0;
	}
	for (; i < n_ad; i++)
		d = dbl(d) ^ cmac(rk, fold, ad[i].data, ad[i].len, k1, k2, nr);
	if (len >= 16) {
		/*
		 * xorend: D goes into the last 16 bytes, which start @r
		 * bytes into the block at @head and may spill into one
		 * padded block after it.
		 */
		head = (len - 16) & ~(size_t)15;
		r = len - 16 - head;
		y = cbcmac(rk, fold, rk[0], pt, head / 16, nr);
		t = ld(pt + len - 16) ^ d;
		if (!r) {
			y ^= t ^ k1;
		} else {
			y = rounds(rk, y ^ ld(pt + head) ^
				   pshufb(d, ld(ni_slide + 16 - r)), fold, nr);
			y ^= pshufb(t, ld(ni_slide + 32 - r)) |
			     ld(ni_pad + 16 - r);
			y ^= k2;
		}
	} else {
		/* dbl(D) xor pad(Sn): one complete block, so K1. */
		y = rk[0] ^ dbl(d) ^ k1;
		if (!len)
			y ^= (v2di){ 0x80, 0 };
		else
			y ^= pad_short(pt, len);
	}
	st(v, rounds(rk, y, rk[nr], nr));
}

void knts_aesni_s2v(const struct knts_aesni_key *k,
		    const struct knts_siv_ad *ad, unsigned int n_ad,
		    const u8 *pt, size_t len, u8 v[16])
{
	if (k->mac.nr == 10)
		s2v(k, ad, n_ad, pt, len, v, 10);
	else if (k->mac.nr == 12)
		s2v(k, ad, n_ad, pt, len, v, 12);
	else
		s2v(k, ad, n_ad, pt, len, v, 14);
}

/* A message of 1 to 15 bytes: byte by byte, no array on the stack. */
static __always_inline void ctr_short(v2di ks, const u8 *in, u8 *out,
				      size_t len)
{
	u64 w = (u64)ks[0];
	size_t i;

	for (i = 0; i < len; i++) {
		if (i == 8)
			w = (u64)ks[1];
		out[i] = in[i] ^ (u8)(w >> (8 * (i & 7)));
	}
}

static __always_inline void ctr(const struct knts_aesni_key *k,
				const u8 v[16], const u8 *in, u8 *out,
				size_t len, const unsigned int nr)
{
	/* Q = V with bits 63 and 31 cleared (RFC 5297 s2.5). */
	const v2di clear = (v2di)(__typeof__(ni_bswap)){
		-1, -1, -1, -1, -1, -1, -1, -1,
		0x7f, -1, -1, -1, 0x7f, -1, -1, -1 };
	const v2di *rk = (const v2di *)k->ctr.rk;
	const u8 *end = in + (len & ~(size_t)15);
	v2di ctr, ks, sel, m;
	size_t r = len & 15, s;

	/*
	 * Little-endian, so that one 32-bit add increments it: the low 32
	 * bits start below 2^31 and a message is far shorter than 2^31
	 * blocks, so the carry the 128-bit addition might need never comes.
	 */
	ctr = pshufb(ld(v) & clear, ni_bswap);
	for (; in != end; in += 16, out += 16) {
		ks = rounds(rk, pshufb(ctr, ni_bswap) ^ rk[0], rk[nr], nr);
		st(out, ld(in) ^ ks);
		ctr = (v2di)((v4si)ctr + (v4si){ 1, 0, 0, 0 });
	}
	if (!r)
		return;
	ks = rounds(rk, pshufb(ctr, ni_bswap) ^ rk[0], rk[nr], nr);
	if (len < 16) {
		ctr_short(ks, in, out, r);
		return;
	}
	/*
	 * The last @r bytes, through the 16 that end with them: their
	 * first @s are the previous block's output, written already (in
	 * place, @in holds them too), and stay as they are.
	 */
	s = 16 - r;
	m = ld(ni_slide + r);
	sel = (v2di)__builtin_ia32_pcmpgtb128((__typeof__(ni_bswap)){ 0 },
					      (__typeof__(ni_bswap))m);
	ks = ld(in - s) ^ pshufb(ks, m);
	st(out - s, ks ^ ((ks ^ ld(out - s)) & sel));
}

void knts_aesni_ctr(const struct knts_aesni_key *k, const u8 v[16],
		    const u8 *in, u8 *out, size_t len)
{
	/* A MAC-only operation (a request): its key has no K2 either. */
	if (!len)
		return;
	if (k->ctr.nr == 10)
		ctr(k, v, in, out, len, 10);
	else if (k->ctr.nr == 12)
		ctr(k, v, in, out, len, 12);
	else
		ctr(k, v, in, out, len, 14);
}

void knts_aesni_counter(const struct knts_aesni_ks *ks, u64 hi, u64 lo,
			u8 *out, unsigned int len)
{
	u8 b[16] __aligned(16);
	v2di x;

	for (; len >= 16; len -= 16, out += 16, lo++)
		st(out, enc(ks, (v2di){ (s64)lo, (s64)hi }));
	if (len) {
		x = enc(ks, (v2di){ (s64)lo, (s64)hi });
		st(b, x);
		memcpy(out, b, len);
		st(b, (v2di){ 0, 0 });
		barrier_data(b);
	}
}

#endif /* __CHECKER__ */
