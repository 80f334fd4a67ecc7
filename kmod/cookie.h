/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS cookies in chrony's format, shared by knts.ko (decode on requests,
 * encode on responses) and ntskd (encode at NTS-KE). The master key's
 * algorithm decides the layout, as in chrony (nts_ke_server.c):
 *
 *   15 (chrony 4.0 and later): KeyID (4, big-endian) || Nonce (16) ||
 *      V (16) || E(C2S || S2C). AES-SIV-CMAC-256 under a 32-byte master
 *      key with the S2V components ["" (one empty AD component), Nonce,
 *      C2S || S2C].
 *   30 (chrony >= 4.4 when its crypto library has it, its default):
 *      KeyID (4) || Nonce (12) || E(C2S || S2C) || Tag (16).
 *      AES-128-GCM-SIV under a 16-byte master key, empty AD.
 *
 * The session AEAD is not stored: it follows from the plaintext length,
 * 32 -> 30, 64 -> 15, 96 -> 16, 128 -> 17. So a cookie is 68, 100, 132 or
 * 164 bytes under a master key of algorithm 15 and 64, 96, 128 or 160
 * under one of algorithm 30; no length is both.
 *
 * The code is pure: the nonce comes from the caller (get_random_bytes()
 * in the kernel, RAND_bytes() in userspace) and so does every buffer.
 * In the kernel, @out, @cookie and @k must not be on the stack (the SIV
 * ciphertext and plaintext go through scatterlists): use per-CPU or heap
 * memory. The master key and nonce may live anywhere.
 */
#ifndef _KNTS_COOKIE_H
#define _KNTS_COOKIE_H

#include <linux/types.h>

#include "siv.h"

#define KNTS_COOKIE_MASTER_LEN	32	/* algorithm 15 */
#define KNTS_COOKIE_GCM_MASTER_LEN 16	/* algorithm 30 */
#define KNTS_COOKIE_KEYID_LEN	4
/* The nonce every caller passes; a GCM-SIV master key uses its first 12. */
#define KNTS_COOKIE_NONCE_LEN	16
/* Everything but the plaintext, under a master key of algorithm 15. */
#define KNTS_COOKIE_HDR_LEN	(KNTS_COOKIE_KEYID_LEN + \
				 KNTS_COOKIE_NONCE_LEN + KNTS_SIV_TAG_LEN)
/* The same under algorithm 30: ID, 12-byte nonce, tag. */
#define KNTS_COOKIE_GCM_HDR_LEN	(KNTS_COOKIE_KEYID_LEN + 12 + 16)
#define KNTS_COOKIE_MIN_LEN	(KNTS_COOKIE_GCM_HDR_LEN + 2 * 16)
#define KNTS_COOKIE_MAX_LEN	(KNTS_COOKIE_HDR_LEN + \
				 2 * KNTS_SIV_MAX_KEY_LEN)

/*
 * Session keys carried by a cookie. The two keys are stored back to back,
 * C2S then S2C, each @key_len bytes, because that is the SIV plaintext:
 * open() decrypts straight into @key and seal() reads from it, with no
 * other copy of the keys.
 */
struct knts_cookie_keys {
	u16 aead;		/* enum knts_aead */
	u16 key_len;		/* knts_aead_key_len(aead) */
	u8 key[2 * KNTS_SIV_MAX_KEY_LEN];	/* C2S || S2C */
};

static inline u8 *knts_cookie_c2s(struct knts_cookie_keys *k)
{
	return k->key;
}

static inline u8 *knts_cookie_s2c(struct knts_cookie_keys *k)
{
	return k->key + k->key_len;
}

/*
 * Cookie length for a session AEAD under a master key of algorithm
 * @master_alg (15 or 30), or 0 if either is not one knts has.
 */
static inline unsigned int knts_cookie_len_alg(unsigned int master_alg,
					       unsigned int aead)
{
	unsigned int key_len = knts_aead_key_len(aead);

	if (!key_len)
		return 0;
	if (master_alg == KNTS_AEAD_AES_SIV_CMAC_256)
		return KNTS_COOKIE_HDR_LEN + 2 * key_len;
	if (master_alg == KNTS_AEAD_AES_128_GCM_SIV)
		return KNTS_COOKIE_GCM_HDR_LEN + 2 * key_len;
	return 0;
}

