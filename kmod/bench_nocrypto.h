/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark build only (make bench, configuration E): tests/bench/
 * build-module compiles server.c with -include of this file (nothing in
 * kmod/ includes it), so server.c parses, looks up keys, strips and
 * rebuilds packets exactly as usual, but the four AES-SIV operations per
 * request (cookie open, request MAC, cookie seal, reply seal) become the
 * copies below. Comparing this module with the real one splits the cost
 * of the hooks from the cost of the crypto.
 *
 * Such a module authenticates nothing: it is built only into build/bench/
 * and loaded only by the benchmark, never by make, make install or DKMS.
 * The load-time known-answer tests still run the real AES-SIV (kat.c does
 * not include this header).
 */
#ifndef _KNTS_BENCH_NOCRYPTO_H
#define _KNTS_BENCH_NOCRYPTO_H

#include <linux/string.h>

#include "cookie.h"
#include "siv.h"

/* The session AEAD follows from the cookie length, as in cookie.c. */
static inline int knts_bench_cookie_open(const u8 *master, u32 key_id,
					 const u8 *cookie, size_t len,
					 struct knts_cookie_keys *k)
{
	unsigned int key_len = (len - KNTS_COOKIE_HDR_LEN) / 2;

	memset(k, 0, sizeof(*k));
	k->key_len = key_len;
	k->aead = key_len == 32 ? KNTS_AEAD_AES_SIV_CMAC_256 :
		  key_len == 48 ? KNTS_AEAD_AES_SIV_CMAC_384 :
				  KNTS_AEAD_AES_SIV_CMAC_512;
	memcpy(k->key, cookie + KNTS_COOKIE_HDR_LEN, 2 * key_len);
	return 0;
}

static inline int knts_bench_cookie_seal(const u8 *master, u32 key_id,
					 const u8 *nonce,
					 const struct knts_cookie_keys *k,
					 u8 *out, size_t cap)
{
	unsigned int len = knts_cookie_len(k->aead);
	__be32 id = cpu_to_be32(key_id);

	if (!len || cap < len)
		return -ENOSPC;
	memcpy(out, &id, sizeof(id));
	memcpy(out + KNTS_COOKIE_KEYID_LEN, nonce, KNTS_COOKIE_NONCE_LEN);
	memset(out + KNTS_COOKIE_KEYID_LEN + KNTS_COOKIE_NONCE_LEN, 0,
	       KNTS_SIV_TAG_LEN);
	memcpy(out + KNTS_COOKIE_HDR_LEN, k->key, 2 * k->key_len);
	return len;
}

static inline int knts_bench_siv_open(const u8 *key, unsigned int key_len,
				      const struct knts_siv_ad *ad,
				      unsigned int n_ad, const u8 *tag,
				      const u8 *ct, size_t len, u8 *pt)
{
	if (pt != ct)
		memcpy(pt, ct, len);
	return 0;
}

static inline int knts_bench_siv_seal(const u8 *key, unsigned int key_len,
				      const struct knts_siv_ad *ad,
				      unsigned int n_ad, const u8 *pt,
				      size_t len, u8 *tag, u8 *ct)
{
	memset(tag, 0, KNTS_SIV_TAG_LEN);
	if (ct != pt)
		memmove(ct, pt, len);
	return 0;
}

/* The master keys prepared at install go the same way. */
static inline int knts_bench_cookie_open_key(const struct knts_siv_key *master,
					     u32 key_id, const u8 *cookie,
					     size_t len,
					     struct knts_cookie_keys *k)
{
	return knts_bench_cookie_open(NULL, key_id, cookie, len, k);
}

static inline int knts_bench_cookie_seal_key(const struct knts_siv_key *master,
					     u32 key_id, const u8 *nonce,
					     const struct knts_cookie_keys *k,
					     u8 *out, size_t cap)
{
	return knts_bench_cookie_seal(NULL, key_id, nonce, k, out, cap);
}

#define knts_cookie_open	knts_bench_cookie_open
#define knts_cookie_seal	knts_bench_cookie_seal
#define knts_cookie_open_key	knts_bench_cookie_open_key
#define knts_cookie_seal_key	knts_bench_cookie_seal_key
#define knts_siv_open		knts_bench_siv_open
#define knts_siv_seal		knts_bench_siv_seal

#endif /* _KNTS_BENCH_NOCRYPTO_H */
