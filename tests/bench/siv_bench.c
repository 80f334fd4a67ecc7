// SPDX-License-Identifier: GPL-2.0
/*
 * Cost of the NTS crypto of one server-side request, in userspace:
 *
 *   1. open the request's cookie (100 bytes, AES-SIV-CMAC-256 master key)
 *   2. verify the 228-byte request: S2V(C2S; 188-byte AD, 16-byte nonce, "")
 *   3. seal one new cookie
 *   4. seal the response: S2V(S2C; 84-byte AD, nonce, 104-byte cookie EF)
 *      + AES-CTR over the 104 bytes
 *
 * "knts":  kmod/cookie.c over userspace/lib/siv_openssl.c (what ntskd and
 *          the unit tests run; the kernel runs cookie.c over kmod/siv.c).
 * "EVP":   a plain OpenSSL sequence: EVP AES-128-SIV for the two cookie
 *          operations (with an explicit empty AD update, chrony's format),
 *          and for 2 and 4 an S2V written over EVP_MAC "CMAC" that re-keys
 *          the MAC for every component, plus EVP AES-128-CTR. Algorithms
 *          are fetched once, contexts are made per operation, as in knts.
 * Both paths are first checked to produce the same bytes.
 *
 * Build and run from the top of the tree:
 *   gcc -O2 -std=gnu11 -D_GNU_SOURCE -Iinclude/uapi -Iuserspace/lib -Iuserspace/kshim -Ikmod -o build/siv_bench tests/bench/siv_bench.c userspace/lib/siv_openssl.c kmod/cookie.c -lcrypto && build/siv_bench [iterations]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "cookie.h"
#include "siv.h"

#define REQ_LEN		228
#define REQ_AUTH	188
#define RESP_AD		84
#define RESP_PT		104

static u8 master[32];
static u32 master_id = 0x89fc3bb3;
static u8 cookie[100];
static u8 req[REQ_LEN];
static u8 resp_ad[RESP_AD];
static u8 resp_nonce[16];
static u8 cookie_nonce[16];

static EVP_CIPHER *evp_siv, *evp_ctr;
static EVP_MAC *evp_cmac;

static void die(const char *what)
{
	fprintf(stderr, "siv_bench: %s failed\n", what);
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ---------------- knts: cookie.c over siv_openssl.c ---------------- */

struct out {
	struct knts_cookie_keys k;
	u8 new_cookie[KNTS_COOKIE_MAX_LEN];
	u8 ef[RESP_PT];		/* cookie EF: header + new cookie */
	u8 tag[16];
	u8 ct[RESP_PT];
};

static int knts_cookie_open_step(struct out *o)
{
	u32 id;

	if (knts_cookie_key_id(cookie, sizeof(cookie), &id) || id != master_id)
		return -1;
	return knts_cookie_open(master, id, cookie, sizeof(cookie), &o->k);
}

static int knts_verify_step(struct out *o)
{
	struct knts_siv_ad ad[2] = {
		{ req, REQ_AUTH }, { req + REQ_AUTH + 8, 16 },
	};

	return knts_siv_open(knts_cookie_c2s(&o->k), 32, ad, 2,
			     req + REQ_AUTH + 24, NULL, 0, NULL);
}

static int knts_cookie_seal_step(struct out *o)
{
	return knts_cookie_seal(master, master_id, cookie_nonce, &o->k,
				o->new_cookie, sizeof(o->new_cookie)) == 100 ?
	       0 : -1;
}

static int knts_resp_step(struct out *o)
{
	struct knts_siv_ad ad[2] = { { resp_ad, RESP_AD }, { resp_nonce, 16 } };

	o->ef[0] = 0x02;
	o->ef[1] = 0x04;
	o->ef[2] = 0x00;
	o->ef[3] = 0x68;
	memcpy(o->ef + 4, o->new_cookie, 100);
	return knts_siv_seal(knts_cookie_s2c(&o->k), 32, ad, 2, o->ef, RESP_PT,
			     o->tag, o->ct);
}

/* ---------------- plain EVP ---------------- */

static int evp_cookie_op(int enc, const u8 *nonce, u8 *tag, const u8 *in,
			 size_t len, u8 *outp)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int ok, l, l2;

	ok = x && EVP_CipherInit_ex2(x, evp_siv, master, NULL, enc, NULL);
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16, tag);
	ok = ok && EVP_CipherUpdate(x, NULL, &l, (const u8 *)"", 0) &&
	     EVP_CipherUpdate(x, NULL, &l, nonce, 16) &&
	     EVP_CipherUpdate(x, outp, &l, in, (int)len) &&
	     EVP_CipherFinal_ex(x, outp + l, &l2);
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, tag);
	EVP_CIPHER_CTX_free(x);
	return ok ? 0 : -1;
}

