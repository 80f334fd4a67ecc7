// SPDX-License-Identifier: GPL-2.0
/*
 * AES-SIV with a prepared key (userspace/lib/siv_keyed.*) against the
 * one-shot implementation (siv_openssl.c, itself checked against RFC 5297
 * and real chrony packets in test_siv): the RFC A.1 vector, then random
 * keys of all three sizes, AD shapes and lengths, many messages per key
 * (the contexts are reused, so state must not leak between calls).
 */
#include <errno.h>

#include <openssl/rand.h>

#include "unit.h"
#include "siv.h"
#include "siv_keyed.h"

static void test_rfc5297_a1(void)
{
	static const u8 key[32] = {
		0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8,
		0xf7, 0xf6, 0xf5, 0xf4, 0xf3, 0xf2, 0xf1, 0xf0,
		0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
		0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
	};
	static const u8 ad1[24] = {
		0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
		0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
		0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
	};
	static const u8 pt[14] = {
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
		0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
	};
	static const u8 v[16] = {
		0x85, 0x63, 0x2d, 0x07, 0xc6, 0xe8, 0xf3, 0x7f,
		0x95, 0x0a, 0xcd, 0x32, 0x0a, 0x2e, 0xcc, 0x93,
	};
	static const u8 c[14] = {
		0x40, 0xc0, 0x2b, 0x96, 0x90, 0xc4, 0xdc, 0x04,
		0xda, 0xef, 0x7f, 0x6a, 0xfe, 0x5c,
	};
	struct knts_siv_ad ad = { ad1, sizeof(ad1) };
	struct knts_siv_key *k = knts_siv_key_new(key, 32);
	u8 tag[16], ct[14], back[14];
	int i;

	EXPECT(k != NULL);
	for (i = 0; i < 3; i++) {	/* the same answer every time */
		EXPECT_EQ(knts_siv_key_seal(k, &ad, 1, pt, sizeof(pt), tag, ct), 0);
		EXPECT_MEM(tag, v, 16);
		EXPECT_MEM(ct, c, 14);
		EXPECT_EQ(knts_siv_key_open(k, &ad, 1, tag, ct, sizeof(ct), back), 0);
		EXPECT_MEM(back, pt, 14);
	}
	tag[3] ^= 1;
	EXPECT_EQ(knts_siv_key_open(k, &ad, 1, tag, ct, sizeof(ct), back), -EBADMSG);
	EXPECT_MEM(back, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 14);	/* wiped */
	knts_siv_key_free(k);
}

static void test_same_as_oneshot(void)
{
	static const unsigned int lens[] = { 32, 48, 64 };
	u8 key[64], a[300], n[16], p[400], t1[16], t2[16], c1[400], c2[400], b[400];
	unsigned int l, round;

	for (l = 0; l < 3; l++) {
		struct knts_siv_key *k;

		RAND_bytes(key, sizeof(key));
		k = knts_siv_key_new(key, lens[l]);
		EXPECT(k != NULL);
		for (round = 0; round < 60; round++) {
			/* empty to multi-block plaintexts, 0-2 AD components */
			size_t plen = (round * 37) % 300, alen = (round * 53) % 300;
			unsigned int n_ad = round % 3;
			struct knts_siv_ad ad[2] = { { a, alen }, { n, 16 } };

			RAND_bytes(a, sizeof(a));
			RAND_bytes(n, sizeof(n));
			RAND_bytes(p, sizeof(p));
			EXPECT_EQ(knts_siv_seal(key, lens[l], ad, n_ad, p, plen, t1, c1), 0);
			EXPECT_EQ(knts_siv_key_seal(k, ad, n_ad, p, plen, t2, c2), 0);
			EXPECT_MEM(t1, t2, 16);
			if (plen)
				EXPECT_MEM(c1, c2, plen);
			EXPECT_EQ(knts_siv_key_open(k, ad, n_ad, t1, c1, plen, b), 0);
			if (plen)
				EXPECT_MEM(b, p, plen);
			/* in place, like the one-shot code allows */
			memcpy(b, c1, plen);
			EXPECT_EQ(knts_siv_key_open(k, ad, n_ad, t1, b, plen, b), 0);
			if (plen)
				EXPECT_MEM(b, p, plen);
		}
		knts_siv_key_free(k);
	}
}

static void test_bad_args(void)
{
	u8 key[32] = { 1 }, tag[16], buf[32];
	struct knts_siv_key *k;

	EXPECT(knts_siv_key_new(key, 31) == NULL);
	EXPECT(knts_siv_key_new(NULL, 32) == NULL);
	k = knts_siv_key_new(key, 32);
	EXPECT_EQ(knts_siv_key_seal(k, NULL, 0, NULL, 0, tag, NULL), 0);
	EXPECT_EQ(knts_siv_key_seal(k, NULL, 1, NULL, 0, tag, NULL), -EINVAL);
	EXPECT_EQ(knts_siv_key_seal(k, NULL, 0, buf, 16, tag, buf + 8), -EINVAL);
	EXPECT_EQ(knts_siv_key_seal(NULL, NULL, 0, NULL, 0, tag, NULL), -EINVAL);
	knts_siv_key_free(k);
	knts_siv_key_free(NULL);
}

int main(void)
{
	RUN(test_rfc5297_a1);
	RUN(test_same_as_oneshot);
	RUN(test_bad_args);
	return unit_done();
}
