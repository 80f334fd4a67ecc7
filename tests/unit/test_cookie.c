// SPDX-License-Identifier: GPL-2.0
/*
 * Cookies (kmod/cookie.c, the code knts.ko runs) against real chrony 4.3
 * cookies and their master keys, and against an independent AES-SIV
 * (OpenSSL EVP AES-128-SIV).
 */
#include <errno.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "unit.h"
#include "cookie.h"
#include "gcmsiv.h"
#include "keyfile.h"

#define N_REAL	8

struct dump {
	u8 c2s[32];
	u8 s2c[32];
	u8 cookie[N_REAL][KNTS_COOKIE_MAX_LEN];
	size_t len[N_REAL];
	int n;
};

/*
 * chrony's NNC0 client dump: 4 header lines, "<ctx> <aead> <S2C> <C2S>"
 * (S2C first), then one cookie per line.
 */
static int load_dump(struct dump *d)
{
	char *txt = unit_slurp(unit_vector("chrony-cookies/client-dump.nts"),
			       NULL);
	char *line, *save = NULL, s2c[65], c2s[65];
	int ln = 0, ctx, aead;

	memset(d, 0, sizeof(*d));
	if (!txt)
		return -1;
	for (line = strtok_r(txt, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), ln++) {
		long n;

		if (ln < 4)
			continue;
		if (ln == 4) {
			if (sscanf(line, "%d %d %64s %64s", &ctx, &aead, s2c,
				   c2s) != 4 || aead != 15 ||
			    unit_unhex(s2c, d->s2c, 32) != 32 ||
			    unit_unhex(c2s, d->c2s, 32) != 32)
				break;
			continue;
		}
		if (d->n == N_REAL)
			break;
		n = unit_unhex(line, d->cookie[d->n], KNTS_COOKIE_MAX_LEN);
		if (n <= 0)
			break;
		d->len[d->n++] = (size_t)n;
	}
	free(txt);
	return d->n;
}

static int load_keys(struct knts_keyfile *kf)
{
	return knts_keyfile_load(unit_vector("chrony-cookies/ntskeys"), kf);
}

static int all_zero(const void *p, size_t n)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void test_real_cookies_open(void)
{
	struct knts_keyfile kf;
	struct dump d;
	struct knts_cookie_keys k;
	int i, opened = 0;

	EXPECT_EQ(load_keys(&kf), 0);
	EXPECT_EQ(load_dump(&d), N_REAL);
	for (i = 0; i < d.n; i++) {
		const struct knts_master_key *mk;
		u32 id;

		EXPECT_EQ(d.len[i], 100);
		EXPECT_EQ(knts_cookie_key_id(d.cookie[i], d.len[i], &id), 0);
		mk = knts_keyfile_find(&kf, id);
		EXPECT(mk != NULL);
		if (!mk)
			continue;
		/* the current key of the server that made them */
		EXPECT_EQ(id, kf.keys[kf.current].id);
		memset(&k, 0xee, sizeof(k));
		EXPECT_EQ(knts_cookie_open(mk->key, mk->id, d.cookie[i],
					   d.len[i], &k), 0);
		EXPECT_EQ(k.aead, KNTS_AEAD_AES_SIV_CMAC_256);
		EXPECT_EQ(k.key_len, 32);
		EXPECT_MEM(knts_cookie_c2s(&k), d.c2s, 32);
		EXPECT_MEM(knts_cookie_s2c(&k), d.s2c, 32);
		if (!memcmp(knts_cookie_c2s(&k), d.c2s, 32) &&
		    !memcmp(knts_cookie_s2c(&k), d.s2c, 32))
			opened++;
	}
	EXPECT_EQ(opened, N_REAL);
	knts_keyfile_wipe(&kf);
}

/* SIV is deterministic: with chrony's nonce we must rebuild its cookie. */
static void test_real_cookies_reseal(void)
{
	struct knts_keyfile kf;
	struct dump d;
	struct knts_cookie_keys k;
	u8 out[KNTS_COOKIE_MAX_LEN];
	int i, same = 0;

	EXPECT_EQ(load_keys(&kf), 0);
	EXPECT_EQ(load_dump(&d), N_REAL);
	memset(&k, 0, sizeof(k));
	k.aead = KNTS_AEAD_AES_SIV_CMAC_256;
	k.key_len = 32;
	memcpy(knts_cookie_c2s(&k), d.c2s, 32);
	memcpy(knts_cookie_s2c(&k), d.s2c, 32);
	for (i = 0; i < d.n; i++) {
		const struct knts_master_key *mk = &kf.keys[kf.current];

		EXPECT_EQ(knts_cookie_seal(mk->key, mk->id, d.cookie[i] + 4, &k,
					   out, sizeof(out)), 100);
		if (!memcmp(out, d.cookie[i], 100))
			same++;
	}
	EXPECT_EQ(same, N_REAL);
	knts_keyfile_wipe(&kf);
}

