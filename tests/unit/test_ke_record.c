// SPDX-License-Identifier: GPL-2.0
/*
 * NTS-KE record codec tests: the digest 2.7 table (chrony's column), the
 * real chrony 4.3 messages from tests/vectors/captures (decrypted into
 * the hex files in tests/vectors/ke), the NTPsec shapes, every client-side rule,
 * split delivery, size limits and builder/parser round trips.
 */
#include <stdbool.h>

#include "unit.h"
#include "ke_record.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Hex fragments; records are spaced for reading */
#define NP0	"80010002 0000 "
#define NP0NC	"00010002 0000 "
#define NP1	"80010002 0001 "
#define NPE	"80010000 "
#define A15	"80040002 000f "
#define A15NC	"00040002 000f "
#define A16	"80040002 0010 "
#define A17	"80040002 0011 "
#define AE	"80040000 "
#define EOM	"80000000 "
#define CKA	"00050008 1111111111111111 "	/* 8-byte cookies */
#define CKB	"00050008 2222222222222222 "
#define CK12	"0005000c 333333333333333333333333 "

static long unhex(const char *hex, uint8_t *out, size_t max)
{
	long n = unit_unhex(hex, out, max);

	if (n < 0) {
		fprintf(stderr, "# bad hex in test: %.40s\n", hex);
		exit(2);
	}
	return n;
}

/* Read tests/vectors/<name> (hex text) into out; returns bytes or -1 */
static long load_hex_vector(const char *name, uint8_t *out, size_t max)
{
	char *txt = unit_slurp(unit_vector(name), NULL);
	long n;

	if (!txt) {
		fprintf(stderr, "# cannot read %s\n", unit_vector(name));
		return -1;
	}
	n = unit_unhex(txt, out, max);
	free(txt);
	return n;
}

/* No record of the message is a Warning (P13), and it is well framed */
static bool no_warning(const uint8_t *m, size_t len)
{
	size_t off = 0;

	while (off + 4 <= len) {
		uint16_t type = (uint16_t)((m[off] & 0x7f) << 8 | m[off + 1]);

		if (type == KNTS_KE_REC_WARNING)
			return false;
		off += 4 + (size_t)(m[off + 2] << 8 | m[off + 3]);
	}
	return off == len;
}

/* ---- Server: the digest 2.7 table and the 9.1 rules ------------------- */

static const uint16_t cfg_15[] = { 15 };
static const uint16_t cfg_all[] = { 15, 16, 17 };

static const uint8_t two_cookies[16] = {
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
};

/*
 * What our server does with a request: parse, choose, build (2 cookies of
 * 8 bytes, port 123). Returns the response length; *rc gets the parser's
 * result and *aead the choice.
 */
static int server_react(const uint8_t *req, size_t len, const uint16_t *cfg,
			size_t n_cfg, uint8_t *out, size_t cap, int *rc,
			int *aead, struct knts_ke_request *r)
{
	struct knts_ke_resp_params p = {
		.cookies = two_cookies, .cookie_len = 8, .port = 123,
	};

	*aead = KNTS_KE_AEAD_NONE;
	*rc = knts_ke_parse_request(req, len, r);
	if (*rc < 0)
		return knts_ke_build_error(out, cap, r->error_code);
	p.ntpv4 = *rc == KNTS_KE_REQ_NTPV4;
	if (p.ntpv4)
		*aead = knts_ke_choose_aead(r, cfg, n_cfg);
	p.aead = *aead;
	if (!p.ntpv4 || p.aead == KNTS_KE_AEAD_NONE)
		p.n_cookies = 0;
	else
		p.n_cookies = 2;
	return knts_ke_build_response(out, cap, &p);
}

#define NORMAL15 NP0 A15 CKA CKB EOM
#define ERR(c)	"80020002 000" #c " " EOM

