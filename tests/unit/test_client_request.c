// SPDX-License-Identifier: GPL-2.0
/*
 * The client role's request sizing (kmod/ef.c, run by the kernel's
 * LOCAL_OUT hook): placeholders refill the jar to 8, follow chrony's
 * 864-byte rule, and no request comes near the 1280 bytes IPv6 never
 * fragments. Also: every client counter has a name for ntsctl stats.
 */
#include <linux/knts.h>

#include "unit.h"
#include "ef.h"
#include "stat_names.h"

/* chrony 4.3 nts_ntp_client.c: cookies requested, minus the one sent. */
static unsigned int chrony_placeholders(unsigned int held, unsigned int len)
{
	unsigned int want = 8 - held + 1, fit = 8 * 108 / (len + 4);

	return (want < fit ? want : fit) - 1;
}

static void test_placeholders_match_chrony(void)
{
	unsigned int held, len;

	for (len = KNTS_ASSOC_COOKIE_MIN; len <= KNTS_ASSOC_COOKIE_MAX; len += 4)
		for (held = 1; held <= 8; held++)
			EXPECT_EQ(knts_ef_request_placeholders(held, len),
				  chrony_placeholders(held, len));
}

static void test_placeholders_refill(void)
{
	/* chrony's 100-byte cookies: all 7 fit, a full jar asks for none. */
	EXPECT_EQ(knts_ef_request_placeholders(8, 100), 0);
	EXPECT_EQ(knts_ef_request_placeholders(4, 100), 4);
	EXPECT_EQ(knts_ef_request_placeholders(1, 100), 7);
	/* AEAD 17 cookies (164 bytes): 5 cookies of 168 fit in 864 bytes. */
	EXPECT_EQ(knts_ef_request_placeholders(1, 164), 4);
	EXPECT_EQ(knts_ef_request_placeholders(1, 256), 2);
	/* Nonsense in, nothing out. */
	EXPECT_EQ(knts_ef_request_placeholders(0, 100), 0);
	EXPECT_EQ(knts_ef_request_placeholders(9, 100), 0);
	EXPECT_EQ(knts_ef_request_placeholders(1, 900), 0);
}

static void test_requests_never_fragment(void)
{
	unsigned int held, len, p, worst = 0;

	for (len = KNTS_ASSOC_COOKIE_MIN; len <= KNTS_ASSOC_COOKIE_MAX; len += 4) {
		for (held = 1; held <= 8; held++) {
			unsigned int n;

			p = knts_ef_request_placeholders(held, len);
			n = knts_ef_request_len(32, len, p);
			EXPECT(n > 0);
			EXPECT((1 + p) * (len + 4) <= 8 * 108);
			if (n > worst)
				worst = n;
		}
	}
	/* IPv6 40 + UDP 8 + NTP: well under 1280. */
	EXPECT(worst + 48 <= 1100);
	EXPECT_EQ(knts_ef_request_len(32, 100, 0), 228);
	EXPECT_EQ(knts_ef_request_len(32, 100, 4), 644);
}

static void test_every_counter_named(void)
{
	unsigned int i, j;

	for (i = KNTS_STAT_PAD + 1; i < __KNTS_STAT_MAX; i++) {
		EXPECT(knts_stat_name(i) != NULL);
		for (j = KNTS_STAT_PAD + 1; j < i; j++)
			if (knts_stat_name(i) && knts_stat_name(j))
				EXPECT(strcmp(knts_stat_name(i), knts_stat_name(j)));
	}
	EXPECT(!strcmp(knts_stat_name(KNTS_STAT_CLI_REPLY_VERIFIED),
		       "cli_reply_verified"));
	EXPECT(knts_stat_name(__KNTS_STAT_MAX) == NULL);
}

int main(void)
{
	RUN(test_placeholders_match_chrony);
	RUN(test_placeholders_refill);
	RUN(test_requests_never_fragment);
	RUN(test_every_counter_named);
	return unit_done();
}
