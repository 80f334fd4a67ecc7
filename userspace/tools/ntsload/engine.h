/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntsload's send/receive loop: the pool's requests go out round-robin over
 * several connected UDP sockets (one source port each) with sendmmsg, at
 * a fixed rate or flat out; replies come back with recvmmsg and every one
 * is checked by pool_check(). One thread: pin it with --cpu.
 */
#ifndef NTSLOAD_ENGINE_H
#define NTSLOAD_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "hist.h"
#include "pool.h"

#define ENGINE_MAX_SOURCES	1024

struct load_cfg {
	struct sockaddr_storage target;
	socklen_t target_len;
	double rate;			/* requests/s; 0 = flat out */
	double duration;		/* seconds of sending */
	unsigned int sources;		/* UDP sockets = source ports */
	unsigned int drain_ms;		/* wait for stragglers afterwards */
};

/* Indexes into load_stats.bad: -KNTS_NTSC_E_* (1..9), then our own */
#define LOAD_BAD_UNKNOWN	10	/* origin matches no request */
#define LOAD_BAD_LATE		11	/* request already answered */
#define LOAD_BAD_TRUNC		12	/* longer than our receive buffer */
#define LOAD_BAD_MAX		13

struct load_stats {
	uint64_t sent;
	uint64_t send_errors;		/* sendmmsg failures (not EAGAIN) */
	uint64_t send_blocked;		/* EAGAIN: socket buffer full */
	uint64_t resent_unanswered;	/* slot reused before its reply came */
	uint64_t received;		/* datagrams */
	uint64_t answered;		/* matched an outstanding request */
	uint64_t valid;			/* authentic (NTS) or well-formed (plain) */
	uint64_t unsync;		/* of which the server was unsynchronised */
	uint64_t naks;
	uint64_t bad[LOAD_BAD_MAX];
	uint64_t invalid;		/* sum of bad[] */
	double send_seconds;		/* first to last send */
	double total_seconds;		/* including the drain */
	struct hist lat;		/* valid replies only */
};

/* 0, or -1 with a message in err */
int load_run(struct pool *p, const struct load_cfg *cfg,
	     struct load_stats *st, char *err, size_t errlen);

const char *load_bad_name(unsigned int i);

#endif /* NTSLOAD_ENGINE_H */