static const struct server_case {
	const char *name;
	const char *req;
	bool all_aeads;		/* configured set {15,16,17}, else {15} */
	int rc;			/* parser result */
	const char *reply;	/* expected response bytes */
} server_cases[] = {
	/* digest 2.7, chrony 4.3 column, in the table's order */
	{ "2.7 NP{0} AEAD{15}", NP0 A15 EOM, false, 0, NORMAL15 },
	{ "2.7 AEAD{30,15}", NP0 "80040004 001e000f " EOM, false, 0, NORMAL15 },
	{ "2.7 AEAD{17} only", NP0 A17 EOM, false, 0, NP0 AE EOM },
	{ "2.7 no AEAD record", NP0 EOM, false, KNTS_KE_E_AEAD_MISSING, ERR(1) },
	{ "2.7 NP{1}", NP1 A15 EOM, false, KNTS_KE_REQ_NO_NTPV4, NPE EOM },
	{ "2.7 unknown critical 0x4000", NP0 A15 "c0000001 78 " EOM, false,
	  KNTS_KE_E_UNKNOWN_CRITICAL, ERR(0) },
	{ "2.7 unknown non-critical 0x4000", NP0 A15 "40000001 78 " EOM, false,
	  0, NORMAL15 },
	{ "2.7 NP without C", NP0NC A15 EOM, false, KNTS_KE_E_NP_NOT_CRITICAL,
	  ERR(1) },
	{ "2.7 client Server+Port", NP0 A15 "00060009 3132372e302e302e31 "
	  "00070002 007b " EOM, false, 0, NORMAL15 },
	{ "2.7 client New Cookie", NP0 A15 "00050004 61626364 " EOM, false,
	  KNTS_KE_E_REQ_COOKIE_REC, ERR(1) },
	/* real clients (digest 2.6) */
	{ "chrony 4.3 request", NP0 A15 EOM, false, 0, NORMAL15 },
	{ "NTPsec request (AEAD not critical)", NP0 A15NC EOM, false, 0,
	  NORMAL15 },
	{ "chrony 4.6 AEAD{30,15} + record 1024", NP0 "80040004 001e000f "
	  "04000000 " EOM, false, 0, NORMAL15 },
	/* AEAD choice */
	{ "AEAD{17}, we support 15-17", NP0 A17 EOM, true, 0,
	  NP0 A17 CKA CKB EOM },
	{ "AEAD{16,15}, we support 15", NP0 "80040004 0010000f " EOM, false, 0,
	  NORMAL15 },
	{ "AEAD{16,15}, we support 15-17", NP0 "80040004 0010000f " EOM, true,
	  0, NP0 A16 CKA CKB EOM },
	{ "AEAD{30,31} only", NP0 "80040004 001e001f " EOM, true, 0,
	  NP0 AE EOM },
	/* 9.1 rules */
	{ "NP{1,0}", "80010004 00010000 " A15 EOM, false, 0, NORMAL15 },
	{ "NP{1} without AEAD", NP1 EOM, false, KNTS_KE_REQ_NO_NTPV4,
	  NPE EOM },
	{ "no NP record", A15 EOM, false, KNTS_KE_E_NP_MISSING, ERR(1) },
	{ "two NP records", NP0 NP0 A15 EOM, false, KNTS_KE_E_NP_DUP, ERR(1) },
	{ "empty NP", NPE A15 EOM, false, KNTS_KE_E_NP_EMPTY, ERR(1) },
	{ "odd NP", "80010003 000000 " A15 EOM, false, KNTS_KE_E_NP_ODD,
	  ERR(1) },
	{ "two AEAD records", NP0 A15 A15 EOM, false, KNTS_KE_E_AEAD_DUP,
	  ERR(1) },
	{ "empty AEAD", NP0 AE EOM, false, KNTS_KE_E_AEAD_EMPTY, ERR(1) },
	{ "odd AEAD", NP0 "80040003 000f00 " EOM, false, KNTS_KE_E_AEAD_ODD,
	  ERR(1) },
	{ "client Error record", NP0 A15 "80020002 0001 " EOM, false,
	  KNTS_KE_E_REQ_ERROR_REC, ERR(1) },
	{ "client Warning record", NP0 A15 "80030002 0000 " EOM, false,
	  KNTS_KE_E_REQ_WARNING_REC, ERR(1) },
	{ "client critical Server+Port", NP0 A15 "80060003 612e62 "
	  "80070002 1234 " EOM, false, 0, NORMAL15 },
	{ "critical record 1024", NP0 A15 "84000000 " EOM, false,
	  KNTS_KE_E_UNKNOWN_CRITICAL, ERR(0) },
	{ "unknown critical before a bad NP", "c0000000 " NP0NC A15 EOM,
	  false, KNTS_KE_E_UNKNOWN_CRITICAL, ERR(0) },
	{ "EOM without C", NP0 A15 "00000000 ", false,
	  KNTS_KE_E_EOM_NOT_CRITICAL, ERR(1) },
	{ "EOM with a body", NP0 A15 "80000002 0000 ", false,
	  KNTS_KE_E_EOM_BODY, ERR(1) },
	{ "bytes after EOM", NP0 A15 EOM "00", false, KNTS_KE_E_TRAILING,
	  ERR(1) },
	{ "record after EOM", NP0 A15 EOM EOM, false, KNTS_KE_E_TRAILING,
	  ERR(1) },
	{ "no EOM", NP0 A15, false, KNTS_KE_E_NO_EOM, ERR(1) },
	{ "empty request", "", false, KNTS_KE_E_NO_EOM, ERR(1) },
	{ "body runs past the end", NP0 "80040004 000f " EOM, false,
	  KNTS_KE_E_TRUNCATED, ERR(1) },
	{ "partial header at the end", NP0 A15 "8000", false,
	  KNTS_KE_E_TRUNCATED, ERR(1) },
};

static void test_server_table(void)
{
	uint8_t req[256], want[256], got[256];
	struct knts_ke_request r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(server_cases); i++) {
		const struct server_case *c = &server_cases[i];
		long rl = unhex(c->req, req, sizeof(req));
		long wl = unhex(c->reply, want, sizeof(want));
		int rc, aead, n;

		n = server_react(req, (size_t)rl,
				 c->all_aeads ? cfg_all : cfg_15,
				 c->all_aeads ? 3 : 1, got, sizeof(got),
				 &rc, &aead, &r);
		if (rc != c->rc || n != wl || memcmp(got, want, (size_t)wl)) {
			fprintf(stderr, "# case '%s': rc %d (%s) want %d (%s), reply %d bytes want %ld\n",
				c->name, rc, knts_ke_strreason(rc), c->rc,
				knts_ke_strreason(c->rc), n, wl);
			unit_checks_failed++;
		}
		EXPECT(n < 0 || no_warning(got, (size_t)n));
	}
}

/* The parsed request of the richer rows */
static void test_server_parsed_fields(void)
{
	uint8_t req[128];
	struct knts_ke_request r;
	long n;
	int rc;

	n = unhex(NP0 "80040006 001e000f 0011 " "00060009 3132372e302e302e31 "
		  "00070002 007b 40000001 78 04000000 " EOM, req, sizeof(req));
	rc = knts_ke_parse_request(req, (size_t)n, &r);
	EXPECT_EQ(rc, KNTS_KE_REQ_NTPV4);
	EXPECT_EQ(r.n_np, 1);
	EXPECT_EQ(knts_ke_list_get(r.np, 0), 0);
	EXPECT_EQ(r.n_aead, 3);
	EXPECT_EQ(knts_ke_list_get(r.aead, 0), 30);
	EXPECT_EQ(knts_ke_list_get(r.aead, 1), 15);
	EXPECT_EQ(knts_ke_list_get(r.aead, 2), 17);
	EXPECT(r.aead_critical);
	EXPECT_EQ(r.server_pref_len, 9);
	EXPECT(r.server_pref && !memcmp(r.server_pref, "127.0.0.1", 9));
	EXPECT(r.has_port_pref);
	EXPECT_EQ(r.port_pref, 123);
	EXPECT_EQ(r.n_ignored, 1);
	EXPECT(r.compliant_gcm);	/* chrony's record 1024 */
	EXPECT_EQ(r.msg_len, (size_t)n);
	EXPECT_EQ(knts_ke_choose_aead(&r, cfg_all, 3), 15);
	EXPECT_EQ(knts_ke_choose_aead(&r, (const uint16_t []){ 17 }, 1), 17);
	/* 30 is chosen when configured: the client's order decides */
	EXPECT_EQ(knts_ke_choose_aead(&r, (const uint16_t []){ 15, 30 }, 2),
		  30);
	EXPECT_EQ(knts_ke_choose_aead(&r, (const uint16_t []){ 31 }, 1),
		  KNTS_KE_AEAD_NONE);
	EXPECT_EQ(knts_ke_choose_aead(&r, NULL, 0), KNTS_KE_AEAD_NONE);

	/* a failed parse leaves nothing but the error code */
	n = unhex(NP0 A15 "c0000000 " EOM, req, sizeof(req));
	rc = knts_ke_parse_request(req, (size_t)n, &r);
	EXPECT_EQ(rc, KNTS_KE_E_UNKNOWN_CRITICAL);
	EXPECT_EQ(r.error_code, 0);
	EXPECT(r.aead == NULL && r.np == NULL && r.n_aead == 0);
	EXPECT_EQ(knts_ke_choose_aead(&r, cfg_all, 3), KNTS_KE_AEAD_NONE);

	/* 2.6 byte for byte: the captured chrony request */
	n = load_hex_vector("ke/chrony-request.hex", req, sizeof(req));
	EXPECT_EQ(n, 16);
	rc = knts_ke_parse_request(req, (size_t)n, &r);
	EXPECT_EQ(rc, KNTS_KE_REQ_NTPV4);
	EXPECT_EQ(r.n_aead, 1);
	EXPECT_EQ(knts_ke_list_get(r.aead, 0), 15);
}

