// SPDX-License-Identifier: GPL-2.0
/* When to run NTS-KE again (see client_policy.h). */
#include "client_policy.h"

uint64_t ntskd_ke_backoff_ms(unsigned int n, uint32_t base_s, uint32_t max_s)
{
	uint64_t ms = (uint64_t)base_s * 1000, max_ms = (uint64_t)max_s * 1000;

	if (!n)
		return 0;
	/* integer steps of 1.5 keep the sequence exact: 10, 15, 22.5 s... */
	while (--n && ms < max_ms)
		ms += ms / 2;
	return ms < max_ms ? ms : max_ms;
}

struct ntskd_ke_decision ntskd_ke_decide(enum ntskd_ke_trigger trigger,
					 bool productive, unsigned int fails,
					 uint32_t base_s, uint32_t max_s)
{
	struct ntskd_ke_decision d = { .run = true, .fails = fails };

	if (productive)
		d.fails = 0;
	switch (trigger) {
	case NTSKD_KE_START:
	case NTSKD_KE_REFRESH:
	case NTSKD_KE_OPERATOR:
	case NTSKD_KE_GONE:
	case NTSKD_KE_FOLLOW:
		break;
	case NTSKD_KE_LOW:
		d.run = productive;
		break;
	case NTSKD_KE_EMPTY:
	case NTSKD_KE_NAK:
		if (!productive) {
			d.fails = fails + 1;
			d.delay_ms = ntskd_ke_backoff_ms(d.fails, base_s, max_s);
		}
		break;
	}
	return d;
}

const char *ntskd_ke_trigger_name(enum ntskd_ke_trigger trigger)
{
	switch (trigger) {
	case NTSKD_KE_START:
		return "start";
	case NTSKD_KE_REFRESH:
		return "refresh";
	case NTSKD_KE_OPERATOR:
		return "refresh requested";
	case NTSKD_KE_GONE:
		return "association gone";
	case NTSKD_KE_LOW:
		return "cookies low";
	case NTSKD_KE_EMPTY:
		return "jar empty";
	case NTSKD_KE_NAK:
		return "NTS NAK";
	case NTSKD_KE_FOLLOW:
		return "the NTP client uses another address";
	}
	return "?";
}