/* The same under a master key of algorithm 15. */
static inline unsigned int knts_cookie_len(unsigned int aead)
{
	return knts_cookie_len_alg(KNTS_AEAD_AES_SIV_CMAC_256, aead);
}

/* Length of a master key of @alg (32 for 15, 16 for 30), or 0. */
static inline unsigned int knts_cookie_master_len(unsigned int alg)
{
	if (alg == KNTS_AEAD_AES_SIV_CMAC_256)
		return KNTS_COOKIE_MASTER_LEN;
	if (alg == KNTS_AEAD_AES_128_GCM_SIV)
		return KNTS_COOKIE_GCM_MASTER_LEN;
	return 0;
}

/*
 * The key ID of a cookie, to look up its master key. Returns 0, or
 * -EMSGSIZE when @len is a cookie length under no master algorithm.
 */
int knts_cookie_key_id(const u8 *cookie, size_t len, u32 *key_id);

/*
 * Seal and open under a master key of algorithm @master_alg (15: @master
 * is 32 bytes; 30: 16 bytes). Same contract as the two below, which are
 * these with algorithm 15; -EINVAL also for an unknown @master_alg.
 */
int knts_cookie_seal_alg(unsigned int master_alg, const u8 *master,
			 u32 key_id, const u8 nonce[KNTS_COOKIE_NONCE_LEN],
			 const struct knts_cookie_keys *k, u8 *out, size_t cap);
int knts_cookie_open_alg(unsigned int master_alg, const u8 *master,
			 u32 key_id, const u8 *cookie, size_t len,
			 struct knts_cookie_keys *k);

/*
 * Build a cookie for @k (aead and key_len set, keys in @k->key) under the
 * master key (@key_id, @master) with @nonce. Writes knts_cookie_len() bytes
 * to @out and returns that length, or:
 *   -EINVAL  @k->aead is not 15/16/17/30 or @k->key_len does not match it
 *   -ENOSPC  @cap is smaller than the cookie
 *   other    an error from knts_siv_seal(); @out is then zeroed
 */
int knts_cookie_seal(const u8 master[KNTS_COOKIE_MASTER_LEN], u32 key_id,
		     const u8 nonce[KNTS_COOKIE_NONCE_LEN],
		     const struct knts_cookie_keys *k, u8 *out, size_t cap);

/*
 * Open a cookie with the master key (@key_id, @master) that the caller
 * looked up with knts_cookie_key_id(). Fills @k and returns 0, or:
 *   -EMSGSIZE  @len is not 68, 100, 132 or 164: not a cookie of ours
 *   -ENOKEY    the cookie's key ID is not @key_id (unknown or stale key)
 *   -EBADMSG   authentication failed (forged, corrupted, wrong master key)
 *   other      an error from knts_siv_open()
 * On any error @k is zeroed. All three listed cases call for an NTS NAK.
 */
int knts_cookie_open(const u8 master[KNTS_COOKIE_MASTER_LEN], u32 key_id,
		     const u8 *cookie, size_t len,
		     struct knts_cookie_keys *k);

#ifdef __KERNEL__
struct knts_siv_key;

/*
 * The same with the master key prepared once (kmod/siv_key.h): what the
 * server's packet path uses, so that no packet pays for the key schedule
 * of a master key.
 */
int knts_cookie_seal_key(const struct knts_siv_key *master, u32 key_id,
			 const u8 nonce[KNTS_COOKIE_NONCE_LEN],
			 const struct knts_cookie_keys *k, u8 *out, size_t cap);
int knts_cookie_open_key(const struct knts_siv_key *master, u32 key_id,
			 const u8 *cookie, size_t len,
			 struct knts_cookie_keys *k);

struct knts_gcmsiv_key;

/* Likewise under a prepared GCM-SIV master key (kmod/gcmsiv_key.h). */
int knts_cookie_seal_gkey(const struct knts_gcmsiv_key *master, u32 key_id,
			  const u8 nonce[KNTS_COOKIE_NONCE_LEN],
			  const struct knts_cookie_keys *k, u8 *out,
			  size_t cap);
int knts_cookie_open_gkey(const struct knts_gcmsiv_key *master, u32 key_id,
			  const u8 *cookie, size_t len,
			  struct knts_cookie_keys *k);
#endif

#endif /* _KNTS_COOKIE_H */