/* An AEAD list far longer than any array: the choice still sees it all */
static void test_server_long_aead_list(void)
{
	static uint8_t req[KNTS_KE_REQ_LIMIT];
	struct knts_ke_request r;
	size_t n = 0, i, ids = 4000;

	n += (size_t)unhex(NP0, req, sizeof(req));
	req[n++] = 0x80;
	req[n++] = 0x04;
	req[n++] = (uint8_t)((2 * ids) >> 8);
	req[n++] = (uint8_t)(2 * ids);
	for (i = 0; i < ids; i++) {
		uint16_t id = i == ids - 1 ? 16 : (uint16_t)(1000 + i);

		req[n++] = (uint8_t)(id >> 8);
		req[n++] = (uint8_t)id;
	}
	n += (size_t)unhex(EOM, req + n, sizeof(req) - n);
	EXPECT_EQ(knts_ke_frame(req, n, KNTS_KE_REQ_LIMIT), (long)n);
	EXPECT_EQ(knts_ke_parse_request(req, n, &r), KNTS_KE_REQ_NTPV4);
	EXPECT_EQ(r.n_aead, ids);
	EXPECT_EQ(knts_ke_choose_aead(&r, cfg_all, 3), 16);
	EXPECT_EQ(knts_ke_choose_aead(&r, cfg_15, 1), KNTS_KE_AEAD_NONE);
}

static void test_error_codes(void)
{
	EXPECT_EQ(knts_ke_reason_to_error(KNTS_KE_E_UNKNOWN_CRITICAL), 0);
	EXPECT_EQ(knts_ke_reason_to_error(KNTS_KE_E_AEAD_MISSING), 1);
	EXPECT_EQ(knts_ke_reason_to_error(KNTS_KE_E_TOO_LARGE), 1);
	EXPECT_EQ(knts_ke_reason_to_error(KNTS_KE_E_EOM_BODY), 1);
	EXPECT_EQ(knts_ke_reason_to_error(KNTS_KE_E_NOSPC), 2);
	EXPECT_EQ(knts_ke_reason_to_error(KNTS_KE_E_INVAL), 2);
	EXPECT_EQ(knts_ke_aead_key_len(15), 32);
	EXPECT_EQ(knts_ke_aead_key_len(16), 48);
	EXPECT_EQ(knts_ke_aead_key_len(17), 64);
	EXPECT_EQ(knts_ke_aead_key_len(30), 16);
	EXPECT(knts_ke_aead_supported(30));
	EXPECT_EQ(knts_ke_aead_key_len(31), 0);
	EXPECT(!knts_ke_aead_supported(31));
	EXPECT(knts_ke_aead_supported(15));
}

/* ---- Real chrony messages ---------------------------------------------- */

static void test_chrony_response(void)
{
	static const char *const files[] = {
		"ke/chrony-response.hex", "ke/chrony2-response.hex",
	};
	static const char *const first[] = { "ce225c6b68e10d56", "306c8793eb895f4d" };
	uint8_t m[1024], cookies[800], re[1024], pfx[8];
	struct knts_ke_response resp;
	size_t f, i;

	for (f = 0; f < ARRAY_SIZE(files); f++) {
		struct knts_ke_resp_params p = {
			.ntpv4 = true, .aead = 15, .port = 11123,
			.cookies = cookies, .cookie_len = 100, .n_cookies = 8,
		};
		long n = load_hex_vector(files[f], m, sizeof(m));
		int rc;

		EXPECT_EQ(n, 854);
		if (n != 854)
			continue;
		EXPECT_EQ(knts_ke_frame(m, 854, KNTS_KE_RESP_LIMIT), 854);
		rc = knts_ke_parse_response(m, 854, cfg_15, 1, &resp);
		EXPECT_EQ(rc, 0);
		EXPECT_EQ(resp.aead, 15);
		EXPECT(resp.aead_critical);
		EXPECT(resp.has_port);
		EXPECT_EQ(resp.port, 11123);
		EXPECT(!resp.has_server);
		EXPECT_EQ(resp.n_cookies, 8);
		EXPECT_EQ(resp.n_cookies_seen, 8);
		EXPECT_EQ(resp.cookie_len, 100);
		EXPECT_EQ(resp.n_ignored, 0);
		unhex(first[f], pfx, sizeof(pfx));
		EXPECT_MEM(resp.cookie[0], pfx, 8);
		for (i = 0; i < resp.n_cookies; i++) {
			/* NP 6 + AEAD 6 + Port 6, then 104 per cookie record */
			EXPECT(resp.cookie[i] == m + 18 + 104 * i + 4);
			memcpy(cookies + 100 * i, resp.cookie[i], 100);
		}
		/* the builder reproduces chrony's response byte for byte */
		EXPECT_EQ(knts_ke_build_response(re, sizeof(re), &p), 854);
		EXPECT_MEM(re, m, 854);
	}
}

static void test_chrony_request_build(void)
{
	uint8_t want[16], got[64];
	int n, cap;

	EXPECT_EQ(load_hex_vector("ke/chrony-request.hex", want, sizeof(want)),
		  16);
	n = knts_ke_build_request(got, sizeof(got), cfg_15, 1);
	EXPECT_EQ(n, 16);
	EXPECT_MEM(got, want, 16);
	for (cap = 0; cap < 16; cap++)
		EXPECT_EQ(knts_ke_build_request(got, (size_t)cap, cfg_15, 1),
			  KNTS_KE_E_NOSPC);
	EXPECT_EQ(knts_ke_build_request(got, sizeof(got), cfg_15, 0),
		  KNTS_KE_E_INVAL);
	EXPECT_EQ(knts_ke_build_request(got, sizeof(got), NULL, 1),
		  KNTS_KE_E_INVAL);
}