static void dbl(u8 d[16])
{
	int c = d[0] >> 7, i;

	for (i = 0; i < 15; i++)
		d[i] = (u8)(d[i] << 1 | d[i + 1] >> 7);
	d[15] = (u8)(d[15] << 1) ^ (c ? 0x87 : 0);
}

/* CMAC(K, a || b), keying the MAC for this one message. */
static int cmac(EVP_MAC_CTX *c, const u8 *key, const OSSL_PARAM *p,
		const u8 *a, size_t al, const u8 *b, size_t bl, u8 out[16])
{
	size_t ol;

	return EVP_MAC_init(c, key, 16, p) && EVP_MAC_update(c, a, al) &&
	       (!bl || EVP_MAC_update(c, b, bl)) &&
	       EVP_MAC_final(c, out, &ol, 16);
}

/* S2V(K1; a1, a2, p) */
static int evp_s2v(const u8 *k1, const u8 *a1, size_t l1, const u8 *a2,
		   size_t l2, const u8 *p, size_t pl, u8 v[16])
{
	static const u8 zero[16];
	OSSL_PARAM prm[2] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
						 "AES-128-CBC", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(evp_cmac);
	u8 d[16], t[16];
	int ok, i;

	ok = c && cmac(c, k1, prm, zero, 16, NULL, 0, d);
	ok = ok && cmac(c, k1, NULL, a1, l1, NULL, 0, t);
	if (ok) {
		dbl(d);
		for (i = 0; i < 16; i++)
			d[i] ^= t[i];
	}
	ok = ok && cmac(c, k1, NULL, a2, l2, NULL, 0, t);
	if (ok) {
		dbl(d);
		for (i = 0; i < 16; i++)
			d[i] ^= t[i];
	}
	if (ok && pl >= 16) {
		memcpy(t, p + pl - 16, 16);
		for (i = 0; i < 16; i++)
			t[i] ^= d[i];
		ok = cmac(c, k1, NULL, p, pl - 16, t, 16, v);
	} else if (ok) {
		dbl(d);
		memset(t, 0, 16);
		memcpy(t, p, pl);
		t[pl] = 0x80;
		for (i = 0; i < 16; i++)
			t[i] ^= d[i];
		ok = cmac(c, k1, NULL, t, 16, NULL, 0, v);
	}
	EVP_MAC_CTX_free(c);
	return ok ? 0 : -1;
}

static int evp_ctr_op(const u8 *k2, const u8 v[16], const u8 *in, size_t len,
		      u8 *outp)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	u8 q[16];
	int ok, l, l2;

	memcpy(q, v, 16);
	q[8] &= 0x7f;
	q[12] &= 0x7f;
	ok = x && EVP_EncryptInit_ex2(x, evp_ctr, k2, q, NULL) &&
	     EVP_EncryptUpdate(x, outp, &l, in, (int)len) &&
	     EVP_EncryptFinal_ex(x, outp + l, &l2);
	EVP_CIPHER_CTX_free(x);
	return ok ? 0 : -1;
}

static int evp_cookie_open_step(struct out *o)
{
	if (memcmp(cookie, "\x89\xfc\x3b\xb3", 4))
		return -1;
	o->k.aead = 15;
	o->k.key_len = 32;
	return evp_cookie_op(0, cookie + 4, cookie + 20, cookie + 36, 64,
			     o->k.key);
}

static int evp_verify_step(struct out *o)
{
	u8 v[16];

	if (evp_s2v(o->k.key, req, REQ_AUTH, req + REQ_AUTH + 8, 16, NULL, 0,
		    v))
		return -1;
	return CRYPTO_memcmp(v, req + REQ_AUTH + 24, 16) ? -1 : 0;
}

static int evp_cookie_seal_step(struct out *o)
{
	u8 *c = o->new_cookie;

	c[0] = master_id >> 24;
	c[1] = master_id >> 16;
	c[2] = master_id >> 8;
	c[3] = master_id;
	memcpy(c + 4, cookie_nonce, 16);
	return evp_cookie_op(1, cookie_nonce, c + 20, o->k.key, 64, c + 36);
}

static int evp_resp_step(struct out *o)
{
	o->ef[0] = 0x02;
	o->ef[1] = 0x04;
	o->ef[2] = 0x00;
	o->ef[3] = 0x68;
	memcpy(o->ef + 4, o->new_cookie, 100);
	if (evp_s2v(o->k.key + 32, resp_ad, RESP_AD, resp_nonce, 16, o->ef,
		    RESP_PT, o->tag))
		return -1;
	return evp_ctr_op(o->k.key + 48, o->tag, o->ef, RESP_PT, o->ct);
}

/* ---------------- driver ---------------- */

