// SPDX-License-Identifier: GPL-2.0
/*
 * ntsload's reply verification and latency figures (pool.c, hist.c):
 * the recorded chrony 4.3 reply is matched to its request through the
 * pool and verified, then broken; replies made with the SIV code, NAKs,
 * strays, duplicates; the histogram's percentiles.
 */
#include <errno.h>

#include "unit.h"
#include "ef.h"
#include "ntp.h"
#include "siv.h"
#include "../../userspace/tools/ntsload/hist.h"
#include "../../userspace/tools/ntsload/pool.h"

static const char *c2s_hex =
	"52ad3b6e86e8fabb2cab8c7af26b740cde546544acc194691884062f1f66e2ca";
static const char *s2c_hex =
	"8792c3b9925bf606eac3cb7db710a9de74f74e09534317a70e75e69068a6b2d6";

static u8 req[256], resp[256];
static size_t req_len, resp_len;
static struct knts_ke_result ke;

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

/* A KE result as chrony's session gave it: its keys and its cookie x 8 */
static void fake_ke(void)
{
	size_t i;

	memset(&ke, 0, sizeof(ke));
	ke.aead = 15;
	ke.key_len = 32;
	hex(c2s_hex, ke.c2s, 32);
	hex(s2c_hex, ke.s2c, 32);
	ke.n_cookies = 8;
	for (i = 0; i < 8; i++) {
		ke.cookie_len[i] = 100;
		memcpy(ke.cookie[i], req + 88, 100);
	}
}

static void sent(struct pool *p, size_t i, uint64_t ns)
{
	p->slot[i].outstanding = true;
	p->slot[i].sent_ns = ns;
}

static void test_plain_pool(void)
{
	struct pool_cfg cfg = { .n = 100, .fixed_salt = true,
				.salt = 0xdeadbeef00000000ull | 0x1234 };
	struct knts_ntsc_info info;
	struct pool p;
	u8 rep[48];
	uint64_t lat;
	long slot;
	size_t i;

	EXPECT_EQ(pool_init(&p, &cfg), 0);
	EXPECT(!p.nts);
	EXPECT_EQ(p.len, 48);
	for (i = 0; i < p.n; i++) {
		EXPECT_EQ(pool_lookup(&p, pool_tx(&p, i)), (long)i);
		EXPECT_EQ(knts_get_be64(pool_pkt(&p, i) + 40), pool_tx(&p, i));
		EXPECT_EQ(pool_pkt(&p, i)[0], 0x23);
	}
	EXPECT_EQ(pool_lookup(&p, 0xdeadbeef00000000ull | (100 ^ 0x1234)), -1);
	EXPECT_EQ(pool_lookup(&p, 0xdeadbeee00000000ull | 0x1234), -1);

	memset(rep, 0, sizeof(rep));
	rep[0] = 0x24;
	rep[1] = 3;
	knts_put_be64(rep + 24, pool_tx(&p, 7));
	EXPECT_EQ(pool_check(&p, rep, 48, 5000, &slot, &lat, &info), POOL_E_LATE);
	sent(&p, 7, 1000);
	EXPECT_EQ(pool_check(&p, rep, 48, 5000, &slot, &lat, &info), KNTS_NTSC_OK);
	EXPECT_EQ(slot, 7);
	EXPECT_EQ(lat, 4000);
	EXPECT_EQ(pool_check(&p, rep, 48, 6000, &slot, &lat, &info), POOL_E_LATE);
	/* an unsynchronised server's answer is timed like any other */
	rep[0] = 0xe4;
	rep[1] = 0;
	memcpy(rep + 12, "INIT", 4);
	knts_put_be64(rep + 24, pool_tx(&p, 8));
	sent(&p, 8, 1000);
	EXPECT_EQ(pool_check(&p, rep, 48, 3000, &slot, &lat, &info), KNTS_NTSC_UNSYNC);
	EXPECT_EQ(lat, 2000);
	knts_put_be64(rep + 24, 12345);
	EXPECT_EQ(pool_check(&p, rep, 48, 6000, &slot, &lat, &info), POOL_E_UNKNOWN);
	EXPECT_EQ(slot, -1);
	pool_free(&p);
}