/* NTPsec 1.2.2 server shape: AEAD not critical, 8 x 104-byte cookies */
static size_t ntpsec_response(uint8_t *m, size_t ncookies, size_t clen)
{
	size_t n = 0, i, j;

	n += (size_t)unhex(NP0 A15NC, m, 64);
	for (i = 0; i < ncookies; i++) {
		m[n++] = 0x00;
		m[n++] = 0x05;
		m[n++] = (uint8_t)(clen >> 8);
		m[n++] = (uint8_t)clen;
		for (j = 0; j < clen; j++)
			m[n++] = (uint8_t)(i * 16 + j);
	}
	n += (size_t)unhex(EOM, m + n, 4);
	return n;
}

static void test_ntpsec_response(void)
{
	static uint8_t m[4096];
	struct knts_ke_response resp;
	size_t n = ntpsec_response(m, 8, 104);

	EXPECT_EQ(n, 880);
	EXPECT_EQ(knts_ke_frame(m, n, KNTS_KE_RESP_LIMIT), 880);
	EXPECT_EQ(knts_ke_parse_response(m, n, cfg_all, 3, &resp), 0);
	EXPECT_EQ(resp.aead, 15);
	EXPECT(!resp.aead_critical);
	EXPECT(!resp.has_port);
	EXPECT_EQ(resp.port, 123);
	EXPECT_EQ(resp.n_cookies, 8);
	EXPECT_EQ(resp.cookie_len, 104);
	EXPECT(resp.cookie[7] == m + 12 + 7 * 108 + 4);

	/* more than 8: the first 8 are kept, the rest ignored */
	n = ntpsec_response(m, 11, 104);
	EXPECT_EQ(knts_ke_parse_response(m, n, cfg_15, 1, &resp), 0);
	EXPECT_EQ(resp.n_cookies, 8);
	EXPECT_EQ(resp.n_cookies_seen, 11);
	EXPECT(resp.cookie[0] == m + 12 + 4);

	/* 256 bytes is the longest cookie accepted, 260 is refused */
	n = ntpsec_response(m, 2, 256);
	EXPECT_EQ(knts_ke_parse_response(m, n, cfg_15, 1, &resp), 0);
	EXPECT_EQ(resp.cookie_len, 256);
	n = ntpsec_response(m, 2, 260);
	EXPECT_EQ(knts_ke_parse_response(m, n, cfg_15, 1, &resp),
		  KNTS_KE_E_COOKIE_TOO_LONG);
	/* an NTPsec client offering 16 but getting 15 (P11) is refused */
	n = ntpsec_response(m, 8, 104);
	EXPECT_EQ(knts_ke_parse_response(m, n, (const uint16_t []){ 16 }, 1,
					 &resp), KNTS_KE_E_AEAD_NOT_OFFERED);
}

/* ---- Client-side rules -------------------------------------------------- */