static void test_round_trip(void)
{
	static const u16 aeads[] = { 15, 16, 17, 30 };
	static const int lens[] = { 100, 132, 164, 68 };
	u8 master[32], nonce[16], out[KNTS_COOKIE_MAX_LEN + 8];
	struct knts_cookie_keys k, back;
	unsigned int i;

	RAND_bytes(master, sizeof(master));
	for (i = 0; i < 4; i++) {
		u32 id;

		memset(&k, 0, sizeof(k));
		k.aead = aeads[i];
		k.key_len = (u16)knts_aead_key_len(aeads[i]);
		RAND_bytes(k.key, 2 * k.key_len);
		RAND_bytes(nonce, sizeof(nonce));
		EXPECT_EQ(knts_cookie_len(aeads[i]), lens[i]);
		memset(out, 0xcc, sizeof(out));
		EXPECT_EQ(knts_cookie_seal(master, 0x12345678 + i, nonce, &k,
					   out, sizeof(out)), lens[i]);
		EXPECT_EQ(out[lens[i]], 0xcc);	/* nothing written past it */
		EXPECT_EQ(out[0], 0x12);	/* key ID big-endian */
		EXPECT_EQ(out[3], 0x78 + i);
		EXPECT_MEM(out + 4, nonce, 16);
		/* the plaintext keys do not appear in the cookie */
		EXPECT(memcmp(out + 36, k.key, 2 * k.key_len) != 0);
		EXPECT_EQ(knts_cookie_key_id(out, (size_t)lens[i], &id), 0);
		EXPECT_EQ(id, 0x12345678 + i);
		EXPECT_EQ(knts_cookie_open(master, id, out, (size_t)lens[i],
					   &back), 0);
		EXPECT_EQ(back.aead, aeads[i]);
		EXPECT_EQ(back.key_len, k.key_len);
		EXPECT_MEM(back.key, k.key, 2 * k.key_len);
		EXPECT_MEM(knts_cookie_s2c(&back), knts_cookie_s2c(&k),
			   k.key_len);
	}
	EXPECT_EQ(knts_cookie_len(31), 0);
}

/*
 * Under a GCM-SIV master key (chrony >= 4.4): ID, 12-byte nonce,
 * ciphertext, tag; every session AEAD round-trips, the lengths are
 * chrony's (96 for a session of 15, 64 for 30), and the ciphertext is
 * plain RFC 8452 AES-128-GCM-SIV of C2S || S2C with no AD.
 */
static void test_round_trip_gcm(void)
{
	static const u16 aeads[] = { 15, 16, 17, 30 };
	static const int lens[] = { 96, 128, 160, 64 };
	u8 master[16], nonce[16], out[KNTS_COOKIE_MAX_LEN + 8], pt[128];
	struct knts_cookie_keys k, back;
	unsigned int i, bit, bad = 0;
	u32 id;

	RAND_bytes(master, sizeof(master));
	for (i = 0; i < 4; i++) {
		memset(&k, 0, sizeof(k));
		k.aead = aeads[i];
		k.key_len = (u16)knts_aead_key_len(aeads[i]);
		RAND_bytes(k.key, 2 * k.key_len);
		RAND_bytes(nonce, sizeof(nonce));
		EXPECT_EQ(knts_cookie_len_alg(30, aeads[i]), lens[i]);
		memset(out, 0xcc, sizeof(out));
		EXPECT_EQ(knts_cookie_seal_alg(30, master, 0xa1b2c3d4, nonce,
					       &k, out, sizeof(out)), lens[i]);
		EXPECT_EQ(out[lens[i]], 0xcc);
		EXPECT_EQ(out[0], 0xa1);
		EXPECT_MEM(out + 4, nonce, 12);
		EXPECT_EQ(knts_gcmsiv_open(master, NULL, 0, out + 4, out + 16,
					   2 * k.key_len, pt), 0);
		EXPECT_MEM(pt, k.key, 2 * k.key_len);
		EXPECT_EQ(knts_cookie_key_id(out, (size_t)lens[i], &id), 0);
		EXPECT_EQ(id, 0xa1b2c3d4);
		EXPECT_EQ(knts_cookie_open_alg(30, master, id, out,
					       (size_t)lens[i], &back), 0);
		EXPECT_EQ(back.aead, aeads[i]);
		EXPECT_MEM(back.key, k.key, 2 * k.key_len);
		/* the other algorithm's master key cannot read it */
		EXPECT(knts_cookie_open_alg(15, master, id, out,
					    (size_t)lens[i], &back) != 0);
		EXPECT(all_zero(&back, sizeof(back)));
	}
	/* 64 bytes (session 30): every bit flip is refused, keys zeroed */
	for (bit = 32; bit < 64 * 8; bit++) {
		out[bit / 8] ^= (u8)(1 << (bit % 8));
		memset(&back, 0x55, sizeof(back));
		if (knts_cookie_open_alg(30, master, 0xa1b2c3d4, out, 64,
					 &back) == -EBADMSG &&
		    all_zero(&back, sizeof(back)))
			bad++;
		out[bit / 8] ^= (u8)(1 << (bit % 8));
	}
	EXPECT_EQ(bad, 64 * 8 - 32);
	EXPECT_EQ(knts_cookie_open_alg(30, master, 0xa1b2c3d4, out, 64, &back),
		  0);
	EXPECT_EQ(knts_cookie_open_alg(30, master, 0xa1b2c3d5, out, 64, &back),
		  -ENOKEY);
	EXPECT_EQ(knts_cookie_open_alg(30, master, 0xa1b2c3d4, out, 68, &back),
		  -EMSGSIZE);
	EXPECT_EQ(knts_cookie_seal_alg(30, master, 1, nonce, &k, out, 63),
		  -ENOSPC);
	EXPECT_EQ(knts_cookie_seal_alg(29, master, 1, nonce, &k, out,
				       sizeof(out)), -EINVAL);
	EXPECT_EQ(knts_cookie_master_len(30), 16);
	EXPECT_EQ(knts_cookie_master_len(15), 32);
	EXPECT_EQ(knts_cookie_master_len(16), 0);
}

