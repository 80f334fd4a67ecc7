// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the NTS extension field codec (kmod/ef.c), built against
 * userspace/kshim so they run the very code the kernel runs. Every check
 * asserts an exact value: a parser that returns "some error" where the
 * test expects a specific reason fails.
 */
#include <errno.h>
#include <stdbool.h>

#include "unit.h"
#include "ef.h"
#include "ntp.h"

#define PKT_MAX 2048

/*
 * Every parser call goes through these wrappers (a function-like macro
 * does not expand inside itself), so the last test can prove that each
 * rejection reason was produced at least once.
 */
static bool reason_seen[__KNTS_EF_E_MAX];

static int seen(int ret)
{
	if (ret < 0 && -ret < __KNTS_EF_E_MAX)
		reason_seen[-ret] = true;
	return ret;
}

#define knts_ef_parse_request(...) seen(knts_ef_parse_request(__VA_ARGS__))
#define knts_ef_parse_response(...) seen(knts_ef_parse_response(__VA_ARGS__))
#define knts_ef_parse_cookies(...) seen(knts_ef_parse_cookies(__VA_ARGS__))

static uint8_t req[PKT_MAX], resp[PKT_MAX];
static long req_len, resp_len;

static const char *nonce_req_hex = "ac47d4c169e12052ceabdd4447600805";
static const char *tag_req_hex = "36a0c3fa372574d979b869880076de29";
static const char *nonce_resp_hex = "30ff7aebc95f479c261932cbad99cbc3";

/* A chrony 4.3 server's NAK to an NTPsec client (ntpsec-nak.pcapng). */
static const char *nak_hex =
	"e40000e700000000000000004e54534eeeb2749f43e4a51bc15222c8a21a14ca"
	"eeb274a11e4c418deeb274a11e4fcfc0010400244e53815b1e889f5ade50db5e"
	"efde6439a9814911a7c67230af4d0c512c0c4ff9";

static long load_hex_file(const char *name, uint8_t *out, size_t max)
{
	char *txt = unit_slurp(unit_vector(name), NULL);
	long n;

	if (!txt) {
		fprintf(stderr, "# cannot read %s\n", unit_vector(name));
		exit(2);
	}
	n = unit_unhex(txt, out, max);
	free(txt);
	if (n < 0) {
		fprintf(stderr, "# bad hex in %s\n", name);
		exit(2);
	}
	return n;
}

static void hex(const char *h, uint8_t *out, size_t n)
{
	if (unit_unhex(h, out, n) != (long)n) {
		fprintf(stderr, "# bad hex constant %s\n", h);
		exit(2);
	}
}

/* ---- a tiny packet assembler for crafted packets ---- */

struct pkt {
	uint8_t b[PKT_MAX];
	size_t n;
};

static void p_hdr(struct pkt *p, uint8_t lvm)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = lvm;
	p->b[1] = 2;
	memset(p->b + KNTS_NTP_OFF_TX, 0x5a, 8);
	p->n = KNTS_NTP_HDR_LEN;
}

/* An EF whose declared length is @decl and whose real extent is @real. */
static void p_ef_raw(struct pkt *p, uint16_t type, uint16_t decl, size_t real,
		     uint8_t fill)
{
	knts_put_be16(p->b + p->n, type);
	knts_put_be16(p->b + p->n + 2, decl);
	memset(p->b + p->n + 4, fill, real - 4);
	p->n += real;
}

static void p_ef(struct pkt *p, uint16_t type, uint16_t len, uint8_t fill)
{
	p_ef_raw(p, type, len, len, fill);
}

static void p_auth(struct pkt *p, uint16_t ef_len, uint16_t n_len,
		   uint16_t c_len)
{
	knts_put_be16(p->b + p->n, KNTS_EF_AUTH);
	knts_put_be16(p->b + p->n + 2, ef_len);
	knts_put_be16(p->b + p->n + 4, n_len);
	knts_put_be16(p->b + p->n + 6, c_len);
	memset(p->b + p->n + 8, 0xaa, ef_len - 8);
	p->n += ef_len;
}

/* chrony's shape: UID 32, cookie 100, @ph placeholders, auth 16/16. */
static void p_request(struct pkt *p, int ph)
{
	int i;

	p_hdr(p, 0x23);
	p_ef(p, KNTS_EF_UID, 36, 0x11);
	p_ef(p, KNTS_EF_COOKIE, 104, 0xc0);
	for (i = 0; i < ph; i++)
		p_ef(p, KNTS_EF_PLACEHOLDER, 104, 0);
}

static void p_request_full(struct pkt *p, int ph)
{
	p_request(p, ph);
	p_auth(p, 40, 16, 16);
}

static int preq(const struct pkt *p)
{
	struct knts_ef_req r;

	return knts_ef_parse_request(p->b, p->n, &r);
}

static int presp(const struct pkt *p)
{
	struct knts_ef_resp r;

	return knts_ef_parse_response(p->b, p->n, &r);
}

static int pcookies(const struct pkt *p)
{
	struct knts_ef_cookies c;

	return knts_ef_parse_cookies(p->b, p->n, &c);
}

/* ---- tests ---- */

