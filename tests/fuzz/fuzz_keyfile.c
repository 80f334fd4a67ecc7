// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for chrony's "ntskeys" parser (userspace/lib/keyfile.c,
 * what `ntsctl load-keys` and ntskd read). The file is root-owned, but it
 * may come from another host of a pool, and a parser bug there is a key
 * mix-up: every accepted file must make sense, and every refused one must
 * leave nothing behind.
 *
 * The input sits in a heap block of exactly its size (ASan sees a read one
 * byte past it); accepted files are written back in the same format and
 * must parse to the same keys.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyfile.h"

#define CHECK(c)		\
	do {			\
		if (!(c))	\
			abort();\
	} while (0)

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

static void check_accepted(const uint8_t *p, size_t size,
			   const struct knts_keyfile *kf)
{
	unsigned int i;

	CHECK(size >= 5 && !memcmp(p, "NKS", 3) && p[4] == '\n');
	CHECK(kf->version == (unsigned int)(p[3] - '0'));
	CHECK(kf->version <= 1);
	CHECK(isfinite(kf->age) && kf->age >= 0);
	CHECK(kf->n >= 2 && kf->n <= KNTS_KEYFILE_MAX_KEYS);
	CHECK(kf->current == kf->n - 2);
	for (i = 0; i < kf->n; i++) {
		const struct knts_master_key *k = &kf->keys[i];

		CHECK((k->alg == KNTS_KEYFILE_ALG_SIV_CMAC_256 && k->len == 32) ||
		      (k->alg == KNTS_KEYFILE_ALG_GCM_SIV_128 && k->len == 16));
		/* NKS0 knows one algorithm. */
		CHECK(kf->version == 1 || k->alg == KNTS_KEYFILE_ALG_SIV_CMAC_256);
		/* Bytes past a short key stay zero: nothing stale is used. */
		CHECK(all_zero(k->key + k->len, sizeof(k->key) - k->len));
		if (i)
			CHECK((k->id & 3) == ((kf->keys[i - 1].id + 1) & 3));
		/* IDs may repeat only with the same slot 4 lines apart. */
		CHECK(knts_keyfile_find(kf, k->id) != NULL);
	}
	for (; i < KNTS_KEYFILE_MAX_KEYS; i++)
		CHECK(all_zero(&kf->keys[i], sizeof(kf->keys[i])));
}

/* Write @kf back in its own format. */
static size_t format(const struct knts_keyfile *kf, char *out, size_t cap)
{
	size_t n;
	unsigned int i, j;

	if (kf->version == 0)
		n = (size_t)snprintf(out, cap, "NKS0\n15 %.17g\n", kf->age);
	else
		n = (size_t)snprintf(out, cap, "NKS1\n%.17g\n", kf->age);
	for (i = 0; i < kf->n; i++) {
		const struct knts_master_key *k = &kf->keys[i];

		n += (size_t)snprintf(out + n, cap - n, "%08X ", k->id);
		for (j = 0; j < k->len; j++)
			n += (size_t)snprintf(out + n, cap - n, "%02x", k->key[j]);
		if (kf->version == 1)
			n += (size_t)snprintf(out + n, cap - n, " %u", k->alg);
		n += (size_t)snprintf(out + n, cap - n, "\n");
	}
	CHECK(n < cap);
	return n;
}

static void check_round_trip(const struct knts_keyfile *kf)
{
	static char text[1024];
	struct knts_keyfile again;
	unsigned int i;
	size_t n = format(kf, text, sizeof(text));

	/* "%.17g" of a huge age may read back as something strtod rejects. */
	if (memchr(text, 'i', n) || memchr(text, 'n', n))
		return;
	CHECK(knts_keyfile_parse(text, n, &again) == 0);
	CHECK(again.version == kf->version && again.n == kf->n &&
	      again.current == kf->current && again.age == kf->age);
	for (i = 0; i < kf->n; i++) {
		CHECK(again.keys[i].id == kf->keys[i].id);
		CHECK(again.keys[i].alg == kf->keys[i].alg);
		CHECK(again.keys[i].len == kf->keys[i].len);
		CHECK(!memcmp(again.keys[i].key, kf->keys[i].key,
			      sizeof(kf->keys[i].key)));
	}
	knts_keyfile_wipe(&again);
	CHECK(all_zero(&again, sizeof(again)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);
	struct knts_keyfile kf;
	int ret;

	if (!p)
		return 0;
	memcpy(p, data, size);
	memset(&kf, 0x5a, sizeof(kf));
	ret = knts_keyfile_parse(p, size, &kf);
	CHECK(ret == 0 || ret == -EINVAL);
	if (ret) {
		/* A refused file leaves no key bytes and no half state. */
		CHECK(all_zero(&kf, sizeof(kf)));
	} else {
		check_accepted((const uint8_t *)p, size, &kf);
		check_round_trip(&kf);
	}
	knts_keyfile_wipe(&kf);
	free(p);
	return 0;
}
