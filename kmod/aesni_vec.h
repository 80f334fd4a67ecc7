/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vector helpers of knts's AES-NI cores (siv_aesni.c, gcmsiv_aesni.c):
 * GCC vector types and x86 builtins. Include it only from a file that
 * kmod/Kbuild builds with the FPU flags, and whose code runs between
 * kernel_fpu_begin() and kernel_fpu_end(); never under sparse, which
 * knows neither (the including file tests __CHECKER__).
 */
#ifndef _KNTS_AESNI_VEC_H
#define _KNTS_AESNI_VEC_H

#include <linux/compiler.h>
#include <linux/types.h>

/*
 * GCC vector types. The base types are the kernel's fixed-size ones; a
 * byte vector, which pshufb takes, must be of plain char, which has no
 * fixed-size name, so the file that needs one declares it.
 */
typedef __s64 v2di __attribute__((__vector_size__(16)));
typedef __s32 v4si __attribute__((__vector_size__(16)));
typedef u32 v4su __attribute__((__vector_size__(16)));

#define aesenc(x, k)		__builtin_ia32_aesenc128((x), (k))
#define aesenclast(x, k)	__builtin_ia32_aesenclast128((x), (k))
#define keygen(x, rcon)		__builtin_ia32_aeskeygenassist128((x), (rcon))
#define pshufd(x, imm)		((v2di)__builtin_ia32_pshufd((v4si)(x), (imm)))
/* shufps takes float vectors: only their bits are used, never as floats. */
#define ni_v4sf(x)		((float __attribute__((__vector_size__(16))))(x))
#define shufps(a, b, imm) \
	((v2di)__builtin_ia32_shufps(ni_v4sf(a), ni_v4sf(b), (imm)))
#ifdef __clang__
#define pslldq(x, bytes)	__builtin_ia32_pslldqi128_byteshift((x), (bytes))
#define psrldq(x, bytes)	__builtin_ia32_psrldqi128_byteshift((x), (bytes))
#else
#define pslldq(x, bytes)	__builtin_ia32_pslldqi128((x), (bytes) * 8)
#define psrldq(x, bytes)	__builtin_ia32_psrldqi128((x), (bytes) * 8)
#endif

/* Unaligned 16-byte load and store (movdqu, movups). */
static __always_inline v2di ld(const void *p)
{
	v2di x;

	__builtin_memcpy(&x, p, sizeof(x));
	return x;
}

static __always_inline void st(void *p, v2di x)
{
	__builtin_memcpy(p, &x, sizeof(x));
}

/*
 * The nine full rounds every AES key size begins with, on a block already
 * xored with rk[0] (the whitening), round keys @rk[1..9] used in place
 * (16-byte aligned). AES-128 ends with aesenclast(x, rk[10]); the longer
 * keys go on from here.
 */
static __always_inline v2di aes_rounds_1_9_whitened(const v2di *rk, v2di x)
{
	x = aesenc(x, rk[1]);
	x = aesenc(x, rk[2]);
	x = aesenc(x, rk[3]);
	x = aesenc(x, rk[4]);
	x = aesenc(x, rk[5]);
	x = aesenc(x, rk[6]);
	x = aesenc(x, rk[7]);
	x = aesenc(x, rk[8]);
	return aesenc(x, rk[9]);
}

/* The same with the whitening. */
static __always_inline v2di aes_rounds_1_9(const v2di *rk, v2di x)
{
	return aes_rounds_1_9_whitened(rk, x ^ rk[0]);
}

/* w0 ^ w1 ^ ... ^ wi in word i: the running xor of a key expansion. */
static __always_inline v2di prefix_xor(v2di k)
{
	k ^= pslldq(k, 4);
	return k ^ pslldq(k, 8);
}

/*
 * Round key i of AES-128 from round key i - 1 (@prev), the running xor
 * by two shufps (Intel's AES-NI white paper): *@t carries lanes 0 and 1
 * zero from one call to the next, so no register copy and no zeroing is
 * needed, 8 instructions a round key instead of the 10 of prefix_xor().
 */
static __always_inline v2di exp128(v2di prev, v2di *t, const int rcon)
{
	v2di k = prev;

	*t = shufps(*t, k, 0x10);
	k ^= *t;
	*t = shufps(*t, k, 0x8c);
	k ^= *t;
	return k ^ pshufd(keygen(prev, rcon), 0xff);
}

/* The 11 round keys of AES-128 into @rk (16-byte aligned). */
static __always_inline void aesni_expand128(v2di *rk, const u8 *key)
{
	v2di t = { 0, 0 };

	rk[0] = ld(key);
	rk[1] = exp128(rk[0], &t, 0x01);
	rk[2] = exp128(rk[1], &t, 0x02);
	rk[3] = exp128(rk[2], &t, 0x04);
	rk[4] = exp128(rk[3], &t, 0x08);
	rk[5] = exp128(rk[4], &t, 0x10);
	rk[6] = exp128(rk[5], &t, 0x20);
	rk[7] = exp128(rk[6], &t, 0x40);
	rk[8] = exp128(rk[7], &t, 0x80);
	rk[9] = exp128(rk[8], &t, 0x1b);
	rk[10] = exp128(rk[9], &t, 0x36);
}

#endif /* _KNTS_AESNI_VEC_H */
