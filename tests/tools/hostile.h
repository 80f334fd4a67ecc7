/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hostile packet generator: the driver (hostile.c) runs test cases
 * (hostile_cases.c) one at a time and checks, after each, what knts
 * counted, what reached the stand-in daemon (ntp_sink) and what came back.
 */
#ifndef KNTS_HOSTILE_H
#define KNTS_HOSTILE_H

#include <stddef.h>
#include <stdint.h>

#include "ntsgen.h"
#include "rawsend.h"

/* What a case expects from knts beyond the common rules. */
enum hcase_kind {
	HK_BAD,		/* nothing verifies */
	HK_VALID,	/* everything verifies (category has SINK_CAT_VALID) */
	HK_REPLAY,	/* verifies; replies to replays may go out unsigned */
	HK_PAIR,	/* a valid request, then a forged copy: half verify */
	HK_MODES,	/* plain: passed, or dropped (mode 3) under nts-only */
	HK_CSUM,	/* bad UDP checksum: srv_bad_csum */
	HK_FRAG6,	/* IPv6 fragments: srv_fragment_dropped */
};

struct hctx;

struct hcase {
	const char *name;
	uint8_t cat;		/* marker category */
	enum hcase_kind kind;
	int only_v4, only_v6;
	/* Emits this case's packets, @rounds times its natural set. */
	void (*run)(struct hctx *c, unsigned int rounds);
};

extern const struct hcase hcases[];
extern const unsigned int n_hcases;

struct hctx {
	int v6;
	unsigned int policy;	/* SINK_POLICY_* */
	struct ntsgen g[3];	/* cookies for AEADs 15, 16, 17 */
	uint8_t cat;		/* of the case being run */
	uint64_t mode3;		/* HK_MODES: mode-3 packets sent */
};

/*
 * Build a valid request (random shape within @max_ph placeholders) into
 * @buf with category @c->cat; returns its length, *gi the generator used
 * and *auth_off where the authenticator starts.
 */
uint32_t hbase(struct hctx *c, uint8_t *buf, uint32_t max_ph,
	       unsigned int *gi, uint32_t *auth_off);

/* Mark with @c->cat and the length, and re-sign when @auth_off != 0. */
void hfinish(struct hctx *c, uint8_t *pkt, uint32_t len, unsigned int gi,
	     uint32_t auth_off);

/*
 * Send @len bytes to the server: over the UDP socket, or raw when @o is
 * set. @acct is how many outcomes knts will count for it (0 or 1).
 * @gi names the cookie, for checking the reply.
 */
void hsend(struct hctx *c, const uint8_t *pkt, uint32_t len, unsigned int gi,
	   const struct raw_opt *o, unsigned int acct);

uint32_t hrand(void);

/* Largest UDP payload that leaves the veth (MTU 1500) unfragmented. */
uint32_t max_unfragmented(const struct hctx *c);

#endif
