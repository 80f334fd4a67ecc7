// SPDX-License-Identifier: GPL-2.0
/*
 * Host half of the NTS exchange in `make check-arm64`. The arm64 guest has
 * no userspace crypto, so the client's two crypto steps run here, on the
 * code knts shares with userspace (kmod/ef.c, kmod/cookie.c, OpenSSL
 * AES-SIV); the guest's kernel does the server's work in between.
 *
 *   ntsvec request KEYFILE STATE   print an NTS request (hex): a cookie
 *       sealed under KEYFILE's current master key with fresh C2S/S2C keys,
 *       a fresh UID, an authenticator under C2S; STATE keeps the keys
 *   ntsvec verify KEYFILE STATE REPLY_HEX   check the server's reply:
 *       an NTS response, not a NAK; the request's UID; origin = request
 *       transmit; the authenticator opens under S2C; every new cookie
 *       opens under a master key of KEYFILE to the same C2S/S2C
 *
 * Exit 0 on success, 1 with a reason on stderr otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cookie.h"
#include "ef.h"
#include "keyfile.h"

#define PKT_MAX		1024
#define KEY_LEN		32
#define UID_LEN		32

struct state {
	u8 keys[2 * KEY_LEN];		/* C2S || S2C */
	u8 req[PKT_MAX];
	size_t req_len;
};

static int fail(const char *what)
{
	fprintf(stderr, "ntsvec: %s\n", what);
	return 1;
}

static void put_hex(FILE *f, const u8 *p, size_t n)
{
	while (n--)
		fprintf(f, "%02x", *p++);
	fputc('\n', f);
}

static long get_hex(const char *s, u8 *out, size_t cap)
{
	size_t n = 0;
	unsigned int b;

	while (s[0] && s[0] != '\n' && s[1]) {
		if (n == cap || sscanf(s, "%2x", &b) != 1)
			return -1;
		out[n++] = (u8)b;
		s += 2;
	}
	return (long)n;
}

static int rand_bytes(u8 *p, size_t n)
{
	return getrandom(p, n, 0) == (ssize_t)n ? 0 : -1;
}

static int save_state(const char *path, const struct state *st)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	put_hex(f, st->keys, sizeof(st->keys));
	put_hex(f, st->req, st->req_len);
	return fclose(f);
}

static int load_state(const char *path, struct state *st)
{
	char line[2 * PKT_MAX + 2];
	FILE *f = fopen(path, "r");
	long n;
	int ok;

	if (!f)
		return -1;
	ok = fgets(line, sizeof(line), f) &&
	     get_hex(line, st->keys, sizeof(st->keys)) == sizeof(st->keys);
	if (ok && fgets(line, sizeof(line), f)) {
		n = get_hex(line, st->req, sizeof(st->req));
		st->req_len = n > 0 ? (size_t)n : 0;
	}
	fclose(f);
	return ok && st->req_len ? 0 : -1;
}

static int request(const struct knts_keyfile *kf, const char *state)
{
	const struct knts_master_key *mk = &kf->keys[kf->current];
	struct knts_cookie_keys ck = { .aead = KNTS_AEAD_AES_SIV_CMAC_256,
				       .key_len = KEY_LEN };
	u8 uid[UID_LEN], cnonce[KNTS_COOKIE_NONCE_LEN], cookie[KNTS_COOKIE_MAX_LEN];
	u8 nonce[KNTS_EF_NONCE_LEN];
	struct knts_siv_ad ad[2];
	struct state st = { 0 };
	u8 *p = st.req;
	int len, n;

	if (mk->alg != KNTS_KEYFILE_ALG_SIV_CMAC_256)
		return fail("the current master key is not AES-SIV-CMAC-256");
	if (rand_bytes(ck.key, 2 * KEY_LEN) || rand_bytes(uid, sizeof(uid)) ||
	    rand_bytes(cnonce, sizeof(cnonce)) || rand_bytes(nonce, sizeof(nonce)) ||
	    rand_bytes(p + KNTS_NTP_OFF_TX, KNTS_NTP_TS_LEN))
		return fail("getrandom failed");
	memcpy(st.keys, ck.key, sizeof(st.keys));
	len = knts_cookie_seal(mk->key, mk->id, cnonce, &ck, cookie, sizeof(cookie));
	if (len < 0)
		return fail("cannot seal a cookie");

	p[0] = 0x23;		/* LI 0, VN 4, mode 3 (client) */
	n = KNTS_NTP_HDR_LEN;
	n += knts_ef_put_uid(p + n, sizeof(st.req) - n, uid, sizeof(uid));
	n += knts_ef_put_cookie(p + n, sizeof(st.req) - n, cookie, (u32)len);
	/* The authenticator: AD = everything before it, empty plaintext. */
	len = knts_ef_put_auth(p + n, sizeof(st.req) - n, nonce, sizeof(nonce),
			       KNTS_SIV_TAG_LEN);
	if (len < 0)
		return fail("cannot build the request");
	ad[0].data = p;
	ad[0].len = n;
	ad[1].data = nonce;
	ad[1].len = sizeof(nonce);
	if (knts_siv_seal(st.keys, KEY_LEN, ad, 2, NULL, 0, p + n + len, NULL))
		return fail("AES-SIV seal failed");
	st.req_len = n + knts_ef_auth_len(sizeof(nonce), KNTS_SIV_TAG_LEN);
	if (save_state(state, &st))
		return fail("cannot write the state file");
	put_hex(stdout, st.req, st.req_len);
	return 0;
}

