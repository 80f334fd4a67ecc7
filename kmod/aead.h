/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session AEAD of an NTS packet (RFC 8915 s5.6), whichever of the
 * algorithms knts supports the cookie names: AES-SIV-CMAC-256/384/512
 * (15/16/17, kmod/siv.h) and AES-128-GCM-SIV (30, kmod/gcmsiv.h). The
 * packet paths call only this, so they need not know the algorithms'
 * differences:
 *
 *   nonce     SIV: any length, knts sends 16; GCM-SIV: exactly 12
 *   N_REQ     nonce + Additional Padding: 16 for SIV, 12 for GCM-SIV
 *   AD        SIV: S2V(A, N, P) with A = packet prefix, N = nonce;
 *             GCM-SIV: A is the AD and N the nonce
 *   output    SIV: tag V then ciphertext; GCM-SIV: ciphertext then tag
 *
 * Shared with userspace like cookie.c. In the kernel @out, @in and @pt
 * must not be on the stack (SIV's CTR goes through scatterlists).
 */
#ifndef _KNTS_AEAD_H
#define _KNTS_AEAD_H

#include <linux/types.h>

#include "siv.h"

#define KNTS_AEAD_TAG_LEN	16
#define KNTS_AEAD_MAX_NONCE	16

/* The nonce length knts sends under @aead: 16, 12 for GCM-SIV; 0: unknown. */
unsigned int knts_aead_nonce_len(unsigned int aead);

/*
 * Whether an authenticator's nonce fits @aead: @nonce_len is its N_LEN
 * and @room the bytes of nonce, nonce padding and Additional Padding
 * (RFC 8915 s5.6 requires room >= N_REQ).
 */
bool knts_aead_nonce_ok(unsigned int aead, u32 nonce_len, u32 room);

/* Offset of the plaintext in the AEAD output: 16 for SIV, 0 for GCM-SIV. */
unsigned int knts_aead_pt_off(unsigned int aead);

/*
 * Seal @len bytes of @pt into @out (@len + 16 bytes, the AEAD's layout),
 * with associated data @ad (@ad_len bytes) and @nonce. @pt may equal
 * @out + knts_aead_pt_off(@aead) (in place); otherwise no overlap.
 * Returns 0, -EINVAL (unknown AEAD, wrong key or nonce length), or the
 * algorithm's error.
 */
int knts_aead_seal(unsigned int aead, const u8 *key, unsigned int key_len,
		   const u8 *ad, size_t ad_len, const u8 *nonce,
		   unsigned int nonce_len, const u8 *pt, size_t len, u8 *out);

/*
 * Verify and decrypt @in (@len + 16 bytes, the AEAD's layout) into @pt
 * (@len bytes; may be NULL when @len is 0, may equal
 * @in + knts_aead_pt_off(@aead)). Returns 0, -EBADMSG (pt zeroed), or
 * -EINVAL as above.
 */
int knts_aead_open(unsigned int aead, const u8 *key, unsigned int key_len,
		   const u8 *ad, size_t ad_len, const u8 *nonce,
		   unsigned int nonce_len, const u8 *in, size_t len, u8 *pt);

struct knts_siv_key;

/*
 * knts_aead_seal() and knts_aead_open() with the AES-SIV key @pk
 * prepared beforehand (knts_siv_key_prepare(): schedules and subkeys),
 * for a key that serves many packets, as a client association's C2S and
 * S2C do. With @pk NULL, or under GCM-SIV, @key as above.
 */
int knts_aead_seal_pk(unsigned int aead, const struct knts_siv_key *pk,
		      const u8 *key, unsigned int key_len, const u8 *ad,
		      size_t ad_len, const u8 *nonce, unsigned int nonce_len,
		      const u8 *pt, size_t len, u8 *out);
int knts_aead_open_pk(unsigned int aead, const struct knts_siv_key *pk,
		      const u8 *key, unsigned int key_len, const u8 *ad,
		      size_t ad_len, const u8 *nonce, unsigned int nonce_len,
		      const u8 *in, size_t len, u8 *pt);

#endif /* _KNTS_AEAD_H */
