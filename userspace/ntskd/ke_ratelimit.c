// SPDX-License-Identifier: GPL-2.0
/*
 * Per-address NTS-KE admission (see ke_ratelimit.h).
 *
 * Why IPv6 is grouped by /64: a single IPv6 host is normally handed a
 * whole /64 (SLAAC, privacy addresses, or a delegated prefix) and can pick
 * a fresh source address from it for every connection at no cost, so a
 * per-/128 limit limits nothing. A /64 is the smallest unit a site is
 * routed; grouping wider (/56, /48) would start lumping unrelated
 * customers of one ISP together. IPv4 addresses are scarce enough to be
 * counted one by one (CGNAT puts many clients behind one, which is why the
 * defaults allow a burst of 8 and NTS-KE is rare per client anyway).
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "ke_fair.h"
#include "ke_ratelimit.h"

#define RL_BUCKETS	(NTSKD_KE_RL_SLOTS / NTSKD_KE_RL_WAYS)
/* Tokens are counted in millionths of a connection: with the rate in
 * thousandths per second, one millisecond adds rate_milli of them. */
#define RL_TOKEN	1000000ull

struct rl_group {
	uint8_t addr[8];	/* IPv4 address, or IPv6 /64 prefix */
	uint8_t family;		/* 0: slot free */
	uint16_t conns;		/* open connections */
	uint64_t tokens;	/* in millionths */
	uint64_t last_ms;	/* last refill = last admission attempt */
};

struct ntskd_ke_rl {
	uint8_t key[16];
	uint32_t rate_milli, max_conns;
	uint64_t burst_tokens;
	struct ntskd_ke_rl_stats stats;
	struct rl_group g[NTSKD_KE_RL_SLOTS];
};

/* ---- SipHash-2-4 (Aumasson and Bernstein) ---- */

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3) do {					\
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;			\
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;			\
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
	} while (0)

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t ntskd_siphash(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *in = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8), m, b;
	uint64_t v0 = 0x736f6d6570736575ull ^ k0;
	uint64_t v1 = 0x646f72616e646f6dull ^ k1;
	uint64_t v2 = 0x6c7967656e657261ull ^ k0;
	uint64_t v3 = 0x7465646279746573ull ^ k1;
	size_t i, left = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(in + i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	b = (uint64_t)len << 56;
	while (left--)
		b |= (uint64_t)in[i + left] << (8 * left);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- the table ---- */

struct ntskd_ke_rl *ntskd_ke_rl_new(uint32_t rate_milli, uint32_t burst,
				    uint32_t max_conns, const uint8_t *key)
{
	struct ntskd_ke_rl *rl;

	if (!rate_milli || !burst || !max_conns)
		return NULL;
	rl = calloc(1, sizeof(*rl));
	if (!rl)
		return NULL;
	if (key) {
		memcpy(rl->key, key, sizeof(rl->key));
	} else if (RAND_bytes(rl->key, sizeof(rl->key)) != 1) {
		free(rl);
		return NULL;
	}
	rl->rate_milli = rate_milli;
	rl->burst_tokens = (uint64_t)burst * RL_TOKEN;
	rl->max_conns = max_conns > UINT16_MAX ? UINT16_MAX : max_conns;
	return rl;
}

void ntskd_ke_rl_free(struct ntskd_ke_rl *rl)
{
	free(rl);
}

/* The group's slot, taking over a free or idle one; -1: none. */
static int rl_find(struct ntskd_ke_rl *rl, const struct ntskd_ke_group *grp,
		   uint64_t now_ms)
{
	unsigned int base, i;
	int victim = -1;
	struct rl_group *g;

	base = (unsigned int)(grp->hash % RL_BUCKETS) * NTSKD_KE_RL_WAYS;
	for (i = 0; i < NTSKD_KE_RL_WAYS; i++) {
		g = &rl->g[base + i];
		if (g->family == grp->family && !memcmp(g->addr, grp->addr, 8))
			return (int)(base + i);
	}
	/* a free slot, else the least recently seen group with none open */
	for (i = 0; i < NTSKD_KE_RL_WAYS; i++) {
		g = &rl->g[base + i];
		if (!g->family)
			break;
		if (!g->conns &&
		    (victim < 0 || g->last_ms < rl->g[victim].last_ms))
			victim = (int)(base + i);
	}
	if (i < NTSKD_KE_RL_WAYS)
		victim = (int)(base + i);
	if (victim < 0)
		return -1;
	/* forgetting a group only ever gives it a full bucket again */
	g = &rl->g[victim];
	memcpy(g->addr, grp->addr, 8);
	g->family = grp->family;
	g->conns = 0;
	g->tokens = rl->burst_tokens;
	g->last_ms = now_ms;
	return victim;
}

enum ntskd_ke_rl_verdict ntskd_ke_rl_admit(struct ntskd_ke_rl *rl,
					   const struct sockaddr *sa,
					   uint64_t now_ms, int *slot)
{
	struct ntskd_ke_group grp;
	struct rl_group *g;
	int i;

	*slot = NTSKD_KE_RL_UNTRACKED;
	if (!ntskd_ke_group_of(sa, rl->key, &grp)) {
		rl->stats.untracked++;
		rl->stats.passed++;
		return NTSKD_KE_RL_PASS;
	}
	i = rl_find(rl, &grp, now_ms);
	if (i < 0) {
		rl->stats.untracked++;
		rl->stats.passed++;
		return NTSKD_KE_RL_PASS;
	}
	g = &rl->g[i];
	if (now_ms > g->last_ms) {
		/* 10^9 ms (11 days) x 10^7 fits in 64 bits and fills any bucket */
		uint64_t ms = now_ms - g->last_ms > 1000000000ull ?
			      1000000000ull : now_ms - g->last_ms;
		uint64_t add = ms * rl->rate_milli;

		g->tokens = rl->burst_tokens - g->tokens <= add ?
			    rl->burst_tokens : g->tokens + add;
	}
	g->last_ms = now_ms;
	if (g->conns >= rl->max_conns) {
		rl->stats.refused_conns++;
		return NTSKD_KE_RL_CONNS;
	}
	if (g->tokens < RL_TOKEN) {
		rl->stats.refused_rate++;
		return NTSKD_KE_RL_RATE;
	}
	g->tokens -= RL_TOKEN;
	g->conns++;
	*slot = i;
	rl->stats.passed++;
	return NTSKD_KE_RL_PASS;
}

void ntskd_ke_rl_release(struct ntskd_ke_rl *rl, int slot)
{
	if (!rl || slot < 0 || slot >= NTSKD_KE_RL_SLOTS)
		return;
	if (rl->g[slot].conns)
		rl->g[slot].conns--;
}

const struct ntskd_ke_rl_stats *ntskd_ke_rl_stats(const struct ntskd_ke_rl *rl)
{
	return &rl->stats;
}