typedef int (*step_fn)(struct out *o);

struct path {
	const char *name;
	step_fn step[4];
};

static const char *const step_name[4] = {
	"cookie open", "request verify", "cookie seal", "response seal",
};

static const struct path paths[2] = {
	{ "knts", { knts_cookie_open_step, knts_verify_step,
		    knts_cookie_seal_step, knts_resp_step } },
	{ "EVP",  { evp_cookie_open_step, evp_verify_step,
		    evp_cookie_seal_step, evp_resp_step } },
};

static int request(const struct path *p, struct out *o)
{
	int i;

	for (i = 0; i < 4; i++)
		if (p->step[i](o))
			return -1;
	return 0;
}

/* Best of @reps runs of @n iterations of step @s (-1: whole request). */
static double bench(const struct path *p, int s, long n, int reps)
{
	static struct out o;
	double best = 1e30;
	int r;

	/* steps after the first need the session keys */
	if (p->step[0](&o) || p->step[2](&o))
		die("setup");
	for (r = 0; r < reps; r++) {
		double t0 = now_ns(), t;
		long i;

		for (i = 0; i < n; i++)
			if (s < 0 ? request(p, &o) : p->step[s](&o))
				die(p->name);
		t = (now_ns() - t0) / (double)n;
		if (t < best)
			best = t;
	}
	return best;
}

static void setup(void)
{
	struct knts_cookie_keys k = { .aead = 15, .key_len = 32 };
	struct knts_siv_ad ad[2];
	int i;

	evp_siv = EVP_CIPHER_fetch(NULL, "AES-128-SIV", NULL);
	evp_ctr = EVP_CIPHER_fetch(NULL, "AES-128-CTR", NULL);
	evp_cmac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	if (!evp_siv || !evp_ctr || !evp_cmac)
		die("fetch");
	if (RAND_bytes(master, 32) != 1 || RAND_bytes(k.key, 64) != 1 ||
	    RAND_bytes(cookie_nonce, 16) != 1 ||
	    RAND_bytes(resp_nonce, 16) != 1 || RAND_bytes(resp_ad, 84) != 1)
		die("RAND_bytes");
	if (knts_cookie_seal(master, master_id, cookie_nonce, &k, cookie,
			     sizeof(cookie)) != 100)
		die("cookie");

	/* chrony-shaped request: header, UID EF, cookie EF, auth EF */
	memset(req, 0, sizeof(req));
	req[0] = 0x23;
	RAND_bytes(req + 40, 8);
	req[48] = 0x01;
	req[49] = 0x04;
	req[51] = 0x24;
	RAND_bytes(req + 52, 32);
	req[84] = 0x02;
	req[85] = 0x04;
	req[87] = 0x68;
	memcpy(req + 88, cookie, 100);
	req[188] = 0x04;
	req[189] = 0x04;
	req[191] = 0x28;
	req[193] = 0x10;
	req[195] = 0x10;
	RAND_bytes(req + 196, 16);
	ad[0].data = req;
	ad[0].len = REQ_AUTH;
	ad[1].data = req + 196;
	ad[1].len = 16;
	if (knts_siv_seal(k.key, 32, ad, 2, NULL, 0, req + 212, NULL))
		die("request tag");
	for (i = 0; i < 16; i++)
		cookie_nonce[i] ^= 0x5a;	/* a fresh nonce for new cookies */
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	static struct out a, b;
	double t[2][5];
	int p, s;

	if (n <= 0)
		n = 200000;
	setup();

	/* Same bytes out of both paths. */
	if (request(&paths[0], &a) || request(&paths[1], &b))
		die("request");
	if (memcmp(a.k.key, b.k.key, 64) ||
	    memcmp(a.new_cookie, b.new_cookie, 100) ||
	    memcmp(a.tag, b.tag, 16) || memcmp(a.ct, b.ct, RESP_PT))
		die("cross-check");

	for (p = 0; p < 2; p++) {
		for (s = 0; s < 4; s++)
			t[p][s] = bench(&paths[p], s, n / 4, 5);
		t[p][4] = bench(&paths[p], -1, n / 4, 5);
	}

	printf("%s, %ld iterations per figure, best of 5\n",
	       OpenSSL_version(OPENSSL_VERSION), n / 4);
	printf("%-16s %12s %12s %8s\n", "ns", "knts", "EVP", "knts/EVP");
	for (s = 0; s < 4; s++)
		printf("%-16s %12.0f %12.0f %8.2f\n", step_name[s], t[0][s],
		       t[1][s], t[0][s] / t[1][s]);
	printf("%-16s %12.0f %12.0f %8.2f\n", "per request", t[0][4], t[1][4],
	       t[0][4] / t[1][4]);
	return 0;
}
