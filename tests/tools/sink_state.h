/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ntp_sink (the stand-in NTP daemon behind knts) shares with the
 * tools that drive it: a small file both map. The driver sets the policy
 * it configured; the sink counts, per marker category, every datagram
 * that reached its socket, and every one that should not have.
 */
#ifndef KNTS_SINK_STATE_H
#define KNTS_SINK_STATE_H

#include <stdint.h>

#define SINK_MAGIC		0x6b6e7473696e6b31ull	/* "kntsink1" */
#define SINK_POLICY_MIXED	0
#define SINK_POLICY_NTS_ONLY	1
/* Marker categories with this bit are valid NTS requests: knts strips them. */
#define SINK_CAT_VALID		0x80

struct sink_state {
	uint64_t magic;
	volatile uint32_t policy;	/* written by the driver */
	uint32_t pad;
	volatile uint64_t total;	/* every datagram received */
	volatile uint64_t replies;	/* replies sent */
	volatile uint64_t unmarked;	/* no intact marker (random, flipped) */
	volatile uint64_t violations;	/* must stay 0 */
	volatile uint64_t stripped[256];	/* by category: 48 bytes, was longer */
	volatile uint64_t unmodified[256];	/* by category: as sent */
	char first_violation[1024];	/* a description of the first one */
};

#endif
