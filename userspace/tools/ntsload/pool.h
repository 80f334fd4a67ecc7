/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntsload's request pool: N requests signed in advance, each with its own
 * UID and transmit timestamp, sent round-robin, and the check of every
 * reply against the request it answers.
 *
 * Pre-signing keeps the generator's crypto off the send path (under qemu
 * TCG the AES would otherwise be the bottleneck). Cookies are reused
 * round-robin: the server is stateless, so that is fine for load, and it
 * is what "a cookie may be reused for load" in issue 7 allows.
 *
 * The transmit timestamp encodes the slot: tx = salt_hi << 32 | (i ^
 * salt_lo), with random salts per run, so a reply finds its request in
 * O(1) from the origin timestamp and a stray or forged reply does not.
 * The full 64 bits and then the UID and authenticator are still checked.
 */
#ifndef NTSLOAD_POOL_H
#define NTSLOAD_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ke_client.h"
#include "nts_client_pkt.h"
#include "siv_keyed.h"

struct pool_slot {
	uint64_t sent_ns;	/* last send, CLOCK_MONOTONIC */
	bool outstanding;	/* sent, no reply matched yet */
};

struct pool {
	bool nts;
	size_t n;
	size_t len;		/* request length, the same for all */
	size_t stride;
	uint8_t *pkts;		/* n * stride bytes */
	struct pool_slot *slot;
	uint32_t salt_hi, salt_lo;
	/* S2C with its key schedules prepared once: verifying is the hot path */
	struct knts_siv_key *s2c;
};

struct pool_cfg {
	size_t n;			/* requests in the pool, >= 1 */
	const struct knts_ke_result *ke;	/* NULL: plain NTP */
	unsigned int placeholders;	/* 0..7 */
	bool fixed_salt;		/* tests: use salt below, not random */
	uint64_t salt;
};

/* 0, or -errno (-ENOMEM, -EINVAL, crypto failures) */
int pool_init(struct pool *p, const struct pool_cfg *cfg);
void pool_free(struct pool *p);

static inline uint8_t *pool_pkt(const struct pool *p, size_t i)
{
	return p->pkts + i * p->stride;
}

static inline uint64_t pool_tx(const struct pool *p, size_t i)
{
	return (uint64_t)p->salt_hi << 32 | ((uint32_t)i ^ p->salt_lo);
}

/* Slot whose request has this transmit timestamp, or -1 */
long pool_lookup(const struct pool *p, uint64_t origin);

/*
 * Verdicts of pool_check() beyond the knts_ntsc ones: a reply that
 * matches no request, or a request that already had its answer.
 */
#define POOL_E_UNKNOWN	(-100)
#define POOL_E_LATE	(-101)

/*
 * Check one reply received at now_ns. Returns KNTS_NTSC_OK, _NAK, _UNSYNC,
 * a negative KNTS_NTSC_E_* or POOL_E_*; *slot gets the request's slot
 * (or -1) and *latency_ns the time since it was sent (verdicts >= 0 only).
 * The slot stops being outstanding once a reply matched it (whatever the
 * verdict), so a replayed or duplicated reply counts as POOL_E_LATE.
 */
int pool_check(struct pool *p, const uint8_t *pkt, size_t len,
	       uint64_t now_ns, long *slot, uint64_t *latency_ns,
	       struct knts_ntsc_info *info);

#endif /* NTSLOAD_POOL_H */