/* An independent AES-SIV: EVP AES-128-SIV with an explicit empty AD. */
static int evp_cookie(int enc, const u8 master[32], const u8 nonce[16],
		      u8 tag[16], const u8 *in, size_t len, u8 *out)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, "AES-128-SIV", NULL);
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int ok, l, l2;

	ok = c && x && EVP_CipherInit_ex2(x, c, master, NULL, enc, NULL);
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16, tag);
	ok = ok && EVP_CipherUpdate(x, NULL, &l, (const u8 *)"", 0) &&
	     EVP_CipherUpdate(x, NULL, &l, nonce, 16) &&
	     EVP_CipherUpdate(x, out, &l, in, (int)len) &&
	     EVP_CipherFinal_ex(x, out + l, &l2);
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, tag);
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(c);
	return ok;
}

static void test_interop_evp(void)
{
	u8 master[32], nonce[16], out[KNTS_COOKIE_MAX_LEN], pt[128];
	u8 cookie[KNTS_COOKIE_MAX_LEN];
	struct knts_cookie_keys k, back;
	u16 aead;

	RAND_bytes(master, sizeof(master));
	for (aead = 15; aead <= 17; aead++) {
		int len = (int)knts_cookie_len(aead);
		size_t pl = (size_t)len - KNTS_COOKIE_HDR_LEN;

		memset(&k, 0, sizeof(k));
		k.aead = aead;
		k.key_len = (u16)knts_aead_key_len(aead);
		RAND_bytes(k.key, pl);
		RAND_bytes(nonce, sizeof(nonce));

		/* ours -> EVP */
		EXPECT_EQ(knts_cookie_seal(master, 0xabcdef01, nonce, &k, out,
					   sizeof(out)), len);
		EXPECT(evp_cookie(0, master, out + 4, out + 20, out + 36, pl,
				  pt));
		EXPECT_MEM(pt, k.key, pl);

		/* EVP -> ours */
		cookie[0] = 0xab;
		cookie[1] = 0xcd;
		cookie[2] = 0xef;
		cookie[3] = 0x01;
		memcpy(cookie + 4, nonce, 16);
		EXPECT(evp_cookie(1, master, nonce, cookie + 20, k.key, pl,
				  cookie + 36));
		EXPECT_MEM(cookie, out, (size_t)len);
		EXPECT_EQ(knts_cookie_open(master, 0xabcdef01, cookie,
					   (size_t)len, &back), 0);
		EXPECT_MEM(back.key, k.key, pl);
	}
}

