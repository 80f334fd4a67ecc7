/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-address admission of NTS-KE connections (ke-rate-limit in
 * ntskd.conf): a token bucket and a count of open connections for each
 * client address, decided right after accept(), before any TLS work, so a
 * refusal costs one close().
 *
 * Addresses are grouped: an IPv4 address is its own group, an IPv6 address
 * counts for its /64 (see ke_ratelimit.c for why). The state lives in one
 * fixed table (NTSKD_KE_RL_SLOTS entries, allocated once) indexed by a
 * keyed hash (SipHash-2-4, random key per process), so a flood of source
 * addresses can neither grow memory nor aim at one bucket. When a bucket's
 * ways are all held by groups with connections open, a new group is let in
 * untracked (and counted): failing open keeps a crowd of attackers from
 * locking out everyone else.
 *
 * Pure apart from the key: time is passed in, nothing is logged.
 */
#ifndef NTSKD_KE_RATELIMIT_H
#define NTSKD_KE_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define NTSKD_KE_RL_SLOTS	4096	/* groups tracked at once */
#define NTSKD_KE_RL_WAYS	8	/* slots per hash bucket */
#define NTSKD_KE_RL_UNTRACKED	(-1)	/* admitted without a slot */

enum ntskd_ke_rl_verdict {
	NTSKD_KE_RL_PASS,
	NTSKD_KE_RL_RATE,	/* the group's bucket is empty */
	NTSKD_KE_RL_CONNS,	/* the group has max-conns open already */
};

struct ntskd_ke_rl_stats {
	uint64_t passed;
	uint64_t refused_rate;
	uint64_t refused_conns;
	uint64_t untracked;	/* admitted: no slot free in the bucket */
};

struct ntskd_ke_rl;

/*
 * @rate_milli: connections per 1000 s (i.e. thousandths per second),
 * >= 1; @burst: bucket size, >= 1; @max_conns: open at once, >= 1.
 * @key: 16 bytes of hash key, or NULL for a random one. NULL on failure.
 */
struct ntskd_ke_rl *ntskd_ke_rl_new(uint32_t rate_milli, uint32_t burst,
				    uint32_t max_conns, const uint8_t *key);
void ntskd_ke_rl_free(struct ntskd_ke_rl *rl);

/*
 * One new connection from @sa (AF_INET or AF_INET6) at @now_ms. On
 * NTSKD_KE_RL_PASS, *@slot is what ntskd_ke_rl_release() takes when the
 * connection closes (maybe NTSKD_KE_RL_UNTRACKED).
 */
enum ntskd_ke_rl_verdict ntskd_ke_rl_admit(struct ntskd_ke_rl *rl,
					   const struct sockaddr *sa,
					   uint64_t now_ms, int *slot);

/* The connection admitted into @slot has closed. */
void ntskd_ke_rl_release(struct ntskd_ke_rl *rl, int slot);

const struct ntskd_ke_rl_stats *ntskd_ke_rl_stats(const struct ntskd_ke_rl *rl);

/* SipHash-2-4 of @len bytes under a 16-byte @key (exposed for its test). */
uint64_t ntskd_siphash(const uint8_t key[16], const void *data, size_t len);

#endif /* NTSKD_KE_RATELIMIT_H */
