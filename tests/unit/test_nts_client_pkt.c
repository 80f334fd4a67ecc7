// SPDX-License-Identifier: GPL-2.0
/*
 * NTS client packets (userspace/lib/nts_client_pkt.*): the real chrony 4.3
 * request is rebuilt byte for byte from its parts and keys, the real
 * chrony reply verifies under S2C and every single-bit change to it is
 * refused; replies made here with the SIV code are broken one rule at a
 * time; NAKs (chrony's real one and one we build) are told apart by UID.
 */
#include <errno.h>

#include "unit.h"
#include "ef.h"
#include "ntp.h"
#include "siv.h"
#include "nts_client_pkt.h"
#include "siv_keyed.h"

static const char *c2s_hex =
	"52ad3b6e86e8fabb2cab8c7af26b740cde546544acc194691884062f1f66e2ca";
static const char *s2c_hex =
	"8792c3b9925bf606eac3cb7db710a9de74f74e09534317a70e75e69068a6b2d6";

/* chrony 4.3's NAK (digest 3.7): origin d895e3219600f2f6, UID at 52 */
static const char *nak_hex =
	"e40000e700000000000000004e54534e"
	"eeb273255fbbfc0dd895e3219600f2f6"
	"eeb2732758 42f053eeb27327584859fe"
	"010400244e2ca062cd418d5a6dd19b29"
	"93bdf96e93d867ca9965f32f02283399"
	"48c11f0d";

static u8 c2s[32], s2c[32], req[256], resp[256];
static size_t req_len, resp_len;

static size_t hex(const char *h, u8 *out, size_t max)
{
	long n = unit_unhex(h, out, max);

	if (n < 0) {
		fprintf(stderr, "# bad hex\n");
		exit(2);
	}
	return (size_t)n;
}

static size_t load(const char *name, u8 *out, size_t max)
{
	char *txt = unit_slurp(unit_vector(name), NULL);
	size_t n;

	if (!txt) {
		fprintf(stderr, "# cannot read %s\n", name);
		exit(2);
	}
	n = hex(txt, out, max);
	free(txt);
	return n;
}

static uint64_t tx_of(const u8 *pkt)
{
	return knts_get_be64(pkt + KNTS_NTP_OFF_TX);
}

static void test_rebuild_chrony_request(void)
{
	u8 out[512];
	int n;

	EXPECT_EQ(req_len, 228);
	/* the parts of chrony's request: TX, UID at 52, cookie at 88, nonce at 196 */
	n = knts_ntsc_build_request(out, sizeof(out), tx_of(req), req + 52,
				    req + 88, 100, 0, req + 196, c2s, 32);
	EXPECT_EQ(n, 228);
	EXPECT_MEM(out, req, 228);	/* tag included: our S2V matches chrony's */

	/* one placeholder: 104 more bytes, a zero body, and a different tag */
	n = knts_ntsc_build_request(out, sizeof(out), tx_of(req), req + 52,
				    req + 88, 100, 1, req + 196, c2s, 32);
	EXPECT_EQ(n, 332);
	EXPECT_MEM(out + 188, "\x03\x04\x00\x68", 4);
	EXPECT(out[191 + 100] == 0);

	/* and the shared parser reads what we built as a valid request */
	{
		struct knts_ef_req r;

		EXPECT_EQ(knts_ef_parse_request(out, (size_t)n, &r), 0);
		EXPECT_EQ(r.n_placeholders, 1);
		EXPECT_EQ(r.cookie_len, 100);
	}
	EXPECT_EQ(knts_ntsc_build_request(out, 300, tx_of(req), req + 52,
					  req + 88, 100, 1, req + 196, c2s, 32), -ENOSPC);
	EXPECT_EQ(knts_ntsc_build_request(out, sizeof(out), tx_of(req), req + 52,
					  req + 88, 100, 8, req + 196, c2s, 32), -EINVAL);
	EXPECT_EQ(knts_ntsc_build_request(out, sizeof(out), tx_of(req), req + 52,
					  req + 88, 100, 0, req + 196, c2s, 31), -EINVAL);
}