static void test_byte_helpers(void)
{
	uint8_t b[8];

	knts_put_be16(b, 0x0404);
	EXPECT_EQ(b[0], 4);
	EXPECT_EQ(b[1], 4);
	knts_put_be32(b, KNTS_NTP_KISS_NTSN);
	EXPECT_MEM(b, "NTSN", 4);
	EXPECT_EQ(knts_get_be32(b), 0x4e54534e);
	knts_put_be64(b, 0x0102030405060708ULL);
	EXPECT_MEM(b, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	EXPECT_EQ(knts_get_be64(b) == 0x0102030405060708ULL, 1);
	b[0] = 0xff;
	b[1] = 0xfe;
	EXPECT_EQ(knts_get_be16(b), 0xfffe);
	EXPECT_EQ(KNTS_NTP_LVM_KOD, 0xe4);
	EXPECT_EQ(knts_ntp_li(0xe4), 3);
	EXPECT_EQ(knts_ntp_version(0x23), 4);
	EXPECT_EQ(knts_ntp_mode(0x23), 3);
	EXPECT_EQ(knts_pad4(0), 0);
	EXPECT_EQ(knts_pad4(13), 16);
	EXPECT_EQ(knts_pad4(16), 16);
}

static void test_reason_names(void)
{
	unsigned int i, j;

	EXPECT_EQ(strcmp(knts_ef_reason_name(KNTS_EF_OK), "ok"), 0);
	EXPECT_EQ(strcmp(knts_ef_reason_name(KNTS_EF_E_EF_LEN), "ef_len"), 0);
	EXPECT_EQ(strcmp(knts_ef_reason_name(KNTS_EF_E_AUTH_NOT_LAST),
			 "auth_not_last"), 0);
	EXPECT_EQ(strcmp(knts_ef_reason_name(__KNTS_EF_E_MAX), "unknown"), 0);
	EXPECT_EQ(strcmp(knts_ef_reason_name(-1u), "unknown"), 0);
	for (i = 0; i < __KNTS_EF_E_MAX; i++) {
		const char *n = knts_ef_reason_name(i), *c;

		EXPECT(strcmp(n, "unknown") != 0);
		for (c = n; *c; c++)
			EXPECT((*c >= 'a' && *c <= 'z') || *c == '_' ||
			       (*c >= '0' && *c <= '9'));
		for (j = 0; j < i; j++)
			EXPECT(strcmp(n, knts_ef_reason_name(j)) != 0);
	}
}

static void test_chrony_request(void)
{
	struct knts_ef_req r;
	struct knts_ef_resp s;
	uint8_t nonce[16], tag[16];

	EXPECT_EQ(req_len, 228);
	EXPECT_EQ(knts_ef_parse_request(req, req_len, &r), 0);
	EXPECT_EQ(r.uid_off, 52);
	EXPECT_EQ(r.uid_len, 32);
	EXPECT_EQ(r.cookie_off, 88);
	EXPECT_EQ(r.cookie_len, 100);
	EXPECT_MEM(req + r.cookie_off, "\xce\x22\x5c\x6b", 4);
	EXPECT_EQ(r.n_placeholders, 0);
	EXPECT_EQ(r.n_unknown, 0);
	EXPECT_EQ(r.auth.off, 188);
	EXPECT_EQ(r.auth.len, 40);
	EXPECT_EQ(r.auth.nonce_off, 196);
	EXPECT_EQ(r.auth.nonce_len, 16);
	EXPECT_EQ(r.auth.ct_off, 212);
	EXPECT_EQ(r.auth.ct_len, 16);
	hex(nonce_req_hex, nonce, 16);
	hex(tag_req_hex, tag, 16);
	EXPECT_MEM(req + r.auth.nonce_off, nonce, 16);
	EXPECT_MEM(req + r.auth.ct_off, tag, 16);
	EXPECT_EQ(knts_ef_parse_response(req, req_len, &s),
		  -KNTS_EF_E_BAD_MODE);
	/* The server would answer with one cookie of the same size. */
	EXPECT_EQ(knts_ef_response_cookies(req_len, &r, 100), 1);
}

static void test_chrony_response(void)
{
	struct knts_ef_resp s;
	struct knts_ef_req r;
	uint8_t nonce[16];

	EXPECT_EQ(resp_len, 228);
	EXPECT_EQ(knts_ef_parse_response(resp, resp_len, &s), 0);
	EXPECT_EQ(s.nak, 0);
	EXPECT_EQ(s.uid_off, 52);
	EXPECT_EQ(s.uid_len, 32);
	EXPECT_MEM(resp + s.uid_off, req + 52, 32);
	EXPECT_EQ(s.n_unknown, 0);
	EXPECT_EQ(s.auth.off, 84);
	EXPECT_EQ(s.auth.len, 144);
	EXPECT_EQ(s.auth.nonce_off, 92);
	EXPECT_EQ(s.auth.nonce_len, 16);
	EXPECT_EQ(s.auth.ct_off, 108);
	EXPECT_EQ(s.auth.ct_len, 120);
	hex(nonce_resp_hex, nonce, 16);
	EXPECT_MEM(resp + s.auth.nonce_off, nonce, 16);
	EXPECT_EQ(knts_ef_parse_request(resp, resp_len, &r),
		  -KNTS_EF_E_BAD_MODE);
}

/* Pull the two hex blocks (request, response) out of synthetic_vector.txt. */
static void load_synthetic(uint8_t *sreq, long *sreq_len, uint8_t *sresp,
			   long *sresp_len)
{
	char *txt = unit_slurp(unit_vector("synthetic_vector.txt"), NULL);
	char *line, *save = NULL;
	char buf[2][4096] = { "", "" };
	int which = -1;

	if (!txt) {
		fprintf(stderr, "# cannot read synthetic_vector.txt\n");
		exit(2);
	}
	for (line = strtok_r(txt, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *c = line;
		bool is_hex = true;

		if (!strncmp(line, "REQUEST", 7)) {
			which = 0;
			continue;
		}
		if (!strncmp(line, "RESPONSE", 8)) {
			which = 1;
			continue;
		}
		while (*c == ' ')
			c++;
		if (!*c)
			continue;
		for (const char *d = c; *d; d++)
			if (!((*d >= '0' && *d <= '9') || (*d >= 'a' && *d <= 'f')))
				is_hex = false;
		if (is_hex && which >= 0)
			strncat(buf[which], c, sizeof(buf[which]) - strlen(buf[which]) - 1);
	}
	free(txt);
	*sreq_len = unit_unhex(buf[0], sreq, PKT_MAX);
	*sresp_len = unit_unhex(buf[1], sresp, PKT_MAX);
}

static void test_synthetic(void)
{
	static uint8_t sreq[PKT_MAX], sresp[PKT_MAX];
	long sreq_len, sresp_len;
	struct knts_ef_req r;
	struct knts_ef_resp s;
	uint8_t tag[16];

	load_synthetic(sreq, &sreq_len, sresp, &sresp_len);
	EXPECT_EQ(sreq_len, 228);
	EXPECT_EQ(sresp_len, 228);
	EXPECT_EQ(knts_ef_parse_request(sreq, sreq_len, &r), 0);
	EXPECT_EQ(r.auth.off, 188);
	EXPECT_EQ(r.uid_off, 52);
	EXPECT_EQ(sreq[r.uid_off], 0x40);
	EXPECT_EQ(sreq[r.uid_off + 31], 0x5f);
	EXPECT_EQ(r.cookie_len, 100);
	EXPECT_EQ(sreq[r.cookie_off], 0xc0);
	EXPECT_EQ(sreq[r.auth.nonce_off], 0x60);
	EXPECT_EQ(sreq[r.auth.nonce_off + 15], 0x6f);
	hex("809877caf26c232b69802f8e8010f61c", tag, 16);
	EXPECT_MEM(sreq + r.auth.ct_off, tag, 16);

	EXPECT_EQ(knts_ef_parse_response(sresp, sresp_len, &s), 0);
	EXPECT_EQ(s.auth.off, 84);
	EXPECT_EQ(s.auth.nonce_len, 16);
	EXPECT_EQ(sresp[s.auth.nonce_off], 0x70);
	EXPECT_EQ(s.auth.ct_len, 120);
	hex("ed6f5f677d7d54e1b7d3d8b3d85a9ba7", tag, 16);
	EXPECT_MEM(sresp + s.auth.ct_off, tag, 16);
	EXPECT_EQ(s.auth.ct_off + s.auth.ct_len, 228);
}

static void test_real_nak(void)
{
	uint8_t nak[128];
	struct knts_ef_resp s;
	long n = unit_unhex(nak_hex, nak, sizeof(nak));

	EXPECT_EQ(n, 84);
	EXPECT_EQ(knts_ef_parse_response(nak, n, &s), KNTS_EF_NAK);
	EXPECT_EQ(s.nak, 1);
	EXPECT_EQ(s.uid_off, 52);
	EXPECT_EQ(s.uid_len, 32);
	EXPECT_EQ(s.auth.len, 0);
	EXPECT_EQ(s.auth.off, 0);
	/* The same packet with another kiss code is an unauthenticated reply. */
	nak[15] = 'X';
	EXPECT_EQ(knts_ef_parse_response(nak, n, &s), -KNTS_EF_E_NO_AUTH);
	EXPECT_EQ(s.nak, 0);
	nak[15] = 'N';
	nak[1] = 1;
	EXPECT_EQ(knts_ef_parse_response(nak, n, &s), -KNTS_EF_E_NO_AUTH);
}

static void test_build_nak(void)
{
	struct knts_ef_req r;
	struct knts_ef_resp s;
	uint8_t out[PKT_MAX], inplace[PKT_MAX];
	int n;

	EXPECT_EQ(knts_ef_parse_request(req, req_len, &r), 0);
	memset(out, 0xee, sizeof(out));
	n = knts_ef_build_nak(out, sizeof(out), req, req_len, &r);
	EXPECT_EQ(n, 84);
	EXPECT_EQ(out[0], 0xe4);
	EXPECT_EQ(out[1], 0);
	EXPECT_EQ(out[2], req[2]);
	EXPECT_MEM(out + 12, "NTSN", 4);
	EXPECT_MEM(out + KNTS_NTP_OFF_ORIGIN, req + KNTS_NTP_OFF_TX, 8);
	EXPECT_MEM(out + 16, "\0\0\0\0\0\0\0\0", 8);
	EXPECT_MEM(out + 32, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	EXPECT_MEM(out + 48, req + 48, 36);	/* the UID EF, byte for byte */
	EXPECT_EQ(out[84], 0xee);		/* nothing written past it */
	EXPECT_EQ(knts_ef_parse_response(out, n, &s), KNTS_EF_NAK);
	EXPECT_EQ(s.uid_off, 52);
	EXPECT_MEM(out + s.uid_off, req + r.uid_off, 32);

	/* In place over the request buffer gives the same bytes. */
	memcpy(inplace, req, req_len);
	EXPECT_EQ(knts_ef_build_nak(inplace, sizeof(inplace), inplace, req_len,
				    &r), 84);
	EXPECT_MEM(inplace, out, 84);

	/* UID not first: it moves down to offset 52. */
	{
		struct pkt p;

		p_hdr(&p, 0x23);
		p_ef(&p, KNTS_EF_COOKIE, 104, 0xc0);
		p_ef(&p, KNTS_EF_UID, 36, 0x11);
		p_auth(&p, 40, 16, 16);
		EXPECT_EQ(knts_ef_parse_request(p.b, p.n, &r), 0);
		EXPECT_EQ(r.uid_off, 156);
		EXPECT_EQ(knts_ef_build_nak(p.b, sizeof(p.b), p.b, p.n, &r), 84);
		EXPECT_EQ(knts_ef_parse_response(p.b, 84, &s), KNTS_EF_NAK);
		EXPECT_EQ(p.b[52], 0x11);
		EXPECT_EQ(p.b[83], 0x11);
	}

	EXPECT_EQ(knts_ef_parse_request(req, req_len, &r), 0);
	EXPECT_EQ(knts_ef_build_nak(out, 83, req, req_len, &r), -ENOSPC);
	r.uid_len = 28;
	EXPECT_EQ(knts_ef_build_nak(out, sizeof(out), req, req_len, &r),
		  -EINVAL);
	r.uid_len = 32;
	r.uid_off = 200;
	EXPECT_EQ(knts_ef_build_nak(out, sizeof(out), req, req_len, &r),
		  -EINVAL);
	r.uid_off = 52;
	EXPECT_EQ(knts_ef_build_nak(out, sizeof(out), req, 47, &r), -EINVAL);
}

static void test_sizes(void)
{
	struct knts_ef_req r;

	EXPECT_EQ(knts_ef_len(32), 36);
	EXPECT_EQ(knts_ef_len(99), 104);
	EXPECT_EQ(knts_ef_len(65528), 65532);
	EXPECT_EQ(knts_ef_len(65529), 0);
	EXPECT_EQ(knts_ef_len(0xffffffffu), 0);
	EXPECT_EQ(knts_ef_auth_len(16, 16), 40);
	EXPECT_EQ(knts_ef_auth_len(12, 16), 36);
	EXPECT_EQ(knts_ef_auth_len(16, 120), 144);
	EXPECT_EQ(knts_ef_auth_len(16, 65532), 0);
	EXPECT_EQ(knts_ef_auth_len(0xffffffffu, 16), 0);
	/* digest 3.5 */
	EXPECT_EQ(knts_ef_request_len(32, 100, 0), 228);
	EXPECT_EQ(knts_ef_request_len(32, 100, 1), 332);
	EXPECT_EQ(knts_ef_request_len(32, 100, 7), 956);
	EXPECT_EQ(knts_ef_request_len(32, 104, 0), 232);
	EXPECT_EQ(knts_ef_request_len(32, 168, 7), 1500);
	EXPECT_EQ(knts_ef_request_len(32, 100, 8), 0);
	EXPECT_EQ(knts_ef_request_len(32, 65528, 7), 0);
	EXPECT_EQ(knts_ef_response_len(32, 100, 1), 228);
	EXPECT_EQ(knts_ef_response_len(32, 100, 8), 956);
	EXPECT_EQ(knts_ef_response_len(32, 100, 0), 0);
	EXPECT_EQ(knts_ef_response_len(32, 100, 9), 0);
	EXPECT_EQ(knts_ef_response_len(32, 20000, 4), 0);
	for (unsigned int ph = 0; ph <= 7; ph++)
		EXPECT_EQ(knts_ef_request_len(32, 100, ph),
			  knts_ef_response_len(32, 100, ph + 1));

	/* Cookies to return: 1 + placeholders, capped by the request size. */
	memset(&r, 0, sizeof(r));
	r.uid_len = 32;
	r.cookie_len = 100;
	r.n_placeholders = 3;
	EXPECT_EQ(knts_ef_response_cookies(540, &r, 100), 4);
	EXPECT_EQ(knts_ef_response_cookies(540, &r, 104), 3);
	EXPECT_EQ(knts_ef_response_cookies(540, &r, 200), 2);
	EXPECT_EQ(knts_ef_response_cookies(540, &r, 400), 1);
	EXPECT_EQ(knts_ef_response_cookies(540, &r, 500), 0);
	EXPECT_EQ(knts_ef_response_cookies(100, &r, 100), 0);
	r.n_placeholders = 7;
	EXPECT_EQ(knts_ef_response_cookies(956, &r, 100), 8);
	r.n_placeholders = 0;
	EXPECT_EQ(knts_ef_response_cookies(956, &r, 100), 1);
}

static void test_builders(void)
{
	uint8_t b[256], uid[64], nonce[16];
	int n;

	memset(uid, 0x42, sizeof(uid));
	memset(nonce, 0x6e, sizeof(nonce));
	memset(b, 0xee, sizeof(b));
	EXPECT_EQ(knts_ef_put_uid(b, sizeof(b), uid, 32), 36);
	EXPECT_MEM(b, "\x01\x04\x00\x24", 4);
	EXPECT_EQ(b[35], 0x42);
	EXPECT_EQ(b[36], 0xee);
	EXPECT_EQ(knts_ef_put_uid(b, sizeof(b), uid, 33), 40);
	EXPECT_MEM(b + 37, "\0\0\0", 3);
	EXPECT_EQ(knts_ef_put_uid(b, sizeof(b), uid, 64), 68);
	EXPECT_EQ(knts_ef_put_uid(b, sizeof(b), uid, 31), -EINVAL);
	EXPECT_EQ(knts_ef_put_uid(b, sizeof(b), uid, 65), -EINVAL);
	EXPECT_EQ(knts_ef_put_uid(b, 35, uid, 32), -ENOSPC);

	memset(b, 0xee, sizeof(b));
	EXPECT_EQ(knts_ef_put_cookie(b, sizeof(b), uid, 10), 16);
	EXPECT_MEM(b, "\x02\x04\x00\x10", 4);
	EXPECT_MEM(b + 14, "\0\0", 2);
	EXPECT_EQ(b[16], 0xee);
	EXPECT_EQ(knts_ef_put_cookie(b, sizeof(b), uid, 0), -EINVAL);
	EXPECT_EQ(knts_ef_put_cookie(b, 15, uid, 10), -ENOSPC);
	EXPECT_EQ(knts_ef_put_cookie(b, sizeof(b), uid, 65529), -EINVAL);
	/* a cookie sealed where its body goes (server.c) stays as it is */
	memset(b, 0xee, sizeof(b));
	memcpy(b + 4, uid, 10);
	EXPECT_EQ(knts_ef_put_cookie(b, sizeof(b), b + 4, 10), 16);
	EXPECT_MEM(b, "\x02\x04\x00\x10", 4);
	EXPECT_MEM(b + 4, uid, 10);
	EXPECT_MEM(b + 14, "\0\0", 2);
	EXPECT_EQ(b[16], 0xee);

	memset(b, 0xee, sizeof(b));
	EXPECT_EQ(knts_ef_put_placeholder(b, sizeof(b), 100), 104);
	EXPECT_MEM(b, "\x03\x04\x00\x68", 4);
	for (n = 4; n < 104; n++)
		EXPECT_EQ(b[n], 0);
	EXPECT_EQ(b[104], 0xee);
	EXPECT_EQ(knts_ef_put_placeholder(b, sizeof(b), 8), -EINVAL);
	EXPECT_EQ(knts_ef_put_placeholder(b, sizeof(b), 12), 16);
	EXPECT_EQ(knts_ef_put_placeholder(b, 103, 100), -ENOSPC);

	memset(b, 0xee, sizeof(b));
	EXPECT_EQ(knts_ef_put_auth(b, sizeof(b), nonce, 16, 16), 24);
	EXPECT_MEM(b, "\x04\x04\x00\x28\x00\x10\x00\x10", 8);
	EXPECT_MEM(b + 8, nonce, 16);
	EXPECT_EQ(b[24], 0xee);		/* the tag is the caller's */
	EXPECT_EQ(knts_ef_put_auth(b, sizeof(b), nonce, 16, 18), 24);
	EXPECT_MEM(b, "\x04\x04\x00\x2c\x00\x10\x00\x12", 8);
	EXPECT_MEM(b + 42, "\0\0", 2);	/* ciphertext padding zeroed */
	/* 12 is GCM-SIV's nonce (N_REQ 12); shorter is refused */
	EXPECT_EQ(knts_ef_put_auth(b, sizeof(b), nonce, 12, 16), 20);
	EXPECT_MEM(b, "\x04\x04\x00\x24\x00\x0c\x00\x10", 8);
	EXPECT_EQ(knts_ef_put_auth(b, sizeof(b), nonce, 11, 16), -EINVAL);
	EXPECT_EQ(knts_ef_put_auth(b, sizeof(b), nonce, 16, 15), -EINVAL);
	EXPECT_EQ(knts_ef_put_auth(b, 39, nonce, 16, 16), -ENOSPC);
	EXPECT_EQ(knts_ef_put_auth(b, sizeof(b), nonce, 16, 65532), -EINVAL);
}

/* Client request with the builders, for 0..7 placeholders, then parsed. */
static void test_roundtrip_request(void)
{
	uint8_t b[PKT_MAX], uid[32], cookie[100], nonce[16];
	struct knts_ef_req r;
	unsigned int ph;

	memset(uid, 0x75, sizeof(uid));
	memset(cookie, 0xc0, sizeof(cookie));
	memset(nonce, 0x6e, sizeof(nonce));
	for (ph = 0; ph <= 7; ph++) {
		size_t n = KNTS_NTP_HDR_LEN, cap = sizeof(b);
		unsigned int i;
		int ret;

		memset(b, 0, sizeof(b));
		b[0] = 0x23;
		n += knts_ef_put_uid(b + n, cap - n, uid, sizeof(uid));
		n += knts_ef_put_cookie(b + n, cap - n, cookie, sizeof(cookie));
		for (i = 0; i < ph; i++)
			n += knts_ef_put_placeholder(b + n, cap - n, 100);
		ret = knts_ef_put_auth(b + n, cap - n, nonce, 16, 16);
		EXPECT_EQ(ret, 24);
		memset(b + n + ret, 0x7a, 16);
		n += knts_ef_auth_len(16, 16);
		EXPECT_EQ(n, knts_ef_request_len(32, 100, ph));
		EXPECT_EQ(knts_ef_parse_request(b, n, &r), 0);
		EXPECT_EQ(r.uid_off, 52);
		EXPECT_EQ(r.cookie_off, 88);
		EXPECT_EQ(r.cookie_len, 100);
		EXPECT_EQ(r.n_placeholders, ph);
		EXPECT_EQ(r.auth.off, n - 40);
		EXPECT_EQ(r.auth.ct_off, n - 16);
		EXPECT_EQ(knts_ef_response_cookies(n, &r, 100), ph + 1);
	}
}

/* Server response with the builders; ciphertext left as plaintext here. */
static void test_roundtrip_response(void)
{
	uint8_t b[PKT_MAX], uid[32], cookie[100], nonce[16];
	struct knts_ef_resp s;
	struct knts_ef_cookies c;
	unsigned int nc;

	memset(uid, 0x75, sizeof(uid));
	memset(nonce, 0x6e, sizeof(nonce));
	for (nc = 1; nc <= 8; nc++) {
		size_t n = KNTS_NTP_HDR_LEN, cap = sizeof(b), pt;
		u32 ct_len = 16 + nc * 104;
		unsigned int i;
		int ret;

		memset(b, 0, sizeof(b));
		b[0] = 0x24;
		n += knts_ef_put_uid(b + n, cap - n, uid, sizeof(uid));
		ret = knts_ef_put_auth(b + n, cap - n, nonce, 16, ct_len);
		EXPECT_EQ(ret, 24);
		pt = n + ret + 16;
		for (i = 0; i < nc; i++) {
			memset(cookie, i, sizeof(cookie));
			EXPECT_EQ(knts_ef_put_cookie(b + pt + i * 104,
						     cap - pt - i * 104, cookie,
						     sizeof(cookie)), 104);
		}
		n += knts_ef_auth_len(16, ct_len);
		EXPECT_EQ(n, knts_ef_response_len(32, 100, nc));
		EXPECT_EQ(n, knts_ef_request_len(32, 100, nc - 1));
		EXPECT_EQ(knts_ef_parse_response(b, n, &s), 0);
		EXPECT_EQ(s.uid_off, 52);
		EXPECT_EQ(s.auth.off, 84);
		EXPECT_EQ(s.auth.ct_len, ct_len);
		/* P2: the ciphertext runs exactly to the end of the packet. */
		EXPECT_EQ(s.auth.ct_off + s.auth.ct_len, n);
		EXPECT_EQ(knts_ef_parse_cookies(b + s.auth.ct_off + 16,
						s.auth.ct_len - 16, &c), 0);
		EXPECT_EQ(c.count, nc);
		EXPECT_EQ(c.len, 100);
		for (i = 0; i < nc; i++) {
			EXPECT_EQ(c.off[i], i * 104 + 4);
			EXPECT_EQ(b[s.auth.ct_off + 16 + c.off[i]], i);
		}
	}
}

static void test_accepts(void)
{
	struct pkt p;
	struct knts_ef_req r;
	struct knts_ef_resp s;

	/* Placeholders before the cookie, unknown EFs counted. */
	p_hdr(&p, 0x23);
	p_ef(&p, 0x0f00, 16, 0x99);
	p_ef(&p, KNTS_EF_PLACEHOLDER, 104, 0);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_ef(&p, KNTS_EF_PLACEHOLDER, 104, 0);
	p_ef(&p, KNTS_EF_COOKIE, 104, 0xc0);
	p_ef(&p, 0x8f00, 28, 0x98);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(knts_ef_parse_request(p.b, p.n, &r), 0);
	EXPECT_EQ(r.n_unknown, 2);
	EXPECT_EQ(r.n_placeholders, 2);
	EXPECT_EQ(r.uid_off, 48 + 16 + 104 + 4);

	/* 12-byte nonce with 4 bytes of Additional Padding meets N_REQ. */
	p_request(&p, 0);
	p_auth(&p, 40, 12, 16);
	EXPECT_EQ(knts_ef_parse_request(p.b, p.n, &r), 0);
	EXPECT_EQ(r.auth.nonce_len, 12);
	EXPECT_EQ(r.auth.ct_off, r.auth.nonce_off + 12);

	/* Odd nonce and ciphertext lengths are padded. */
	p_request(&p, 0);
	p_auth(&p, 8 + 20 + 20, 17, 17);
	EXPECT_EQ(knts_ef_parse_request(p.b, p.n, &r), 0);
	EXPECT_EQ(r.auth.ct_off, r.auth.nonce_off + 20);
	EXPECT_EQ(r.auth.ct_len, 17);

	/* Encrypted EFs in a request: C_LEN > 16 is reported, not refused. */
	p_request(&p, 0);
	p_auth(&p, 8 + 16 + 16 + 104, 16, 16 + 104);
	EXPECT_EQ(knts_ef_parse_request(p.b, p.n, &r), 0);
	EXPECT_EQ(r.auth.ct_len, 120);

	/* UID of 64 bytes (NTPsec's limit). */
	p_hdr(&p, 0x23);
	p_ef(&p, KNTS_EF_UID, 68, 0x11);
	p_ef(&p, KNTS_EF_COOKIE, 16, 0xc0);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(knts_ef_parse_request(p.b, p.n, &r), 0);
	EXPECT_EQ(r.uid_len, 64);
	EXPECT_EQ(r.cookie_len, 12);

	/* Response padded up to the request length, as chrony does. */
	p_hdr(&p, 0x24);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_auth(&p, 8 + 16 + 120 + 8, 16, 120);
	EXPECT_EQ(knts_ef_parse_response(p.b, p.n, &s), 0);
	EXPECT_EQ(s.auth.ct_len, 120);
	EXPECT_EQ(s.auth.len, 152);

	/* An authenticated NTSN KoD is a response, not a NAK. */
	p.b[1] = 0;
	knts_put_be32(p.b + 12, KNTS_NTP_KISS_NTSN);
	EXPECT_EQ(knts_ef_parse_response(p.b, p.n, &s), 0);
	EXPECT_EQ(s.nak, 0);

	/* LI bits do not matter for the request. */
	p_request_full(&p, 0);
	p.b[0] = 0xe3;
	EXPECT_EQ(preq(&p), 0);
}

/* Every request-side rejection reason, each by a crafted packet. */
static void test_reject_request(void)
{
	static uint8_t big[KNTS_NTP_MAX_LEN + 8];
	struct pkt p;
	int i;

	p_request_full(&p, 0);
	EXPECT_EQ(preq(&p), 0);

	p.n = 47;
	EXPECT_EQ(preq(&p), -KNTS_EF_E_SHORT);
	EXPECT_EQ(knts_ef_parse_request(NULL, 0, &(struct knts_ef_req){ 0 }),
		  -KNTS_EF_E_SHORT);

	memcpy(big, req, req_len);
	EXPECT_EQ(knts_ef_parse_request(big, KNTS_NTP_MAX_LEN + 1,
					&(struct knts_ef_req){ 0 }),
		  -KNTS_EF_E_TOO_LONG);

	p_request_full(&p, 0);
	p.n += 2;
	EXPECT_EQ(preq(&p), -KNTS_EF_E_ALIGN);

	p_request_full(&p, 0);
	p.b[0] = 0x1b;		/* v3, mode 3 */
	EXPECT_EQ(preq(&p), -KNTS_EF_E_NOT_V4);
	p.b[0] = 0x24;
	EXPECT_EQ(preq(&p), -KNTS_EF_E_BAD_MODE);

	/* EF length: not a multiple of 4, under 16, past the end, zero. */
	p_request_full(&p, 0);
	knts_put_be16(p.b + 50, 34);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_EF_LEN);
	knts_put_be16(p.b + 50, 12);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_EF_LEN);
	knts_put_be16(p.b + 50, 0);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_EF_LEN);
	knts_put_be16(p.b + 50, 184);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_EF_LEN);
	/* A 4-byte tail (a crypto-NAK where an EF should be). */
	p_request(&p, 0);
	p.n += 4;
	EXPECT_EQ(preq(&p), -KNTS_EF_E_EF_LEN);

	/* Last EF of 16..24 bytes reads as a legacy MAC. */
	p_hdr(&p, 0x23);
	p_ef(&p, 0x0f00, 16, 0);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_LAST_EF_SHORT);
	p_request(&p, 0);
	p_ef(&p, 0x0f00, 24, 0);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_LAST_EF_SHORT);
	/* ... and a real MAC (key id 1, 16-byte digest) after NTS EFs. */
	p_request_full(&p, 0);
	p.n -= 40;
	p_ef_raw(&p, 0, 1, 20, 0x33);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_EF_LEN);

	/* Plain NTP, with or without non-NTS EFs or a bare UID. */
	p_hdr(&p, 0x23);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_NOT_NTS);
	p_ef(&p, 0xf323, 28, 0);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_NOT_NTS);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_NOT_NTS);

	p_hdr(&p, 0x23);
	p_ef(&p, KNTS_EF_COOKIE, 104, 0xc0);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_NO_UID);

	p_request(&p, 0);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_DUP_UID);

	p_hdr(&p, 0x23);
	p_ef(&p, KNTS_EF_UID, 32, 0x11);
	p_ef(&p, KNTS_EF_COOKIE, 104, 0xc0);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_UID_LEN);
	p_hdr(&p, 0x23);
	p_ef(&p, KNTS_EF_UID, 72, 0x11);
	p_ef(&p, KNTS_EF_COOKIE, 104, 0xc0);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_UID_LEN);

	p_hdr(&p, 0x23);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_ef(&p, KNTS_EF_PLACEHOLDER, 104, 0);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_NO_COOKIE);
	p_hdr(&p, 0x23);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_NO_COOKIE);

	p_request(&p, 0);
	p_ef(&p, KNTS_EF_COOKIE, 104, 0xc0);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_DUP_COOKIE);

	/* Placeholder shorter than the cookie; placeholders that disagree. */
	p_request(&p, 0);
	p_ef(&p, KNTS_EF_PLACEHOLDER, 100, 0);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_PLACEHOLDER_LEN);
	p_request(&p, 1);
	p_ef(&p, KNTS_EF_PLACEHOLDER, 108, 0);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_PLACEHOLDER_LEN);

	p_request(&p, 7);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), 0);
	p_request(&p, 8);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_TOO_MANY_PLACEHOLDERS);

	p_request(&p, 1);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_NO_AUTH);

	p_request_full(&p, 0);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_DUP_AUTH);

	p_request_full(&p, 0);
	p_ef(&p, 0x0f00, 28, 0);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_AUTH_NOT_LAST);
	p_request_full(&p, 0);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_AUTH_NOT_LAST);
	/* Even bytes that do not form an EF. */
	p_request_full(&p, 0);
	p.n += 4;
	EXPECT_EQ(preq(&p), -KNTS_EF_E_AUTH_NOT_LAST);

	/* Nonce longer than the EF body. */
	p_request(&p, 0);
	p_auth(&p, 40, 33, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_AUTH_LEN);
	p_request(&p, 0);
	p_auth(&p, 40, 0xffff, 0xffff);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_AUTH_LEN);

	/*
	 * N_REQ: a 12-byte nonce without padding is GCM-SIV's shape and
	 * passes here (aead.h holds SIV to 16 once the AEAD is known);
	 * 11 bytes padded to 12, and an empty nonce, do not.
	 */
	p_request(&p, 0);
	p_auth(&p, 36, 12, 16);
	EXPECT_EQ(preq(&p), 0);
	p_request(&p, 0);
	p_auth(&p, 36, 11, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_NONCE_LEN);
	p_request(&p, 0);
	p_auth(&p, 40, 0, 16);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_NONCE_LEN);
	p_request(&p, 0);
	p_auth(&p, 36, 9, 16);		/* pads to 12: still short */
	EXPECT_EQ(preq(&p), -KNTS_EF_E_NONCE_LEN);

	/* Ciphertext shorter than a tag, or past the end of the EF. */
	p_request(&p, 0);
	p_auth(&p, 40, 16, 12);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_CT_LEN);
	p_request(&p, 0);
	p_auth(&p, 40, 16, 17);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_CT_LEN);
	p_request(&p, 0);
	p_auth(&p, 40, 16, 0xfff0);
	EXPECT_EQ(preq(&p), -KNTS_EF_E_CT_LEN);

	/* The output is all zero after a failure. */
	{
		struct knts_ef_req r;
		const uint8_t *z = (const uint8_t *)&r;

		p_request(&p, 1);
		memset(&r, 0xff, sizeof(r));
		EXPECT_EQ(knts_ef_parse_request(p.b, p.n, &r),
			  -KNTS_EF_E_NO_AUTH);
		for (i = 0; i < (int)sizeof(r); i++)
			EXPECT_EQ(z[i], 0);
	}
}

