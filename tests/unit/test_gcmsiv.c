// SPDX-License-Identifier: GPL-2.0
/*
 * AES-128-GCM-SIV (kmod/gcmsiv.c over userspace/lib/gcmsiv_openssl.c):
 * the POLYVAL example of RFC 8452 appendix A, the AEAD_AES_128_GCM_SIV
 * vectors of appendix C.1, in place, tampering, and the nonce's role.
 */
#include <errno.h>

#include "unit.h"
#include "gcmsiv.h"

struct vec {
	const char *key, *nonce, *ad, *pt, *out;
};

/* RFC 8452 C.1: empty, short, multi-block, AD and PT of odd lengths. */
static const struct vec c1[] = {
	{ "01000000000000000000000000000000", "030000000000000000000000",
	  "", "", "dc20e2d83f25705bb49e439eca56de25" },
	{ "01000000000000000000000000000000", "030000000000000000000000",
	  "", "0100000000000000",
	  "b5d839330ac7b786578782fff6013b815b287c22493a364c" },
	{ "01000000000000000000000000000000", "030000000000000000000000",
	  "", "010000000000000000000000",
	  "7323ea61d05932260047d942a4978db357391a0bc4fdec8b0d106639" },
	{ "01000000000000000000000000000000", "030000000000000000000000",
	  "", "0100000000000000000000000000000002000000000000000000000000000000",
	  "84e07e62ba83a6585417245d7ec413a9fe427d6315c09b57ce45f2e3936a9445"
	  "1a8e45dcd4578c667cd86847bf6155ff" },
	{ "01000000000000000000000000000000", "030000000000000000000000",
	  "01",
	  "02000000000000000000000000000000030000000000000000000000000000000"
	  "400000000000000000000000000000005000000000000000000000000000000",
	  "2f5c64059db55ee0fb847ed513003746aca4e61c711b5de2e7a77ffd02da42fe"
	  "ec601910d3467bb8b36ebbaebce5fba30d36c95f48a3e7980f0e7ac299332a80"
	  "cdc46ae475563de037001ef84ae21744" },
	{ "01000000000000000000000000000000", "030000000000000000000000",
	  "010000000000000000000000", "02000000",
	  "a8fe3e8707eb1f84fb28f8cb73de8e99e2f48a14" },
	{ "01000000000000000000000000000000", "030000000000000000000000",
	  "010000000000000000000000000000000200",
	  "0300000000000000000000000000000004000000",
	  "6bb0fecf5ded9b77f902c7d5da236a4391dd029724afc9805e976f451e6d87f6"
	  "fe106514" },
	{ "01000000000000000000000000000000", "030000000000000000000000",
	  "0100000000000000000000000000000002000000",
	  "030000000000000000000000000000000400",
	  "44d0aaf6fb2f1f34add5e8064e83e12a2adabff9b2ef00fb47920cc72a0c0f13"
	  "b9fd" },
	{ "e66021d5eb8e4f4066d4adb9c33560e4", "f46e44bb3da0015c94f70887",
	  "", "", "a4194b79071b01a87d65f706e3949578" },
	{ "36864200e0eaf5284d884a0e77d31646", "bae8e37fc83441b16034566b",
	  "46bb91c3c5", "7a806c", "af60eb711bd85bc1e4d3e0a462e074eea428a8" },
};

static size_t hx(const char *h, u8 *out, size_t max)
{
	long n = unit_unhex(h, out, max);

	if (n < 0) {
		fprintf(stderr, "# bad hex constant\n");
		abort();
	}
	return (size_t)n;
}

static void test_polyval_appendix_a(void)
{
	u8 h[16], x[32], acc[16] = { 0 }, want[16];

	hx("25629347589242761d31f826ba4b757b", h, sizeof(h));
	hx("4f4f95668c83dfb6401762bb2d01a262d1a24ddd2721d006bbe45f20d3c9f362",
	   x, sizeof(x));
	hx("f7a3b47b846119fae5b7866cf5e5b77e", want, sizeof(want));
	knts_polyval(acc, h, x, 2);
	EXPECT_MEM(acc, want, 16);
}

static void test_rfc8452_c1(void)
{
	u8 key[16], nonce[12], ad[64], pt[96], want[112], out[112], back[96];
	size_t i, al, pl, ol;

	for (i = 0; i < ARRAY_SIZE(c1); i++) {
		EXPECT_EQ(hx(c1[i].key, key, sizeof(key)), 16);
		EXPECT_EQ(hx(c1[i].nonce, nonce, sizeof(nonce)), 12);
		al = hx(c1[i].ad, ad, sizeof(ad));
		pl = hx(c1[i].pt, pt, sizeof(pt));
		ol = hx(c1[i].out, want, sizeof(want));
		EXPECT_EQ(ol, pl + 16);
		memset(out, 0xaa, sizeof(out));
		EXPECT_EQ(knts_gcmsiv_seal(key, ad, al, nonce, pt, pl, out), 0);
		EXPECT_MEM(out, want, ol);
		memset(back, 0xaa, sizeof(back));
		EXPECT_EQ(knts_gcmsiv_open(key, ad, al, nonce, want, pl, back),
			  0);
		EXPECT_MEM(back, pt, pl);
	}
}