static void test_nts_pool_requests(void)
{
	struct pool_cfg cfg = { .n = 64, .ke = &ke, .placeholders = 2 };
	struct knts_ef_req r;
	struct pool p;
	size_t i;

	EXPECT_EQ(pool_init(&p, &cfg), 0);
	EXPECT(p.nts);
	EXPECT_EQ(p.len, 48 + 36 + 3 * 104 + 40);
	for (i = 0; i < p.n; i++) {
		const u8 *pkt = pool_pkt(&p, i);
		struct knts_siv_ad ad[2];

		EXPECT_EQ(knts_ef_parse_request(pkt, p.len, &r), 0);
		EXPECT_EQ(r.n_placeholders, 2);
		EXPECT_EQ(knts_get_be64(pkt + 40), pool_tx(&p, i));
		/* every request has its own UID */
		if (i)
			EXPECT(memcmp(pkt + 52, pool_pkt(&p, i - 1) + 52, 32));
		/* and a tag that verifies under C2S */
		ad[0].data = pkt;
		ad[0].len = r.auth.off;
		ad[1].data = pkt + r.auth.nonce_off;
		ad[1].len = 16;
		EXPECT_EQ(knts_siv_open(ke.c2s, 32, ad, 2, pkt + r.auth.ct_off,
					NULL, 0, NULL), 0);
	}
	pool_free(&p);

	cfg.placeholders = 8;
	EXPECT_EQ(pool_init(&p, &cfg), -EINVAL);
	cfg.placeholders = 0;
	cfg.n = 0;
	EXPECT_EQ(pool_init(&p, &cfg), -EINVAL);
}

static void test_recorded_reply(void)
{
	/* a pool whose slot 0 is chrony's recorded request */
	struct pool_cfg cfg = { .n = 16, .ke = &ke, .fixed_salt = true,
				.salt = knts_get_be64(req + 40) };
	struct knts_ntsc_info info;
	struct pool p;
	uint64_t lat;
	long slot;

	EXPECT_EQ(pool_init(&p, &cfg), 0);
	EXPECT_EQ(pool_tx(&p, 0), knts_get_be64(req + 40));
	memcpy(pool_pkt(&p, 0) + 52, req + 52, 32);	/* its UID */

	sent(&p, 0, 1000);
	EXPECT_EQ(pool_check(&p, resp, resp_len, 51000, &slot, &lat, &info),
		  KNTS_NTSC_OK);
	EXPECT_EQ(slot, 0);
	EXPECT_EQ(lat, 50000);
	EXPECT_EQ(info.n_cookies, 1);
	/* the same reply again: a duplicate (or a replay) */
	EXPECT_EQ(pool_check(&p, resp, resp_len, 52000, &slot, &lat, &info),
		  POOL_E_LATE);

	/* broken in the ciphertext, the nonce, the header, the UID */
	{
		static const struct { size_t byte; int v; } hits[] = {
			{ 200, KNTS_NTSC_E_AUTH }, { 100, KNTS_NTSC_E_AUTH },
			{ 17, KNTS_NTSC_E_AUTH }, { 60, KNTS_NTSC_E_UID },
			{ 30, POOL_E_UNKNOWN },
		};
		size_t i;

		for (i = 0; i < sizeof(hits) / sizeof(hits[0]); i++) {
			sent(&p, 0, 1000);
			resp[hits[i].byte] ^= 0x10;
			EXPECT_EQ(pool_check(&p, resp, resp_len, 2000, &slot, &lat,
					     &info), hits[i].v);
			resp[hits[i].byte] ^= 0x10;
			EXPECT_EQ(lat, 0);
		}
	}
	/* under the wrong key (as if KE had given other keys) */
	{
		struct knts_siv_key *good = p.s2c;
		u8 bad[32];

		memcpy(bad, ke.s2c, 32);
		bad[0] ^= 1;
		p.s2c = knts_siv_key_new(bad, 32);
		sent(&p, 0, 1000);
		EXPECT_EQ(pool_check(&p, resp, resp_len, 2000, &slot, &lat, &info),
			  KNTS_NTSC_E_AUTH);
		knts_siv_key_free(p.s2c);
		p.s2c = good;
	}
	/* the answered request is no longer outstanding */
	EXPECT(!p.slot[0].outstanding);
	pool_free(&p);
}

static size_t make_reply(u8 *out, const struct pool *p, size_t i)
{
	static const u8 nonce[16] = "0123456789abcdef";
	u8 pt[256], body[100];
	struct knts_siv_ad ad[2];
	size_t off, pl;
	int ct;

	memset(body, 0x33, sizeof(body));
	pl = (size_t)knts_ef_put_cookie(pt, sizeof(pt), body, 100);
	memset(out, 0, 48);
	out[0] = 0x24;
	out[1] = 2;
	knts_put_be64(out + 24, pool_tx(p, i));
	off = 48 + (size_t)knts_ef_put_uid(out + 48, 64, pool_pkt(p, i) + 52, 32);
	ct = knts_ef_put_auth(out + off, 512, nonce, 16, 16 + (u32)pl);
	ad[0].data = out;
	ad[0].len = off;
	ad[1].data = nonce;
	ad[1].len = 16;
	if (ct < 0 || knts_siv_seal(ke.s2c, 32, ad, 2, pt, pl, out + off + ct,
				    out + off + ct + 16))
		return 0;
	return off + knts_ef_auth_len(16, 16 + (u32)pl);
}