static const struct client_case {
	const char *name;
	const char *resp;
	int rc;
	int error_code;		/* checked when >= 0 */
} client_cases[] = {
	{ "minimal", NP0 A15 CKA EOM, 0, -1 },
	{ "AEAD, Port, Server, cookies not critical", NP0 A15NC "00070002 1234 "
	  "00060003 612e62 " CKA EOM, 0, -1 },
	{ "cookie with C set", NP0 A15 "80050004 01020304 " EOM, 0, -1 },
	{ "unknown non-critical", NP0 A15 CKA "40000001 78 " EOM, 0, -1 },
	{ "record 1024", NP0 A15 "04000000 " CKA EOM, 0, -1 },
	{ "cookies before NP", CKA CKB NP0 A15 EOM, 0, -1 },
	/* Error and Warning records */
	{ "Error 1 response", "80020002 0001 " EOM, KNTS_KE_E_RESP_ERROR, 1 },
	{ "Error 0 response", "80020002 0000 " EOM, KNTS_KE_E_RESP_ERROR, 0 },
	{ "Error 2 after good records", NP0 A15 CKA "80020002 0002 " EOM,
	  KNTS_KE_E_RESP_ERROR, 2 },
	{ "Error without body", "80020000 " EOM, KNTS_KE_E_RESP_ERROR, 0xffff },
	{ "Error not critical", "00020002 0001 " EOM, KNTS_KE_E_RESP_ERROR, 1 },
	{ "Warning", NP0 A15 CKA "80030002 0005 " EOM, KNTS_KE_E_RESP_WARNING,
	  5 },
	/* NP */
	{ "no NP", A15 CKA EOM, KNTS_KE_E_NP_MISSING, -1 },
	{ "two NP", NP0 NP0 A15 CKA EOM, KNTS_KE_E_NP_DUP, -1 },
	{ "NP not critical", NP0NC A15 CKA EOM, KNTS_KE_E_NP_NOT_CRITICAL, -1 },
	{ "NP empty", NPE EOM, KNTS_KE_E_NP_EMPTY, -1 },
	{ "NP 4 bytes", "80010004 00000000 " A15 CKA EOM, KNTS_KE_E_NP_LEN,
	  -1 },
	{ "NP 1 byte", "80010001 00 " A15 CKA EOM, KNTS_KE_E_NP_LEN, -1 },
	{ "NP{1}", NP1 A15 CKA EOM, KNTS_KE_E_NP_PROTO, -1 },
	/* AEAD */
	{ "no AEAD", NP0 CKA EOM, KNTS_KE_E_AEAD_MISSING, -1 },
	{ "two AEAD", NP0 A15 A15 CKA EOM, KNTS_KE_E_AEAD_DUP, -1 },
	{ "AEAD empty (no common)", NP0 AE EOM, KNTS_KE_E_AEAD_EMPTY, -1 },
	{ "AEAD 4 bytes", NP0 "80040004 000f000f " CKA EOM,
	  KNTS_KE_E_AEAD_LEN, -1 },
	{ "AEAD 17 not offered", NP0 A17 CKA EOM, KNTS_KE_E_AEAD_NOT_OFFERED,
	  -1 },
	/* cookies */
	{ "no cookie", NP0 A15 EOM, KNTS_KE_E_NO_COOKIES, -1 },
	{ "empty cookie", NP0 A15 "00050000 " EOM, KNTS_KE_E_COOKIE_EMPTY, -1 },
	{ "6-byte cookie", NP0 A15 "00050006 010203040506 " EOM,
	  KNTS_KE_E_COOKIE_ALIGN, -1 },
	{ "8- then 12-byte cookie", NP0 A15 CKA CK12 EOM,
	  KNTS_KE_E_COOKIE_UNEQUAL, -1 },
	{ "9th cookie of another length", NP0 A15 CKA CKA CKA CKA CKA CKA CKA
	  CKA CK12 EOM, KNTS_KE_E_COOKIE_UNEQUAL, -1 },
	/* Server */
	{ "Server name", NP0 A15 "8006000f 6e74702e6578616d706c652e636f6d "
	  CKA EOM, 0, -1 },
	{ "Server two", NP0 A15 "80060003 612e62 80060003 612e62 " CKA EOM,
	  KNTS_KE_E_SERVER_DUP, -1 },
	{ "Server empty", NP0 A15 "80060000 " CKA EOM, KNTS_KE_E_SERVER_LEN,
	  -1 },
	{ "Server with a space", NP0 A15 "80060003 612062 " CKA EOM,
	  KNTS_KE_E_SERVER_CHARS, -1 },
	{ "Server with a control char", NP0 A15 "80060003 610162 " CKA EOM,
	  KNTS_KE_E_SERVER_CHARS, -1 },
	{ "Server with a NUL", NP0 A15 "80060003 610062 " CKA EOM,
	  KNTS_KE_E_SERVER_CHARS, -1 },
	{ "Server with 8-bit char", NP0 A15 "80060003 61c362 " CKA EOM,
	  KNTS_KE_E_SERVER_CHARS, -1 },
	{ "Server underscore", NP0 A15 "80060003 615f62 " CKA EOM,
	  KNTS_KE_E_SERVER_SYNTAX, -1 },
	/* Port */
	{ "Port 1 byte", NP0 A15 "80070001 7b " CKA EOM, KNTS_KE_E_PORT_LEN,
	  -1 },
	{ "Port 4 bytes", NP0 A15 "80070004 0000007b " CKA EOM,
	  KNTS_KE_E_PORT_LEN, -1 },
	{ "Port 0", NP0 A15 "80070002 0000 " CKA EOM, KNTS_KE_E_PORT_ZERO, -1 },
	{ "two Port", NP0 A15 "80070002 007b 80070002 007b " CKA EOM,
	  KNTS_KE_E_PORT_DUP, -1 },
	/* framing */
	{ "unknown critical", NP0 A15 CKA "c0000000 " EOM,
	  KNTS_KE_E_UNKNOWN_CRITICAL, -1 },
	{ "EOM not critical", NP0 A15 CKA "00000000 ", KNTS_KE_E_EOM_NOT_CRITICAL,
	  -1 },
	{ "EOM with body", NP0 A15 CKA "80000001 00 ", KNTS_KE_E_EOM_BODY, -1 },
	{ "after EOM", NP0 A15 CKA EOM EOM, KNTS_KE_E_TRAILING, -1 },
	{ "no EOM", NP0 A15 CKA, KNTS_KE_E_NO_EOM, -1 },
	{ "empty", "", KNTS_KE_E_NO_EOM, -1 },
	{ "cookie past the end", NP0 A15 "00050010 1111111111111111 ",
	  KNTS_KE_E_TRUNCATED, -1 },
};

static void test_client_table(void)
{
	struct knts_ke_response resp;
	uint8_t m[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(client_cases); i++) {
		const struct client_case *c = &client_cases[i];
		long n = unhex(c->resp, m, sizeof(m));
		int rc = knts_ke_parse_response(m, (size_t)n, cfg_15, 1, &resp);

		if (rc != c->rc ||
		    (c->error_code >= 0 && resp.error_code != c->error_code)) {
			fprintf(stderr, "# case '%s': rc %d (%s) want %d (%s), error_code %u\n",
				c->name, rc, knts_ke_strreason(rc), c->rc,
				knts_ke_strreason(c->rc), resp.error_code);
			unit_checks_failed++;
		}
		/* a failure leaves nothing usable behind */
		if (rc) {
			EXPECT_EQ(resp.n_cookies, 0);
			EXPECT(!resp.has_server && !resp.has_port);
		}
	}
}

static const struct name_case {
	const char *name;
	int rc;
} name_cases[] = {
	{ "ntp.example.com", 0 },
	{ "ntp.example.com.", 0 },
	{ "localhost", 0 },
	{ "a-b.c0", 0 },
	{ "xn--bcher-kva.example", 0 },
	{ "192.0.2.1", 0 },
	{ "2001:db8::1", 0 },
	{ "::ffff:192.0.2.1", 0 },
	{ "::", 0 },
	{ "1.2.3.256", KNTS_KE_E_SERVER_SYNTAX },
	{ "1.2.3", KNTS_KE_E_SERVER_SYNTAX },
	{ "01.2.3.4", KNTS_KE_E_SERVER_SYNTAX },
	{ "example.123", KNTS_KE_E_SERVER_SYNTAX },
	{ "-ntp.example", KNTS_KE_E_SERVER_SYNTAX },
	{ "ntp-.example", KNTS_KE_E_SERVER_SYNTAX },
	{ "ntp..example", KNTS_KE_E_SERVER_SYNTAX },
	{ ".", KNTS_KE_E_SERVER_SYNTAX },
	{ ".example", KNTS_KE_E_SERVER_SYNTAX },
	{ "[::1]", KNTS_KE_E_SERVER_SYNTAX },
	{ "fe80::1%eth0", KNTS_KE_E_SERVER_SYNTAX },
	{ "2001:db8::1::2", KNTS_KE_E_SERVER_SYNTAX },
	{ "a b", KNTS_KE_E_SERVER_CHARS },
	{ "a\tb", KNTS_KE_E_SERVER_CHARS },
	{ "a\x7f", KNTS_KE_E_SERVER_CHARS },
	{ "", KNTS_KE_E_SERVER_LEN },
};

