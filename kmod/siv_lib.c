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

int knts_siv_lib_setkey(struct knts_siv_blk *k, const u8 *mac_key,
			const u8 *ctr_key, unsigned int half)
{
	int err;

	k->impl = KNTS_SIV_LIB;
	err = aes_expandkey(&k->lib.mac, mac_key, half);
	if (!err && ctr_key)
		err = aes_expandkey(&k->lib.ctr, ctr_key, half);
	return err;
}

void knts_siv_lib_cbcmac(const struct knts_siv_blk *k,
			 u8 state[KNTS_SIV_BLOCK], u8 *buf, unsigned int n)
{
	for (; n; n--, buf += KNTS_SIV_BLOCK) {
		crypto_xor(state, buf, KNTS_SIV_BLOCK);
		aes_encrypt(&k->lib.mac, state, state);
	}
}

void knts_siv_lib_ctr(const struct knts_siv_blk *k,
		      const u8 iv[KNTS_SIV_BLOCK], const u8 *in, u8 *out,
		      size_t len)
{
	u8 ctr[KNTS_SIV_BLOCK], ks[KNTS_SIV_BLOCK];
	size_t n;

	memcpy(ctr, iv, KNTS_SIV_BLOCK);
	while (len) {
		n = min_t(size_t, len, KNTS_SIV_BLOCK);
		aes_encrypt(&k->lib.ctr, ks, ctr);
		crypto_xor_cpy(out, in, ks, n);
		crypto_inc(ctr, KNTS_SIV_BLOCK);
		in += n;
		out += n;
		len -= n;
	}
	memzero_explicit(ks, sizeof(ks));
	memzero_explicit(ctr, sizeof(ctr));
}
