/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts's own AES-128-GCM-SIV core (RFC 8452) on AES-NI and PCLMULQDQ,
 * x86-64 only (gcmsiv_aesni.c). Like siv_aesni.h: everything declared
 * here runs vector instructions, so call it only inside a kernel FPU
 * section (gcmsiv_ni.c opens one, or runs in the packet leg's); the
 * header itself holds no vector type and any file may include it.
 */
#ifndef _KNTS_GCMSIV_AESNI_H
#define _KNTS_GCMSIV_AESNI_H

#include <linux/compiler.h>
#include <linux/types.h>

/*
 * An AES-128 encryption schedule, 16-byte aligned (the rounds take their
 * keys from memory, and legacy SSE memory operands must be aligned).
 * Heap memory is not always so aligned: a struct knts_gni_ks lives in a
 * buffer of KNTS_GNI_KS_BUF bytes and is found with knts_gni_ks_at().
 */
struct knts_gni_ks {
	u8 rk[11][16] __aligned(16);
};

#define KNTS_GNI_KS_BUF		(sizeof(struct knts_gni_ks) + 15)

static inline struct knts_gni_ks *knts_gni_ks_at(const void *buf)
{
	return (struct knts_gni_ks *)(((uintptr_t)buf + 15) & ~(uintptr_t)15);
}

/* Expand a 16-byte key into @ks; knts_gni_wipe() zeroes it again. */
void knts_gni_expand(struct knts_gni_ks *ks, const u8 key[16]);
void knts_gni_wipe(struct knts_gni_ks *ks);

/*
 * Seal under the master schedule @m: ciphertext || tag (@len + 16 bytes)
 * to @out, which may equal @pt. @ek receives the per-nonce encryption
 * key's schedule and is wiped before the return. Lengths are checked by
 * the caller (gcmsiv.h bounds).
 */
void knts_gni_seal(const struct knts_gni_ks *m, struct knts_gni_ks *ek,
		   const u8 *ad, size_t ad_len, const u8 nonce[12],
		   const u8 *pt, size_t len, u8 *out);

/*
 * Decrypt @in (@len bytes, then its 16-byte tag) into @pt (may equal
 * @in) and write the tag the plaintext should have to @want: the caller
 * compares it, in constant time, and zeroes @pt on a mismatch.
 */
void knts_gni_open(const struct knts_gni_ks *m, struct knts_gni_ks *ek,
		   const u8 *ad, size_t ad_len, const u8 nonce[12],
		   const u8 *in, size_t len, u8 *pt, u8 want[16]);

/* POLYVAL over @n whole blocks from and into @acc (the known answers). */
void knts_gni_polyval(u8 acc[16], const u8 h[16], const u8 *blocks,
		      size_t n);

#endif /* _KNTS_GCMSIV_AESNI_H */
