// SPDX-License-Identifier: GPL-2.0
/*
 * A fresh chrony key file (keyfile.h): what `ntsctl keygen` writes. Four
 * keys in chrony's slot order (digest 5.4): the low two bits of the IDs
 * go up by one from line to line, the third line is the key for new
 * cookies and the last the pre-generated next key. Algorithm 15 as NKS0,
 * which every chrony 4.x loads; 30 as NKS1 (chrony >= 4.4).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "keyfile.h"

#define KEYGEN_KEYS	4

void knts_keyfile_hex(const uint8_t *b, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int knts_keyfile_generate(unsigned int alg, char *buf, size_t cap)
{
	size_t klen = alg == KNTS_KEYFILE_ALG_GCM_SIV_128 ? 16 : 32;
	uint8_t key[32], rid[4];
	char hex[2 * 32 + 1];
	size_t len;
	int i, n;

	if (alg != KNTS_KEYFILE_ALG_SIV_CMAC_256 &&
	    alg != KNTS_KEYFILE_ALG_GCM_SIV_128)
		return -EINVAL;
	n = alg == KNTS_KEYFILE_ALG_GCM_SIV_128 ?
	    snprintf(buf, cap, "NKS1\n0.0\n") :
	    snprintf(buf, cap, "NKS0\n15 0.0\n");
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	len = (size_t)n;
	for (i = 0; i < KEYGEN_KEYS; i++) {
		uint32_t id;

		if (RAND_bytes(key, (int)klen) != 1 ||
		    RAND_bytes(rid, sizeof(rid)) != 1) {
			n = -EIO;
			goto fail;
		}
		id = (uint32_t)rid[0] << 24 | (uint32_t)rid[1] << 16 |
		     (uint32_t)rid[2] << 8 | rid[3];
		/* chrony's slot: the low two bits, one up per line */
		id = (id & ~3u) | (uint32_t)i;
		knts_keyfile_hex(key, klen, hex);
		n = alg == KNTS_KEYFILE_ALG_GCM_SIV_128 ?
		    snprintf(buf + len, cap - len, "%08X %s 30\n", id, hex) :
		    snprintf(buf + len, cap - len, "%08X %s\n", id, hex);
		if (n < 0 || (size_t)n >= cap - len) {
			n = -ENOSPC;
			goto fail;
		}
		len += (size_t)n;
	}
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(hex, sizeof(hex));
	return (int)len;
fail:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(hex, sizeof(hex));
	OPENSSL_cleanse(buf, cap);
	return n;
}