static void test_reject_response(void)
{
	struct pkt p;

	p_hdr(&p, 0x24);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(presp(&p), 0);
	p.b[0] = 0x23;
	EXPECT_EQ(presp(&p), -KNTS_EF_E_BAD_MODE);
	p.b[0] = 0x1c;
	EXPECT_EQ(presp(&p), -KNTS_EF_E_NOT_V4);
	p.n = 20;
	EXPECT_EQ(presp(&p), -KNTS_EF_E_SHORT);

	p_hdr(&p, 0x24);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_ef(&p, KNTS_EF_COOKIE, 104, 0xc0);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(presp(&p), -KNTS_EF_E_COOKIE_IN_CLEAR);

	p_hdr(&p, 0x24);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_ef(&p, KNTS_EF_PLACEHOLDER, 104, 0);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(presp(&p), -KNTS_EF_E_PLACEHOLDER_IN_RESPONSE);

	p_hdr(&p, 0x24);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(presp(&p), -KNTS_EF_E_NO_UID);

	p_hdr(&p, 0x24);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(presp(&p), -KNTS_EF_E_DUP_UID);

	p_hdr(&p, 0x24);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	EXPECT_EQ(presp(&p), -KNTS_EF_E_NO_AUTH);

	p_hdr(&p, 0x24);
	EXPECT_EQ(presp(&p), -KNTS_EF_E_NOT_NTS);

	p_hdr(&p, 0x24);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_auth(&p, 40, 16, 16);
	p_ef(&p, 0x0f00, 28, 0);
	EXPECT_EQ(presp(&p), -KNTS_EF_E_AUTH_NOT_LAST);

	p_hdr(&p, 0x24);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_auth(&p, 40, 16, 16);
	p_auth(&p, 40, 16, 16);
	EXPECT_EQ(presp(&p), -KNTS_EF_E_DUP_AUTH);

	/* NAK without a UID is not a NAK anyone can match. */
	p_hdr(&p, 0xe4);
	p.b[1] = 0;
	knts_put_be32(p.b + 12, KNTS_NTP_KISS_NTSN);
	EXPECT_EQ(presp(&p), -KNTS_EF_E_NO_UID);
	/* NAK with a cookie is refused (RFC 8915 s5.7: MUST NOT). */
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	EXPECT_EQ(presp(&p), KNTS_EF_NAK);
	p_ef(&p, KNTS_EF_COOKIE, 104, 0);
	EXPECT_EQ(presp(&p), -KNTS_EF_E_COOKIE_IN_CLEAR);

	/* Response nonce is held to N_REQ too. */
	p_hdr(&p, 0x24);
	p_ef(&p, KNTS_EF_UID, 36, 0x11);
	p_auth(&p, 36, 8, 16);
	EXPECT_EQ(presp(&p), -KNTS_EF_E_NONCE_LEN);
}

