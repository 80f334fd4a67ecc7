// SPDX-License-Identifier: GPL-2.0
/*
 * The lib backend of AES-SIV: lib/crypto AES one block at a time. Slow
 * next to AES-NI but plain C with no FPU and no table lookups indexed by
 * secrets, so it runs in any context: it is what the simd backend falls
 * back to when SIMD is not usable.
 */
#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <linux/string.h>

#include "siv_impl.h"

void knts_siv_lib_cbcmac(const struct compat_aes_key *mac,
			 u8 state[KNTS_SIV_BLOCK], const u8 *buf,
			 unsigned int n)
{
	for (; n; n--, buf += KNTS_SIV_BLOCK) {
		crypto_xor(state, buf, KNTS_SIV_BLOCK);
		aes_encrypt(mac, state, state);
	}
}

void knts_siv_lib_ctr(const struct compat_aes_key *ctr,
		      const u8 iv[KNTS_SIV_BLOCK], const u8 *in, u8 *out,
		      size_t len)
{
	u8 c[KNTS_SIV_BLOCK], ks[KNTS_SIV_BLOCK];
	size_t n;

	memcpy(c, iv, KNTS_SIV_BLOCK);
	while (len) {
		n = min_t(size_t, len, KNTS_SIV_BLOCK);
		aes_encrypt(ctr, ks, c);
		crypto_xor_cpy(out, in, ks, n);
		crypto_inc(c, KNTS_SIV_BLOCK);
		in += n;
		out += n;
		len -= n;
	}
	memzero_explicit(ks, sizeof(ks));
	memzero_explicit(c, sizeof(c));
}
