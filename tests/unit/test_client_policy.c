// SPDX-License-Identifier: GPL-2.0
/* When ntskd's client role runs NTS-KE again (userspace/ntskd/client_policy.c). */
#include "unit.h"
#include "client_policy.h"

/* RFC 8915: 10 s, then 1.5 times longer each time; our cap. */
static void test_backoff(void)
{
	EXPECT_EQ(ntskd_ke_backoff_ms(0, 10, 7200), 0);
	EXPECT_EQ(ntskd_ke_backoff_ms(1, 10, 7200), 10000);
	EXPECT_EQ(ntskd_ke_backoff_ms(2, 10, 7200), 15000);
	EXPECT_EQ(ntskd_ke_backoff_ms(3, 10, 7200), 22500);
	EXPECT_EQ(ntskd_ke_backoff_ms(4, 10, 7200), 33750);
	EXPECT_EQ(ntskd_ke_backoff_ms(5, 10, 7200), 50625);
	/* 10 * 1.5^14 = 2919.3 s, ... 1.5^16 = 6568.4 s, then the 2 h cap */
	EXPECT(ntskd_ke_backoff_ms(15, 10, 7200) > 2919000 &&
	       ntskd_ke_backoff_ms(15, 10, 7200) < 2920000);
	EXPECT(ntskd_ke_backoff_ms(16, 10, 7200) > 4378000 &&
	       ntskd_ke_backoff_ms(16, 10, 7200) < 4379000);
	EXPECT(ntskd_ke_backoff_ms(17, 10, 7200) > 6568000 &&
	       ntskd_ke_backoff_ms(17, 10, 7200) < 6569000);
	EXPECT_EQ(ntskd_ke_backoff_ms(18, 10, 7200), 7200000);
	/* no overflow however long it fails */
	EXPECT_EQ(ntskd_ke_backoff_ms(100000, 10, 7200), 7200000);
	EXPECT_EQ(ntskd_ke_backoff_ms(4000000000u, 86400, 315360000), 315360000000ull);
	/* a test's short base, and a cap below the second step */
	EXPECT_EQ(ntskd_ke_backoff_ms(2, 2, 60), 3000);
	EXPECT_EQ(ntskd_ke_backoff_ms(3, 2, 60), 4500);
	EXPECT_EQ(ntskd_ke_backoff_ms(2, 10, 12), 12000);
}

#define DECIDE(t, p, f) ntskd_ke_decide((t), (p), (f), 10, 7200)

static void test_decide_now(void)
{
	static const enum ntskd_ke_trigger now[] = {
		NTSKD_KE_START, NTSKD_KE_REFRESH, NTSKD_KE_OPERATOR, NTSKD_KE_GONE,
		NTSKD_KE_FOLLOW,
	};
	struct ntskd_ke_decision d;
	unsigned int i;

	/* whatever happened before: NTS-KE at once, the count kept */
	for (i = 0; i < sizeof(now) / sizeof(now[0]); i++) {
		d = DECIDE(now[i], false, 3);
		EXPECT(d.run);
		EXPECT_EQ(d.delay_ms, 0);
		EXPECT_EQ(d.fails, 3);
		d = DECIDE(now[i], true, 3);
		EXPECT(d.run);
		EXPECT_EQ(d.fails, 0);
	}
}

static void test_decide_events(void)
{
	struct ntskd_ke_decision d;

	/* a working association running low: fresh cookies before it runs dry */
	d = DECIDE(NTSKD_KE_LOW, true, 2);
	EXPECT(d.run);
	EXPECT_EQ(d.delay_ms, 0);
	EXPECT_EQ(d.fails, 0);
	/* low without a verified reply since NTS-KE: wait for the jar to empty */
	d = DECIDE(NTSKD_KE_LOW, false, 0);
	EXPECT(!d.run);
	EXPECT_EQ(d.fails, 0);

	/* empty or NAK after it worked: at once, the backoff reset */
	d = DECIDE(NTSKD_KE_EMPTY, true, 5);
	EXPECT(d.run && d.delay_ms == 0 && d.fails == 0);
	d = DECIDE(NTSKD_KE_NAK, true, 5);
	EXPECT(d.run && d.delay_ms == 0 && d.fails == 0);

	/* ... after it never worked: one more unproductive attempt, backed off */
	d = DECIDE(NTSKD_KE_EMPTY, false, 0);
	EXPECT(d.run);
	EXPECT_EQ(d.fails, 1);
	EXPECT_EQ(d.delay_ms, 10000);
	d = DECIDE(NTSKD_KE_NAK, false, 1);
	EXPECT_EQ(d.fails, 2);
	EXPECT_EQ(d.delay_ms, 15000);
	d = DECIDE(NTSKD_KE_EMPTY, false, 40);
	EXPECT_EQ(d.fails, 41);
	EXPECT_EQ(d.delay_ms, 7200000);
}

static void test_names(void)
{
	EXPECT(!strcmp(ntskd_ke_trigger_name(NTSKD_KE_EMPTY), "jar empty"));
	EXPECT(!strcmp(ntskd_ke_trigger_name(NTSKD_KE_LOW), "cookies low"));
	EXPECT(!strcmp(ntskd_ke_trigger_name(NTSKD_KE_NAK), "NTS NAK"));
	EXPECT(!strcmp(ntskd_ke_trigger_name((enum ntskd_ke_trigger)99), "?"));
}

int main(void)
{
	RUN(test_backoff);
	RUN(test_decide_now);
	RUN(test_decide_events);
	RUN(test_names);
	return unit_done();
}
