// SPDX-License-Identifier: GPL-2.0
/*
 * AES-SIV-CMAC with a long-lived key; see siv_keyed.h. The algorithm is
 * siv_openssl.c's (RFC 5297 S2V over EVP_MAC "CMAC", then AES-CTR); only
 * the per-key set-up moved out of the per-message path. The two small
 * GF(2^128) helpers are repeated here rather than exported from
 * siv_openssl.c, whose interface is the kernel's siv.h.
 */
#include "ktypes.h"
#include "../../kmod/siv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "siv_keyed.h"

#define BLK	16

struct knts_siv_key {
	EVP_MAC_CTX *mac;	/* CMAC keyed with K1 */
	EVP_CIPHER_CTX *ctr;	/* AES-CTR keyed with K2 */
	u8 d0[BLK];		/* CMAC(K1, 0^128), the start of every S2V */
};

static void sk_dbl(u8 d[BLK])
{
	u8 carry = d[0] >> 7;
	int i;

	for (i = 0; i < BLK - 1; i++)
		d[i] = (u8)(d[i] << 1 | d[i + 1] >> 7);
	d[BLK - 1] = (u8)(d[BLK - 1] << 1) ^ (u8)(0x87 & -carry);
}

static void sk_xor(u8 *d, const u8 *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] ^= s[i];
}

/* CMAC(K1, a || b): EVP_MAC_init() without a key keeps the schedule */
static int sk_cmac(struct knts_siv_key *k, const u8 *a, size_t alen,
		   const u8 *b, size_t blen, u8 out[BLK])
{
	size_t olen = 0;

	if (!EVP_MAC_init(k->mac, NULL, 0, NULL) ||
	    (alen && !EVP_MAC_update(k->mac, a, alen)) ||
	    (blen && !EVP_MAC_update(k->mac, b, blen)) ||
	    !EVP_MAC_final(k->mac, out, &olen, BLK) || olen != BLK)
		return -EIO;
	return 0;
}

struct knts_siv_key *knts_siv_key_new(const uint8_t *key, unsigned int key_len)
{
	static const char *const cbc[] = { "AES-128-CBC", "AES-192-CBC", "AES-256-CBC" };
	static const char *const ctr[] = { "AES-128-CTR", "AES-192-CTR", "AES-256-CTR" };
	static const u8 zero[BLK];
	unsigned int half = key_len / 2, idx;
	struct knts_siv_key *k;
	OSSL_PARAM params[2];
	EVP_CIPHER *cipher;
	EVP_MAC *mac;
	int ok;

	if (!key || (key_len != 32 && key_len != 48 && key_len != 64))
		return NULL;
	idx = key_len / 16 - 2;
	k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	cipher = EVP_CIPHER_fetch(NULL, ctr[idx], NULL);
	k->mac = mac ? EVP_MAC_CTX_new(mac) : NULL;
	k->ctr = EVP_CIPHER_CTX_new();
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
						     (char *)cbc[idx], 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = k->mac && k->ctr && cipher &&
	     EVP_MAC_init(k->mac, key, half, params) &&
	     EVP_EncryptInit_ex2(k->ctr, cipher, key + half, NULL, NULL) &&
	     sk_cmac(k, zero, BLK, NULL, 0, k->d0) == 0;
	EVP_MAC_free(mac);
	EVP_CIPHER_free(cipher);
	if (!ok) {
		knts_siv_key_free(k);
		return NULL;
	}
	return k;
}

void knts_siv_key_free(struct knts_siv_key *k)
{
	if (!k)
		return;
	EVP_MAC_CTX_free(k->mac);	/* OpenSSL wipes the key schedules */
	EVP_CIPHER_CTX_free(k->ctr);
	OPENSSL_cleanse(k, sizeof(*k));
	free(k);
}

