// SPDX-License-Identifier: GPL-2.0
/*
 * The NTS session AEAD over AES-SIV-CMAC or AES-128-GCM-SIV (aead.h).
 * Built into knts.ko and, through userspace/kshim, into the userspace
 * library and the tests.
 */
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>

#include "aead.h"
#include "gcmsiv.h"
#include "siv.h"
#ifdef __KERNEL__
#include "siv_key.h"
#endif

static bool knts_aead_is_siv(unsigned int aead)
{
	return aead == KNTS_AEAD_AES_SIV_CMAC_256 ||
	       aead == KNTS_AEAD_AES_SIV_CMAC_384 ||
	       aead == KNTS_AEAD_AES_SIV_CMAC_512;
}

unsigned int knts_aead_nonce_len(unsigned int aead)
{
	if (aead == KNTS_AEAD_AES_128_GCM_SIV)
		return KNTS_GCMSIV_NONCE_LEN;
	return knts_aead_is_siv(aead) ? 16 : 0;
}

bool knts_aead_nonce_ok(unsigned int aead, u32 nonce_len, u32 room)
{
	if (aead == KNTS_AEAD_AES_128_GCM_SIV)
		return nonce_len == KNTS_GCMSIV_NONCE_LEN &&
		       room >= KNTS_GCMSIV_NONCE_LEN;
	/* N_MAX is unbounded, so N_REQ = 16. */
	return knts_aead_is_siv(aead) && nonce_len && room >= 16;
}

unsigned int knts_aead_pt_off(unsigned int aead)
{
	return aead == KNTS_AEAD_AES_128_GCM_SIV ? 0 : KNTS_SIV_TAG_LEN;
}

/* Key and nonce fit @aead: GCM-SIV's are fixed, SIV's key by its ID. */
static bool knts_aead_args_ok(unsigned int aead, unsigned int key_len,
			      unsigned int nonce_len)
{
	if (!key_len || key_len != knts_aead_key_len(aead) || !nonce_len)
		return false;
	return aead != KNTS_AEAD_AES_128_GCM_SIV ||
	       nonce_len == KNTS_GCMSIV_NONCE_LEN;
}

int knts_aead_seal(unsigned int aead, const u8 *key, unsigned int key_len,
		   const u8 *ad, size_t ad_len, const u8 *nonce,
		   unsigned int nonce_len, const u8 *pt, size_t len, u8 *out)
{
	struct knts_siv_ad s2v[2] = { { ad, ad_len }, { nonce, nonce_len } };

	if (!knts_aead_args_ok(aead, key_len, nonce_len))
		return -EINVAL;
	if (aead == KNTS_AEAD_AES_128_GCM_SIV)
		return knts_gcmsiv_seal(key, ad, ad_len, nonce, pt, len, out);
	/* Nothing to encrypt (requests): no pointer past the tag either. */
	return knts_siv_seal(key, key_len, s2v, 2, len ? pt : out, len, out,
			     len ? out + KNTS_SIV_TAG_LEN : out);
}

int knts_aead_open(unsigned int aead, const u8 *key, unsigned int key_len,
		   const u8 *ad, size_t ad_len, const u8 *nonce,
		   unsigned int nonce_len, const u8 *in, size_t len, u8 *pt)
{
	struct knts_siv_ad s2v[2] = { { ad, ad_len }, { nonce, nonce_len } };

	if (!knts_aead_args_ok(aead, key_len, nonce_len)) {
		if (pt)
			memzero_explicit(pt, len);
		return -EINVAL;
	}
	if (aead == KNTS_AEAD_AES_128_GCM_SIV)
		return knts_gcmsiv_open(key, ad, ad_len, nonce, in, len, pt);
	return knts_siv_open(key, key_len, s2v, 2, in,
			     len ? in + KNTS_SIV_TAG_LEN : in, len, pt);
}

/* Prepared keys: the kernel only (userspace has no struct knts_siv_key). */
#ifdef __KERNEL__
/* Can @pk serve? Otherwise the raw key's path, which refuses bad arguments. */
static bool knts_aead_pk_ok(unsigned int aead, const struct knts_siv_key *pk,
			    unsigned int key_len, unsigned int nonce_len)
{
	return pk && knts_aead_is_siv(aead) && pk->key_len == key_len &&
	       knts_aead_args_ok(aead, key_len, nonce_len);
}

int knts_aead_seal_pk(unsigned int aead, const struct knts_siv_key *pk,
		      const u8 *key, unsigned int key_len, const u8 *ad,
		      size_t ad_len, const u8 *nonce, unsigned int nonce_len,
		      const u8 *pt, size_t len, u8 *out)
{
	struct knts_siv_ad s2v[2] = { { ad, ad_len }, { nonce, nonce_len } };

	if (!knts_aead_pk_ok(aead, pk, key_len, nonce_len))
		return knts_aead_seal(aead, key, key_len, ad, ad_len, nonce,
				      nonce_len, pt, len, out);
	return knts_siv_seal_key(pk, s2v, 2, len ? pt : out, len, out,
				 len ? out + KNTS_SIV_TAG_LEN : out);
}

int knts_aead_open_pk(unsigned int aead, const struct knts_siv_key *pk,
		      const u8 *key, unsigned int key_len, const u8 *ad,
		      size_t ad_len, const u8 *nonce, unsigned int nonce_len,
		      const u8 *in, size_t len, u8 *pt)
{
	struct knts_siv_ad s2v[2] = { { ad, ad_len }, { nonce, nonce_len } };

	if (!knts_aead_pk_ok(aead, pk, key_len, nonce_len))
		return knts_aead_open(aead, key, key_len, ad, ad_len, nonce,
				      nonce_len, in, len, pt);
	return knts_siv_open_key(pk, s2v, 2, in,
				 len ? in + KNTS_SIV_TAG_LEN : in, len, pt);
}
#endif /* __KERNEL__ */