static int verify(const struct knts_keyfile *kf, const char *state,
		  const char *reply_hex)
{
	struct knts_ef_req rq;
	struct knts_ef_resp rs;
	struct knts_ef_cookies cs;
	struct knts_cookie_keys ck;
	const struct knts_master_key *mk;
	struct knts_siv_ad ad[2];
	u8 rep[PKT_MAX], pt[PKT_MAX];
	struct state st;
	long len;
	u32 i, id, pt_len;

	if (load_state(state, &st))
		return fail("cannot read the state file");
	len = get_hex(reply_hex, rep, sizeof(rep));
	if (len < KNTS_NTP_HDR_LEN)
		return fail("the reply is not hex or shorter than an NTP header");
	if (knts_ef_parse_request(st.req, st.req_len, &rq))
		return fail("the saved request does not parse");
	if (knts_ef_parse_response(rep, (size_t)len, &rs))
		return fail("the reply is not an NTS response (plain NTP, bad EFs or a NAK)");
	if (rs.uid_len != rq.uid_len ||
	    memcmp(rep + rs.uid_off, st.req + rq.uid_off, rq.uid_len))
		return fail("the reply's UID is not the request's");
	if (memcmp(rep + KNTS_NTP_OFF_ORIGIN, st.req + KNTS_NTP_OFF_TX,
		   KNTS_NTP_TS_LEN))
		return fail("the reply's origin is not the request's transmit time");
	ad[0].data = rep;
	ad[0].len = rs.auth.off;
	ad[1].data = rep + rs.auth.nonce_off;
	ad[1].len = rs.auth.nonce_len;
	pt_len = rs.auth.ct_len - KNTS_SIV_TAG_LEN;
	if (knts_siv_open(st.keys + KEY_LEN, KEY_LEN, ad, 2, rep + rs.auth.ct_off,
			  rep + rs.auth.ct_off + KNTS_SIV_TAG_LEN, pt_len, pt))
		return fail("the authenticator does not open under S2C");
	if (knts_ef_parse_cookies(pt, pt_len, &cs) || !cs.count)
		return fail("no cookies in the encrypted fields");
	for (i = 0; i < cs.count; i++) {
		if (knts_cookie_key_id(pt + cs.off[i], cs.len, &id))
			return fail("a new cookie has a bad length");
		mk = knts_keyfile_find(kf, id);
		if (!mk || knts_cookie_open(mk->key, id, pt + cs.off[i], cs.len, &ck))
			return fail("a new cookie does not open under the master keys");
		if (memcmp(ck.key, st.keys, sizeof(st.keys)))
			return fail("a new cookie carries other session keys");
	}
	printf("verified: NTS response of %ld bytes, UID and origin match, authenticator opens under S2C, %u new cookie(s) carry C2S/S2C\n",
	       len, cs.count);
	return 0;
}

int main(int argc, char **argv)
{
	struct knts_keyfile kf;
	int rc;

	if (argc < 4 || (strcmp(argv[1], "request") && strcmp(argv[1], "verify")) ||
	    (!strcmp(argv[1], "verify") && argc < 5)) {
		fprintf(stderr, "usage: ntsvec request KEYFILE STATE | verify KEYFILE STATE REPLY_HEX\n");
		return 2;
	}
	if (knts_keyfile_load(argv[2], &kf))
		return fail("cannot load the master key file");
	if (!strcmp(argv[1], "request"))
		rc = request(&kf, argv[3]);
	else
		rc = verify(&kf, argv[3], argv[4]);
	knts_keyfile_wipe(&kf);
	return rc;
}
