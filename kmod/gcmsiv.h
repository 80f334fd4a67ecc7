/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AES-128-GCM-SIV (RFC 8452), the NTS AEAD 30 (AEAD_AES_128_GCM_SIV):
 * chrony >= 4.4 seals its cookies with it when its crypto library has it
 * and offers it first for sessions.
 *
 * The mode (key derivation, POLYVAL, CTR) is kmod/gcmsiv.c, shared by the
 * kernel and userspace like cookie.c. In the kernel on x86-64, knts's own
 * AES-NI + PCLMULQDQ core (gcmsiv_aesni.c, gcmsiv_ni.c) runs it instead
 * whenever it can, with gcmsiv.c as the fallback (gcmsiv_key.h). It needs one primitive, AES-128 on
 * a single block, declared below with two implementations:
 * kmod/gcmsiv_aes.c (the kernel's AES library on a per-CPU schedule, so
 * it runs on every kernel knts builds on: 5.10 has no "polyval" and no
 * GCM-SIV template) and userspace/lib/gcmsiv_openssl.c (OpenSSL's
 * AES-128-ECB; OpenSSL 3.0 has no GCM-SIV).
 *
 * Output layout as RFC 8452 and chrony: ciphertext, then the 16-byte
 * tag. Key 16 bytes, nonce exactly 12 bytes (N_MIN = N_MAX = 12), one AD
 * string (no S2V components).
 */
#ifndef _KNTS_GCMSIV_H
#define _KNTS_GCMSIV_H

#include <linux/types.h>

#define KNTS_GCMSIV_KEY_LEN	16
#define KNTS_GCMSIV_NONCE_LEN	12
#define KNTS_GCMSIV_TAG_LEN	16
/* RFC 8452 s6 bounds, far above anything NTS carries. */
#define KNTS_GCMSIV_MAX_LEN	0x1000000u

/*
 * Encrypt @len bytes of @pt and write ciphertext || tag (@len + 16 bytes)
 * to @out. @pt may equal @out (in place); otherwise no overlap. Returns 0,
 * -EINVAL (a length beyond KNTS_GCMSIV_MAX_LEN), or a backend error; on
 * error @out is zeroed.
 */
int knts_gcmsiv_seal(const u8 key[KNTS_GCMSIV_KEY_LEN],
		     const u8 *ad, size_t ad_len,
		     const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
		     const u8 *pt, size_t len, u8 *out);

/*
 * Decrypt and verify @in = ciphertext (@len bytes) || tag. On success
 * writes @len bytes of plaintext to @pt (may equal @in) and returns 0. A
 * tag mismatch returns -EBADMSG with @pt zeroed: no unauthenticated
 * plaintext is released. The tag comparison is constant time.
 */
int knts_gcmsiv_open(const u8 key[KNTS_GCMSIV_KEY_LEN],
		     const u8 *ad, size_t ad_len,
		     const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
		     const u8 *in, size_t len, u8 *pt);

/*
 * The mode over the block backend below (gcmsiv.c), same contracts: all
 * that userspace has, and the kernel's fallback (see gcmsiv_key.h).
 */
int knts_gcmsiv_blk_seal(const u8 key[KNTS_GCMSIV_KEY_LEN],
			 const u8 *ad, size_t ad_len,
			 const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
			 const u8 *pt, size_t len, u8 *out);
int knts_gcmsiv_blk_open(const u8 key[KNTS_GCMSIV_KEY_LEN],
			 const u8 *ad, size_t ad_len,
			 const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
			 const u8 *in, size_t len, u8 *pt);

/*
 * POLYVAL (RFC 8452 s3) over @n_blocks whole blocks, from and into
 * @acc: exposed for the known-answer test of RFC 8452 appendix A.
 */
void knts_polyval(u8 acc[16], const u8 h[16], const u8 *blocks,
		  size_t n_blocks);

/*
 * The backend: one AES-128 context, keyed and used by one operation at a
 * time. begin() hands it out (in the kernel: this CPU's, with bottom
 * halves disabled until end(); in userspace: a fresh one, NULL when it
 * cannot be made); end() wipes and releases it.
 */
struct knts_gcmsiv_aes;

struct knts_gcmsiv_aes *knts_gcmsiv_aes_begin(void);
int knts_gcmsiv_aes_setkey(struct knts_gcmsiv_aes *a,
			   const u8 key[KNTS_GCMSIV_KEY_LEN]);
int knts_gcmsiv_aes_encrypt(struct knts_gcmsiv_aes *a, u8 out[16],
			    const u8 in[16]);
void knts_gcmsiv_aes_end(struct knts_gcmsiv_aes *a);

#endif /* _KNTS_GCMSIV_H */
