// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl keygen FILE [--aead 15|30]: a fresh set of server master keys in
 * chrony's key file format, for pools whose keys are managed outside
 * chrony: chrony loads it with `ntsrotate 0` (chrony never writes its
 * ntskeys in that mode, so something else must), knts with `ntsctl
 * load-keys`, ntskd with `keyfile`.
 *
 * The text comes from knts_keyfile_generate() (userspace/lib/keyfile_gen.c):
 * NKS0 for algorithm 15, NKS1 for 30. Mode 0600, written atomically: a
 * reader sees the old file or the new one, never half of it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "file_atomic.h"
#include "keyfile.h"
#include "ntsctl.h"

#define KEYGEN_MAX	512

int ntsctl_keygen(int argc, char **argv, const struct ntsctl_opts *o)
{
	unsigned int alg = KNTS_KEYFILE_ALG_SIV_CMAC_256;
	char text[KEYGEN_MAX], err[512];
	struct knts_keyfile kf;
	const char *path = NULL;
	bool bad = false;
	int i, len, rc;

	for (i = 1; i < argc && !bad; i++) {
		if (!strcmp(argv[i], "--aead") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "15"))
				alg = KNTS_KEYFILE_ALG_SIV_CMAC_256;
			else if (!strcmp(argv[i], "30"))
				alg = KNTS_KEYFILE_ALG_GCM_SIV_128;
			else
				bad = true;
		} else if (!path && argv[i][0] != '-') {
			path = argv[i];
		} else {
			bad = true;
		}
	}
	if (!path || bad) {
		fprintf(stderr, "Usage: ntsctl keygen FILE [--aead 15|30]\n");
		return NTSCTL_USAGE;
	}
	len = knts_keyfile_generate(alg, text, sizeof(text));
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
