// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl keygen FILE [--aead 15|30]: a fresh set of server master keys in
 * chrony's key file format, for pools whose keys are managed outside
 * chrony: chrony loads it with `ntsrotate 0` (chrony never writes its
 * ntskeys in that mode, so something else must), knts with `ntsctl
 * load-keys`, ntskd with `keyfile`.
 *
 * Four keys in chrony's slot order (digest 5.4): the low two bits of the
 * IDs go up by one from line to line, the third line is the key for new
 * cookies and the last the pre-generated next key. Algorithm 15 is
 * written as NKS0, which every chrony 4.x loads; 30 as NKS1 (chrony >=
 * 4.4). Mode 0600, written atomically: a reader sees the old file or the
 * new one, never half of it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "file_atomic.h"
#include "keyfile.h"
#include "ntsctl.h"

#define KEYGEN_KEYS	4
#define KEYGEN_MAX	512

static void keygen_hex(const uint8_t *b, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The file text for @alg: its length, or -1. */
static int keygen_text(unsigned int alg, char *buf, size_t cap)
{
	size_t klen = alg == KNTS_KEYFILE_ALG_GCM_SIV_128 ? 16 : 32;
	uint8_t key[32], rid[4];
	char hex[2 * 32 + 1];
	size_t len;
	int i, n;

	n = alg == KNTS_KEYFILE_ALG_GCM_SIV_128 ?
	    snprintf(buf, cap, "NKS1\n0.0\n") :
	    snprintf(buf, cap, "NKS0\n15 0.0\n");
	len = (size_t)n;
	for (i = 0; i < KEYGEN_KEYS; i++) {
		uint32_t id;

		if (RAND_bytes(key, (int)klen) != 1 ||
		    RAND_bytes(rid, sizeof(rid)) != 1)
			goto fail;
		id = (uint32_t)rid[0] << 24 | (uint32_t)rid[1] << 16 |
		     (uint32_t)rid[2] << 8 | rid[3];
		/* chrony's slot: the low two bits, one up per line */
		id = (id & ~3u) | (uint32_t)i;
		keygen_hex(key, klen, hex);
		n = alg == KNTS_KEYFILE_ALG_GCM_SIV_128 ?
		    snprintf(buf + len, cap - len, "%08X %s 30\n", id, hex) :
		    snprintf(buf + len, cap - len, "%08X %s\n", id, hex);
		if (n < 0 || (size_t)n >= cap - len)
			goto fail;
		len += (size_t)n;
	}
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(hex, sizeof(hex));
	return (int)len;
fail:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(hex, sizeof(hex));
	OPENSSL_cleanse(buf, cap);
	return -1;
}

int ntsctl_keygen(int argc, char **argv, const struct ntsctl_opts *o)
{
	unsigned int alg = KNTS_KEYFILE_ALG_SIV_CMAC_256;
	char text[KEYGEN_MAX], err[512];
	struct knts_keyfile kf;
	const char *path = NULL;
	int i, len, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--aead") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "15"))
				alg = KNTS_KEYFILE_ALG_SIV_CMAC_256;
			else if (!strcmp(argv[i], "30"))
				alg = KNTS_KEYFILE_ALG_GCM_SIV_128;
			else
				path = NULL, i = argc + 1;
		} else if (!path && argv[i][0] != '-') {
			path = argv[i];
		} else {
			i = argc + 1;
		}
	}
	if (!path || i > argc) {
		fprintf(stderr, "Usage: ntsctl keygen FILE [--aead 15|30]\n");
		return NTSCTL_USAGE;
	}
	len = keygen_text(alg, text, sizeof(text));
	/* What we write must be what every reader accepts. */
	if (len < 0 || knts_keyfile_parse(text, (size_t)len, &kf)) {
		fprintf(stderr, "ntsctl: keygen: no random bytes for the keys\n");
		OPENSSL_cleanse(text, sizeof(text));
		return NTSCTL_FAIL;
	}
	rc = knts_file_write_atomic(path, text, (size_t)len, 0600, err,
				    sizeof(err));
	if (rc)
		fprintf(stderr, "ntsctl: keygen: %s\n", err);
	else
		printf("wrote 4 keys of algorithm %u to %s, current %08X\n",
		       alg, path, kf.keys[kf.current].id);
	knts_keyfile_wipe(&kf);
	OPENSSL_cleanse(text, sizeof(text));
	return rc ? NTSCTL_FAIL : NTSCTL_OK;
}