static void test_server_names(void)
{
	char buf[300];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(name_cases); i++) {
		const char *s = name_cases[i].name;
		int rc = knts_ke_check_server_name((const uint8_t *)s,
						   strlen(s));

		if (rc != name_cases[i].rc) {
			fprintf(stderr, "# name '%s': %s, want %s\n", s,
				knts_ke_strreason(rc),
				knts_ke_strreason(name_cases[i].rc));
			unit_checks_failed++;
		}
	}
	/* label of 63 ok, 64 not; 253 bytes ok, 254 not (255 with a dot) */
	memset(buf, 'a', 64);
	EXPECT_EQ(knts_ke_check_server_name((uint8_t *)buf, 63), 0);
	EXPECT_EQ(knts_ke_check_server_name((uint8_t *)buf, 64),
		  KNTS_KE_E_SERVER_SYNTAX);
	for (i = 0; i < 256; i++)
		buf[i] = i % 2 ? '.' : 'a';
	EXPECT_EQ(knts_ke_check_server_name((uint8_t *)buf, 253), 0);
	EXPECT_EQ(knts_ke_check_server_name((uint8_t *)buf, 254), 0);
	EXPECT_EQ(knts_ke_check_server_name((uint8_t *)buf, 255),
		  KNTS_KE_E_SERVER_SYNTAX);
	EXPECT_EQ(knts_ke_check_server_name((uint8_t *)buf, 256),
		  KNTS_KE_E_SERVER_LEN);
	EXPECT_EQ(knts_ke_check_server_name(NULL, 0), KNTS_KE_E_SERVER_LEN);
}

/* ---- Framing ------------------------------------------------------------ */

/* Feed a message one byte at a time: "need more" until the very last */
static void feed_bytewise(const uint8_t *m, size_t len, size_t limit)
{
	struct knts_ke_framer f;
	size_t i;

	knts_ke_framer_init(&f, limit);
	for (i = 1; i <= len; i++) {
		int want = i == len ? (int)len : 0;

		EXPECT_EQ(knts_ke_framer_feed(&f, m, i), want);
		/* the one-shot form agrees on every prefix */
		EXPECT_EQ(knts_ke_frame(m, i, limit), want);
	}
	/* sticky */
	EXPECT_EQ(knts_ke_framer_feed(&f, m, len), (int)len);
}

static void test_frame_split(void)
{
	uint8_t m[1024];
	long n;

	n = load_hex_vector("ke/chrony-request.hex", m, sizeof(m));
	EXPECT_EQ(n, 16);
	feed_bytewise(m, (size_t)n, KNTS_KE_REQ_LIMIT);
	n = load_hex_vector("ke/chrony-response.hex", m, sizeof(m));
	EXPECT_EQ(n, 854);
	feed_bytewise(m, (size_t)n, KNTS_KE_RESP_LIMIT);

	/* chunks of every size 1..17 over the response */
	for (size_t step = 1; step <= 17; step++) {
		struct knts_ke_framer f;
		size_t have = 0;
		int rc = 0;

		knts_ke_framer_init(&f, KNTS_KE_RESP_LIMIT);
		while (!rc && have < (size_t)n) {
			have = have + step > (size_t)n ? (size_t)n : have + step;
			rc = knts_ke_framer_feed(&f, m, have);
		}
		EXPECT_EQ(rc, 854);
	}
}

static void test_frame_limits(void)
{
	static uint8_t m[KNTS_KE_RESP_LIMIT + 64];
	struct knts_ke_framer f;
	size_t n;

	/* a 16384-byte body announced at once: too large as soon as seen */
	unhex("4000 4000", m, 4);
	EXPECT_EQ(knts_ke_frame(m, 3, KNTS_KE_REQ_LIMIT), 0);
	EXPECT_EQ(knts_ke_frame(m, 4, KNTS_KE_REQ_LIMIT), KNTS_KE_E_TOO_LARGE);
	EXPECT_EQ(knts_ke_frame(m, 4, KNTS_KE_RESP_LIMIT), 0);

	/* a message of exactly the limit passes, one byte more does not */
	memset(m, 0, sizeof(m));
	n = (size_t)unhex(NP0 A15, m, 64);
	/* filler: unknown non-critical record up to limit - 4 (EOM) */
	m[n] = 0x40;
	m[n + 1] = 0x00;
	m[n + 2] = (uint8_t)((KNTS_KE_REQ_LIMIT - 4 - n - 4) >> 8);
	m[n + 3] = (uint8_t)(KNTS_KE_REQ_LIMIT - 4 - n - 4);
	n = KNTS_KE_REQ_LIMIT - 4;
	unhex(EOM, m + n, 4);
	n += 4;
	EXPECT_EQ(knts_ke_frame(m, n, KNTS_KE_REQ_LIMIT), KNTS_KE_REQ_LIMIT);
	EXPECT_EQ(knts_ke_frame(m, n, KNTS_KE_REQ_LIMIT - 1),
		  KNTS_KE_E_TOO_LARGE);
	/* ... and the limit-1 framer says so before the EOM arrives */
	EXPECT_EQ(knts_ke_frame(m, 16, KNTS_KE_REQ_LIMIT - 1),
		  KNTS_KE_E_TOO_LARGE);
	{
		struct knts_ke_request r;

		EXPECT_EQ(knts_ke_parse_request(m, n, &r), KNTS_KE_REQ_NTPV4);
		EXPECT_EQ(r.n_ignored, 1);
	}

	/* many small records and no EOM: too large once past the limit */
	memset(m, 0, sizeof(m));
	for (n = 0; n + 4 <= sizeof(m); n += 4) {
		m[n] = 0x40;	/* unknown non-critical, empty */
		m[n + 1] = 0x01;
	}
	knts_ke_framer_init(&f, KNTS_KE_REQ_LIMIT);
	EXPECT_EQ(knts_ke_framer_feed(&f, m, KNTS_KE_REQ_LIMIT - 4), 0);
	EXPECT_EQ(knts_ke_framer_feed(&f, m, KNTS_KE_REQ_LIMIT - 1), 0);
	/* the record at limit - 4 leaves no room for the EOM */
	EXPECT_EQ(knts_ke_framer_feed(&f, m, KNTS_KE_REQ_LIMIT),
		  KNTS_KE_E_TOO_LARGE);
	EXPECT_EQ(knts_ke_framer_feed(&f, m, 4), KNTS_KE_E_TOO_LARGE);

	/* tiny limits */
	EXPECT_EQ(knts_ke_frame(m, 0, 0), KNTS_KE_E_TOO_LARGE);
	unhex(EOM, m, 4);
	EXPECT_EQ(knts_ke_frame(m, 4, 3), KNTS_KE_E_TOO_LARGE);
	EXPECT_EQ(knts_ke_frame(m, 4, 4), 4);
	EXPECT_EQ(knts_ke_frame(m, 0, 4), 0);

	/* EOM with a body is malformed; EOM without C is framed (parser refuses) */
	unhex("80000002 0000", m, 6);
	EXPECT_EQ(knts_ke_frame(m, 4, 100), KNTS_KE_E_EOM_BODY);
	unhex(NP0 "00000000", m, 10);
	EXPECT_EQ(knts_ke_frame(m, 10, 100), 10);

	/* trailing bytes: framed length excludes them, the parser refuses */
	n = (size_t)unhex(NP0 A15 EOM NP0, m, 64);
	EXPECT_EQ(knts_ke_frame(m, n, 100), 16);
	{
		struct knts_ke_request r;

		EXPECT_EQ(knts_ke_parse_request(m, n, &r), KNTS_KE_E_TRAILING);
		EXPECT_EQ(r.error_code, 1);
		EXPECT_EQ(knts_ke_parse_request(m, 16, &r), KNTS_KE_REQ_NTPV4);
	}
}

