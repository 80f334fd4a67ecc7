// SPDX-License-Identifier: GPL-2.0
/*
 * Per-address NTS-KE admission (userspace/ntskd/ke_ratelimit.c): the keyed
 * hash against the SipHash paper's vector, the token bucket's rate and
 * burst, the per-address connection cap, IPv6 grouped by /64, IPv4
 * addresses apart, and a full hash bucket that fails open and is counted.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "unit.h"
#include "sockaddr_text.h"
#include "ke_ratelimit.h"

static const uint8_t key[16] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
};

static enum ntskd_ke_rl_verdict admit(struct ntskd_ke_rl *rl, const char *a,
				      uint64_t now, int *slot)
{
	struct sockaddr_storage ss = sockaddr_text(a);
	int dummy;

	return ntskd_ke_rl_admit(rl, (struct sockaddr *)&ss, now,
				 slot ? slot : &dummy);
}

static void test_siphash_vector(void)
{
	uint8_t msg[64];
	unsigned int i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	/* SipHash-2-4 paper, appendix A: 15 bytes 00..0e */
	EXPECT(ntskd_siphash(key, msg, 15) == 0xa129ca6149be45e5ull);
	/* vectors.h of the reference code: empty and 8 bytes */
	EXPECT(ntskd_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ull);
	EXPECT(ntskd_siphash(key, msg, 8) == 0x93f5f5799a932462ull);
}

/* rate 1/s, burst 3: three at once, then one a second */
static void test_bucket(void)
{
	struct ntskd_ke_rl *rl = ntskd_ke_rl_new(1000, 3, 100, key);
	int i;

	EXPECT(rl != NULL);
	if (!rl)
		return;
	for (i = 0; i < 3; i++)
		EXPECT_EQ(admit(rl, "192.0.2.1", 1000, NULL), NTSKD_KE_RL_PASS);
	EXPECT_EQ(admit(rl, "192.0.2.1", 1000, NULL), NTSKD_KE_RL_RATE);
	EXPECT_EQ(admit(rl, "192.0.2.1", 1999, NULL), NTSKD_KE_RL_RATE);
	EXPECT_EQ(admit(rl, "192.0.2.1", 2000, NULL), NTSKD_KE_RL_PASS);
	EXPECT_EQ(admit(rl, "192.0.2.1", 2000, NULL), NTSKD_KE_RL_RATE);
	/* another IPv4 address has its own bucket */
	EXPECT_EQ(admit(rl, "192.0.2.2", 2000, NULL), NTSKD_KE_RL_PASS);
	/* a long pause refills to the burst, not beyond */
	for (i = 0; i < 3; i++)
		EXPECT_EQ(admit(rl, "192.0.2.1", 999999999999ull, NULL),
			  NTSKD_KE_RL_PASS);
	EXPECT_EQ(admit(rl, "192.0.2.1", 999999999999ull, NULL), NTSKD_KE_RL_RATE);
	EXPECT_EQ(ntskd_ke_rl_stats(rl)->refused_rate, 4);
	EXPECT_EQ(ntskd_ke_rl_stats(rl)->passed, 8);
	ntskd_ke_rl_free(rl);
}

/* 0.5/s: fractional rates refill in thousandths */
static void test_slow_rate(void)
{
	struct ntskd_ke_rl *rl = ntskd_ke_rl_new(500, 1, 100, key);

	EXPECT_EQ(admit(rl, "198.51.100.7", 0, NULL), NTSKD_KE_RL_PASS);
	EXPECT_EQ(admit(rl, "198.51.100.7", 1000, NULL), NTSKD_KE_RL_RATE);
	EXPECT_EQ(admit(rl, "198.51.100.7", 1999, NULL), NTSKD_KE_RL_RATE);
	EXPECT_EQ(admit(rl, "198.51.100.7", 2000, NULL), NTSKD_KE_RL_PASS);
	ntskd_ke_rl_free(rl);
}