static void test_plain(void)
{
	u8 out[64], rep[48];
	struct knts_ntsc_info info;

	EXPECT_EQ(knts_ntsc_build_plain(out, sizeof(out), 0x0102030405060708ull), 48);
	EXPECT_MEM(out, "\x23\x00\x00\x20", 4);
	EXPECT_MEM(out + 40, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	EXPECT_EQ(knts_ntsc_build_plain(out, 47, 1), -ENOSPC);

	memset(rep, 0, sizeof(rep));
	rep[0] = 0x24;
	rep[1] = 2;
	memcpy(rep + 24, out + 40, 8);
	EXPECT_EQ(knts_ntsc_check_plain(rep, 48, 0x0102030405060708ull, &info),
		  KNTS_NTSC_OK);
	EXPECT_EQ(knts_ntsc_check_plain(rep, 48, 0x0102030405060709ull, &info),
		  KNTS_NTSC_E_ORIGIN);
	EXPECT_EQ(knts_ntsc_check_plain(rep, 47, 0x0102030405060708ull, &info),
		  KNTS_NTSC_E_SHORT);
	rep[0] = 0x23;
	EXPECT_EQ(knts_ntsc_check_plain(rep, 48, 0x0102030405060708ull, &info),
		  KNTS_NTSC_E_MODE);
	rep[0] = 0xe4;
	rep[1] = 0;
	memcpy(rep + 12, "RATE", 4);
	EXPECT_EQ(knts_ntsc_check_plain(rep, 48, 0x0102030405060708ull, &info),
		  KNTS_NTSC_E_KOD);
	EXPECT_EQ(info.kiss, 0x52415445);
	memcpy(rep + 12, "DENY", 4);
	EXPECT_EQ(knts_ntsc_check_plain(rep, 48, 0x0102030405060708ull, NULL),
		  KNTS_NTSC_E_KOD);
	/* what NTPsec sends before its first sync: an answer without time */
	memcpy(rep + 12, "INIT", 4);
	EXPECT_EQ(knts_ntsc_check_plain(rep, 48, 0x0102030405060708ull, &info),
		  KNTS_NTSC_UNSYNC);
	EXPECT_EQ(info.kiss, 0x494e4954);
	rep[0] = 0xe4;
	rep[1] = 5;	/* LI 3 alone */
	EXPECT_EQ(knts_ntsc_check_plain(rep, 48, 0x0102030405060708ull, &info),
		  KNTS_NTSC_UNSYNC);
	rep[0] = 0x24;
	rep[1] = 16;
	EXPECT_EQ(knts_ntsc_check_plain(rep, 48, 0x0102030405060708ull, &info),
		  KNTS_NTSC_UNSYNC);
}

static void test_real_chrony_reply(void)
{
	struct knts_ntsc_info info;
	size_t bit;
	int v;

	EXPECT_EQ(resp_len, 228);
	v = knts_ntsc_check_reply(resp, resp_len, tx_of(req), req + 52, 32,
				  s2c, 32, &info);
	EXPECT_EQ(v, KNTS_NTSC_OK);
	EXPECT_EQ(info.n_cookies, 1);
	EXPECT_EQ(info.cookie_len, 100);

	/* the wrong key (C2S instead of S2C) */
	EXPECT_EQ(knts_ntsc_check_reply(resp, resp_len, tx_of(req), req + 52, 32,
					c2s, 32, &info), KNTS_NTSC_E_AUTH);
	/* another request's timestamp, another UID */
	EXPECT_EQ(knts_ntsc_check_reply(resp, resp_len, tx_of(req) + 1, req + 52,
					32, s2c, 32, &info), KNTS_NTSC_E_ORIGIN);
	EXPECT_EQ(knts_ntsc_check_reply(resp, resp_len, tx_of(req), req + 53, 32,
					s2c, 32, &info), KNTS_NTSC_E_UID);
	/* truncated by 4 bytes */
	EXPECT_EQ(knts_ntsc_check_reply(resp, resp_len - 4, tx_of(req), req + 52,
					32, s2c, 32, &info), KNTS_NTSC_E_FORMAT);

	/* no single bit of it can change without the reply being refused */
	for (bit = 0; bit < resp_len * 8; bit++) {
		resp[bit / 8] ^= (u8)(1 << (bit % 8));
		v = knts_ntsc_check_reply(resp, resp_len, tx_of(req), req + 52, 32,
					  s2c, 32, &info);
		resp[bit / 8] ^= (u8)(1 << (bit % 8));
		if (v == KNTS_NTSC_OK) {
			fprintf(stderr, "# bit %zu flipped, still accepted\n", bit);
			unit_checks_failed++;
			break;
		}
		/* the verdict says where the damage is */
		if (bit / 8 >= 24 && bit / 8 < 32 && v != KNTS_NTSC_E_ORIGIN)
			unit_checks_failed++;
		if (bit / 8 >= 52 && bit / 8 < 84 && v != KNTS_NTSC_E_UID)
			unit_checks_failed++;
		if (bit / 8 >= 92 && v != KNTS_NTSC_E_AUTH) {
			fprintf(stderr, "# bit %zu: %s\n", bit, knts_ntsc_verdict_name(v));
			unit_checks_failed++;
		}
	}
}

/*
 * A reply to our request built here: header (mode 4, origin = tx, stratum
 * 2), UID, authenticator over S2C whose plaintext is the given EFs.
 */
static size_t make_reply(u8 *out, uint64_t tx, const u8 *uid, const u8 *pt,
			 size_t pt_len, const u8 *key)
{
	static const u8 nonce[16] = "0123456789abcdef";
	struct knts_siv_ad ad[2];
	size_t off;
	int ct;

	memset(out, 0, 48);
	out[0] = 0x24;
	out[1] = 2;
	knts_put_be64(out + KNTS_NTP_OFF_ORIGIN, tx);
	off = 48 + (size_t)knts_ef_put_uid(out + 48, 64, uid, 32);
	ct = knts_ef_put_auth(out + off, 2048, nonce, 16, 16 + (u32)pt_len);
	if (ct < 0)
		return 0;
	ad[0].data = out;
	ad[0].len = off;
	ad[1].data = nonce;
	ad[1].len = 16;
	if (knts_siv_seal(key, 32, ad, 2, pt, pt_len, out + off + ct,
			  out + off + ct + 16))
		return 0;
	return off + (size_t)knts_ef_auth_len(16, 16 + (u32)pt_len);
}

/* n cookie EFs with bodies of len bytes (the last one of last_len) */
static size_t cookies(u8 *pt, unsigned int n, u32 len, u32 last_len)
{
	static u8 body[300];
	size_t off = 0;
	unsigned int i;

	memset(body, 0x5a, sizeof(body));
	for (i = 0; i < n; i++)
		off += (size_t)knts_ef_put_cookie(pt + off, 4096,
						  body, i + 1 == n ? last_len : len);
	return off;
}

static void test_made_replies(void)
{
	u8 uid[32], pt[4096], rep[4096], out[512];
	struct knts_ntsc_info info;
	uint64_t tx = 0x1122334455667788ull;
	size_t n, pl;

	memset(uid, 0xab, sizeof(uid));
	EXPECT_EQ(knts_ntsc_build_request(out, sizeof(out), tx, uid, req + 88,
					  100, 1, req + 196, c2s, 32), 332);

	pl = cookies(pt, 2, 100, 100);
	n = make_reply(rep, tx, uid, pt, pl, s2c);
	EXPECT_EQ(n, 332);		/* as long as the request: placeholders */
	EXPECT_EQ(knts_ntsc_check_reply(rep, n, tx, uid, 32, s2c, 32, &info),
		  KNTS_NTSC_OK);
	EXPECT_EQ(info.n_cookies, 2);

	/* signed with the wrong key */
	n = make_reply(rep, tx, uid, pt, pl, c2s);
	EXPECT_EQ(knts_ntsc_check_reply(rep, n, tx, uid, 32, s2c, 32, &info),
		  KNTS_NTSC_E_AUTH);
	/* authentic but the cookies inside have two lengths */
	pl = cookies(pt, 2, 100, 96);
	n = make_reply(rep, tx, uid, pt, pl, s2c);
	EXPECT_EQ(knts_ntsc_check_reply(rep, n, tx, uid, 32, s2c, 32, &info),
		  KNTS_NTSC_E_COOKIES);
	EXPECT_EQ(info.ef_reason, KNTS_EF_E_INNER_COOKIE_LEN);
	/* authentic but no cookie at all (an unknown EF instead) */
	memset(pt, 0, 16);
	knts_put_be16(pt, 0x7777);
	knts_put_be16(pt + 2, 16);
	n = make_reply(rep, tx, uid, pt, 16, s2c);
	EXPECT_EQ(knts_ntsc_check_reply(rep, n, tx, uid, 32, s2c, 32, &info),
		  KNTS_NTSC_E_COOKIES);
	/* a header turned into a KoD after signing */
	pl = cookies(pt, 1, 100, 100);
	n = make_reply(rep, tx, uid, pt, pl, s2c);
	EXPECT_EQ(knts_ntsc_check_reply(rep, n, tx, uid, 32, s2c, 32, &info),
		  KNTS_NTSC_OK);
	rep[1] = 0;
	memcpy(rep + 12, "RATE", 4);
	EXPECT_EQ(knts_ntsc_check_reply(rep, n, tx, uid, 32, s2c, 32, &info),
		  KNTS_NTSC_E_AUTH);
	/* an unencrypted cookie EF before the authenticator */
	n = make_reply(rep, tx, uid, pt, pl, s2c);
	memmove(rep + 84 + 104, rep + 84, n - 84);
	memcpy(rep + 84, pt, 104);
	EXPECT_EQ(knts_ntsc_check_reply(rep, n + 104, tx, uid, 32, s2c, 32, &info),
		  KNTS_NTSC_E_FORMAT);
	EXPECT_EQ(info.ef_reason, KNTS_EF_E_COOKIE_IN_CLEAR);
	/* something after the authenticator */
	n = make_reply(rep, tx, uid, pt, pl, s2c);
	memset(rep + n, 0, 28);
	knts_put_be16(rep + n, 0x7777);
	knts_put_be16(rep + n + 2, 28);
	EXPECT_EQ(knts_ntsc_check_reply(rep, n + 28, tx, uid, 32, s2c, 32, &info),
		  KNTS_NTSC_E_FORMAT);
	EXPECT_EQ(info.ef_reason, KNTS_EF_E_AUTH_NOT_LAST);
	/* a plain reply to an NTS request */
	EXPECT_EQ(knts_ntsc_check_reply(rep, 48, tx, uid, 32, s2c, 32, &info),
		  KNTS_NTSC_E_FORMAT);
	EXPECT_EQ(info.ef_reason, KNTS_EF_E_NOT_NTS);
	/* huge */
	EXPECT_EQ(knts_ntsc_check_reply(rep, KNTS_NTSC_MAX_REPLY + 4, tx, uid, 32,
					s2c, 32, &info), KNTS_NTSC_E_SHORT);
}

/* An authentic reply whose header says kiss (stratum 0) */
static int authentic_kiss(const char *kiss, struct knts_ntsc_info *info)
{
	u8 uid[32], pt[256], rep[512];
	struct knts_siv_ad ad[2];
	static const u8 nonce[16] = "fedcba9876543210";
	uint64_t tx = 77;
	size_t off, pl;
	int ct;

	memset(uid, 1, sizeof(uid));
	pl = cookies(pt, 1, 100, 100);
	memset(rep, 0, 48);
	rep[0] = 0xe4;
	memcpy(rep + 12, kiss, 4);
	knts_put_be64(rep + 24, tx);
	off = 48 + (size_t)knts_ef_put_uid(rep + 48, 64, uid, 32);
	ct = knts_ef_put_auth(rep + off, 256, nonce, 16, 16 + (u32)pl);
	ad[0].data = rep;
	ad[0].len = off;
	ad[1].data = nonce;
	ad[1].len = 16;
	if (knts_siv_seal(s2c, 32, ad, 2, pt, pl, rep + off + ct, rep + off + ct + 16))
		return 99;
	return knts_ntsc_check_reply(rep, off + knts_ef_auth_len(16, 16 + (u32)pl),
				     tx, uid, 32, s2c, 32, info);
}

static void test_authentic_kod(void)
{
	struct knts_ntsc_info info;

	/* authentic, but the server refuses service */
	EXPECT_EQ(authentic_kiss("RATE", &info), KNTS_NTSC_E_KOD);
	EXPECT_EQ(info.kiss, 0x52415445);
	EXPECT_EQ(info.n_cookies, 1);
	EXPECT_EQ(authentic_kiss("RSTR", &info), KNTS_NTSC_E_KOD);
	/* authentic from an unsynchronised NTPsec: no time, but an answer */
	EXPECT_EQ(authentic_kiss("INIT", &info), KNTS_NTSC_UNSYNC);
	EXPECT_EQ(info.kiss, 0x494e4954);
}

static void test_naks(void)
{
	u8 nak[128], out[512];
	struct knts_ntsc_info info;
	struct knts_ef_req r;
	size_t n = hex(nak_hex, nak, sizeof(nak));
	int len;

	EXPECT_EQ(n, 84);
	memcpy(nak + 12, "NTSN", 4);
	EXPECT_EQ(knts_ntsc_check_reply(nak, n, 0xd895e3219600f2f6ull, nak + 52, 32,
					s2c, 32, &info), KNTS_NTSC_NAK);
	EXPECT_EQ(info.kiss, KNTS_NTP_KISS_NTSN);
	/* a NAK with somebody else's UID is a forgery, not a NAK */
	EXPECT_EQ(knts_ntsc_check_reply(nak, n, 0xd895e3219600f2f6ull, req + 52, 32,
					s2c, 32, &info), KNTS_NTSC_E_UID);
	EXPECT_EQ(knts_ntsc_check_reply(nak, n, 1, nak + 52, 32, s2c, 32, &info),
		  KNTS_NTSC_E_ORIGIN);

	/* the NAK the shared code (and the kernel) builds for our request */
	EXPECT_EQ(knts_ntsc_build_request(out, sizeof(out), 42, req + 52, req + 88,
					  100, 0, req + 196, c2s, 32), 228);
	EXPECT_EQ(knts_ef_parse_request(out, 228, &r), 0);
	len = knts_ef_build_nak(nak, sizeof(nak), out, 228, &r);
	EXPECT_EQ(len, 84);
	EXPECT_EQ(knts_ntsc_check_reply(nak, (size_t)len, 42, req + 52, 32, s2c, 32,
					&info), KNTS_NTSC_NAK);
}

/* The prepared-key variants give the same bytes and verdicts */
static void test_keyed_variants(void)
{
	struct knts_siv_key *kc = knts_siv_key_new(c2s, 32), *ks = knts_siv_key_new(s2c, 32);
	struct knts_ntsc_info info;
	u8 out[512];

	EXPECT(kc && ks);
	EXPECT_EQ(knts_ntsc_build_request_k(out, sizeof(out), tx_of(req), req + 52,
					    req + 88, 100, 0, req + 196, kc), 228);
	EXPECT_MEM(out, req, 228);
	EXPECT_EQ(knts_ntsc_check_reply_k(resp, resp_len, tx_of(req), req + 52, 32,
					  ks, &info), KNTS_NTSC_OK);
	EXPECT_EQ(info.n_cookies, 1);
	EXPECT_EQ(knts_ntsc_check_reply_k(resp, resp_len, tx_of(req), req + 52, 32,
					  kc, &info), KNTS_NTSC_E_AUTH);
	resp[150] ^= 4;
	EXPECT_EQ(knts_ntsc_check_reply_k(resp, resp_len, tx_of(req), req + 52, 32,
					  ks, &info), KNTS_NTSC_E_AUTH);
	resp[150] ^= 4;
	EXPECT_EQ(knts_ntsc_build_request_k(out, sizeof(out), 1, req + 52, req + 88,
					    100, 0, req + 196, NULL), -EINVAL);
	knts_siv_key_free(kc);
	knts_siv_key_free(ks);
}

static void test_names(void)
{
	EXPECT(!strcmp(knts_ntsc_verdict_name(KNTS_NTSC_NAK), "nak"));
	EXPECT(!strcmp(knts_ntsc_verdict_name(KNTS_NTSC_UNSYNC), "unsync"));
	EXPECT(!strcmp(knts_ntsc_verdict_name(KNTS_NTSC_E_AUTH), "auth"));
	EXPECT(!strcmp(knts_ntsc_verdict_name(-50), "unknown"));
}

int main(void)
{
	hex(c2s_hex, c2s, sizeof(c2s));
	hex(s2c_hex, s2c, sizeof(s2c));
	req_len = load("vec_req.hex", req, sizeof(req));
	resp_len = load("vec_resp.hex", resp, sizeof(resp));
	RUN(test_rebuild_chrony_request);
	RUN(test_plain);
	RUN(test_real_chrony_reply);
	RUN(test_made_replies);
	RUN(test_authentic_kod);
	RUN(test_naks);
	RUN(test_keyed_variants);
	RUN(test_names);
	return unit_done();
}