/* A response of exactly 65536 bytes is accepted; 65537 is not */
static void test_response_limit(void)
{
	static uint8_t m[KNTS_KE_RESP_LIMIT + 8];
	struct knts_ke_response resp;
	size_t n, second;

	memset(m, 0, sizeof(m));
	n = (size_t)unhex(NP0 A15 CKA, m, 64);
	/* two unknown non-critical fillers (a body is at most 65535 bytes) */
	m[n] = 0x40;
	m[n + 2] = 0x80;			/* 32768 */
	n += 4 + 32768;
	second = KNTS_KE_RESP_LIMIT - n - 4 - 4;
	m[n] = 0x40;
	m[n + 2] = (uint8_t)(second >> 8);
	m[n + 3] = (uint8_t)second;
	n += 4 + second;
	unhex(EOM, m + n, 4);
	n += 4;
	EXPECT_EQ(n, KNTS_KE_RESP_LIMIT);
	EXPECT_EQ(knts_ke_frame(m, n, KNTS_KE_RESP_LIMIT), KNTS_KE_RESP_LIMIT);
	EXPECT_EQ(knts_ke_frame(m, n, KNTS_KE_RESP_LIMIT - 1),
		  KNTS_KE_E_TOO_LARGE);
	EXPECT_EQ(knts_ke_parse_response(m, n, cfg_15, 1, &resp), 0);
	EXPECT_EQ(resp.n_ignored, 2);
	EXPECT_EQ(knts_ke_parse_response(m, n + 1, cfg_15, 1, &resp),
		  KNTS_KE_E_TOO_LARGE);
}

/* ---- Builders ----------------------------------------------------------- */

static void test_build_error(void)
{
	uint8_t want[10], got[16];
	struct knts_ke_response resp;
	int cap;

	unhex("80020002 0001 80000000", want, sizeof(want));
	EXPECT_EQ(knts_ke_build_error(got, sizeof(got), 1), 10);
	EXPECT_MEM(got, want, 10);
	EXPECT(no_warning(got, 10));
	EXPECT_EQ(knts_ke_parse_response(got, 10, cfg_15, 1, &resp),
		  KNTS_KE_E_RESP_ERROR);
	EXPECT_EQ(resp.error_code, 1);
	for (cap = 0; cap < 10; cap++)
		EXPECT_EQ(knts_ke_build_error(got, (size_t)cap, 1),
			  KNTS_KE_E_NOSPC);
	EXPECT_EQ(knts_ke_build_error(NULL, 10, 1), KNTS_KE_E_INVAL);
}

static void test_build_response_args(void)
{
	uint8_t out[512], ck[16] = { 0 };
	struct knts_ke_resp_params ok = {
		.ntpv4 = true, .aead = 15, .cookies = ck, .cookie_len = 8,
		.n_cookies = 2,
	}, p;

	EXPECT(knts_ke_build_response(out, sizeof(out), &ok) > 0);
	p = ok;
	p.aead = 31;
	EXPECT_EQ(knts_ke_build_response(out, sizeof(out), &p), KNTS_KE_E_INVAL);
	p = ok;
	p.cookie_len = 6;
	EXPECT_EQ(knts_ke_build_response(out, sizeof(out), &p), KNTS_KE_E_INVAL);
	p = ok;
	p.cookie_len = 260;
	EXPECT_EQ(knts_ke_build_response(out, sizeof(out), &p), KNTS_KE_E_INVAL);
	p = ok;
	p.n_cookies = 0;
	EXPECT_EQ(knts_ke_build_response(out, sizeof(out), &p), KNTS_KE_E_INVAL);
	p = ok;
	p.cookies = NULL;
	EXPECT_EQ(knts_ke_build_response(out, sizeof(out), &p), KNTS_KE_E_INVAL);
	p = ok;
	p.aead = KNTS_KE_AEAD_NONE;
	EXPECT_EQ(knts_ke_build_response(out, sizeof(out), &p), KNTS_KE_E_INVAL);
	p = ok;
	p.server = "bad name";
	EXPECT_EQ(knts_ke_build_response(out, sizeof(out), &p),
		  KNTS_KE_E_SERVER_CHARS);
	p.server = "1.2.3.999";
	EXPECT_EQ(knts_ke_build_response(out, sizeof(out), &p),
		  KNTS_KE_E_SERVER_SYNTAX);
	EXPECT_EQ(knts_ke_build_response(NULL, 1, &ok), KNTS_KE_E_INVAL);
	EXPECT_EQ(knts_ke_build_response(out, 1, NULL), KNTS_KE_E_INVAL);
}

static const struct rt_case {
	int aead;
	uint16_t port;
	const char *server;
	size_t n_cookies;
	size_t cookie_len;
} rt_cases[] = {
	{ 15, 123, NULL, 8, 100 },
	{ 15, 11123, NULL, 8, 100 },
	{ 16, 0, "ntp.example.net", 8, 104 },
	{ 17, 4123, "2001:db8::123", 1, 4 },
	{ 15, 65535, "192.0.2.7", 8, 256 },
	{ 15, 1, "a", 12, 168 },	/* 12 built, 8 kept */
};

