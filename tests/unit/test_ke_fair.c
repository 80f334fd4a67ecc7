// SPDX-License-Identifier: GPL-2.0
/*
 * Fair shares of the NTS-KE slots (userspace/ntskd/ke_fair.c): who is
 * closed for a newcomer when every slot is taken. The case that failed
 * before it existed: one address holding every slot with connections
 * younger than the eviction time kept a client from any other address out
 * (test_ke_abuse's hold case, about 2 runs in 3).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "unit.h"
#include "ke_fair.h"

#define N	128
#define QUIET	300

static const uint8_t key[16] = { 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

static struct ntskd_ke_group group(const char *text)
{
	struct sockaddr_storage ss;
	struct ntskd_ke_group g;

	memset(&ss, 0, sizeof(ss));
	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6 = (void *)&ss;

		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, text, &s6->sin6_addr);
	} else {
		struct sockaddr_in *s4 = (void *)&ss;

		s4->sin_family = AF_INET;
		inet_pton(AF_INET, text, &s4->sin_addr);
	}
	ntskd_ke_group_of((struct sockaddr *)&ss, key, &g);
	return g;
}

static struct ntskd_ke_group groups[N];
static struct ntskd_ke_fair_conn conns[N];

/* Slot i: group g[i], heard at t[i]. */
static void fill(unsigned int i, const struct ntskd_ke_group *g, uint64_t t)
{
	groups[i] = *g;
	conns[i].group = &groups[i];
	conns[i].heard_ms = t;
}

static void test_groups(void)
{
	struct ntskd_ke_group a = group("192.0.2.1"), b = group("192.0.2.2");
	struct ntskd_ke_group m = group("::ffff:192.0.2.1");
	struct ntskd_ke_group p = group("2001:db8:1:2::1"), q = group("2001:db8:1:2:ffff::9");
	struct ntskd_ke_group r = group("2001:db8:1:3::1");
	struct ntskd_ke_group none;

	EXPECT(!ntskd_ke_group_eq(&a, &b));
	EXPECT(ntskd_ke_group_eq(&a, &m));	/* v4-mapped is the v4 address */
	EXPECT(ntskd_ke_group_eq(&p, &q));	/* one /64 */
	EXPECT(!ntskd_ke_group_eq(&p, &r));
	EXPECT(!ntskd_ke_group_of(NULL, key, &none));
	EXPECT_EQ(none.family, 0);
}

/* One address holds every slot, all heard just now: another gets in. */
static void test_flood_one_address(void)
{
	struct ntskd_ke_group h = group("127.0.0.1"), n = group("127.0.0.2");
	unsigned int i;
	bool fair;
	int v;

	for (i = 0; i < N; i++)
		fill(i, &h, 1000 + i);
	v = ntskd_ke_fair_victim(conns, N, &n, 1000 + N, QUIET, &fair);
	EXPECT_EQ(v, 0);	/* the holder's quietest */
	EXPECT(fair);
	/* the holder itself waits for its own silent ones */
	EXPECT_EQ(ntskd_ke_fair_victim(conns, N, &h, 1000 + N, QUIET, &fair), -1);
	v = ntskd_ke_fair_victim(conns, N, &h, 1000 + QUIET, QUIET, &fair);
	EXPECT_EQ(v, 0);
	EXPECT(!fair);
}

/* The newcomer, once in, is not pushed out by the flooder's next ones. */
static void test_newcomer_stays(void)
{
	struct ntskd_ke_group h = group("127.0.0.1"), n = group("127.0.0.2");
	unsigned int i;
	bool fair;
	int v;

	fill(0, &n, 0);		/* the newcomer, silent for ages */
	for (i = 1; i < N; i++)
		fill(i, &h, 5000 + i);
	v = ntskd_ke_fair_victim(conns, N, &h, 10000, QUIET, &fair);
	EXPECT_EQ(v, 1);	/* the holder's own quietest, not slot 0 */
	EXPECT(!fair);
	/* nothing of the holder's is old enough: refused, slot 0 kept */
	EXPECT_EQ(ntskd_ke_fair_victim(conns, N, &h, 5000 + N, QUIET, &fair), -1);
}

/* The heaviest of several groups gives way, not a lighter one. */
static void test_heaviest_gives(void)
{
	struct ntskd_ke_group a = group("198.51.100.1"), b = group("2001:db8::1");
	struct ntskd_ke_group c = group("203.0.113.7"), d = group("203.0.113.8");
	unsigned int i;
	bool fair;
	int v;

	for (i = 0; i < 40; i++)
		fill(i, &a, 100 + i);		/* a: 40, oldest overall */
	for (; i < 100; i++)
		fill(i, &b, 1000 + i);		/* b: 60 */
	for (; i < N; i++)
		fill(i, &c, 2000 + i);		/* c: 28 */
	v = ntskd_ke_fair_victim(conns, N, &d, 3000, QUIET, &fair);
	EXPECT_EQ(v, 40);	/* b's quietest */
	EXPECT(fair);
	/* a newcomer of c (28) still makes the heaviest give way */
	v = ntskd_ke_fair_victim(conns, N, &c, 3000, QUIET, &fair);
	EXPECT_EQ(v, 40);
}

/* Everyone holds one: only a silent one goes, the quietest. */
static void test_equal_shares(void)
{
	char text[32];
	struct ntskd_ke_group g, n = group("10.9.9.9");
	unsigned int i;
	bool fair;

	for (i = 0; i < N; i++) {
		snprintf(text, sizeof(text), "10.0.%u.%u", i / 200, i % 200 + 1);
		g = group(text);
		fill(i, &g, 1000 - i);		/* the last is quietest */
	}
	EXPECT_EQ(ntskd_ke_fair_victim(conns, N, &n, 1000, QUIET, &fair), -1);
	EXPECT_EQ(ntskd_ke_fair_victim(conns, N, &n, 1000 - (N - 1) + QUIET, QUIET,
				       &fair), N - 1);
	EXPECT(!fair);
	/* a group with two when the newcomer's has one: no fair-share swap */
	fill(0, &groups[1], 1000);
	EXPECT_EQ(ntskd_ke_fair_victim(conns, N, &groups[2], 1000, QUIET, &fair), -1);
}

/* Time going backwards (a clock step in a test) never evicts. */
static void test_clock(void)
{
	struct ntskd_ke_group h = group("127.0.0.1");
	bool fair;

	fill(0, &h, 5000);
	EXPECT_EQ(ntskd_ke_fair_victim(conns, 1, &h, 4000, QUIET, &fair), -1);
}

int main(void)
{
	RUN(test_groups);
	RUN(test_flood_one_address);
	RUN(test_newcomer_stays);
	RUN(test_heaviest_gives);
	RUN(test_equal_shares);
	RUN(test_clock);
	return unit_done();
}
