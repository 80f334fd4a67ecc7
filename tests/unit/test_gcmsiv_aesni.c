// SPDX-License-Identifier: GPL-2.0
/*
 * knts's own AES-128-GCM-SIV core on AES-NI and PCLMULQDQ
 * (kmod/gcmsiv_aesni.c), built here exactly as the kernel builds it,
 * against the project's userspace GCM-SIV (kmod/gcmsiv.c over OpenSSL,
 * userspace/lib/gcmsiv_openssl.c, itself checked against RFC 8452 by
 * test_gcmsiv): RFC 8452's POLYVAL example and C.1 vectors, then 5000
 * random keys, nonces, AD of 0 to 300 bytes and plaintexts of 0 to 300
 * bytes (every tail length, and many blocks: the NTS shapes are all
 * inside), in place and not; open refuses a flipped bit in the tag, the
 * AD or the ciphertext. x86-64 hosts with AES-NI and PCLMULQDQ only.
 */
#include <errno.h>
#include <stdlib.h>

#include <openssl/rand.h>

#include "unit.h"
#include "gcmsiv.h"
#include "gcmsiv_aesni.h"

static bool nonzero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return true;
	return false;
}

struct two_ks {
	struct knts_gni_ks m, ek;
};

static void ni_seal(const u8 key[16], const u8 *ad, size_t ad_len,
		    const u8 nonce[12], const u8 *pt, size_t len, u8 *out)
{
	struct two_ks k;

	knts_gni_expand(&k.m, key);
	knts_gni_seal(&k.m, &k.ek, ad, ad_len, nonce, pt, len, out);
	knts_gni_wipe(&k.m);
}

/* As the kernel's glue: compare, and release nothing on a mismatch. */
static int ni_open(const u8 key[16], const u8 *ad, size_t ad_len,
		   const u8 nonce[12], const u8 *in, size_t len, u8 *pt)
{
	struct two_ks k;
	u8 tag[16], want[16];

	memcpy(tag, in + len, 16);
	memset(&k.ek, 0x5a, sizeof(k.ek));
	knts_gni_expand(&k.m, key);
	knts_gni_open(&k.m, &k.ek, ad, ad_len, nonce, in, len, pt, want);
	knts_gni_wipe(&k.m);
	/* The per-nonce schedule must come back wiped. */
	if (nonzero(&k.ek, sizeof(k.ek)))
		return -EIO;
	if (memcmp(tag, want, 16)) {
		memset(pt, 0, len);
		return -EBADMSG;
	}
	return 0;
}

static void test_polyval_rfc8452(void)
{
	u8 h[16], x[32], want[16], acc[16] = { 0 };

	unit_unhex("25629347589242761d31f826ba4b757b", h, sizeof(h));
	unit_unhex("4f4f95668c83dfb6401762bb2d01a262"
		   "d1a24ddd2721d006bbe45f20d3c9f362", x, sizeof(x));
	unit_unhex("f7a3b47b846119fae5b7866cf5e5b77e", want, sizeof(want));
	knts_gni_polyval(acc, h, x, 2);
	EXPECT_MEM(acc, want, 16);
}

/* RFC 8452 C.1: 8 bytes, no AD; 18 bytes of AD, 20 of plaintext. */
static void test_rfc8452_c1(void)
{
	u8 key[16], nonce[12], ad[18], pt[20], want[36], out[36], back[20];

	unit_unhex("01000000000000000000000000000000", key, sizeof(key));
	unit_unhex("030000000000000000000000", nonce, sizeof(nonce));
	unit_unhex("0100000000000000", pt, 8);
	unit_unhex("b5d839330ac7b786578782fff6013b81"
		   "5b287c22493a364c", want, 24);
	ni_seal(key, NULL, 0, nonce, pt, 8, out);
	EXPECT_MEM(out, want, 24);
	EXPECT_EQ(ni_open(key, NULL, 0, nonce, out, 8, back), 0);
	EXPECT_MEM(back, pt, 8);

	unit_unhex("010000000000000000000000000000000200", ad, sizeof(ad));
	unit_unhex("0300000000000000000000000000000004000000", pt, sizeof(pt));
	unit_unhex("6bb0fecf5ded9b77f902c7d5da236a43"
		   "91dd029724afc9805e976f451e6d87f6fe106514", want,
		   sizeof(want));
	ni_seal(key, ad, sizeof(ad), nonce, pt, sizeof(pt), out);
	EXPECT_MEM(out, want, sizeof(want));
	EXPECT_EQ(ni_open(key, ad, sizeof(ad), nonce, out, sizeof(pt), back),
		  0);
	EXPECT_MEM(back, pt, sizeof(pt));
}

static unsigned int rnd(unsigned int n)
{
	unsigned int r;

	RAND_bytes((u8 *)&r, sizeof(r));
	return r % n;
}

/* Byte for byte the reference's output, for shapes beyond NTS's. */
static void test_vs_reference(void)
{
	unsigned int i, runs = 0, diff = 0, bad = 0, forged = 0;
	u8 key[16], nonce[12], ad[300], pt[300], o1[316], o2[316];
	u8 back[300];

	for (i = 0; i < 5000; i++) {
		size_t ad_len = rnd(4) ? rnd(301) : 0, len = rnd(301);

		if (i % 5 == 0)
			len = rnd(40);	/* every short tail, often */
		RAND_bytes(key, sizeof(key));
		RAND_bytes(nonce, sizeof(nonce));
		RAND_bytes(ad, sizeof(ad));
		RAND_bytes(pt, sizeof(pt));
		EXPECT_EQ(knts_gcmsiv_seal(key, ad, ad_len, nonce, pt, len,
					   o1), 0);
		if (i % 2) {
			ni_seal(key, ad, ad_len, nonce, pt, len, o2);
		} else {
			memcpy(o2, pt, len);	/* in place */
			ni_seal(key, ad, ad_len, nonce, o2, len, o2);
		}
		if (memcmp(o1, o2, len + 16)) {
			fprintf(stderr, "# ad %zu len %zu\n", ad_len, len);
			diff++;
		}
		/* The core opens what the reference sealed, and back. */
		if (ni_open(key, ad, ad_len, nonce, o1, len, back) ||
		    memcmp(back, pt, len))
			bad++;
		if (knts_gcmsiv_open(key, ad, ad_len, nonce, o2, len, back) ||
		    memcmp(back, pt, len))
			bad++;
		switch (i % 3) {
		case 0:
			o1[len + rnd(16)] ^= 1 << rnd(8);
			break;
		case 1:
			if (ad_len) {
				ad[rnd(ad_len)] ^= 1 << rnd(8);
				break;
			}
			/* fall through */
		default:
			if (len)
				o1[rnd(len)] ^= 1 << rnd(8);
			else
				o1[len + rnd(16)] ^= 1 << rnd(8);
		}
		memset(back, 0x77, sizeof(back));
		if (ni_open(key, ad, ad_len, nonce, o1, len, back) == -EBADMSG &&
		    !nonzero(back, len))
			forged++;
		runs++;
	}
	EXPECT_EQ(diff, 0);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(forged, 5000);
	EXPECT_EQ(runs, 5000);
}

int main(void)
{
	if (!__builtin_cpu_supports("aes") || !__builtin_cpu_supports("pclmul")) {
		printf("not ok - this CPU has no AES-NI or PCLMULQDQ: the core cannot run\n");
		return 1;
	}
	RUN(test_polyval_rfc8452);
	RUN(test_rfc8452_c1);
	RUN(test_vs_reference);
	return unit_done();
}
