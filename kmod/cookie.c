// SPDX-License-Identifier: GPL-2.0
/*
 * NTS cookies, chrony 4.0-4.3 format (see cookie.h). Built into knts.ko
 * and, through userspace/kshim, into the userspace library and tests.
 */
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>

#include "cookie.h"
#include "gcmsiv.h"
#include "siv.h"
#ifdef __KERNEL__
#include "gcmsiv_key.h"
#include "siv_key.h"
#endif

#define KNTS_COOKIE_NONCE_OFF	KNTS_COOKIE_KEYID_LEN
#define KNTS_COOKIE_TAG_OFF	(KNTS_COOKIE_NONCE_OFF + KNTS_COOKIE_NONCE_LEN)
#define KNTS_COOKIE_CT_OFF	(KNTS_COOKIE_TAG_OFF + KNTS_SIV_TAG_LEN)
/* S2V components before the plaintext: "" and the nonce. */
#define KNTS_COOKIE_N_AD	2

/* GCM-SIV master keys: KeyID || Nonce (12) || ciphertext || tag. */
#define KNTS_COOKIE_GCM_NONCE_LEN	KNTS_GCMSIV_NONCE_LEN
#define KNTS_COOKIE_GCM_CT_OFF	(KNTS_COOKIE_KEYID_LEN + \
				 KNTS_COOKIE_GCM_NONCE_LEN)

/* Session AEAD from the plaintext length (two keys); 0 if none. */
static unsigned int knts_cookie_aead_pt(size_t pt_len)
{
	switch (pt_len) {
	case 2 * 16:
		return KNTS_AEAD_AES_128_GCM_SIV;
	case 2 * 32:
		return KNTS_AEAD_AES_SIV_CMAC_256;
	case 2 * 48:
		return KNTS_AEAD_AES_SIV_CMAC_384;
	case 2 * 64:
		return KNTS_AEAD_AES_SIV_CMAC_512;
	}
	return 0;
}

/* Everything but the plaintext, by master key algorithm; 0 if unknown. */
static size_t knts_cookie_overhead(unsigned int master_alg)
{
	if (master_alg == KNTS_AEAD_AES_SIV_CMAC_256)
		return KNTS_COOKIE_HDR_LEN;
	if (master_alg == KNTS_AEAD_AES_128_GCM_SIV)
		return KNTS_COOKIE_GCM_HDR_LEN;
	return 0;
}

/* Session AEAD of a cookie of @len bytes under @master_alg; 0 if none. */
static unsigned int knts_cookie_aead_alg(unsigned int master_alg, size_t len)
{
	size_t over = knts_cookie_overhead(master_alg);

	return over && len > over ? knts_cookie_aead_pt(len - over) : 0;
}

/* Session AEAD from a cookie of algorithm-15 master key. */
static unsigned int knts_cookie_aead(size_t len)
{
	return knts_cookie_aead_alg(KNTS_AEAD_AES_SIV_CMAC_256, len);
}

/*
 * S2V components of the cookie AEAD: an empty AD component, which chrony
 * always passes, then the nonce. The empty component needs a valid pointer
 * only; the cookie itself serves.
 */
static void knts_cookie_ad(struct knts_siv_ad ad[KNTS_COOKIE_N_AD],
			   const u8 *cookie)
{
	ad[0].data = cookie;
	ad[0].len = 0;
	ad[1].data = cookie + KNTS_COOKIE_NONCE_OFF;
	ad[1].len = KNTS_COOKIE_NONCE_LEN;
}

int knts_cookie_key_id(const u8 *cookie, size_t len, u32 *key_id)
{
	if (!knts_cookie_aead(len) &&
	    !knts_cookie_aead_alg(KNTS_AEAD_AES_128_GCM_SIV, len))
		return -EMSGSIZE;
	*key_id = (u32)cookie[0] << 24 | (u32)cookie[1] << 16 |
		  (u32)cookie[2] << 8 | cookie[3];
	return 0;
}

/*
 * The master key comes raw (@master) or, in the kernel, prepared (@pk):
 * the same code either way. Userspace only ever passes a raw key.
 */
struct knts_siv_key;

static int knts_cookie_aead_seal(const u8 *master,
				 const struct knts_siv_key *pk,
				 const struct knts_siv_ad *ad, const u8 *pt,
				 size_t len, u8 *tag, u8 *ct)
{
#ifdef __KERNEL__
	if (pk)
		return knts_siv_seal_key(pk, ad, KNTS_COOKIE_N_AD, pt, len, tag,
					 ct);
#endif
	return knts_siv_seal(master, KNTS_COOKIE_MASTER_LEN, ad,
			     KNTS_COOKIE_N_AD, pt, len, tag, ct);
}

static int knts_cookie_aead_open(const u8 *master,
				 const struct knts_siv_key *pk,
				 const struct knts_siv_ad *ad, const u8 *tag,
				 const u8 *ct, size_t len, u8 *pt)
{
#ifdef __KERNEL__
	if (pk)
		return knts_siv_open_key(pk, ad, KNTS_COOKIE_N_AD, tag, ct, len,
					 pt);
#endif
	return knts_siv_open(master, KNTS_COOKIE_MASTER_LEN, ad,
			     KNTS_COOKIE_N_AD, tag, ct, len, pt);
}

