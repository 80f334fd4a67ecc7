// SPDX-License-Identifier: GPL-2.0
/* Master keys: chrony's slots, rotation, the NKS0 file (see masterkeys.h). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "file_atomic.h"
#include "masterkeys.h"

#define MK_SLOT_MASK	(NTSKD_MK_SLOTS - 1)

/* A fresh key for @slot: random bytes, random ID with the slot's low bits. */
static int mk_fresh(struct knts_master_key *k, unsigned int slot)
{
	uint8_t id[4];

	if (RAND_bytes(k->key, sizeof(k->key)) != 1 ||
	    RAND_bytes(id, sizeof(id)) != 1)
		return -EIO;
	k->id = ((uint32_t)id[0] << 24 | (uint32_t)id[1] << 16 |
		 (uint32_t)id[2] << 8 | id[3]);
	k->id = (k->id & ~(uint32_t)MK_SLOT_MASK) | slot;
	k->alg = KNTS_KEYFILE_ALG_SIV_CMAC_256;
	k->len = sizeof(k->key);
	return 0;
}

int ntskd_mk_generate(struct ntskd_masterkeys *mk, int64_t now_ms)
{
	unsigned int i;

	for (i = 0; i < NTSKD_MK_SLOTS; i++) {
		if (mk_fresh(&mk->slot[i], i)) {
			ntskd_mk_wipe(mk);
			return -EIO;
		}
	}
	/* slots 0 and 1 previous, 2 current, 3 next */
	mk->current = 2;
	mk->newest_ms = now_ms;
	return 0;
}

int ntskd_mk_rotate(struct ntskd_masterkeys *mk, int64_t now_ms)
{
	unsigned int cur = (mk->current + 1) & MK_SLOT_MASK;
	unsigned int next = (cur + 1) & MK_SLOT_MASK;
	struct knts_master_key k;

	if (mk_fresh(&k, next)) {
		OPENSSL_cleanse(&k, sizeof(k));
		return -EIO;
	}
	/* the oldest key goes: its cookies are two periods old */
	mk->slot[next] = k;
	OPENSSL_cleanse(&k, sizeof(k));
	mk->current = cur;
	mk->newest_ms = now_ms;
	return 0;
}

int ntskd_mk_from_keyfile(struct ntskd_masterkeys *mk,
			  const struct knts_keyfile *kf, int64_t now_ms,
			  char *err, size_t errlen)
{
	struct ntskd_masterkeys m;
	unsigned int i, have = 0;
	int filled = 0;

	memset(&m, 0, sizeof(m));
	if (kf->n < 2 || kf->n > NTSKD_MK_SLOTS || kf->current >= kf->n) {
		snprintf(err, errlen, "needs 2 to 4 keys, has %u", kf->n);
		return -EINVAL;
	}
	for (i = 0; i < kf->n; i++) {
		const struct knts_master_key *k = &kf->keys[i];

		if (!knts_keyfile_alg_ok(k->alg, k->len)) {
			snprintf(err, errlen,
				 "key %08X uses algorithm %u; knts supports AES-SIV-CMAC-256 (15) and AES-128-GCM-SIV (30) master keys",
				 k->id, k->alg);
			return -EINVAL;
		}
		/* the key file parser checked that the slots are consecutive */
		m.slot[k->id & MK_SLOT_MASK] = *k;
		have |= 1u << (k->id & MK_SLOT_MASK);
	}
	m.current = kf->keys[kf->current].id & MK_SLOT_MASK;
	for (i = 0; i < NTSKD_MK_SLOTS; i++) {
		if (have & (1u << i))
			continue;
		if (mk_fresh(&m.slot[i], i)) {
			OPENSSL_cleanse(&m, sizeof(m));
			snprintf(err, errlen, "no random bytes for a new key");
			return -EIO;
		}
		filled++;
	}
	/* the age is that of the newest key, which a fill-in is not */
	m.newest_ms = now_ms - (int64_t)(kf->age * 1000.0);
	*mk = m;
	OPENSSL_cleanse(&m, sizeof(m));
	return filled;
}

