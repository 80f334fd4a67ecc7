// SPDX-License-Identifier: GPL-2.0
/*
 * AES-SIV-CMAC (userspace/lib/siv_openssl.c behind kmod/siv.h): RFC 5297
 * vectors, the synthetic NTS vector, real chrony 4.3 packets, edge cases,
 * and a cross-check against OpenSSL's EVP AES-*-SIV where EVP can do it.
 */
#include <errno.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "unit.h"
#include "siv.h"

static size_t hex(const char *h, u8 *out, size_t max)
{
	long n = unit_unhex(h, out, max);

	if (n < 0) {
		fprintf(stderr, "# bad hex constant\n");
		abort();
	}
	return (size_t)n;
}

/* A packet in tests/vectors as one line of hex. */
static size_t load_pkt(const char *name, u8 *out, size_t max)
{
	char *txt = unit_slurp(unit_vector(name), NULL);
	long n;

	if (!txt) {
		fprintf(stderr, "# cannot read %s\n", unit_vector(name));
		return 0;
	}
	n = unit_unhex(txt, out, max);
	free(txt);
	return n < 0 ? 0 : (size_t)n;
}

static void test_rfc5297_a1(void)
{
	u8 key[32], ad[24], pt[14], want[30], tag[16], ct[14], back[14];
	struct knts_siv_ad a;

	hex("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	    key, sizeof(key));
	hex("101112131415161718191a1b1c1d1e1f2021222324252627", ad, sizeof(ad));
	hex("112233445566778899aabbccddee", pt, sizeof(pt));
	hex("85632d07c6e8f37f950acd320a2ecc93"
	    "40c02b9690c4dc04daef7f6afe5c", want, sizeof(want));
	a.data = ad;
	a.len = sizeof(ad);
	EXPECT_EQ(knts_siv_seal(key, 32, &a, 1, pt, sizeof(pt), tag, ct), 0);
	EXPECT_MEM(tag, want, 16);
	EXPECT_MEM(ct, want + 16, 14);
	EXPECT_EQ(knts_siv_open(key, 32, &a, 1, tag, ct, sizeof(ct), back), 0);
	EXPECT_MEM(back, pt, sizeof(pt));
}

static void test_rfc5297_a2(void)
{
	u8 key[32], ad1[40], ad2[10], nonce[16], pt[47], want[63];
	u8 tag[16], ct[47], back[47];
	struct knts_siv_ad a[3];

	hex("7f7e7d7c7b7a79787776757473727170404142434445464748494a4b4c4d4e4f",
	    key, sizeof(key));
	hex("00112233445566778899aabbccddeeffdeaddadadeaddadaffeeddccbbaa9988"
	    "7766554433221100", ad1, sizeof(ad1));
	hex("102030405060708090a0", ad2, sizeof(ad2));
	hex("09f911029d74e35bd84156c5635688c0", nonce, sizeof(nonce));
	hex("7468697320697320736f6d6520706c61696e7465787420746f20656e63727970"
	    "74207573696e67205349562d414553", pt, sizeof(pt));
	hex("7bdb6e3b432667eb06f4d14bff2fbd0f"
	    "cb900f2fddbe404326601965c889bf17dba77ceb094fa663b7a3f748ba8af829"
	    "ea64ad544a272e9c485b62a3fd5c0d", want, sizeof(want));
	a[0].data = ad1;
	a[0].len = sizeof(ad1);
	a[1].data = ad2;
	a[1].len = sizeof(ad2);
	a[2].data = nonce;
	a[2].len = sizeof(nonce);
	EXPECT_EQ(knts_siv_seal(key, 32, a, 3, pt, sizeof(pt), tag, ct), 0);
	EXPECT_MEM(tag, want, 16);
	EXPECT_MEM(ct, want + 16, sizeof(ct));
	EXPECT_EQ(knts_siv_open(key, 32, a, 3, tag, ct, sizeof(ct), back), 0);
	EXPECT_MEM(back, pt, sizeof(pt));
}

/* The hex lines of one section ("REQUEST" / "RESPONSE") of the file. */
static size_t synthetic_section(const char *section, u8 *out, size_t max)
{
	char *txt = unit_slurp(unit_vector("synthetic_vector.txt"), NULL);
	char *line, *save = NULL;
	int in = 0;
	size_t n = 0;

	if (!txt)
		return 0;
	for (line = strtok_r(txt, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		long k;

		if (line[0] != ' ') {
			in = !strncmp(line, section, strlen(section));
			continue;
		}
		if (!in)
			continue;
		k = unit_unhex(line, out + n, max - n);
		if (k > 0)	/* the "AD length ..." lines are not hex */
			n += (size_t)k;
	}
	free(txt);
	return n;
}

static void test_synthetic_request(void)
{
	u8 pkt[256], key[32], want[16], tag[16];
	struct knts_siv_ad a[2];
	size_t n = synthetic_section("REQUEST", pkt, sizeof(pkt));
	int i;

	EXPECT_EQ(n, 228);
	for (i = 0; i < 32; i++)
		key[i] = (u8)i;
	hex("809877caf26c232b69802f8e8010f61c", want, sizeof(want));
	a[0].data = pkt;
	a[0].len = 188;
	a[1].data = pkt + 196;
	a[1].len = 16;
	EXPECT_EQ(knts_siv_seal(key, 32, a, 2, NULL, 0, tag, NULL), 0);
	EXPECT_MEM(tag, want, 16);
	EXPECT_MEM(pkt + 212, want, 16);
	EXPECT_EQ(knts_siv_open(key, 32, a, 2, pkt + 212, NULL, 0, NULL), 0);
}

static void test_synthetic_response(void)
{
	u8 pkt[256], key[32], pt[104], ct[104], tag[16], back[104], want[16];
	struct knts_siv_ad a[2];
	size_t n = synthetic_section("RESPONSE", pkt, sizeof(pkt));
	int i;

	EXPECT_EQ(n, 228);
	for (i = 0; i < 32; i++)
		key[i] = (u8)(0x20 + i);
	pt[0] = 0x02;
	pt[1] = 0x04;
	pt[2] = 0x00;
	pt[3] = 0x68;
	for (i = 0; i < 100; i++)
		pt[4 + i] = (u8)(0x30 + i);
	hex("ed6f5f677d7d54e1b7d3d8b3d85a9ba7", want, sizeof(want));
	/* auth EF at 84: 04 04 00 90, N_LEN 16, C_LEN 120 */
	EXPECT_EQ(pkt[84 + 5], 16);
	EXPECT_EQ(pkt[84 + 7], 120);
	a[0].data = pkt;
	a[0].len = 84;
	a[1].data = pkt + 92;
	a[1].len = 16;
	EXPECT_EQ(knts_siv_seal(key, 32, a, 2, pt, sizeof(pt), tag, ct), 0);
	EXPECT_MEM(tag, want, 16);
	EXPECT_MEM(tag, pkt + 108, 16);
	EXPECT_MEM(ct, pkt + 124, sizeof(ct));
	EXPECT_EQ(knts_siv_open(key, 32, a, 2, pkt + 108, pkt + 124, 104,
				back), 0);
	EXPECT_MEM(back, pt, sizeof(pt));
}

static const char c2s_hex[] =
	"52ad3b6e86e8fabb2cab8c7af26b740cde546544acc194691884062f1f66e2ca";
static const char s2c_hex[] =
	"8792c3b9925bf606eac3cb7db710a9de74f74e09534317a70e75e69068a6b2d6";

/*
 * A request check the way a server does it, on the raw packet: walk the
 * EFs from byte 48, require the authenticator last with nonce >= 16 and an
 * empty plaintext (C_LEN 16), then verify. -EINVAL for a bad shape.
 */
static int verify_request(const u8 *key, const u8 *pkt, size_t len)
{
	size_t off = 48;

	while (off + 4 <= len) {
		unsigned int type = pkt[off] << 8 | pkt[off + 1];
		size_t ef = (size_t)(pkt[off + 2] << 8 | pkt[off + 3]);

		if (ef < 4 || ef % 4 || off + ef > len)
			return -EINVAL;
		if (type == 0x0404) {
			size_t nl, cl;
			struct knts_siv_ad a[2];

			if (off + ef != len || ef < 8)
				return -EINVAL;
			nl = (size_t)(pkt[off + 4] << 8 | pkt[off + 5]);
			cl = (size_t)(pkt[off + 6] << 8 | pkt[off + 7]);
			if (nl < 16 || nl % 4 || cl != 16 ||
			    8 + nl + cl != ef)
				return -EINVAL;
			a[0].data = pkt;
			a[0].len = off;
			a[1].data = pkt + off + 8;
			a[1].len = nl;
			return knts_siv_open(key, 32, a, 2, pkt + off + 8 + nl,
					     NULL, 0, NULL);
		}
		off += ef;
	}
	return -EINVAL;
}

static void test_chrony_request(void)
{
	u8 pkt[256], key[32];
	size_t n = load_pkt("vec_req.hex", pkt, sizeof(pkt));
	struct knts_siv_ad a[2];
	int bit, mac_fail = 0, any_fail = 0;
	size_t i;

	EXPECT_EQ(n, 228);
	hex(c2s_hex, key, sizeof(key));
	EXPECT_EQ(verify_request(key, pkt, n), 0);

	/* Crypto level: every bit of AD (0..187), nonce, tag -> -EBADMSG. */
	a[0].data = pkt;
	a[0].len = 188;
	a[1].data = pkt + 196;
	a[1].len = 16;
	EXPECT_EQ(knts_siv_open(key, 32, a, 2, pkt + 212, NULL, 0, NULL), 0);
	for (i = 0; i < n; i++) {
		if (i >= 188 && i < 196)
			continue;	/* EF header: not MAC input */
		for (bit = 0; bit < 8; bit++) {
			pkt[i] ^= (u8)(1 << bit);
			if (knts_siv_open(key, 32, a, 2, pkt + 212, NULL, 0,
					  NULL) == -EBADMSG)
				mac_fail++;
			pkt[i] ^= (u8)(1 << bit);
		}
	}
	EXPECT_EQ(mac_fail, 220 * 8);

	/* Packet level: every one of the 228 * 8 flips is refused. */
	for (i = 0; i < n; i++) {
		for (bit = 0; bit < 8; bit++) {
			pkt[i] ^= (u8)(1 << bit);
			if (verify_request(key, pkt, n) != 0)
				any_fail++;
			pkt[i] ^= (u8)(1 << bit);
		}
	}
	EXPECT_EQ(any_fail, 228 * 8);
	EXPECT_EQ(verify_request(key, pkt, n), 0);

	/* S2C does not verify a request. */
	hex(s2c_hex, key, sizeof(key));
	EXPECT_EQ(verify_request(key, pkt, n), -EBADMSG);
}

static void test_chrony_response(void)
{
	u8 pkt[256], key[32], pt[120];
	size_t n = load_pkt("vec_resp.hex", pkt, sizeof(pkt));
	struct knts_siv_ad a[2];
	size_t nl, cl;

	EXPECT_EQ(n, 228);
	hex(s2c_hex, key, sizeof(key));
	EXPECT_EQ(pkt[84], 0x04);
	EXPECT_EQ(pkt[85], 0x04);
	nl = (size_t)(pkt[88] << 8 | pkt[89]);
	cl = (size_t)(pkt[90] << 8 | pkt[91]);
	EXPECT_EQ(nl, 16);
	EXPECT_EQ(cl, 120);
	a[0].data = pkt;
	a[0].len = 84;
	a[1].data = pkt + 92;
	a[1].len = nl;
	memset(pt, 0xaa, sizeof(pt));
	EXPECT_EQ(knts_siv_open(key, 32, a, 2, pkt + 108, pkt + 124, cl - 16,
				pt), 0);
	/* One Cookie EF of 104 bytes (a 100-byte chrony cookie). */
	EXPECT_EQ(cl - 16, 104);
	EXPECT_EQ(pt[0] << 8 | pt[1], 0x0204);
	EXPECT_EQ(pt[2] << 8 | pt[3], 104);

	/* C2S does not open it, and the output is zeroed. */
	hex(c2s_hex, key, sizeof(key));
	EXPECT_EQ(knts_siv_open(key, 32, a, 2, pkt + 108, pkt + 124, 104, pt),
		  -EBADMSG);
	{
		static const u8 zero[104];

		EXPECT_MEM(pt, zero, sizeof(zero));
	}
}

static void test_empty_plaintext(void)
{
	u8 key[32], ad[40], nonce[16], t1[16], t2[16], t3[16];
	struct knts_siv_ad a[3];

	memset(key, 7, sizeof(key));
	memset(ad, 1, sizeof(ad));
	memset(nonce, 2, sizeof(nonce));
	a[0].data = ad;
	a[0].len = sizeof(ad);
	a[1].data = nonce;
	a[1].len = sizeof(nonce);
	EXPECT_EQ(knts_siv_seal(key, 32, a, 2, NULL, 0, t1, NULL), 0);
	EXPECT_EQ(knts_siv_open(key, 32, a, 2, t1, NULL, 0, NULL), 0);
	/* a non-NULL pointer with length 0 is the same thing */
	EXPECT_EQ(knts_siv_seal(key, 32, a, 2, ad, 0, t2, ad), 0);
	EXPECT_MEM(t1, t2, 16);

	/* An empty AD component is a component: S2V(A, "") != S2V(A). */
	a[2].data = NULL;
	a[2].len = 0;
	EXPECT_EQ(knts_siv_seal(key, 32, a, 3, NULL, 0, t3, NULL), 0);
	EXPECT(memcmp(t1, t3, 16) != 0);
	/* Components are not concatenated: S2V(A || N) != S2V(A, N). */
	{
		u8 cat[56], t4[16];
		struct knts_siv_ad c;

		memcpy(cat, ad, 40);
		memcpy(cat + 40, nonce, 16);
		c.data = cat;
		c.len = sizeof(cat);
		EXPECT_EQ(knts_siv_seal(key, 32, &c, 1, NULL, 0, t4, NULL), 0);
		EXPECT(memcmp(t1, t4, 16) != 0);
	}
	/* No AD at all works too. */
	EXPECT_EQ(knts_siv_seal(key, 32, NULL, 0, NULL, 0, t3, NULL), 0);
	EXPECT_EQ(knts_siv_open(key, 32, NULL, 0, t3, NULL, 0, NULL), 0);
	t1[15] ^= 1;
	EXPECT_EQ(knts_siv_open(key, 32, a, 2, t1, NULL, 0, NULL), -EBADMSG);
}

static void test_in_place(void)
{
	u8 key[64], nonce[16], pt[200], buf[200], ct[200], t1[16], t2[16];
	struct knts_siv_ad a;
	unsigned int kl;

	RAND_bytes(key, sizeof(key));
	RAND_bytes(nonce, sizeof(nonce));
	RAND_bytes(pt, sizeof(pt));
	a.data = nonce;
	a.len = sizeof(nonce);
	for (kl = 32; kl <= 64; kl += 16) {
		memcpy(buf, pt, sizeof(pt));
		EXPECT_EQ(knts_siv_seal(key, kl, &a, 1, pt, sizeof(pt), t1, ct),
			  0);
		EXPECT_EQ(knts_siv_seal(key, kl, &a, 1, buf, sizeof(buf), t2,
					buf), 0);
		EXPECT_MEM(t1, t2, 16);
		EXPECT_MEM(buf, ct, sizeof(ct));
		EXPECT_EQ(knts_siv_open(key, kl, &a, 1, t2, buf, sizeof(buf),
					buf), 0);
		EXPECT_MEM(buf, pt, sizeof(pt));
	}
}

static int all_zero(const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void test_tamper(void)
{
	u8 key[32], nonce[16], pt[50], ct[50], tag[16], out[50];
	struct knts_siv_ad a;
	size_t i;
	int bad = 0;

	RAND_bytes(key, sizeof(key));
	RAND_bytes(nonce, sizeof(nonce));
	memset(pt, 0x5a, sizeof(pt));
	a.data = nonce;
	a.len = sizeof(nonce);
	EXPECT_EQ(knts_siv_seal(key, 32, &a, 1, pt, sizeof(pt), tag, ct), 0);
	for (i = 0; i < sizeof(ct) * 8; i++) {
		ct[i / 8] ^= (u8)(1 << (i % 8));
		memset(out, 0xff, sizeof(out));
		if (knts_siv_open(key, 32, &a, 1, tag, ct, sizeof(ct), out) ==
		    -EBADMSG && all_zero(out, sizeof(out)))
			bad++;
		ct[i / 8] ^= (u8)(1 << (i % 8));
	}
	EXPECT_EQ(bad, (int)sizeof(ct) * 8);
	/* tag, nonce, key */
	tag[0] ^= 0x80;
	EXPECT_EQ(knts_siv_open(key, 32, &a, 1, tag, ct, sizeof(ct), out),
		  -EBADMSG);
	tag[0] ^= 0x80;
	nonce[15] ^= 1;
	EXPECT_EQ(knts_siv_open(key, 32, &a, 1, tag, ct, sizeof(ct), out),
		  -EBADMSG);
	nonce[15] ^= 1;
	key[31] ^= 1;	/* K2 only: CTR differs, so S2V over P differs */
	EXPECT_EQ(knts_siv_open(key, 32, &a, 1, tag, ct, sizeof(ct), out),
		  -EBADMSG);
	key[31] ^= 1;
	/* in place: the buffer is zeroed */
	ct[3] ^= 4;
	EXPECT_EQ(knts_siv_open(key, 32, &a, 1, tag, ct, sizeof(ct), ct),
		  -EBADMSG);
	EXPECT(all_zero(ct, sizeof(ct)));
}

static void test_key_sizes(void)
{
	u8 key[64], nonce[16], pt[33], back[33];
	u8 tag[3][16], ct[3][33];
	struct knts_siv_ad a;
	unsigned int kl, i;

	for (i = 0; i < 64; i++)
		key[i] = (u8)(i * 7 + 1);
	memset(nonce, 0x42, sizeof(nonce));
	memset(pt, 0x17, sizeof(pt));
	a.data = nonce;
	a.len = sizeof(nonce);
	for (i = 0, kl = 32; kl <= 64; kl += 16, i++) {
		EXPECT_EQ(knts_siv_seal(key, kl, &a, 1, pt, sizeof(pt), tag[i],
					ct[i]), 0);
		EXPECT_EQ(knts_siv_open(key, kl, &a, 1, tag[i], ct[i],
					sizeof(pt), back), 0);
		EXPECT_MEM(back, pt, sizeof(pt));
	}
	EXPECT(memcmp(tag[0], tag[1], 16) && memcmp(tag[1], tag[2], 16) &&
	       memcmp(tag[0], tag[2], 16));
	EXPECT(memcmp(ct[0], ct[1], 33) && memcmp(ct[1], ct[2], 33));
	/* the key length is part of the key: 48 bytes do not open a 64 tag */
	EXPECT_EQ(knts_siv_open(key, 48, &a, 1, tag[2], ct[2], 33, back),
		  -EBADMSG);
}

static void test_bad_args(void)
{
	u8 key[64] = { 0 }, tag[16], buf[64] = { 0 };
	struct knts_siv_ad a[5] = { { buf, 1 }, { buf, 1 }, { buf, 1 },
				    { buf, 1 }, { buf, 1 } };

	EXPECT_EQ(knts_siv_seal(key, 16, a, 1, buf, 4, tag, buf), -EINVAL);
	EXPECT_EQ(knts_siv_seal(key, 33, a, 1, buf, 4, tag, buf), -EINVAL);
	EXPECT_EQ(knts_siv_seal(NULL, 32, a, 1, buf, 4, tag, buf), -EINVAL);
	EXPECT_EQ(knts_siv_seal(key, 32, a, KNTS_SIV_MAX_AD, buf, 4, tag, buf),
		  0);
	EXPECT_EQ(knts_siv_seal(key, 32, a, KNTS_SIV_MAX_AD + 1, buf, 4, tag,
				buf), -EINVAL);
	EXPECT_EQ(knts_siv_seal(key, 32, NULL, 1, buf, 4, tag, buf), -EINVAL);
	a[0].data = NULL;
	EXPECT_EQ(knts_siv_seal(key, 32, a, 1, buf, 4, tag, buf), -EINVAL);
	a[0].data = buf;
	/* partial overlap */
	EXPECT_EQ(knts_siv_seal(key, 32, a, 1, buf, 16, tag, buf + 8),
		  -EINVAL);
	EXPECT_EQ(knts_siv_seal(key, 32, a, 1, buf, 16, tag, buf + 16), 0);
	EXPECT_EQ(knts_siv_open(key, 32, a, 1, tag, buf + 16, 16, buf + 8),
		  -EINVAL);
	EXPECT_EQ(knts_siv_seal(key, 32, a, 1, NULL, 4, tag, buf), -EINVAL);
	EXPECT_EQ(knts_siv_seal(key, 32, a, 1, buf, 4, NULL, buf), -EINVAL);
}

/* EVP AES-*-SIV (non-empty plaintext only): each AD update = 1 component */
static int evp_siv_seal(const u8 *key, unsigned int kl,
			const struct knts_siv_ad *a, unsigned int n,
			const u8 *pt, size_t len, u8 *tag, u8 *ct)
{
	static const char *const name[] = {
		"AES-128-SIV", "AES-192-SIV", "AES-256-SIV"
	};
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name[(kl - 32) / 16], NULL);
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int ok, l;
	unsigned int i;

	ok = c && x && EVP_EncryptInit_ex2(x, c, key, NULL, NULL);
	for (i = 0; ok && i < n; i++)
		ok = EVP_EncryptUpdate(x, NULL, &l, a[i].data ? a[i].data :
				       (const u8 *)"", (int)a[i].len);
	ok = ok && EVP_EncryptUpdate(x, ct, &l, pt, (int)len) &&
	     EVP_EncryptFinal_ex(x, ct + l, &l) &&
	     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, tag);
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(c);
	return ok;
}

static void test_vs_evp(void)
{
	u8 key[64], ad[3][40], pt[100], t1[16], t2[16], c1[100], c2[100];
	struct knts_siv_ad a[3];
	unsigned int kl, n_ad, len, diff = 0, runs = 0;

	RAND_bytes(key, sizeof(key));
	RAND_bytes(ad[0], sizeof(ad));
	RAND_bytes(pt, sizeof(pt));
	for (kl = 32; kl <= 64; kl += 16) {
		for (len = 1; len <= sizeof(pt); len++) {
			n_ad = len % 4;
			a[0].data = ad[0];
			a[0].len = len % 41;	/* includes empty ones */
			a[1].data = ad[1];
			a[1].len = (len * 7) % 33;
			a[2].data = ad[2];
			a[2].len = 16;
			EXPECT(evp_siv_seal(key, kl, a, n_ad, pt, len, t1, c1));
			EXPECT_EQ(knts_siv_seal(key, kl, a, n_ad, pt, len, t2,
						c2), 0);
			if (memcmp(t1, t2, 16) || memcmp(c1, c2, len)) {
				fprintf(stderr,
					"# kl %u len %u n_ad %u ad %zu/%zu tag %d\n",
					kl, len, n_ad, a[0].len, a[1].len,
					!!memcmp(t1, t2, 16));
				diff++;
			}
			runs++;
		}
	}
	EXPECT_EQ(diff, 0);
	EXPECT_EQ(runs, 300);
}

int main(void)
{
	RUN(test_rfc5297_a1);
	RUN(test_rfc5297_a2);
	RUN(test_synthetic_request);
	RUN(test_synthetic_response);
	RUN(test_chrony_request);
	RUN(test_chrony_response);
	RUN(test_empty_plaintext);
	RUN(test_in_place);
	RUN(test_tamper);
	RUN(test_key_sizes);
	RUN(test_bad_args);
	RUN(test_vs_evp);
	return unit_done();
}
