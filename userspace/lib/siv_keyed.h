/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AES-SIV-CMAC (RFC 5297) with one key used for many messages: the CMAC
 * and CTR key schedules and D0 = CMAC(K1, 0^128) are computed once. Same
 * results and return codes as knts_siv_seal()/knts_siv_open() (siv.h),
 * several times faster on short messages, which is what a load generator
 * verifying every reply under one S2C key needs.
 *
 * An object is not thread safe (its contexts change during each call);
 * use one per thread. knts_siv_key_free() wipes it.
 */
#ifndef KNTS_SIV_KEYED_H
#define KNTS_SIV_KEYED_H

#include <stddef.h>
#include <stdint.h>

struct knts_siv_key;
struct knts_siv_ad;

/* key_len 32, 48 or 64; NULL on bad length or allocation failure */
struct knts_siv_key *knts_siv_key_new(const uint8_t *key, unsigned int key_len);
void knts_siv_key_free(struct knts_siv_key *k);

int knts_siv_key_seal(struct knts_siv_key *k, const struct knts_siv_ad *ad,
		      unsigned int n_ad, const uint8_t *pt, size_t len,
		      uint8_t tag[16], uint8_t *ct);
int knts_siv_key_open(struct knts_siv_key *k, const struct knts_siv_ad *ad,
		      unsigned int n_ad, const uint8_t tag[16],
		      const uint8_t *ct, size_t len, uint8_t *pt);

#endif /* KNTS_SIV_KEYED_H */