static int sk_s2v(struct knts_siv_key *k, const struct knts_siv_ad *ad,
		  unsigned int n_ad, const u8 *p, size_t len, u8 v[BLK])
{
	u8 d[BLK], t[BLK];
	unsigned int i;
	int err = 0;

	memcpy(d, k->d0, BLK);
	for (i = 0; i < n_ad && !err; i++) {
		err = sk_cmac(k, ad[i].data, ad[i].len, NULL, 0, t);
		sk_dbl(d);
		sk_xor(d, t, BLK);
	}
	if (!err && len >= BLK) {
		memcpy(t, p + len - BLK, BLK);
		sk_xor(t, d, BLK);
		err = sk_cmac(k, p, len - BLK, t, BLK, v);
	} else if (!err) {
		sk_dbl(d);
		memset(t, 0, BLK);
		if (len)
			memcpy(t, p, len);
		t[len] = 0x80;
		sk_xor(t, d, BLK);
		err = sk_cmac(k, t, BLK, NULL, 0, v);
	}
	OPENSSL_cleanse(d, sizeof(d));
	OPENSSL_cleanse(t, sizeof(t));
	return err;
}

static int sk_ctr(struct knts_siv_key *k, const u8 v[BLK], const u8 *in,
		  size_t len, u8 *out)
{
	u8 q[BLK];
	int n, err = 0;

	if (!len)
		return 0;
	if (len > INT32_MAX)
		return -EINVAL;
	memcpy(q, v, BLK);
	q[8] &= 0x7f;
	q[12] &= 0x7f;
	/* a new IV restarts the counter; the key schedule stays */
	if (!EVP_EncryptInit_ex2(k->ctr, NULL, NULL, q, NULL) ||
	    !EVP_EncryptUpdate(k->ctr, out, &n, in, (int)len) || (size_t)n != len)
		err = -EIO;
	OPENSSL_cleanse(q, sizeof(q));
	return err;
}

static int sk_args(const struct knts_siv_key *k, const struct knts_siv_ad *ad,
		   unsigned int n_ad, const void *tag, const u8 *in,
		   const u8 *out, size_t len)
{
	unsigned int i;

	if (!k || !tag || n_ad > KNTS_SIV_MAX_AD || (n_ad && !ad))
		return -EINVAL;
	for (i = 0; i < n_ad; i++)
		if (ad[i].len && !ad[i].data)
			return -EINVAL;
	if (len && (!in || !out))
		return -EINVAL;
	if (len && in != out) {
		uintptr_t a = (uintptr_t)in, b = (uintptr_t)out;

		if (a < b + len && b < a + len)
			return -EINVAL;
	}
	return 0;
}

int knts_siv_key_seal(struct knts_siv_key *k, const struct knts_siv_ad *ad,
		      unsigned int n_ad, const uint8_t *pt, size_t len,
		      uint8_t tag[16], uint8_t *ct)
{
	u8 v[BLK];
	int err = sk_args(k, ad, n_ad, tag, pt, ct, len);

	if (err)
		return err;
	err = sk_s2v(k, ad, n_ad, pt, len, v);
	if (!err)
		err = sk_ctr(k, v, pt, len, ct);
	if (!err)
		memcpy(tag, v, BLK);
	else if (len)
		OPENSSL_cleanse(ct, len);
	OPENSSL_cleanse(v, sizeof(v));
	return err;
}

int knts_siv_key_open(struct knts_siv_key *k, const struct knts_siv_ad *ad,
		      unsigned int n_ad, const uint8_t tag[16],
		      const uint8_t *ct, size_t len, uint8_t *pt)
{
	u8 v_in[BLK], v[BLK];
	int err = sk_args(k, ad, n_ad, tag, ct, pt, len);

	if (!err) {
		memcpy(v_in, tag, BLK);
		err = sk_ctr(k, v_in, ct, len, pt);
	}
	if (!err)
		err = sk_s2v(k, ad, n_ad, pt, len, v);
	if (!err && CRYPTO_memcmp(v, v_in, BLK))
		err = -EBADMSG;
	if (err && pt && len)
		OPENSSL_cleanse(pt, len);
	OPENSSL_cleanse(v, sizeof(v));
	OPENSSL_cleanse(v_in, sizeof(v_in));
	return err;
}