/* max-conns 2: the third open connection is refused until one closes */
static void test_max_conns(void)
{
	struct ntskd_ke_rl *rl = ntskd_ke_rl_new(1000000, 100, 2, key);
	int a, b, c;

	EXPECT_EQ(admit(rl, "203.0.113.5", 0, &a), NTSKD_KE_RL_PASS);
	EXPECT_EQ(admit(rl, "203.0.113.5", 0, &b), NTSKD_KE_RL_PASS);
	EXPECT(a >= 0 && a == b);
	EXPECT_EQ(admit(rl, "203.0.113.5", 0, &c), NTSKD_KE_RL_CONNS);
	EXPECT_EQ(c, NTSKD_KE_RL_UNTRACKED);
	ntskd_ke_rl_release(rl, a);
	EXPECT_EQ(admit(rl, "203.0.113.5", 0, &c), NTSKD_KE_RL_PASS);
	EXPECT_EQ(admit(rl, "203.0.113.6", 0, NULL), NTSKD_KE_RL_PASS);
	EXPECT_EQ(ntskd_ke_rl_stats(rl)->refused_conns, 1);
	ntskd_ke_rl_release(rl, NTSKD_KE_RL_UNTRACKED);	/* harmless */
	ntskd_ke_rl_free(rl);
}

/* IPv6: one /64 is one client; the next /64 is another */
static void test_ipv6_prefix(void)
{
	struct ntskd_ke_rl *rl = ntskd_ke_rl_new(1, 2, 100, key);

	EXPECT_EQ(admit(rl, "2001:db8:1:2::1", 0, NULL), NTSKD_KE_RL_PASS);
	EXPECT_EQ(admit(rl, "2001:db8:1:2:ffff:ffff:ffff:ffff", 0, NULL),
		  NTSKD_KE_RL_PASS);
	EXPECT_EQ(admit(rl, "2001:db8:1:2:1234::99", 0, NULL), NTSKD_KE_RL_RATE);
	EXPECT_EQ(admit(rl, "2001:db8:1:3::1", 0, NULL), NTSKD_KE_RL_PASS);
	/* an IPv4-mapped address is the IPv4 client */
	EXPECT_EQ(admit(rl, "192.0.2.9", 0, NULL), NTSKD_KE_RL_PASS);
	EXPECT_EQ(admit(rl, "::ffff:192.0.2.9", 0, NULL), NTSKD_KE_RL_PASS);
	EXPECT_EQ(admit(rl, "192.0.2.9", 0, NULL), NTSKD_KE_RL_RATE);
	ntskd_ke_rl_free(rl);
}

/*
 * More open groups than slots: the table never grows, groups with nothing
 * open are recycled, and when a bucket is all busy the newcomer is let in
 * untracked (counted) rather than refused.
 */
static void test_table_bounded(void)
{
	struct ntskd_ke_rl *rl = ntskd_ke_rl_new(1, 1, 1, key);
	unsigned int i, passed = 0, untracked = 0;
	char a[64];
	int slot;

	for (i = 0; i < 4 * NTSKD_KE_RL_SLOTS; i++) {
		snprintf(a, sizeof(a), "10.%u.%u.%u", i >> 16 & 255, i >> 8 & 255, i & 255);
		if (admit(rl, a, 0, &slot) == NTSKD_KE_RL_PASS) {
			passed++;
			untracked += slot == NTSKD_KE_RL_UNTRACKED;
		}
	}
	/* every newcomer gets in: a slot while there is one, untracked after */
	EXPECT_EQ(passed, 4 * NTSKD_KE_RL_SLOTS);
	EXPECT_EQ(untracked, 3 * NTSKD_KE_RL_SLOTS);
	EXPECT_EQ(ntskd_ke_rl_stats(rl)->untracked, 3 * NTSKD_KE_RL_SLOTS);
	ntskd_ke_rl_free(rl);

	/* with nothing open, old groups make room for new ones */
	rl = ntskd_ke_rl_new(1, 1, 1, key);
	for (i = 0; i < 4 * NTSKD_KE_RL_SLOTS; i++) {
		snprintf(a, sizeof(a), "10.%u.%u.%u", i >> 16 & 255, i >> 8 & 255, i & 255);
		admit(rl, a, i, &slot);
		EXPECT(slot >= 0);
		ntskd_ke_rl_release(rl, slot);
	}
	EXPECT_EQ(ntskd_ke_rl_stats(rl)->untracked, 0);
	ntskd_ke_rl_free(rl);
}

static void test_bad_args(void)
{
	EXPECT(ntskd_ke_rl_new(0, 1, 1, key) == NULL);
	EXPECT(ntskd_ke_rl_new(1, 0, 1, key) == NULL);
	EXPECT(ntskd_ke_rl_new(1, 1, 0, key) == NULL);
}

int main(void)
{
	RUN(test_siphash_vector);
	RUN(test_bucket);
	RUN(test_slow_rate);
	RUN(test_max_conns);
	RUN(test_ipv6_prefix);
	RUN(test_table_bounded);
	RUN(test_bad_args);
	return unit_done();
}