static int knts_cookie_do_seal(const u8 *master, const struct knts_siv_key *pk,
			       u32 key_id,
			       const u8 nonce[KNTS_COOKIE_NONCE_LEN],
			       const struct knts_cookie_keys *k, u8 *out,
			       size_t cap)
{
	unsigned int key_len = knts_aead_key_len(k->aead);
	size_t pt_len = 2 * (size_t)key_len;
	struct knts_siv_ad ad[KNTS_COOKIE_N_AD];
	int err;

	if (!key_len || k->key_len != key_len)
		return -EINVAL;
	if (cap < KNTS_COOKIE_HDR_LEN + pt_len)
		return -ENOSPC;

	out[0] = key_id >> 24;
	out[1] = key_id >> 16;
	out[2] = key_id >> 8;
	out[3] = key_id;
	memcpy(out + KNTS_COOKIE_NONCE_OFF, nonce, KNTS_COOKIE_NONCE_LEN);

	/* Encrypted from where the keys are: no copy of them to stage. */
	knts_cookie_ad(ad, out);
	err = knts_cookie_aead_seal(master, pk, ad, k->key, pt_len,
				    out + KNTS_COOKIE_TAG_OFF,
				    out + KNTS_COOKIE_CT_OFF);
	if (err) {
		memzero_explicit(out, KNTS_COOKIE_HDR_LEN + pt_len);
		return err;
	}
	return KNTS_COOKIE_HDR_LEN + pt_len;
}

static int knts_cookie_do_open(const u8 *master, const struct knts_siv_key *pk,
			       u32 key_id, const u8 *cookie, size_t len,
			       struct knts_cookie_keys *k)
{
	unsigned int aead = knts_cookie_aead(len);
	struct knts_siv_ad ad[KNTS_COOKIE_N_AD];
	u32 id;
	int err;

	if (!aead) {
		err = -EMSGSIZE;
		goto fail;
	}
	err = knts_cookie_key_id(cookie, len, &id);
	if (err)
		goto fail;
	if (id != key_id) {
		err = -ENOKEY;
		goto fail;
	}

	knts_cookie_ad(ad, cookie);
	err = knts_cookie_aead_open(master, pk, ad, cookie + KNTS_COOKIE_TAG_OFF,
				    cookie + KNTS_COOKIE_CT_OFF,
				    len - KNTS_COOKIE_HDR_LEN, k->key);
	if (err)
		goto fail;
	k->aead = aead;
	k->key_len = knts_aead_key_len(aead);
	return 0;
fail:
	memzero_explicit(k, sizeof(*k));
	return err;
}

/* A GCM-SIV master key raw (@master) or, in the kernel, prepared (@gk). */
struct knts_gcmsiv_key;

static int knts_cookie_gcm_aead_seal(const u8 *master,
				     const struct knts_gcmsiv_key *gk,
				     const u8 *nonce, u8 *ct, size_t len)
{
#ifdef __KERNEL__
	if (gk)
		return knts_gcmsiv_seal_key(gk, NULL, 0, nonce, ct, len, ct);
#endif
	return knts_gcmsiv_seal(master, NULL, 0, nonce, ct, len, ct);
}

static int knts_cookie_gcm_aead_open(const u8 *master,
				     const struct knts_gcmsiv_key *gk,
				     const u8 *nonce, const u8 *ct, size_t len,
				     u8 *pt)
{
#ifdef __KERNEL__
	if (gk)
		return knts_gcmsiv_open_key(gk, NULL, 0, nonce, ct, len, pt);
#endif
	return knts_gcmsiv_open(master, NULL, 0, nonce, ct, len, pt);
}

/*
 * Under a GCM-SIV master key (chrony >= 4.4): the first 12 bytes of
 * @nonce, no AD, the tag after the ciphertext. In place in @out.
 */
static int knts_cookie_gcm_seal(const u8 *master,
				const struct knts_gcmsiv_key *gk, u32 key_id,
				const u8 nonce[KNTS_COOKIE_NONCE_LEN],
				const struct knts_cookie_keys *k, u8 *out,
				size_t cap)
{
	unsigned int key_len = knts_aead_key_len(k->aead);
	size_t pt_len = 2 * (size_t)key_len;
	u8 *ct = out + KNTS_COOKIE_GCM_CT_OFF;
	int err;

	if (!key_len || k->key_len != key_len)
		return -EINVAL;
	if (cap < KNTS_COOKIE_GCM_HDR_LEN + pt_len)
		return -ENOSPC;
	out[0] = key_id >> 24;
	out[1] = key_id >> 16;
	out[2] = key_id >> 8;
	out[3] = key_id;
	memcpy(out + KNTS_COOKIE_KEYID_LEN, nonce, KNTS_COOKIE_GCM_NONCE_LEN);
	memcpy(ct, k->key, pt_len);
	err = knts_cookie_gcm_aead_seal(master, gk,
					out + KNTS_COOKIE_KEYID_LEN, ct,
					pt_len);
	if (err) {
		memzero_explicit(out, KNTS_COOKIE_GCM_HDR_LEN + pt_len);
		return err;
	}
	return KNTS_COOKIE_GCM_HDR_LEN + pt_len;
}