static void test_round_trip(void)
{
	static uint8_t out[8192], cookies[16 * 256];
	size_t i, j;

	for (i = 0; i < sizeof(cookies); i++)
		cookies[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < ARRAY_SIZE(rt_cases); i++) {
		const struct rt_case *c = &rt_cases[i];
		struct knts_ke_resp_params p = {
			.ntpv4 = true, .aead = c->aead, .port = c->port,
			.server = c->server, .cookies = cookies,
			.cookie_len = c->cookie_len, .n_cookies = c->n_cookies,
		};
		struct knts_ke_response resp;
		struct knts_ke_request req;
		uint8_t rq[64];
		uint16_t offer[3] = { 17, 16, 15 };
		int n, cap, rn;

		/* client request -> server parse -> choice */
		rn = knts_ke_build_request(rq, sizeof(rq), offer, 3);
		EXPECT_EQ(rn, 20);
		EXPECT_EQ(knts_ke_frame(rq, (size_t)rn, KNTS_KE_REQ_LIMIT), rn);
		EXPECT_EQ(knts_ke_parse_request(rq, (size_t)rn, &req),
			  KNTS_KE_REQ_NTPV4);
		EXPECT_EQ(knts_ke_choose_aead(&req, (const uint16_t []){ 15, 16 },
					      2), 16);

		/* server response -> client parse */
		n = knts_ke_build_response(out, sizeof(out), &p);
		EXPECT(n > 0);
		if (n <= 0)
			continue;
		EXPECT(no_warning(out, (size_t)n));
		EXPECT_EQ(knts_ke_frame(out, (size_t)n, KNTS_KE_RESP_LIMIT), n);
		EXPECT_EQ(knts_ke_parse_response(out, (size_t)n, offer, 3,
						 &resp), 0);
		EXPECT_EQ(resp.aead, c->aead);
		EXPECT(resp.aead_critical);
		EXPECT_EQ(resp.has_port, c->port && c->port != 123);
		EXPECT_EQ(resp.port, c->port && c->port != 123 ? c->port : 123);
		EXPECT_EQ(resp.has_server, c->server != NULL);
		if (c->server)
			EXPECT(!strcmp(resp.server, c->server));
		EXPECT_EQ(resp.n_cookies_seen, c->n_cookies);
		EXPECT_EQ(resp.n_cookies,
			  c->n_cookies > 8 ? 8 : c->n_cookies);
		EXPECT_EQ(resp.cookie_len, c->cookie_len);
		for (j = 0; j < resp.n_cookies; j++)
			EXPECT_MEM(resp.cookie[j], cookies + j * c->cookie_len,
				   c->cookie_len);
		/* every smaller buffer is refused, never overrun */
		for (cap = 0; cap < n; cap++)
			EXPECT_EQ(knts_ke_build_response(out, (size_t)cap, &p),
				  KNTS_KE_E_NOSPC);
	}
}

static void test_reason_names(void)
{
	static const int all[] = {
		KNTS_KE_OK, KNTS_KE_E_INVAL, KNTS_KE_E_NOSPC,
		KNTS_KE_E_TOO_LARGE, KNTS_KE_E_TRUNCATED, KNTS_KE_E_NO_EOM,
		KNTS_KE_E_EOM_NOT_CRITICAL, KNTS_KE_E_EOM_BODY,
		KNTS_KE_E_TRAILING, KNTS_KE_E_UNKNOWN_CRITICAL,
		KNTS_KE_E_NP_MISSING, KNTS_KE_E_NP_DUP,
		KNTS_KE_E_NP_NOT_CRITICAL, KNTS_KE_E_NP_ODD,
		KNTS_KE_E_NP_EMPTY, KNTS_KE_E_NP_LEN, KNTS_KE_E_NP_PROTO,
		KNTS_KE_E_AEAD_MISSING, KNTS_KE_E_AEAD_DUP,
		KNTS_KE_E_AEAD_ODD, KNTS_KE_E_AEAD_EMPTY, KNTS_KE_E_AEAD_LEN,
		KNTS_KE_E_AEAD_NOT_OFFERED, KNTS_KE_E_REQ_ERROR_REC,
		KNTS_KE_E_REQ_WARNING_REC, KNTS_KE_E_REQ_COOKIE_REC,
		KNTS_KE_E_RESP_ERROR, KNTS_KE_E_RESP_WARNING,
		KNTS_KE_E_NO_COOKIES, KNTS_KE_E_COOKIE_EMPTY,
		KNTS_KE_E_COOKIE_TOO_LONG, KNTS_KE_E_COOKIE_ALIGN,
		KNTS_KE_E_COOKIE_UNEQUAL, KNTS_KE_E_SERVER_DUP,
		KNTS_KE_E_SERVER_LEN, KNTS_KE_E_SERVER_CHARS,
		KNTS_KE_E_SERVER_SYNTAX, KNTS_KE_E_PORT_DUP,
		KNTS_KE_E_PORT_LEN, KNTS_KE_E_PORT_ZERO,
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		EXPECT(strcmp(knts_ke_strreason(all[i]), "unknown-reason"));
		for (j = 0; j < i; j++) {
			EXPECT(all[i] != all[j]);
			EXPECT(strcmp(knts_ke_strreason(all[i]),
				      knts_ke_strreason(all[j])));
		}
	}
	EXPECT(!strcmp(knts_ke_strreason(-999), "unknown-reason"));
	EXPECT(!strcmp(knts_ke_strreason(KNTS_KE_E_COOKIE_UNEQUAL),
		       "cookie-lengths-differ"));
	/* pinned numbers: counters and logs depend on them */
	EXPECT_EQ(KNTS_KE_E_TOO_LARGE, -3);
	EXPECT_EQ(KNTS_KE_E_UNKNOWN_CRITICAL, -9);
	EXPECT_EQ(KNTS_KE_E_RESP_ERROR, -40);
	EXPECT_EQ(KNTS_KE_E_PORT_ZERO, -53);
}

int main(void)
{
	RUN(test_server_table);
	RUN(test_server_parsed_fields);
	RUN(test_server_long_aead_list);
	RUN(test_error_codes);
	RUN(test_chrony_response);
	RUN(test_chrony_request_build);
	RUN(test_ntpsec_response);
	RUN(test_client_table);
	RUN(test_server_names);
	RUN(test_frame_split);
	RUN(test_frame_limits);
	RUN(test_response_limit);
	RUN(test_build_error);
	RUN(test_build_response_args);
	RUN(test_round_trip);
	RUN(test_reason_names);
	return unit_done();
}