static void test_reject_cookies(void)
{
	struct knts_ef_cookies c;
	struct pkt p;
	int i;

	memset(&p, 0, sizeof(p));
	EXPECT_EQ(pcookies(&p), -KNTS_EF_E_INNER_NO_COOKIE);
	EXPECT_EQ(knts_ef_parse_cookies(NULL, 0, &c),
		  -KNTS_EF_E_INNER_NO_COOKIE);
	p_ef(&p, 0x0f00, 8, 0);
	EXPECT_EQ(pcookies(&p), -KNTS_EF_E_INNER_NO_COOKIE);

	/* Inner EFs may be short: an 8-byte cookie EF is fine. */
	p_ef(&p, KNTS_EF_COOKIE, 8, 0xc1);
	EXPECT_EQ(knts_ef_parse_cookies(p.b, p.n, &c), 0);
	EXPECT_EQ(c.count, 1);
	EXPECT_EQ(c.len, 4);
	EXPECT_EQ(c.off[0], 12);
	EXPECT_EQ(c.n_unknown, 1);

	p.n = 6;
	EXPECT_EQ(pcookies(&p), -KNTS_EF_E_INNER_EF_LEN);
	memset(&p, 0, sizeof(p));
	p_ef_raw(&p, KNTS_EF_COOKIE, 2, 8, 0);
	EXPECT_EQ(pcookies(&p), -KNTS_EF_E_INNER_EF_LEN);
	memset(&p, 0, sizeof(p));
	p_ef_raw(&p, KNTS_EF_COOKIE, 0, 8, 0);
	EXPECT_EQ(pcookies(&p), -KNTS_EF_E_INNER_EF_LEN);
	memset(&p, 0, sizeof(p));
	p_ef_raw(&p, KNTS_EF_COOKIE, 10, 12, 0);
	EXPECT_EQ(pcookies(&p), -KNTS_EF_E_INNER_EF_LEN);
	memset(&p, 0, sizeof(p));
	p_ef_raw(&p, KNTS_EF_COOKIE, 108, 104, 0);
	EXPECT_EQ(pcookies(&p), -KNTS_EF_E_INNER_EF_LEN);

	memset(&p, 0, sizeof(p));
	p_ef(&p, KNTS_EF_COOKIE, 4, 0);
	EXPECT_EQ(pcookies(&p), -KNTS_EF_E_INNER_COOKIE_EMPTY);

	memset(&p, 0, sizeof(p));
	p_ef(&p, KNTS_EF_COOKIE, 104, 0);
	p_ef(&p, KNTS_EF_COOKIE, 100, 0);
	EXPECT_EQ(pcookies(&p), -KNTS_EF_E_INNER_COOKIE_LEN);

	memset(&p, 0, sizeof(p));
	for (i = 0; i < 8; i++)
		p_ef(&p, KNTS_EF_COOKIE, 104, i);
	EXPECT_EQ(knts_ef_parse_cookies(p.b, p.n, &c), 0);
	EXPECT_EQ(c.count, 8);
	p_ef(&p, KNTS_EF_COOKIE, 104, 8);
	EXPECT_EQ(knts_ef_parse_cookies(p.b, p.n, &c),
		  -KNTS_EF_E_INNER_TOO_MANY_COOKIES);
	EXPECT_EQ(c.count, 0);
}