static void test_rejects(void)
{
	struct knts_keyfile kf;
	struct dump d;
	struct knts_cookie_keys k;
	const struct knts_master_key *mk, *other;
	u8 c[KNTS_COOKIE_MAX_LEN + 4];
	size_t len, i;
	int nokey = 0, badmsg = 0, zeroed = 0;
	u32 id;

	EXPECT_EQ(load_keys(&kf), 0);
	EXPECT_EQ(load_dump(&d), N_REAL);
	mk = &kf.keys[kf.current];
	other = &kf.keys[0];
	memset(c, 0, sizeof(c));
	memcpy(c, d.cookie[0], 100);

	/* wrong key ID: the caller's key is not the cookie's */
	EXPECT_EQ(knts_cookie_open(other->key, other->id, c, 100, &k),
		  -ENOKEY);
	EXPECT(all_zero(&k, sizeof(k)));
	/* the right ID with the wrong master key */
	EXPECT_EQ(knts_cookie_open(other->key, mk->id, c, 100, &k), -EBADMSG);
	EXPECT(all_zero(&k, sizeof(k)));

	/* every bit: ID bits -> -ENOKEY, the rest -> -EBADMSG, k zeroed */
	for (i = 0; i < 100 * 8; i++) {
		int err;

		c[i / 8] ^= (u8)(1 << (i % 8));
		memset(&k, 0x55, sizeof(k));
		err = knts_cookie_open(mk->key, mk->id, c, 100, &k);
		if (i < 32 && err == -ENOKEY)
			nokey++;
		else if (i >= 32 && err == -EBADMSG)
			badmsg++;
		if (all_zero(&k, sizeof(k)))
			zeroed++;
		c[i / 8] ^= (u8)(1 << (i % 8));
	}
	EXPECT_EQ(nokey, 32);
	EXPECT_EQ(badmsg, 768);
	EXPECT_EQ(zeroed, 800);
	EXPECT_EQ(knts_cookie_open(mk->key, mk->id, c, 100, &k), 0);

	/*
	 * Lengths: under this algorithm-15 key only 68/100/132/164 are
	 * cookies; 64/96/128/160 are cookies of a GCM-SIV master key, so
	 * their key ID is read but this key refuses them.
	 */
	for (len = 0; len <= sizeof(c); len++) {
		int want = (len == 68 || len == 100 || len == 132 ||
			    len == 164) ? -EBADMSG : -EMSGSIZE;
		bool gcm = len == 64 || len == 96 || len == 128 || len == 160;

		if (len == 100)
			continue;
		EXPECT_EQ(knts_cookie_open(mk->key, mk->id, c, len, &k), want);
		EXPECT_EQ(knts_cookie_key_id(c, len, &id),
			  want == -EMSGSIZE && !gcm ? -EMSGSIZE : 0);
	}
	/* truncated by 4: 96 bytes */
	EXPECT_EQ(knts_cookie_open(mk->key, mk->id, c, 96, &k), -EMSGSIZE);
	knts_keyfile_wipe(&kf);
}

static void test_seal_errors(void)
{
	u8 master[32] = { 1 }, nonce[16] = { 2 }, out[KNTS_COOKIE_MAX_LEN];
	struct knts_cookie_keys k;

	memset(&k, 0, sizeof(k));
	k.aead = 15;
	k.key_len = 32;
	memset(out, 0x77, sizeof(out));
	EXPECT_EQ(knts_cookie_seal(master, 1, nonce, &k, out, 99), -ENOSPC);
	EXPECT_EQ(out[0], 0x77);	/* untouched */
	EXPECT_EQ(knts_cookie_seal(master, 1, nonce, &k, out, 100), 100);
	k.key_len = 48;
	EXPECT_EQ(knts_cookie_seal(master, 1, nonce, &k, out, sizeof(out)),
		  -EINVAL);
	k.aead = 16;
	EXPECT_EQ(knts_cookie_seal(master, 1, nonce, &k, out, 131), -ENOSPC);
	EXPECT_EQ(knts_cookie_seal(master, 1, nonce, &k, out, 132), 132);
	k.aead = 30;	/* GCM-SIV sessions: 16-byte keys, 68 bytes */
	k.key_len = 32;
	EXPECT_EQ(knts_cookie_seal(master, 1, nonce, &k, out, sizeof(out)),
		  -EINVAL);
	k.key_len = 16;
	EXPECT_EQ(knts_cookie_seal(master, 1, nonce, &k, out, sizeof(out)),
		  68);
	k.aead = 0;
	k.key_len = 0;
	EXPECT_EQ(knts_cookie_seal(master, 1, nonce, &k, out, sizeof(out)),
		  -EINVAL);
}

int main(void)
{
	RUN(test_real_cookies_open);
	RUN(test_real_cookies_reseal);
	RUN(test_round_trip_gcm);
	RUN(test_round_trip);
	RUN(test_interop_evp);
	RUN(test_rejects);
	RUN(test_seal_errors);
	return unit_done();
}
