// SPDX-License-Identifier: GPL-2.0
/*
 * AES-SIV-CMAC (RFC 5297) for userspace, on OpenSSL 3.0: the interface of
 * kmod/siv.h, so the shared cookie code runs unchanged over it.
 *
 * OpenSSL's own "AES-128-SIV" cannot seal an empty plaintext (every NTS
 * request has one), so S2V is built here from EVP_MAC "CMAC" and the
 * encryption from AES-CTR:
 *
 *   key = K1 || K2, each half 16/24/32 bytes (AES-128/192/256)
 *   V   = S2V(K1; AD1, ..., ADn, P)
 *   Q   = V with bit 63 and bit 31 cleared (q[8] &= 0x7f; q[12] &= 0x7f)
 *   C   = AES-CTR(K2, counter block Q)(P)
 *
 * Return codes (the kernel implementation uses the same ones):
 *   0            success
 *   -EINVAL      bad arguments: key length not 32/48/64, more than
 *                KNTS_SIV_MAX_AD components, NULL buffers, pt/ct that
 *                overlap without being equal
 *   -EBADMSG     open(): the tag does not verify (pt is zeroed)
 *   -ENOMEM      OpenSSL could not allocate a context
 *   -EOPNOTSUPP  the loaded providers have no CMAC or AES-CTR
 *   -EIO         any other OpenSSL failure
 * open() zeroes pt on every failure, not only on -EBADMSG.
 *
 * The MAC and cipher objects are fetched once per process (thread safe);
 * the contexts live for one call, and freeing them makes OpenSSL wipe the
 * key schedules. Our own intermediates are wiped with OPENSSL_cleanse().
 */
#include "ktypes.h"
#include "../../kmod/siv.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define SIV_BLOCK	16
/* EVP_EncryptUpdate() takes an int length: feed CTR in bounded pieces. */
#define SIV_CTR_CHUNK	(1u << 30)

static CRYPTO_ONCE siv_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_MAC *siv_cmac;
static EVP_CIPHER *siv_ctr[3];	/* AES-128/192/256-CTR */
static int siv_ready;

static const char *const siv_ctr_name[3] = {
	"AES-128-CTR", "AES-192-CTR", "AES-256-CTR",
};

/* CMAC takes the CBC cipher of the right key size by name. */
static const char *const siv_cbc_name[3] = {
	"AES-128-CBC", "AES-192-CBC", "AES-256-CBC",
};

static void siv_fetch(void)
{
	int i;

	siv_cmac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	siv_ready = siv_cmac != NULL;
	for (i = 0; i < 3; i++) {
		siv_ctr[i] = EVP_CIPHER_fetch(NULL, siv_ctr_name[i], NULL);
		if (!siv_ctr[i])
			siv_ready = 0;
	}
}

static int siv_init(void)
{
	if (!CRYPTO_THREAD_run_once(&siv_once, siv_fetch))
		return -EIO;
	return siv_ready ? 0 : -EOPNOTSUPP;
}

/* Index 0/1/2 for a half key of 16/24/32 bytes, -1 otherwise. */
static int siv_half_idx(unsigned int key_len)
{
	switch (key_len) {
	case 32:
		return 0;
	case 48:
		return 1;
	case 64:
		return 2;
	}
	return -1;
}

/* GF(2^128) doubling of a big-endian block (RFC 5297 dbl()). */
static void siv_dbl(u8 d[SIV_BLOCK])
{
	u8 carry = d[0] >> 7;
	int i;

	for (i = 0; i < SIV_BLOCK - 1; i++)
		d[i] = (u8)(d[i] << 1 | d[i + 1] >> 7);
	/* 0x87 when the top bit was set, 0 otherwise, without a branch. */
	d[SIV_BLOCK - 1] = (u8)(d[SIV_BLOCK - 1] << 1) ^ (u8)(0x87 & -carry);
}

