// SPDX-License-Identifier: GPL-2.0
/*
 * The AES block function of GCM-SIV (kmod/gcmsiv.h) in userspace:
 * OpenSSL's AES-128-ECB without padding, one block per call. OpenSSL 3.0
 * (Debian 12) has no AES-GCM-SIV of its own; the mode is kmod/gcmsiv.c.
 * A context lives for one seal or open; freeing it makes OpenSSL wipe
 * the key schedule.
 */
#include "ktypes.h"
#include "../../kmod/gcmsiv.h"

#include <errno.h>
#include <stdlib.h>

#include <openssl/evp.h>

struct knts_gcmsiv_aes {
	EVP_CIPHER_CTX *ctx;
};

struct knts_gcmsiv_aes *knts_gcmsiv_aes_begin(void)
{
	struct knts_gcmsiv_aes *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->ctx = EVP_CIPHER_CTX_new();
	if (!a->ctx) {
		free(a);
		return NULL;
	}
	return a;
}

int knts_gcmsiv_aes_setkey(struct knts_gcmsiv_aes *a,
			   const u8 key[KNTS_GCMSIV_KEY_LEN])
{
	if (EVP_EncryptInit_ex(a->ctx, EVP_aes_128_ecb(), NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(a->ctx, 0) != 1)
		return -EIO;
	return 0;
}

int knts_gcmsiv_aes_encrypt(struct knts_gcmsiv_aes *a, u8 out[16],
			    const u8 in[16])
{
	int n = 0;

	if (EVP_EncryptUpdate(a->ctx, out, &n, in, 16) != 1 || n != 16)
		return -EIO;
	return 0;
}

void knts_gcmsiv_aes_end(struct knts_gcmsiv_aes *a)
{
	EVP_CIPHER_CTX_free(a->ctx);
	free(a);
}
