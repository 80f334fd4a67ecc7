/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AES-SIV-CMAC (RFC 5297) as the NTS AEADs AEAD_AES_SIV_CMAC_256/384/512
 * (IANA 15/16/17). One interface, two implementations: kmod/siv.c on the
 * kernel crypto API, userspace/lib/siv_openssl.c on OpenSSL. The shared
 * code (cookie.c) is written against this header only.
 *
 * S2V runs over the associated-data components in order, then over the
 * plaintext; for NTS the nonce is the last AD component (RFC 5297 s6).
 * An empty component is a component: S2V(A, "") != S2V(A).
 */
#ifndef _KNTS_SIV_H
#define _KNTS_SIV_H

#include <linux/types.h>
/* enum knts_aead; userspace builds this header too (siv_openssl.c) */
#ifdef __KERNEL__
#include <uapi/linux/knts.h>
#else
#include <linux/knts.h>
#endif

#define KNTS_SIV_TAG_LEN	16
#define KNTS_SIV_MAX_KEY_LEN	64
/* S2V takes at most 126 components; NTS never needs more than 3. */
#define KNTS_SIV_MAX_AD		4

struct knts_siv_ad {
	const u8 *data;
	size_t len;
};

/*
 * Key length of an AEAD (32/48/64 for the SIV-CMAC ones, 16 for
 * AES-128-GCM-SIV, kmod/gcmsiv.h), or 0 when knts does not know it.
 */
static inline unsigned int knts_aead_key_len(unsigned int aead)
{
	switch (aead) {
	case KNTS_AEAD_AES_SIV_CMAC_256:
		return 32;
	case KNTS_AEAD_AES_SIV_CMAC_384:
		return 48;
	case KNTS_AEAD_AES_SIV_CMAC_512:
		return 64;
	case KNTS_AEAD_AES_128_GCM_SIV:
		return 16;
	}
	return 0;
}

/*
 * Encrypt @len bytes of @pt into @ct and write the synthetic IV to @tag.
 * @ct may equal @pt (in place); otherwise they must not overlap.
 * @key_len is 32, 48 or 64 (K1 || K2). In the kernel, @ct must not be on
 * the stack (it goes through a scatterlist). Returns 0 or -errno.
 */
int knts_siv_seal(const u8 *key, unsigned int key_len,
		  const struct knts_siv_ad *ad, unsigned int n_ad,
		  const u8 *pt, size_t len, u8 tag[KNTS_SIV_TAG_LEN], u8 *ct);

/*
 * Decrypt and verify. On success writes @len bytes of plaintext to @pt
 * (may equal @ct) and returns 0. On a tag mismatch returns -EBADMSG and
 * leaves @pt zeroed: no unauthenticated plaintext is ever released.
 * The tag comparison is constant time.
 */
int knts_siv_open(const u8 *key, unsigned int key_len,
		  const struct knts_siv_ad *ad, unsigned int n_ad,
		  const u8 tag[KNTS_SIV_TAG_LEN], const u8 *ct, size_t len,
		  u8 *pt);

#ifdef __KERNEL__
/*
 * One packet leg's AES-SIV operations in one kernel FPU section, when
 * the backend that runs them is aesni and the FPU is free; otherwise
 * only bottom halves are disabled. Nothing between the two may sleep.
 * Returns what knts_siv_end() needs; legs do not nest sections.
 */
bool knts_siv_begin(void);
void knts_siv_end(bool opened);
#endif

#endif /* _KNTS_SIV_H */