int ntskd_mk_load(struct ntskd_masterkeys *mk, const char *path,
		  int64_t now_ms, char *err, size_t errlen)
{
	struct knts_keyfile_err bad;
	struct knts_keyfile kf;
	struct stat st;
	int ret;

	ret = knts_keyfile_load_why(path, &kf, &bad);
	/*
	 * The age in the file is as of its writing; the file may have sat on
	 * disk since (ntskd stopped, or crashed), so count that time too.
	 */
	if (!ret && !stat(path, &st) && time(NULL) > st.st_mtime)
		kf.age += (double)(time(NULL) - st.st_mtime);
	if (ret == -EINVAL) {
		snprintf(err, errlen, "%s:%u: %s", path, bad.line, bad.reason);
		return ret;
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s", path,
			 ret == -EFBIG ? "too large for a key file" :
			 strerror(-ret));
		return ret;
	}
	ret = ntskd_mk_from_keyfile(mk, &kf, now_ms, err, errlen);
	if (ret < 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", path, why);
	}
	knts_keyfile_wipe(&kf);
	return ret;
}

double ntskd_mk_age(const struct ntskd_masterkeys *mk, int64_t now_ms)
{
	int64_t d = now_ms - mk->newest_ms;

	return d > 0 ? (double)d / 1000.0 : 0.0;
}

int ntskd_mk_format(const struct ntskd_masterkeys *mk, int64_t now_ms,
		    char *buf, size_t cap)
{
	char hex[2 * 32 + 1];
	bool nks1 = false;
	size_t len;
	unsigned int i;
	int n;

	/* NKS0 holds algorithm 15 only; chrony >= 4.4 reads both. */
	for (i = 0; i < NTSKD_MK_SLOTS; i++)
		if (mk->slot[i].alg != KNTS_KEYFILE_ALG_SIV_CMAC_256)
			nks1 = true;
	if (nks1)
		n = snprintf(buf, cap, "NKS1\n%.1f\n", ntskd_mk_age(mk, now_ms));
	else
		n = snprintf(buf, cap, "NKS0\n15 %.1f\n",
			     ntskd_mk_age(mk, now_ms));
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	len = (size_t)n;
	/* oldest first: c-2, c-1, c, then the next key c+1 */
	for (i = 0; i < NTSKD_MK_SLOTS; i++) {
		const struct knts_master_key *k =
			&mk->slot[(mk->current + 2 + i) & MK_SLOT_MASK];

		knts_keyfile_hex(k->key, k->len, hex);
		if (nks1)
			n = snprintf(buf + len, cap - len, "%08X %s %u\n", k->id,
				     hex, k->alg);
		else
			n = snprintf(buf + len, cap - len, "%08X %s\n", k->id,
				     hex);
		if (n < 0 || (size_t)n >= cap - len) {
			OPENSSL_cleanse(hex, sizeof(hex));
			OPENSSL_cleanse(buf, cap);
			return -ENOSPC;
		}
		len += (size_t)n;
	}
	OPENSSL_cleanse(hex, sizeof(hex));
	return len > INT_MAX ? -ENOSPC : (int)len;
}

int ntskd_mk_save(const struct ntskd_masterkeys *mk, const char *path,
		  int64_t now_ms, char *err, size_t errlen)
{
	char text[NTSKD_MK_FILE_MAX];
	int len, ret;

	len = ntskd_mk_format(mk, now_ms, text, sizeof(text));
	if (len < 0) {
		snprintf(err, errlen, "%s: cannot format the keys", path);
		return len;
	}
	ret = knts_file_write_atomic(path, text, (size_t)len, 0600, err, errlen);
	OPENSSL_cleanse(text, sizeof(text));
	return ret;
}

int ntskd_mk_equal(const struct ntskd_masterkeys *a,
		   const struct ntskd_masterkeys *b)
{
	unsigned int i;

	if (a->current != b->current)
		return 0;
	for (i = 0; i < NTSKD_MK_SLOTS; i++)
		if (a->slot[i].id != b->slot[i].id ||
		    CRYPTO_memcmp(a->slot[i].key, b->slot[i].key,
				  sizeof(a->slot[i].key)))
			return 0;
	return 1;
}

void ntskd_mk_wipe(struct ntskd_masterkeys *mk)
{
	OPENSSL_cleanse(mk, sizeof(*mk));
}
