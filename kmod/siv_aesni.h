/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts's own AES-SIV-CMAC core on AES-NI (x86-64 only, siv_aesni.c).
 * Everything declared here runs SSE/AES-NI instructions: call it only
 * between kernel_fpu_begin() and kernel_fpu_end(), which siv.c does,
 * once per packet leg (knts_siv_begin()) or once per operation. The
 * header itself holds no vector type, so any file may include it.
 */
#ifndef _KNTS_SIV_AESNI_H
#define _KNTS_SIV_AESNI_H

#include <linux/compiler.h>
#include <linux/types.h>

#include "siv.h"

#define KNTS_AESNI_MAX_RK	15	/* AES-256: 14 rounds */

/*
 * An expanded encryption schedule, FIPS-197 byte order, 16-byte aligned:
 * the rounds take the round keys straight from memory (legacy SSE memory
 * operands must be aligned). Memory from kmalloc() is not always 16-byte
 * aligned, so a struct knts_aesni_key lives in a buffer of
 * KNTS_AESNI_KEY_BUF bytes and is found with knts_aesni_key_at().
 */
struct knts_aesni_ks {
	u8 rk[KNTS_AESNI_MAX_RK][16] __aligned(16);
	u32 nr;				/* rounds: 10, 12 or 14 */
};

/*
 * One AES-SIV key as the core uses it: K1's schedule and CMAC subkeys,
 * D0 = CMAC(K1, 0^128), S2V's state after an empty first component, and
 * K2's schedule (only when @has_ctr: a MAC-only operation skips it).
 */
struct knts_aesni_key {
	struct knts_aesni_ks mac;
	struct knts_aesni_ks ctr;
	u8 k1[16] __aligned(16), k2[16], d0[16], d_empty[16];
	bool has_ctr;
	bool has_d_empty;		/* prepared keys: d_empty is set */
};

#define KNTS_AESNI_KEY_BUF	(sizeof(struct knts_aesni_key) + 15)

/* Rounded up by hand: PTR_ALIGN's linux/align.h is not in 5.10. */
static inline struct knts_aesni_key *knts_aesni_key_at(const void *buf)
{
	return (struct knts_aesni_key *)(((uintptr_t)buf + 15) &
					 ~(uintptr_t)15);
}

/*
 * @key_len: 32, 48 or 64 (K1 || K2), checked by the caller. @need_ctr:
 * expand K2 too; @need_empty: compute d_empty (one more block).
 */
void knts_aesni_prepare(struct knts_aesni_key *k, const u8 *key,
			unsigned int key_len, bool need_ctr, bool need_empty);
/* Zero what knts_aesni_prepare() wrote, with SSE stores. */
void knts_aesni_wipe(struct knts_aesni_key *k);
/*
 * S2V (RFC 5297 s2.4) over @ad then @pt into @v; d_empty stands for an
 * empty @ad[0] when @k has it.
 */
void knts_aesni_s2v(const struct knts_aesni_key *k,
		    const struct knts_siv_ad *ad, unsigned int n_ad,
		    const u8 *pt, size_t len, u8 v[16]);
/* CTR with the synthetic IV @v (bits 63 and 31 cleared here). */
void knts_aesni_ctr(const struct knts_aesni_key *k, const u8 v[16],
		    const u8 *in, u8 *out, size_t len);

/*
 * @len bytes of E(@ks, B0), E(@ks, B1), ... where block Bi holds @lo + i
 * in its first 8 bytes and @hi in its last 8, both little-endian: a
 * counter enciphered under a secret key (knts_nonce(), nonce.c).
 */
void knts_aesni_counter(const struct knts_aesni_ks *ks, u64 hi, u64 lo,
			u8 *out, unsigned int len);

#endif /* _KNTS_SIV_AESNI_H */