static void siv_xor(u8 *d, const u8 *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] ^= s[i];
}

/*
 * One CMAC over a || b with the key already set in @c: EVP_MAC_init()
 * without a key restarts the MAC and keeps the expanded key.
 */
static int siv_cmac2(EVP_MAC_CTX *c, const u8 *a, size_t alen,
		     const u8 *b, size_t blen, u8 out[SIV_BLOCK])
{
	size_t olen = 0;

	if (!EVP_MAC_init(c, NULL, 0, NULL))
		return -EIO;
	if (alen && !EVP_MAC_update(c, a, alen))
		return -EIO;
	if (blen && !EVP_MAC_update(c, b, blen))
		return -EIO;
	if (!EVP_MAC_final(c, out, &olen, SIV_BLOCK) || olen != SIV_BLOCK)
		return -EIO;
	return 0;
}

/* V = S2V(K1; AD1 .. ADn, P); k1 is @half bytes. */
static int siv_s2v(const u8 *k1, int idx, size_t half,
		   const struct knts_siv_ad *ad, unsigned int n_ad,
		   const u8 *p, size_t len, u8 v[SIV_BLOCK])
{
	static const u8 zero[SIV_BLOCK];
	OSSL_PARAM params[2];
	EVP_MAC_CTX *c;
	u8 d[SIV_BLOCK], t[SIV_BLOCK];
	unsigned int i;
	int err;

	c = EVP_MAC_CTX_new(siv_cmac);
	if (!c)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
						     (char *)siv_cbc_name[idx],
						     0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(c, k1, half, params)) {
		err = -EIO;
		goto out;
	}

	/* D = CMAC(K1, <zero>) */
	err = siv_cmac2(c, zero, SIV_BLOCK, NULL, 0, d);
	if (err)
		goto out;

	/* D = dbl(D) xor CMAC(K1, ADi); an empty ADi is still a component */
	for (i = 0; i < n_ad; i++) {
		err = siv_cmac2(c, ad[i].data, ad[i].len, NULL, 0, t);
		if (err)
			goto out;
		siv_dbl(d);
		siv_xor(d, t, SIV_BLOCK);
	}

	if (len >= SIV_BLOCK) {
		/* T = P xorend D: MAC the head as is, then the xored tail */
		memcpy(t, p + len - SIV_BLOCK, SIV_BLOCK);
		siv_xor(t, d, SIV_BLOCK);
		err = siv_cmac2(c, p, len - SIV_BLOCK, t, SIV_BLOCK, v);
	} else {
		/* T = dbl(D) xor pad(P), pad = P || 0x80 || 0..0 */
		siv_dbl(d);
		memset(t, 0, SIV_BLOCK);
		if (len)
			memcpy(t, p, len);
		t[len] = 0x80;
		siv_xor(t, d, SIV_BLOCK);
		err = siv_cmac2(c, t, SIV_BLOCK, NULL, 0, v);
	}
out:
	EVP_MAC_CTX_free(c);
	OPENSSL_cleanse(d, sizeof(d));
	OPENSSL_cleanse(t, sizeof(t));
	return err;
}

/* out = AES-CTR(K2, Q(v))(in); in == out is fine. */
static int siv_ctr_crypt(const u8 *k2, int idx, const u8 v[SIV_BLOCK],
			 const u8 *in, size_t len, u8 *out)
{
	EVP_CIPHER_CTX *c;
	u8 q[SIV_BLOCK];
	int err = 0, n;

	if (!len)
		return 0;
	c = EVP_CIPHER_CTX_new();
	if (!c)
		return -ENOMEM;
	memcpy(q, v, SIV_BLOCK);
	q[8] &= 0x7f;
	q[12] &= 0x7f;
	if (!EVP_EncryptInit_ex2(c, siv_ctr[idx], k2, q, NULL)) {
		err = -EIO;
		goto out;
	}
	while (len) {
		size_t chunk = len < SIV_CTR_CHUNK ? len : SIV_CTR_CHUNK;

		if (!EVP_EncryptUpdate(c, out, &n, in, (int)chunk) ||
		    (size_t)n != chunk) {
			err = -EIO;
			goto out;
		}
		in += chunk;
		out += chunk;
		len -= chunk;
	}
	if (!EVP_EncryptFinal_ex(c, out, &n) || n != 0)
		err = -EIO;
out:
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(q, sizeof(q));
	return err;
}