/*
 * Every prefix of the real packets, each in a heap block of exactly that
 * size so ASan or valgrind flag any read past the end.
 */
static void test_truncation(void)
{
	long n;

	for (n = 0; n < req_len; n++) {
		uint8_t *b = calloc(1, n ? n : 1);
		struct knts_ef_req r;
		int ret;

		memcpy(b, req, n);
		ret = knts_ef_parse_request(b, n, &r);
		if (n < 48)
			EXPECT_EQ(ret, -KNTS_EF_E_SHORT);
		else if (n % 4)
			EXPECT_EQ(ret, -KNTS_EF_E_ALIGN);
		else
			EXPECT(ret < 0);
		free(b);
	}
	for (n = 0; n < resp_len; n++) {
		uint8_t *b = calloc(1, n ? n : 1);
		struct knts_ef_resp s;
		int ret;

		memcpy(b, resp, n);
		ret = knts_ef_parse_response(b, n, &s);
		EXPECT(ret < 0);
		free(b);
	}
	/* The plaintext parser on every prefix of a cookie list. */
	{
		struct pkt p;
		struct knts_ef_cookies c;

		memset(&p, 0, sizeof(p));
		p_ef(&p, KNTS_EF_COOKIE, 104, 1);
		p_ef(&p, KNTS_EF_COOKIE, 104, 2);
		for (n = 0; n < (long)p.n; n++) {
			uint8_t *b = calloc(1, n ? n : 1);
			int ret;

			memcpy(b, p.b, n);
			ret = knts_ef_parse_cookies(b, n, &c);
			if (n == 104)
				EXPECT_EQ(ret, 0);
			else
				EXPECT(ret < 0);
			free(b);
		}
	}
}

