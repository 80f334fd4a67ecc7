/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chrony's server master key file ("ntskeys", digest 5.4), for
 * `ntsctl load-keys`: NKS0 (chrony 4.0-4.3) and NKS1 (chrony >= 4.4).
 *
 *   NKS0\n<alg 15> <age %.1f>\n   then lines  <ID %08X> <64 hex>\n
 *   NKS1\n<age %.1f>\n            then lines  <ID %08X> <hex> <alg>\n
 *
 * The lines run oldest first and the last one is the pre-generated
 * "future" key; the key for new cookies is the one before it. The low two
 * bits of the IDs (chrony's key slot) must go up by one (mod 4) from line
 * to line, as chrony writes them and as its NKS1 loader requires.
 * NKS1 may hold AES-128-GCM-SIV keys (alg 30, 16 bytes), which chrony
 * >= 4.4 makes by default; knts seals and opens cookies under both.
 */
#ifndef KNTS_KEYFILE_H
#define KNTS_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define KNTS_KEYFILE_MAX_KEYS	4
#define KNTS_KEYFILE_MAX_SIZE	4096

/* Algorithms of a chrony master key. */
#define KNTS_KEYFILE_ALG_SIV_CMAC_256	15
#define KNTS_KEYFILE_ALG_GCM_SIV_128	30

struct knts_master_key {
	uint32_t id;
	uint16_t alg;		/* 15 or 30 */
	uint16_t len;		/* 32 for alg 15, 16 for alg 30 */
	uint8_t key[32];
};

struct knts_keyfile {
	unsigned int version;	/* 0 for NKS0, 1 for NKS1 */
	double age;		/* seconds since the newest key was made */
	unsigned int n;		/* keys[0 .. n-1], oldest first */
	unsigned int current;	/* index of the key for new cookies (n-2) */
	struct knts_master_key keys[KNTS_KEYFILE_MAX_KEYS];
};

/*
 * Parse the file text (@len bytes, no NUL needed). Returns 0, or -EINVAL
 * for anything malformed (bad magic, algorithm, hex, ID order, 0-1 or more
 * than 4 keys). On error @kf is zeroed.
 */
int knts_keyfile_parse(const char *text, size_t len, struct knts_keyfile *kf);

/* Read and parse @path: 0, -errno from the system, -EFBIG, or -EINVAL. */
int knts_keyfile_load(const char *path, struct knts_keyfile *kf);

/* Why a file was refused (-EINVAL): the 1-based line and the reason. */
struct knts_keyfile_err {
	unsigned int line;
	const char *reason;	/* static text */
};

/* As above, and where and why in @why (may be NULL) on -EINVAL. */
int knts_keyfile_parse_why(const char *text, size_t len,
			   struct knts_keyfile *kf, struct knts_keyfile_err *why);
int knts_keyfile_load_why(const char *path, struct knts_keyfile *kf,
			  struct knts_keyfile_err *why);

/* The key with this ID, or NULL. */
const struct knts_master_key *knts_keyfile_find(const struct knts_keyfile *kf,
						uint32_t id);

/* An algorithm knts has cookies for, with its key length: 15/32, 30/16. */
static inline int knts_keyfile_alg_ok(uint16_t alg, uint16_t len)
{
	return (alg == KNTS_KEYFILE_ALG_SIV_CMAC_256 && len == 32) ||
	       (alg == KNTS_KEYFILE_ALG_GCM_SIV_128 && len == 16);
}

/*
 * A fresh key file of four random keys of @alg (15: NKS0, 30: NKS1) in
 * chrony's slot order, the third current: what `ntsctl keygen` writes.
 * Returns its length, -EINVAL (other @alg), -ENOSPC or -EIO (no random
 * bytes); on error @buf is wiped.
 */
int knts_keyfile_generate(unsigned int alg, char *buf, size_t cap);

/* @n bytes as 2 * @n upper-case hex digits and a NUL, as key files hold them. */
void knts_keyfile_hex(const uint8_t *b, size_t n, char *out);

/* Wipe the key material. */
void knts_keyfile_wipe(struct knts_keyfile *kf);

#endif /* KNTS_KEYFILE_H */
