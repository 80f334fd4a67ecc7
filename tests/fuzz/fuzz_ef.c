// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the NTS extension field codec (kmod/ef.c, the same
 * file the module runs). The input goes to all three parsers; ASan/UBSan
 * catch out-of-bounds reads, and on success the reported offsets are
 * checked against the buffer and against each other: abort() on any
 * violation. Accepted requests are also fed to the NAK builder, and
 * accepted shapes are rebuilt with the builders and must parse again.
 *
 * The input is copied into a heap block of exactly its size so that a
 * read one byte past the end is a finding.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ef.h"
#include "ntp.h"

#define CHECK(c)		\
	do {			\
		if (!(c))	\
			abort();\
	} while (0)

/* [off, off + len) lies inside [lo, hi). */
static int inside(uint64_t off, uint64_t len, uint64_t lo, uint64_t hi)
{
	return off >= lo && off + len <= hi;
}

static void check_auth(const struct knts_ef_auth *a, size_t size)
{
	CHECK(a->off >= KNTS_NTP_HDR_LEN);	/* AD holds at least the header */
	CHECK(a->off < size);
	CHECK(a->off % 4 == 0);
	CHECK(a->len >= KNTS_EF_MIN_LEN && a->len % 4 == 0);
	/* Nothing after the authenticator. */
	CHECK(a->off + a->len == size);
	CHECK(a->nonce_len >= 1);
	CHECK(a->nonce_off == a->off + 8);
	CHECK(a->ct_len >= KNTS_EF_TAG_LEN);
	CHECK(a->ct_off == a->nonce_off + knts_pad4(a->nonce_len));
	CHECK(inside(a->nonce_off, a->nonce_len, a->off + 8, a->off + a->len));
	CHECK(inside(a->ct_off, a->ct_len, a->ct_off, a->off + a->len));
	/*
	 * N_REQ: padded nonce plus Additional Padding >= 16, or >= 12 for
	 * a 12-byte (GCM-SIV) nonce; knts_ef_auth_room() says the same.
	 */
	CHECK(a->off + a->len - a->ct_off - knts_pad4(a->ct_len) +
	      knts_pad4(a->nonce_len) >= (a->nonce_len == KNTS_EF_N_REQ_GCM ?
					  KNTS_EF_N_REQ_GCM : KNTS_EF_N_REQ));
	CHECK(knts_ef_auth_room(a) == a->off + a->len - a->ct_off -
	      knts_pad4(a->ct_len) + knts_pad4(a->nonce_len));
}

static void check_uid(uint32_t off, uint32_t len, const struct knts_ef_auth *a,
		      size_t size)
{
	CHECK(len >= KNTS_EF_UID_MIN && len <= KNTS_EF_UID_MAX);
	CHECK(off >= KNTS_NTP_HDR_LEN + KNTS_EF_HDR_LEN);
	/* The UID is authenticated: inside the associated data. */
	CHECK(inside(off, len, 0, a->len ? a->off : size));
}

static void fuzz_request(const uint8_t *p, size_t size)
{
	struct knts_ef_req r;
	uint8_t nak[KNTS_NTP_HDR_LEN + 4 + KNTS_EF_UID_MAX];
	struct knts_ef_resp s;
	int ret, n;

	ret = knts_ef_parse_request(p, size, &r);
	CHECK(ret <= 0 && ret > -__KNTS_EF_E_MAX);
	CHECK(strcmp(knts_ef_reason_name(-ret), "unknown"));
	if (ret) {
		static const struct knts_ef_req zero;

		CHECK(!memcmp(&r, &zero, sizeof(r)));
		return;
	}
	check_auth(&r.auth, size);
	check_uid(r.uid_off, r.uid_len, &r.auth, size);
	CHECK(r.cookie_len >= KNTS_EF_MIN_LEN - KNTS_EF_HDR_LEN);
	CHECK(inside(r.cookie_off, r.cookie_len, KNTS_NTP_HDR_LEN, r.auth.off));
	CHECK(r.n_placeholders <= KNTS_EF_MAX_PLACEHOLDERS);
	/* Each EF is at least 16 bytes: the count is bounded by the size. */
	CHECK((3 + r.n_placeholders + r.n_unknown) * KNTS_EF_MIN_LEN +
	      KNTS_NTP_HDR_LEN <= size);
	CHECK(knts_ef_response_cookies(size, &r, r.cookie_len) <=
	      1 + r.n_placeholders);

	/* A NAK for any accepted request parses back as a NAK. */
	n = knts_ef_build_nak(nak, sizeof(nak), p, size, &r);
	CHECK(n == (int)(KNTS_NTP_HDR_LEN + 4 + r.uid_len));
	CHECK(knts_ef_parse_response(nak, n, &s) == KNTS_EF_NAK);
	CHECK(s.nak && s.uid_off == 52 && s.uid_len == r.uid_len);
	CHECK(!memcmp(nak + 52, p + r.uid_off, r.uid_len));
	CHECK(!memcmp(nak + KNTS_NTP_OFF_ORIGIN, p + KNTS_NTP_OFF_TX, 8));
}

