// SPDX-License-Identifier: GPL-2.0
/* chrony ntskeys parser (userspace/lib/keyfile.c). */
#include <errno.h>

#include "unit.h"
#include "keyfile.h"
#include "cookie.h"

static int parse(const char *txt, struct knts_keyfile *kf)
{
	return knts_keyfile_parse(txt, strlen(txt), kf);
}

static void test_real_nks0(void)
{
	struct knts_keyfile kf;
	uint8_t k0[32];

	EXPECT_EQ(knts_keyfile_load(unit_vector("chrony-cookies/ntskeys"), &kf),
		  0);
	EXPECT_EQ(kf.version, 0);
	EXPECT_EQ(kf.n, 4);
	EXPECT_EQ(kf.current, 2);
	EXPECT(kf.age == 0.0);
	EXPECT_EQ(kf.keys[0].id, 0xB7A361D9);
	EXPECT_EQ(kf.keys[1].id, 0xCA2CA0DA);
	EXPECT_EQ(kf.keys[2].id, 0x89FC3BB3);
	EXPECT_EQ(kf.keys[3].id, 0x5B52AE38);
	EXPECT_EQ(kf.keys[2].alg, 15);
	EXPECT_EQ(kf.keys[2].len, 32);
	unit_unhex("60E33C33CA7BB6D186B37C93C9E01EF2E913D23810C765FE5602844ACB771DBC",
		   k0, sizeof(k0));
	EXPECT_MEM(kf.keys[0].key, k0, 32);
	EXPECT(knts_keyfile_find(&kf, 0x89FC3BB3) == &kf.keys[2]);
	EXPECT(knts_keyfile_find(&kf, 0x89FC3BB2) == NULL);
	knts_keyfile_wipe(&kf);
	EXPECT_EQ(kf.n, 0);
	EXPECT_EQ(knts_keyfile_load("/nonexistent/ntskeys", &kf), -ENOENT);
}

#define K32 "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff"
#define K16 "0F0E0D0C0B0A09080706050403020100"

static void test_nks1(void)
{
	struct knts_keyfile kf;

	EXPECT_EQ(parse("NKS1\n12345.5\n"
			"00000001 " K32 " 15\n"
			"00000002 " K16 " 30\n"
			"00000003 " K32 " 15\n"
			"FFFFFFFC " K16 " 30\n", &kf), 0);
	EXPECT_EQ(kf.version, 1);
	EXPECT(kf.age == 12345.5);
	EXPECT_EQ(kf.n, 4);
	EXPECT_EQ(kf.current, 2);
	EXPECT_EQ(kf.keys[1].alg, 30);
	EXPECT_EQ(kf.keys[1].len, 16);
	EXPECT_EQ(kf.keys[1].key[0], 0x0f);
	EXPECT_EQ(kf.keys[2].key[31], 0xff);
	EXPECT_EQ(kf.keys[3].id, 0xFFFFFFFC);
	/* two keys, no final newline */
	EXPECT_EQ(parse("NKS0\n15 7.0\n00000003 " K32 "\n00000000 " K32, &kf),
		  0);
	EXPECT_EQ(kf.n, 2);
	EXPECT_EQ(kf.current, 0);
}

static void test_malformed(void)
{
	static const char *const bad[] = {
		"",
		"NKS2\n15 0.0\n00000001 " K32 "\n00000002 " K32 "\n",
		"NKS0\n30 0.0\n00000001 " K32 "\n00000002 " K32 "\n",
		"NKS0\n15\n00000001 " K32 "\n00000002 " K32 "\n",
		"NKS0\n15 -1\n00000001 " K32 "\n00000002 " K32 "\n",
		"NKS0\n15 0.0x\n00000001 " K32 "\n00000002 " K32 "\n",
		"NKS0\n15 0.0\n00000001 " K32 "\n",		/* one key */
		"NKS0\n15 0.0\n00000001 " K32 "\n00000003 " K32 "\n",	/* slot */
		"NKS0\n15 0.0\n0000001 " K32 "\n00000002 " K32 "\n",	/* ID */
		"NKS0\n15 0.0\n00000001 " K16 "\n00000002 " K32 "\n",	/* len */
		"NKS0\n15 0.0\n00000001 " K32 " 15\n00000002 " K32 "\n",
		"NKS0\n15 0.0\n00000001  " K32 "\n00000002 " K32 "\n",
		"NKS0\n15 0.0\n00000001 " K32 "\n00000002 " K32 "\n\n",
		"NKS0\n15 0.0\n0000000G " K32 "\n00000002 " K32 "\n",
		"NKS0\n15 0.0\r\n00000001 " K32 "\n00000002 " K32 "\n",
		"NKS0\n15 0.0\n00000001 " K32 "\n00000002 " K32 "\n"
		"00000003 " K32 "\n00000000 " K32 "\n00000001 " K32 "\n",
		"NKS1\n0.0\n00000001 " K32 " 15\n00000002 " K32 " 30\n",
		"NKS1\n0.0\n00000001 " K32 " 16\n00000002 " K32 " 15\n",
		"NKS1\n0.0\n00000001 " K32 "\n00000002 " K32 "\n",
	};
	struct knts_keyfile kf;
	unsigned int i, rejected = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&kf, 0x33, sizeof(kf));
		if (parse(bad[i], &kf) == -EINVAL && kf.n == 0 &&
		    kf.keys[0].key[0] == 0)
			rejected++;
		else
			fprintf(stderr, "# accepted bad file %u\n", i);
	}
	EXPECT_EQ(rejected, sizeof(bad) / sizeof(bad[0]));
}

