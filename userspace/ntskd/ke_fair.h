/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fair shares of the NTS-KE connection slots between client addresses.
 *
 * ntskd serves at most NTSKD_KE_MAX_CONNS connections at once. When they
 * are all taken, the one address that holds most of them must not keep
 * out a client from another address: closing a silent connection of
 * "whoever was quietest" is a lottery that a flood from one address wins
 * almost every time (its own refused reconnects churn the accept queue
 * thousands of times a second, and the newcomer is let in only when its
 * turn in that queue happens to meet a connection silent long enough).
 *
 * So at the cap the choice is max-min fair over address groups (an IPv4
 * address, an IPv6 /64: the grouping of ke_ratelimit.c):
 *  1. If some group holds at least two more connections than the
 *     newcomer's group does, the quietest connection of the heaviest such
 *     group is closed, silent or not: after the swap the heaviest still
 *     holds at least as many as the newcomer's group.
 *  2. Otherwise the newcomer may only displace a connection of a group
 *     holding at least as many as its own group (its own among them),
 *     and only one silent for the eviction time or longer: the quietest.
 *  3. Otherwise it is refused.
 * A client from an address that holds nothing is therefore always let in
 * while any address holds two or more slots, and never displaced by
 * newcomers from an address that holds more than it.
 */
#ifndef NTSKD_KE_FAIR_H
#define NTSKD_KE_FAIR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* A client's address group: family 0 for what is not IP (tests' pipes). */
struct ntskd_ke_group {
	uint8_t family;
	uint8_t addr[8];	/* IPv4 address, or IPv6 /64 prefix */
	uint64_t hash;		/* of family and addr, under the caller's key */
};

/*
 * The group of @sa (NULL: not IP), hashed under the 16-byte @key
 * (SipHash, so the table in ntskd_ke_fair_victim() cannot be aimed at).
 * Returns false for a family other than IPv4 and IPv6.
 */
bool ntskd_ke_group_of(const struct sockaddr *sa, const uint8_t key[16],
		       struct ntskd_ke_group *g);

bool ntskd_ke_group_eq(const struct ntskd_ke_group *a,
		       const struct ntskd_ke_group *b);

/* One connection in progress, as the choice sees it. */
struct ntskd_ke_fair_conn {
	const struct ntskd_ke_group *group;
	uint64_t heard_ms;	/* accept, or the last bytes from the peer */
};

/*
 * The index in @c[0..@n) of the connection to close for a newcomer of
 * @group at @now_ms, or -1 to refuse it (rules above); @quiet_ms is the
 * silence that makes a connection evictable under rule 2. *@fair is set
 * when rule 1 chose. @n is at most NTSKD_KE_FAIR_MAX.
 */
#define NTSKD_KE_FAIR_MAX	256
int ntskd_ke_fair_victim(const struct ntskd_ke_fair_conn *c, unsigned int n,
			 const struct ntskd_ke_group *group, uint64_t now_ms,
			 uint64_t quiet_ms, bool *fair);

#endif /* NTSKD_KE_FAIR_H */