/* Rebuild the accepted response in the knts shape and parse it again. */
static void rebuild_response(const uint8_t *p, const struct knts_ef_resp *s)
{
	static uint8_t b[KNTS_NTP_MAX_LEN];
	struct knts_ef_resp t;
	size_t n = KNTS_NTP_HDR_LEN;
	int ret;

	memcpy(b, p, KNTS_NTP_HDR_LEN);
	ret = knts_ef_put_uid(b + n, sizeof(b) - n, p + s->uid_off,
			      s->uid_len);
	CHECK(ret == (int)(4 + s->uid_len));
	n += ret;
	if (s->auth.nonce_len < KNTS_EF_N_REQ)
		return;
	ret = knts_ef_put_auth(b + n, sizeof(b) - n, p + s->auth.nonce_off,
			       s->auth.nonce_len, s->auth.ct_len);
	if (ret < 0) {
		CHECK(ret == -ENOSPC || ret == -EINVAL);
		return;
	}
	memcpy(b + n + ret, p + s->auth.ct_off, s->auth.ct_len);
	n += knts_ef_auth_len(s->auth.nonce_len, s->auth.ct_len);
	CHECK(knts_ef_parse_response(b, n, &t) == 0);
	CHECK(t.auth.off == KNTS_NTP_HDR_LEN + 4 + s->uid_len);
	CHECK(t.auth.ct_len == s->auth.ct_len);
	CHECK(!memcmp(b + t.auth.ct_off, p + s->auth.ct_off, s->auth.ct_len));
}

static void fuzz_response(const uint8_t *p, size_t size)
{
	struct knts_ef_resp s;
	int ret;

	ret = knts_ef_parse_response(p, size, &s);
	CHECK(ret <= KNTS_EF_NAK && ret > -__KNTS_EF_E_MAX);
	if (ret < 0) {
		static const struct knts_ef_resp zero;

		CHECK(!memcmp(&s, &zero, sizeof(s)));
		return;
	}
	CHECK(s.nak == (ret == KNTS_EF_NAK));
	if (s.nak) {
		CHECK(s.auth.len == 0 && s.auth.off == 0);
		CHECK(p[KNTS_NTP_OFF_STRATUM] == 0);
		CHECK(knts_get_be32(p + KNTS_NTP_OFF_REFID) ==
		      KNTS_NTP_KISS_NTSN);
		check_uid(s.uid_off, s.uid_len, &s.auth, size);
		return;
	}
	check_auth(&s.auth, size);
	check_uid(s.uid_off, s.uid_len, &s.auth, size);
	rebuild_response(p, &s);
}

static void fuzz_cookies(const uint8_t *p, size_t size)
{
	struct knts_ef_cookies c;
	uint32_t i;
	int ret;

	ret = knts_ef_parse_cookies(p, size, &c);
	CHECK(ret <= 0 && ret > -__KNTS_EF_E_MAX);
	if (ret)
		return;
	CHECK(c.count >= 1 && c.count <= KNTS_EF_MAX_COOKIES);
	CHECK(c.len >= 1);
	for (i = 0; i < c.count; i++) {
		CHECK(c.off[i] >= KNTS_EF_HDR_LEN);
		CHECK(inside(c.off[i], c.len, 0, size));
		CHECK(knts_get_be16(p + c.off[i] - 4) == KNTS_EF_COOKIE);
		CHECK(knts_get_be16(p + c.off[i] - 2) == 4 + c.len);
		if (i)
			CHECK(c.off[i] >= c.off[i - 1] + c.len + 4);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);

	if (!p)
		return 0;
	memcpy(p, data, size);
	fuzz_request(p, size);
	fuzz_response(p, size);
	fuzz_cookies(p, size);
	/* The plaintext parser also sees what follows a 48-byte header. */
	if (size > KNTS_NTP_HDR_LEN)
		fuzz_cookies(p + KNTS_NTP_HDR_LEN, size - KNTS_NTP_HDR_LEN);
	free(p);
	return 0;
}
