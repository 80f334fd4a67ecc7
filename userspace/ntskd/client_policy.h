/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When the client role runs NTS-KE again: pure decisions, unit-tested.
 *
 * RFC 8915 asks for an exponential backoff between NTS-KE attempts that
 * did not give working NTS: a first interval of 10 s (`ke-retry`), then
 * 1.5 times longer each time, and it is reset only after a successful
 * NTS-KE *and* a successful NTP exchange with the new keys. ntskd caps
 * the interval at `ke-retry MAX` (default 2 hours; the RFC allows up to 5
 * days, chrony caps at about 6 days and NTPsec at about 68 minutes), so a
 * server back from an outage is used again within the cap.
 *
 * "Productive" below means the association installed by the last NTS-KE
 * has verified at least one reply (the kernel reports LAST_REPLY only
 * then). @fails counts the attempts in a row that were not productive:
 * NTS-KE failures, and exchanges whose association never verified a reply.
 *
 * Triggers and what they do:
 *  - start (no usable association), refresh timer, operator request
 *    (ntsctl refresh, SIGUSR1), association gone: NTS-KE now.
 *  - cookies low: NTS-KE now when productive, so the jar never runs dry;
 *    otherwise nothing: fresh cookies cannot help a path that loses the
 *    replies, and the jar-empty event comes soon enough.
 *  - jar empty, or an NTS NAK not followed by a verified reply: NTS-KE now
 *    when productive; otherwise after the backoff, so a server that NAKs
 *    every new cookie (or a path that drops every reply) is not hammered.
 */
#ifndef NTSKD_CLIENT_POLICY_H
#define NTSKD_CLIENT_POLICY_H

#include <stdbool.h>
#include <stdint.h>

enum ntskd_ke_trigger {
	NTSKD_KE_START,
	NTSKD_KE_REFRESH,
	NTSKD_KE_OPERATOR,
	NTSKD_KE_GONE,
	NTSKD_KE_LOW,
	NTSKD_KE_EMPTY,
	NTSKD_KE_NAK,
	NTSKD_KE_FOLLOW,	/* the NTP client uses another of the name's addresses */
};

struct ntskd_ke_decision {
	bool run;		/* false: do nothing */
	unsigned int fails;	/* the new count of unproductive attempts */
	uint64_t delay_ms;	/* when to run NTS-KE */
};

/*
 * Delay before attempt number @n + 1 after @n unproductive ones (n >= 1):
 * min(base * 1.5^(n - 1), max) seconds, in milliseconds. 0 for n == 0.
 */
uint64_t ntskd_ke_backoff_ms(unsigned int n, uint32_t base_s, uint32_t max_s);

struct ntskd_ke_decision ntskd_ke_decide(enum ntskd_ke_trigger trigger,
					 bool productive, unsigned int fails,
					 uint32_t base_s, uint32_t max_s);

/* "refresh", "jar empty", ... for logs. */
const char *ntskd_ke_trigger_name(enum ntskd_ke_trigger trigger);

#endif /* NTSKD_CLIENT_POLICY_H */