/* Seal and open in place, as the cookie and reply paths do. */
static void test_in_place(void)
{
	u8 key[16], nonce[12], ad[5], buf[19], want[19];

	hx("36864200e0eaf5284d884a0e77d31646", key, sizeof(key));
	hx("bae8e37fc83441b16034566b", nonce, sizeof(nonce));
	hx("46bb91c3c5", ad, sizeof(ad));
	hx("af60eb711bd85bc1e4d3e0a462e074eea428a8", want, sizeof(want));
	hx("7a806c", buf, 3);
	EXPECT_EQ(knts_gcmsiv_seal(key, ad, 5, nonce, buf, 3, buf), 0);
	EXPECT_MEM(buf, want, 19);
	EXPECT_EQ(knts_gcmsiv_open(key, ad, 5, nonce, buf, 3, buf), 0);
	EXPECT_EQ(buf[0], 0x7a);
	EXPECT_EQ(buf[2], 0x6c);
}

/*
 * Every single flipped bit of AD, ciphertext or tag is refused and the
 * plaintext comes back zeroed; so do another nonce and another key.
 */
static void test_tamper(void)
{
	u8 key[16], nonce[12], ad[20], ct[34], pt[18];
	unsigned int bit, bad = 0, leaked = 0;

	hx("01000000000000000000000000000000", key, sizeof(key));
	hx("030000000000000000000000", nonce, sizeof(nonce));
	hx("0100000000000000000000000000000002000000", ad, sizeof(ad));
	hx("44d0aaf6fb2f1f34add5e8064e83e12a2adabff9b2ef00fb47920cc72a0c0f13"
	   "b9fd", ct, sizeof(ct));
	for (bit = 0; bit < 8 * (sizeof(ad) + sizeof(ct)); bit++) {
		u8 *p = bit / 8 < sizeof(ad) ? ad + bit / 8 :
			ct + bit / 8 - sizeof(ad);

		*p ^= 1 << (bit % 8);
		memset(pt, 0x55, sizeof(pt));
		if (knts_gcmsiv_open(key, ad, sizeof(ad), nonce, ct, 18, pt) ==
		    -EBADMSG)
			bad++;
		for (size_t i = 0; i < sizeof(pt); i++)
			leaked |= pt[i];
		*p ^= 1 << (bit % 8);
	}
	EXPECT_EQ(bad, 8 * (sizeof(ad) + sizeof(ct)));
	EXPECT_EQ(leaked, 0);
	EXPECT_EQ(knts_gcmsiv_open(key, ad, sizeof(ad), nonce, ct, 18, pt), 0);
	nonce[11] ^= 1;
	EXPECT_EQ(knts_gcmsiv_open(key, ad, sizeof(ad), nonce, ct, 18, pt),
		  -EBADMSG);
	nonce[11] ^= 1;
	key[0] ^= 2;
	EXPECT_EQ(knts_gcmsiv_open(key, ad, sizeof(ad), nonce, ct, 18, pt),
		  -EBADMSG);
}

/* The counter is 32 bits at byte 0, wrapping without a carry out. */
static void test_long_roundtrip(void)
{
	static u8 pt[1500], buf[1516], back[1500];
	u8 key[16] = { 9 }, nonce[12] = { 7 };
	size_t len;

	for (len = 0; len < sizeof(pt); len++)
		pt[len] = (u8)(len * 7);
	for (len = 0; len <= sizeof(pt); len += 149) {
		EXPECT_EQ(knts_gcmsiv_seal(key, pt, len / 3, nonce, pt, len,
					   buf), 0);
		EXPECT_EQ(knts_gcmsiv_open(key, pt, len / 3, nonce, buf, len,
					   back), 0);
		EXPECT_MEM(back, pt, len);
	}
	EXPECT_EQ(knts_gcmsiv_seal(key, pt, (size_t)KNTS_GCMSIV_MAX_LEN + 1,
				   nonce, pt, 0, buf), -EINVAL);
}

int main(void)
{
	RUN(test_polyval_appendix_a);
	RUN(test_rfc8452_c1);
	RUN(test_in_place);
	RUN(test_tamper);
	RUN(test_long_roundtrip);
	return unit_done();
}