static int siv_check(const u8 *key, unsigned int key_len,
		     const struct knts_siv_ad *ad, unsigned int n_ad,
		     const void *tag, const u8 *in, const u8 *out, size_t len)
{
	unsigned int i;

	if (!key || siv_half_idx(key_len) < 0 || !tag)
		return -EINVAL;
	if (n_ad > KNTS_SIV_MAX_AD || (n_ad && !ad))
		return -EINVAL;
	for (i = 0; i < n_ad; i++)
		if (ad[i].len && !ad[i].data)
			return -EINVAL;
	if (len && (!in || !out))
		return -EINVAL;
	/* In place, or apart: a partial overlap would corrupt the CTR. */
	if (len && in != out) {
		uintptr_t a = (uintptr_t)in, b = (uintptr_t)out;

		if (a < b + len && b < a + len)
			return -EINVAL;
	}
	return 0;
}

int knts_siv_seal(const u8 *key, unsigned int key_len,
		  const struct knts_siv_ad *ad, unsigned int n_ad,
		  const u8 *pt, size_t len, u8 tag[KNTS_SIV_TAG_LEN], u8 *ct)
{
	size_t half = key_len / 2;
	int idx = siv_half_idx(key_len);
	u8 v[SIV_BLOCK];
	int err;

	err = siv_check(key, key_len, ad, n_ad, tag, pt, ct, len);
	if (err)
		return err;
	err = siv_init();
	if (err)
		return err;

	err = siv_s2v(key, idx, half, ad, n_ad, pt, len, v);
	if (!err)
		err = siv_ctr_crypt(key + half, idx, v, pt, len, ct);
	if (!err)
		memcpy(tag, v, SIV_BLOCK);
	else if (len)
		OPENSSL_cleanse(ct, len);
	OPENSSL_cleanse(v, sizeof(v));
	return err;
}

int knts_siv_open(const u8 *key, unsigned int key_len,
		  const struct knts_siv_ad *ad, unsigned int n_ad,
		  const u8 tag[KNTS_SIV_TAG_LEN], const u8 *ct, size_t len,
		  u8 *pt)
{
	size_t half = key_len / 2;
	int idx = siv_half_idx(key_len);
	u8 v_in[SIV_BLOCK], v[SIV_BLOCK];
	int err;

	err = siv_check(key, key_len, ad, n_ad, tag, ct, pt, len);
	if (err) {
		/* Even for bad arguments: no stale plaintext left behind. */
		if (pt && len)
			OPENSSL_cleanse(pt, len);
		return err;
	}
	err = siv_init();
	if (err)
		goto fail;

	/* The tag may sit next to the data the caller lets us overwrite. */
	memcpy(v_in, tag, SIV_BLOCK);
	err = siv_ctr_crypt(key + half, idx, v_in, ct, len, pt);
	if (err)
		goto fail;
	err = siv_s2v(key, idx, half, ad, n_ad, pt, len, v);
	if (err)
		goto fail;
	if (CRYPTO_memcmp(v, v_in, SIV_BLOCK) != 0) {
		err = -EBADMSG;
		goto fail;
	}
	OPENSSL_cleanse(v, sizeof(v));
	return 0;
fail:
	if (len)
		OPENSSL_cleanse(pt, len);
	OPENSSL_cleanse(v, sizeof(v));
	OPENSSL_cleanse(v_in, sizeof(v_in));
	return err;
}