static void test_made_replies_and_naks(void)
{
	struct pool_cfg cfg = { .n = 32, .ke = &ke };
	struct knts_ntsc_info info;
	struct knts_ef_req r;
	struct pool p;
	u8 rep[512];
	uint64_t lat;
	size_t n;
	long slot;
	int len;

	EXPECT_EQ(pool_init(&p, &cfg), 0);
	n = make_reply(rep, &p, 5);
	EXPECT_EQ(n, 228);
	sent(&p, 5, 10);
	EXPECT_EQ(pool_check(&p, rep, n, 110, &slot, &lat, &info), KNTS_NTSC_OK);
	EXPECT_EQ(slot, 5);
	EXPECT_EQ(lat, 100);

	/* slot 6's reply carrying slot 5's UID */
	n = make_reply(rep, &p, 5);
	knts_put_be64(rep + 24, pool_tx(&p, 6));
	sent(&p, 6, 10);
	EXPECT_EQ(pool_check(&p, rep, n, 110, &slot, &lat, &info), KNTS_NTSC_E_UID);

	/* a NAK, as chrony or the knts server would build it */
	EXPECT_EQ(knts_ef_parse_request(pool_pkt(&p, 9), p.len, &r), 0);
	len = knts_ef_build_nak(rep, sizeof(rep), pool_pkt(&p, 9), p.len, &r);
	EXPECT_EQ(len, 84);
	sent(&p, 9, 10);
	EXPECT_EQ(pool_check(&p, rep, (size_t)len, 20, &slot, &lat, &info),
		  KNTS_NTSC_NAK);
	EXPECT_EQ(slot, 9);
	/* a NAK aimed at slot 10 with slot 9's UID: a forgery */
	knts_put_be64(rep + 24, pool_tx(&p, 10));
	sent(&p, 10, 10);
	EXPECT_EQ(pool_check(&p, rep, (size_t)len, 20, &slot, &lat, &info),
		  KNTS_NTSC_E_UID);
	/* too short to hold an origin timestamp */
	EXPECT_EQ(pool_check(&p, rep, 40, 20, &slot, &lat, &info),
		  KNTS_NTSC_E_SHORT);
	pool_free(&p);
}

static void test_hist(void)
{
	static struct hist h, h2;
	uint64_t v, q;

	EXPECT_EQ(hist_quantile(&h, 0.5), 0);
	hist_add(&h, 12345);
	EXPECT_EQ(hist_quantile(&h, 0.5), 12345);	/* capped at the max */
	memset(&h, 0, sizeof(h));
	for (v = 1; v <= 1000; v++)
		hist_add(&h, v * 1000);		/* 1 us .. 1 ms */
	EXPECT_EQ(h.count, 1000);
	EXPECT_EQ(h.max, 1000000);
	q = hist_quantile(&h, 0.5);
	EXPECT(q >= 500000 && q <= 500000 * 1.02);
	q = hist_quantile(&h, 0.9);
	EXPECT(q >= 900000 && q <= 900000 * 1.02);
	q = hist_quantile(&h, 0.99);
	EXPECT(q >= 990000 && q <= 1000000);
	EXPECT_EQ(hist_quantile(&h, 1.0), 1000000);
	/* small values are exact; huge ones land in the last bucket */
	memset(&h2, 0, sizeof(h2));
	hist_add(&h2, 3);
	hist_add(&h2, 63);
	hist_add(&h2, 64);
	EXPECT_EQ(hist_quantile(&h2, 0.0), 3);
	EXPECT_EQ(hist_quantile(&h2, 0.5), 63);
	hist_add(&h2, UINT64_MAX / 2);
	EXPECT_EQ(hist_quantile(&h2, 1.0), UINT64_MAX / 2);
	hist_merge(&h2, &h);
	EXPECT_EQ(h2.count, 1004);
	EXPECT_EQ(h2.max, UINT64_MAX / 2);
}

int main(void)
{
	req_len = load("vec_req.hex", req, sizeof(req));
	resp_len = load("vec_resp.hex", resp, sizeof(resp));
	fake_ke();
	RUN(test_plain_pool);
	RUN(test_nts_pool_requests);
	RUN(test_recorded_reply);
	RUN(test_made_replies_and_naks);
	RUN(test_hist);
	return unit_done();
}