/* Each EF length field of the real packets moved by -4..+4. */
static void test_length_skew(void)
{
	static const struct {
		bool resp;
		unsigned int off;
		int d;
		int want;
	} skew4[] = {
		{ false, 48, -4, -KNTS_EF_E_UID_LEN },
		{ false, 48, 4, -KNTS_EF_E_EF_LEN },
		{ false, 84, -4, -KNTS_EF_E_EF_LEN },
		{ false, 84, 4, -KNTS_EF_E_EF_LEN },
		{ false, 188, -4, -KNTS_EF_E_CT_LEN },
		{ false, 188, 4, -KNTS_EF_E_EF_LEN },
		{ true, 48, -4, -KNTS_EF_E_UID_LEN },
		{ true, 48, 4, -KNTS_EF_E_EF_LEN },
		{ true, 84, -4, -KNTS_EF_E_CT_LEN },
		{ true, 84, 4, -KNTS_EF_E_EF_LEN },
	};
	static const unsigned int req_efs[] = { 48, 84, 188 };
	static const unsigned int resp_efs[] = { 48, 84 };
	uint8_t b[PKT_MAX];
	unsigned int i;
	int d;

	for (i = 0; i < 3; i++) {
		for (d = -3; d <= 3; d++) {
			struct knts_ef_req r;
			unsigned int off = req_efs[i];

			if (!d)
				continue;
			memcpy(b, req, req_len);
			knts_put_be16(b + off + 2, knts_get_be16(b + off + 2) + d);
			EXPECT_EQ(knts_ef_parse_request(b, req_len, &r),
				  -KNTS_EF_E_EF_LEN);
		}
	}
	for (i = 0; i < 2; i++) {
		for (d = -3; d <= 3; d++) {
			struct knts_ef_resp s;
			unsigned int off = resp_efs[i];

			if (!d)
				continue;
			memcpy(b, resp, resp_len);
			knts_put_be16(b + off + 2, knts_get_be16(b + off + 2) + d);
			EXPECT_EQ(knts_ef_parse_response(b, resp_len, &s),
				  -KNTS_EF_E_EF_LEN);
		}
	}
	for (i = 0; i < sizeof(skew4) / sizeof(skew4[0]); i++) {
		const uint8_t *src = skew4[i].resp ? resp : req;
		unsigned int off = skew4[i].off;
		struct knts_ef_req r;
		struct knts_ef_resp s;
		int ret;

		memcpy(b, src, req_len);
		knts_put_be16(b + off + 2,
			      knts_get_be16(b + off + 2) + skew4[i].d);
		if (skew4[i].resp)
			ret = knts_ef_parse_response(b, resp_len, &s);
		else
			ret = knts_ef_parse_request(b, req_len, &r);
		if (ret != skew4[i].want)
			fprintf(stderr, "# skew %s off %u d %d\n",
				skew4[i].resp ? "resp" : "req", off, skew4[i].d);
		EXPECT_EQ(ret, skew4[i].want);
	}
	/* Inner N_LEN and C_LEN of the request moved by -4..+4. */
	for (d = -4; d <= 4; d++) {
		struct knts_ef_req r;
		int ret;

		memcpy(b, req, req_len);
		knts_put_be16(b + 192, 16 + d);
		ret = knts_ef_parse_request(b, req_len, &r);
		/*
		 * Shorter nonces still meet N_REQ (13..15 pad to 16; 12 gains
		 * 4 bytes of Additional Padding): the shape is legal and only
		 * the MAC check can catch it. Longer ones push the tag out.
		 */
		EXPECT_EQ(ret, d > 0 ? -KNTS_EF_E_CT_LEN : 0);

		memcpy(b, req, req_len);
		knts_put_be16(b + 194, 16 + d);
		ret = knts_ef_parse_request(b, req_len, &r);
		EXPECT_EQ(ret, d ? -KNTS_EF_E_CT_LEN : 0);
	}
}

static void test_every_reason_seen(void)
{
	unsigned int i;

	for (i = 1; i < __KNTS_EF_E_MAX; i++) {
		if (!reason_seen[i])
			fprintf(stderr, "# reason %s never produced\n",
				knts_ef_reason_name(i));
		EXPECT(reason_seen[i]);
	}
}

int main(void)
{
	req_len = load_hex_file("vec_req.hex", req, sizeof(req));
	resp_len = load_hex_file("vec_resp.hex", resp, sizeof(resp));

	RUN(test_byte_helpers);
	RUN(test_reason_names);
	RUN(test_chrony_request);
	RUN(test_chrony_response);
	RUN(test_synthetic);
	RUN(test_real_nak);
	RUN(test_build_nak);
	RUN(test_sizes);
	RUN(test_builders);
	RUN(test_roundtrip_request);
	RUN(test_roundtrip_response);
	RUN(test_accepts);
	RUN(test_reject_request);
	RUN(test_reject_response);
	RUN(test_reject_cookies);
	RUN(test_truncation);
	RUN(test_length_skew);
	RUN(test_every_reason_seen);
	return unit_done();
}