/* A refused file: the line and the reason, for ntsctl load-keys. */
static void expect_why(const char *txt, unsigned int line, const char *reason)
{
	struct knts_keyfile_err why;
	struct knts_keyfile kf;

	EXPECT_EQ(knts_keyfile_parse_why(txt, strlen(txt), &kf, &why), -EINVAL);
	EXPECT_EQ(why.line, line);
	if (!why.reason || strcmp(why.reason, reason)) {
		fprintf(stderr, "# got '%s', want '%s'\n",
			why.reason ? why.reason : "(null)", reason);
		unit_checks_failed++;
	}
}

static void test_reasons(void)
{
	expect_why("", 1, "empty file");
	expect_why("NKS2\n", 1, "not NKS0 or NKS1: not a chrony key file");
	expect_why("NKS0\n", 2, "missing: the line with the age");
	expect_why("NKS0\n16 1.0\n", 2,
		   "expected '15 AGE' (algorithm 15, age in seconds)");
	expect_why("NKS1\nx\n", 2, "expected 'AGE' (age in seconds)");
	expect_why("NKS0\n15 0\n00000001 " K32 "\n00000002\n", 4,
		   "expected 'ID KEY' (8 and 64 hex digits, one space)");
	expect_why("NKS0\n15 0\n0000000G " K32 "\n", 3,
		   "the key ID is not 8 hex digits");
	expect_why("NKS0\n15 0\n00000001 " K16 "\n", 3,
		   "the key is not 64 hex digits");
	expect_why("NKS1\n0\n00000001 " K32 " 31\n", 3,
		   "unknown algorithm (15 or 30)");
	expect_why("NKS0\n15 0\n00000001 " K32 "\n00000003 " K32 "\n", 4,
		   "key ID out of order (its low two bits must be the previous line's plus one)");
	expect_why("NKS0\n15 0\n00000001 " K32 "\n", 3,
		   "fewer than 2 keys (a current and a next one are needed)");
	expect_why("NKS0\n15 0\n00000001 " K32 "\n00000002 " K32 "\n"
		   "00000003 " K32 "\n00000004 " K32 "\n00000005 " K32 "\n", 7,
		   "more than 4 keys");
}

/*
 * `ntsctl keygen`'s text: four fresh keys that our parser and chrony's
 * rules accept (consecutive slots, the third current), of the requested
 * algorithm and length, a cookie sealed under the current key opens, and
 * two runs share no key.
 */
static void test_generate(void)
{
	static const unsigned int algs[] = { 15, 30 };
	char text[512], again[512];
	struct knts_keyfile kf, kf2;
	unsigned int i, j;

	for (i = 0; i < 2; i++) {
		const struct knts_master_key *mk;
		struct knts_cookie_keys ck, back;
		u8 nonce[16] = { 1 }, cookie[KNTS_COOKIE_MAX_LEN];
		int n = knts_keyfile_generate(algs[i], text, sizeof(text));
		int m = knts_keyfile_generate(algs[i], again, sizeof(again));

		EXPECT(n > 0 && m > 0);
		EXPECT(!strncmp(text, algs[i] == 30 ? "NKS1\n" : "NKS0\n", 5));
		EXPECT_EQ(knts_keyfile_parse(text, (size_t)n, &kf), 0);
		EXPECT_EQ(knts_keyfile_parse(again, (size_t)m, &kf2), 0);
		EXPECT_EQ(kf.n, 4);
		EXPECT_EQ(kf.current, 2);
		for (j = 0; j < 4; j++) {
			EXPECT_EQ(kf.keys[j].alg, algs[i]);
			EXPECT_EQ(kf.keys[j].len, algs[i] == 30 ? 16 : 32);
			EXPECT_EQ(kf.keys[j].id & 3, j);
			EXPECT(memcmp(kf.keys[j].key, kf2.keys[j].key,
				      kf.keys[j].len) != 0);
		}
		mk = &kf.keys[kf.current];
		memset(&ck, 0, sizeof(ck));
		ck.aead = 30;
		ck.key_len = 16;
		memset(ck.key, 0x5a, 32);
		n = knts_cookie_seal_alg(mk->alg, mk->key, mk->id, nonce, &ck,
					 cookie, sizeof(cookie));
		EXPECT_EQ(n, algs[i] == 30 ? 64 : 68);
		EXPECT_EQ(knts_cookie_open_alg(mk->alg, mk->key, mk->id, cookie,
					       (size_t)n, &back), 0);
		EXPECT_MEM(back.key, ck.key, 32);
		knts_keyfile_wipe(&kf);
		knts_keyfile_wipe(&kf2);
	}
	EXPECT_EQ(knts_keyfile_generate(16, text, sizeof(text)), -EINVAL);
	EXPECT_EQ(knts_keyfile_generate(30, text, 40), -ENOSPC);
}

int main(void)
{
	RUN(test_real_nks0);
	RUN(test_nks1);
	RUN(test_malformed);
	RUN(test_reasons);
	RUN(test_generate);
	return unit_done();
}
