// SPDX-License-Identifier: GPL-2.0
/*
 * Fair shares of the NTS-KE connection slots (see ke_fair.h).
 */
#include <netinet/in.h>
#include <string.h>

#include "ke_fair.h"
#include "ke_ratelimit.h"

bool ntskd_ke_group_of(const struct sockaddr *sa, const uint8_t key[16],
		       struct ntskd_ke_group *g)
{
	uint8_t hin[9];
	bool ip = true;

	memset(g, 0, sizeof(*g));
	if (sa && sa->sa_family == AF_INET) {
		memcpy(g->addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		g->family = AF_INET;
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
			&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			/* an IPv4 client on a dual-stack socket */
			memcpy(g->addr, a->s6_addr + 12, 4);
			g->family = AF_INET;
		} else {
			memcpy(g->addr, a->s6_addr, 8);
			g->family = AF_INET6;
		}
	} else {
		ip = false;
	}
	memcpy(hin, g->addr, 8);
	hin[8] = g->family;
	g->hash = ntskd_siphash(key, hin, sizeof(hin));
	return ip;
}

bool ntskd_ke_group_eq(const struct ntskd_ke_group *a,
		       const struct ntskd_ke_group *b)
{
	return a->hash == b->hash && a->family == b->family &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* Per group while choosing: how many it holds, and its quietest. */
struct fair_slot {
	const struct ntskd_ke_group *group;	/* NULL: free */
	unsigned int count;
	int quietest;
};

#define FAIR_SLOTS	(2 * NTSKD_KE_FAIR_MAX)	/* a power of two */

static struct fair_slot *fair_find(struct fair_slot *t,
				   const struct ntskd_ke_group *g)
{
	unsigned int i = (unsigned int)g->hash & (FAIR_SLOTS - 1);

	/* at most half full: a free slot always ends the probe */
	while (t[i].group && !ntskd_ke_group_eq(t[i].group, g))
		i = (i + 1) & (FAIR_SLOTS - 1);
	return &t[i];
}

int ntskd_ke_fair_victim(const struct ntskd_ke_fair_conn *c, unsigned int n,
			 const struct ntskd_ke_group *group, uint64_t now_ms,
			 uint64_t quiet_ms, bool *fair)
{
	struct fair_slot t[FAIR_SLOTS], *s, *heavy = NULL;
	unsigned int i, mine;
	int quiet = -1;

	*fair = false;
	if (n > NTSKD_KE_FAIR_MAX)
		n = NTSKD_KE_FAIR_MAX;
	memset(t, 0, sizeof(t));
	for (i = 0; i < n; i++) {
		s = fair_find(t, c[i].group);
		if (!s->group) {
			s->group = c[i].group;
			s->quietest = (int)i;
		} else if (c[i].heard_ms < c[s->quietest].heard_ms) {
			s->quietest = (int)i;
		}
		s->count++;
	}
	mine = fair_find(t, group)->count;
	for (i = 0; i < FAIR_SLOTS; i++) {
		s = &t[i];
		if (!s->group)
			continue;
		if (!heavy || s->count > heavy->count ||
		    (s->count == heavy->count &&
		     c[s->quietest].heard_ms < c[heavy->quietest].heard_ms))
			heavy = s;
		/* rule 2's candidates: groups holding as many as the newcomer's */
		if (s->count >= mine &&
		    (quiet < 0 || c[s->quietest].heard_ms < c[quiet].heard_ms))
			quiet = s->quietest;
	}
	if (heavy && heavy->count >= mine + 2) {
		*fair = true;
		return heavy->quietest;
	}
	if (quiet >= 0 && now_ms >= c[quiet].heard_ms &&
	    now_ms - c[quiet].heard_ms >= quiet_ms)
		return quiet;
	return -1;
}
