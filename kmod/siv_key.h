/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An AES-SIV key prepared once and used for many packets: the cookie
 * master keys. Kernel only (the shared code in cookie.c reaches it under
 * __KERNEL__). Preparing runs the part of every AES-SIV operation that
 * depends on the key alone: the lib AES schedules of K1 and K2, the CMAC
 * subkeys of K1 and CMAC(K1, 0^128), with which S2V starts, and S2V's
 * state after an empty first component, which every chrony-format cookie
 * has.
 */
#ifndef _KNTS_SIV_KEY_H
#define _KNTS_SIV_KEY_H

#include <crypto/aes.h>
#include <linux/types.h>

#include "compat.h"
#include "siv.h"
#include "siv_aesni.h"

/*
 * knts's own AES-SIV core: on AES-NI on x86-64 (siv_aesni.c), on the
 * Crypto Extensions on arm64 (siv_ce.c); both behind siv_aesni.h and the
 * glue in siv_ni.c. Other architectures have the crypto API and lib.
 */
#if IS_ENABLED(CONFIG_X86_64) || IS_ENABLED(CONFIG_ARM64)
#define KNTS_HAVE_AES_CORE	1
#else
#define KNTS_HAVE_AES_CORE	0
#endif

#define KNTS_SIV_BLOCK		16

struct knts_siv_key {
	u8 key[KNTS_SIV_MAX_KEY_LEN];	/* K1 || K2, to key the transforms */
	unsigned int key_len;
	u64 gen;			/* unique per preparation, never 0 */
	u8 k1[KNTS_SIV_BLOCK];		/* CMAC subkeys of K1 */
	u8 k2[KNTS_SIV_BLOCK];
	u8 d0[KNTS_SIV_BLOCK];		/* CMAC(K1, 0^128) */
	/* dbl(D0) xor CMAC(K1, ""): S2V past an empty first component */
	u8 d_empty[KNTS_SIV_BLOCK];
	struct compat_aes_key mac;	/* lib schedules of K1 and K2 */
	struct compat_aes_key ctr;
#if KNTS_HAVE_AES_CORE
	/*
	 * The aesni (arm64: ce) backend's form (knts_aesni_key_at(ni)), when the FPU
	 * was usable at prepare. Never copy a prepared key: the aligned
	 * part's offset in @ni depends on the struct's address.
	 */
	u8 ni[KNTS_AESNI_KEY_BUF];
	bool ni_ok;
#endif
};

/* Any context; 0 or -EINVAL for a key length AES-SIV does not have. */
int knts_siv_key_prepare(struct knts_siv_key *k, const u8 *key,
			 unsigned int key_len);
void knts_siv_key_wipe(struct knts_siv_key *k);

/*
 * Forget every key the per-CPU AES state holds (siv_wipe.c): on every
 * CPU the transforms are re-keyed with zeros, the simd cache of the last
 * prepared key is emptied and the session state wiped. Any context: the
 * work runs later, on each CPU. Called when a key set is freed.
 */
void knts_siv_forget(void);
/*
 * The check the load runs after the known-answer tests, which leave test
 * keys behind: forget, then prove that this CPU's transforms compute
 * under the zero key. Process context; 0, or -EIO if a key survived.
 * @skip_wipe (testing the test): check without forgetting first.
 */
int knts_siv_forget_test(bool skip_wipe);

/* knts_siv_seal() and knts_siv_open() with a prepared key. */
int knts_siv_seal_key(const struct knts_siv_key *k,
		      const struct knts_siv_ad *ad, unsigned int n_ad,
		      const u8 *pt, size_t len, u8 tag[KNTS_SIV_TAG_LEN],
		      u8 *ct);
int knts_siv_open_key(const struct knts_siv_key *k,
		      const struct knts_siv_ad *ad, unsigned int n_ad,
		      const u8 tag[KNTS_SIV_TAG_LEN], const u8 *ct, size_t len,
		      u8 *pt);

#endif /* _KNTS_SIV_KEY_H */