static int knts_cookie_gcm_open(const u8 *master,
				const struct knts_gcmsiv_key *gk, u32 key_id,
				const u8 *cookie, size_t len,
				struct knts_cookie_keys *k)
{
	unsigned int aead = knts_cookie_aead_alg(KNTS_AEAD_AES_128_GCM_SIV,
						 len);
	size_t pt_len = len - KNTS_COOKIE_GCM_HDR_LEN;
	u32 id;
	int err;

	if (!aead) {
		err = -EMSGSIZE;
		goto fail;
	}
	id = (u32)cookie[0] << 24 | (u32)cookie[1] << 16 |
	     (u32)cookie[2] << 8 | cookie[3];
	if (id != key_id) {
		err = -ENOKEY;
		goto fail;
	}
	err = knts_cookie_gcm_aead_open(master, gk,
					cookie + KNTS_COOKIE_KEYID_LEN,
					cookie + KNTS_COOKIE_GCM_CT_OFF, pt_len,
					k->key);
	if (err)
		goto fail;
	k->aead = aead;
	k->key_len = knts_aead_key_len(aead);
	return 0;
fail:
	memzero_explicit(k, sizeof(*k));
	return err;
}

int knts_cookie_seal_alg(unsigned int master_alg, const u8 *master,
			 u32 key_id, const u8 nonce[KNTS_COOKIE_NONCE_LEN],
			 const struct knts_cookie_keys *k, u8 *out, size_t cap)
{
	if (master_alg == KNTS_AEAD_AES_128_GCM_SIV)
		return knts_cookie_gcm_seal(master, NULL, key_id, nonce, k, out,
					    cap);
	if (master_alg != KNTS_AEAD_AES_SIV_CMAC_256)
		return -EINVAL;
	return knts_cookie_do_seal(master, NULL, key_id, nonce, k, out, cap);
}

int knts_cookie_open_alg(unsigned int master_alg, const u8 *master,
			 u32 key_id, const u8 *cookie, size_t len,
			 struct knts_cookie_keys *k)
{
	if (master_alg == KNTS_AEAD_AES_128_GCM_SIV)
		return knts_cookie_gcm_open(master, NULL, key_id, cookie, len,
					    k);
	if (master_alg != KNTS_AEAD_AES_SIV_CMAC_256) {
		memzero_explicit(k, sizeof(*k));
		return -EINVAL;
	}
	return knts_cookie_do_open(master, NULL, key_id, cookie, len, k);
}

int knts_cookie_seal(const u8 master[KNTS_COOKIE_MASTER_LEN], u32 key_id,
		     const u8 nonce[KNTS_COOKIE_NONCE_LEN],
		     const struct knts_cookie_keys *k, u8 *out, size_t cap)
{
	return knts_cookie_do_seal(master, NULL, key_id, nonce, k, out, cap);
}

int knts_cookie_open(const u8 master[KNTS_COOKIE_MASTER_LEN], u32 key_id,
		     const u8 *cookie, size_t len,
		     struct knts_cookie_keys *k)
{
	return knts_cookie_do_open(master, NULL, key_id, cookie, len, k);
}

#ifdef __KERNEL__
int knts_cookie_seal_key(const struct knts_siv_key *master, u32 key_id,
			 const u8 nonce[KNTS_COOKIE_NONCE_LEN],
			 const struct knts_cookie_keys *k, u8 *out, size_t cap)
{
	if (master->key_len != KNTS_COOKIE_MASTER_LEN)
		return -EINVAL;
	return knts_cookie_do_seal(NULL, master, key_id, nonce, k, out, cap);
}

int knts_cookie_open_key(const struct knts_siv_key *master, u32 key_id,
			 const u8 *cookie, size_t len,
			 struct knts_cookie_keys *k)
{
	if (master->key_len != KNTS_COOKIE_MASTER_LEN) {
		memzero_explicit(k, sizeof(*k));
		return -EINVAL;
	}
	return knts_cookie_do_open(NULL, master, key_id, cookie, len, k);
}

int knts_cookie_seal_gkey(const struct knts_gcmsiv_key *master, u32 key_id,
			  const u8 nonce[KNTS_COOKIE_NONCE_LEN],
			  const struct knts_cookie_keys *k, u8 *out,
			  size_t cap)
{
	return knts_cookie_gcm_seal(NULL, master, key_id, nonce, k, out, cap);
}

int knts_cookie_open_gkey(const struct knts_gcmsiv_key *master, u32 key_id,
			  const u8 *cookie, size_t len,
			  struct knts_cookie_keys *k)
{
	return knts_cookie_gcm_open(NULL, master, key_id, cookie, len, k);
}
#endif
