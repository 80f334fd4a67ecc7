// SPDX-License-Identifier: GPL-2.0
/*
 * knts's own AES-NI core (kmod/siv_aesni.c), built here exactly as the
 * kernel builds it, against the userspace reference (kmod/siv.h over
 * OpenSSL, userspace/lib/siv_openssl.c): RFC 5297 A.1, then random keys
 * of all three sizes (AEAD 15, 16, 17), 0 to 3 AD components of 0 to 70
 * bytes, an empty first component with and without the shortcut that
 * prepared keys take, plaintexts of 0 to 100 bytes, in place and not;
 * open refuses a flipped bit. And the nonce generator's counter mode
 * (knts_aesni_counter(), kmod/nonce.c) against OpenSSL's AES-128-ECB of
 * the same blocks. x86-64 hosts with AES-NI only.
 */
#include <errno.h>
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "unit.h"
#include "siv.h"
#include "siv_aesni.h"

static void ni_seal(const u8 *key, unsigned int kl, bool empty,
		    const struct knts_siv_ad *ad, unsigned int n_ad,
		    const u8 *pt, size_t len, u8 tag[16], u8 *ct)
{
	struct knts_aesni_key k;

	knts_aesni_prepare(&k, key, kl, len != 0, empty);
	knts_aesni_s2v(&k, ad, n_ad, pt, len, tag);
	knts_aesni_ctr(&k, tag, pt, ct, len);
	knts_aesni_wipe(&k);
}

static int ni_open(const u8 *key, unsigned int kl,
		   const struct knts_siv_ad *ad, unsigned int n_ad,
		   const u8 tag[16], const u8 *ct, size_t len, u8 *pt)
{
	struct knts_aesni_key k;
	u8 v[16];

	knts_aesni_prepare(&k, key, kl, true, true);
	knts_aesni_ctr(&k, tag, ct, pt, len);
	knts_aesni_s2v(&k, ad, n_ad, pt, len, v);
	knts_aesni_wipe(&k);
	return memcmp(v, tag, 16) ? -EBADMSG : 0;
}

static void test_rfc5297_a1(void)
{
	u8 key[32], ad[24], pt[14], want[30], tag[16], ct[14], back[14];
	struct knts_siv_ad a;

	unit_unhex("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0"
		   "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", key, sizeof(key));
	unit_unhex("101112131415161718191a1b1c1d1e1f2021222324252627", ad,
		   sizeof(ad));
	unit_unhex("112233445566778899aabbccddee", pt, sizeof(pt));
	unit_unhex("85632d07c6e8f37f950acd320a2ecc93"
		   "40c02b9690c4dc04daef7f6afe5c", want, sizeof(want));
	a.data = ad;
	a.len = sizeof(ad);
	ni_seal(key, 32, false, &a, 1, pt, sizeof(pt), tag, ct);
	EXPECT_MEM(tag, want, 16);
	EXPECT_MEM(ct, want + 16, sizeof(ct));
	EXPECT_EQ(ni_open(key, 32, &a, 1, want, want + 16, sizeof(back), back),
		  0);
	EXPECT_MEM(back, pt, sizeof(pt));
}

static unsigned int rnd(unsigned int n)
{
	unsigned int r;

	RAND_bytes((u8 *)&r, sizeof(r));
	return r % n;
}

/* Byte for byte the reference's output, for every shape NTS can take. */
static void test_vs_reference(void)
{
	static const unsigned int kls[] = { 32, 48, 64 };
	unsigned int i, j, runs = 0, diff = 0, bad = 0;
	u8 key[64], ads[3][70], pt[100], t1[16], t2[16], c1[100], c2[100];
	u8 back[100];
	struct knts_siv_ad a[3];

	for (i = 0; i < 3000; i++) {
		unsigned int kl = kls[i % 3], n_ad = rnd(4);
		size_t len = rnd(101);
		bool empty = rnd(2);

		RAND_bytes(key, sizeof(key));
		RAND_bytes(pt, sizeof(pt));
		for (j = 0; j < 3; j++) {
			RAND_bytes(ads[j], sizeof(ads[j]));
			a[j].data = ads[j];
			a[j].len = rnd(71);
		}
		if (n_ad && rnd(2))
			a[0].len = 0;	/* a cookie's empty component */
		EXPECT_EQ(knts_siv_seal(key, kl, a, n_ad, pt, len, t1, c1), 0);
		if (i % 2) {
			ni_seal(key, kl, empty, a, n_ad, pt, len, t2, c2);
		} else {
			memcpy(c2, pt, len);	/* in place */
			ni_seal(key, kl, empty, a, n_ad, c2, len, t2, c2);
		}
		if (memcmp(t1, t2, 16) || memcmp(c1, c2, len)) {
			fprintf(stderr, "# kl %u len %zu n_ad %u empty %d\n", kl,
				len, n_ad, empty);
			diff++;
		}
		if (ni_open(key, kl, a, n_ad, t1, c1, len, back) ||
		    memcmp(back, pt, len))
			bad++;
		t1[rnd(16)] ^= 1 << rnd(8);
		if (ni_open(key, kl, a, n_ad, t1, c1, len, back) != -EBADMSG)
			bad++;
		runs++;
	}
	EXPECT_EQ(diff, 0);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(runs, 3000);
}

/* OpenSSL's AES-128-ECB of @n blocks at @in. */
static void ecb128(const u8 key[16], const u8 *in, u8 *out, int n)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int len = 0;

	EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL);
	EVP_CIPHER_CTX_set_padding(c, 0);
	EVP_EncryptUpdate(c, out, &len, in, 16 * n);
	EVP_CIPHER_CTX_free(c);
}

/*
 * Block i is @lo + i then @hi, both little-endian; @len bytes of the
 * cipher's output, the last block cut short. Random keys, counters
 * (some about to carry into the high half: the carry must not happen,
 * the high half is the CPU number) and lengths of 0 to 40 bytes.
 */
static void test_counter(void)
{
	unsigned int i, diff = 0;

	for (i = 0; i < 2000; i++) {
		u8 key[32] = { 0 }, blocks[48], want[48], got[48];
		unsigned int len = rnd(41), j;
		struct knts_aesni_key k;
		u64 hi, lo;

		RAND_bytes(key, 16);
		RAND_bytes((u8 *)&hi, sizeof(hi));
		RAND_bytes((u8 *)&lo, sizeof(lo));
		if (i % 4 == 0)
			lo = ~(u64)0 - rnd(3);
		for (j = 0; j < 3; j++) {
			u64 l = lo + j;

			memcpy(blocks + 16 * j, &l, 8);
			memcpy(blocks + 16 * j + 8, &hi, 8);
		}
		ecb128(key, blocks, want, 3);
		memset(got, 0xaa, sizeof(got));
		/* The generator's key: an AES-SIV key's MAC half (siv_ni.c). */
		knts_aesni_prepare(&k, key, 32, false, false);
		knts_aesni_counter(&k.mac, hi, lo, got, len);
		knts_aesni_wipe(&k);
		if (memcmp(got, want, len) || (len < 48 && got[len] != 0xaa))
			diff++;
	}
	EXPECT_EQ(diff, 0);
}

int main(void)
{
	if (!__builtin_cpu_supports("aes") || !__builtin_cpu_supports("ssse3")) {
		printf("not ok - this CPU has no AES-NI: the core cannot run\n");
		return 1;
	}
	RUN(test_rfc5297_a1);
	RUN(test_vs_reference);
	RUN(test_counter);
	return unit_done();
}
