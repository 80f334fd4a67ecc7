/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel micro benchmark (bench=N, testing only): what bench.c
 * (AES-SIV and the server path) and bench_client.c (the client path)
 * share. Nothing of it runs unless the module is loaded with bench=N.
 */
#ifndef _KNTS_BENCH_H
#define _KNTS_BENCH_H

#include <linux/skbuff.h>
#include <linux/types.h>

#include "cookie.h"

#define BENCH_BATCH		32
#define BENCH_CLI_BATCH		4	/* client requests per batch */
#define BENCH_PENDING_SLOTS	1024
#define BENCH_CHUNKS		256	/* figures kept per measurement */
#define BENCH_KEY_ID		0x4b4e5453
#define BENCH_PORT		123
#define BENCH_BUF		512
/* What UDP allocates around a 48-byte datagram on Ethernet: hh_len, and 15. */
#define BENCH_HH_LEN		16
#define BENCH_CLIENT_IP		0xc0a87b02	/* 192.168.123.2 */
#define BENCH_SERVER_IP		0xc0a87b01	/* 192.168.123.1 */

struct knts_assoc;
struct knts_keyset;
struct knts_net;

/* ns/op of every chunk of one measurement. */
struct bench_stat {
	u64 v[BENCH_CHUNKS];
	unsigned int n;
};

struct knts_bench {
	unsigned int n;			/* iterations, a multiple of the batch */
	unsigned int chunk;		/* iterations per timed chunk */
	struct bench_stat st[3];
	struct knts_net *kn;
	struct knts_keyset *ks;
	struct knts_cookie_keys keys;	/* C2S || S2C of the session */
	/* a reply's fresh cookie, opened (off the stack: scatterlists) */
	struct knts_cookie_keys got;
	u8 cookie[KNTS_COOKIE_MAX_LEN];
	u32 cookie_len;
	u8 req[BENCH_BUF];		/* the NTS request, MAC and all */
	u32 req_len;
	u32 auth_off;			/* of the request authenticator */
	u8 buf[BENCH_BUF];		/* scratch for the SIV loops */
	u8 out[BENCH_BUF];
	struct sk_buff *skbs[BENCH_BATCH];
	/* the client path's associations, one per request of a batch */
	struct knts_assoc *assoc[BENCH_CLI_BATCH];
};

void bench_fill(u8 *p, size_t len, u8 seed);
void bench_stat_add(struct bench_stat *s, u64 ns, u64 ops);
/* "<fastest> ns/op, median <median><note>"; empties @s. */
void bench_print(const char *what, const char *on, struct bench_stat *s,
		 const char *note);
/* A UDP/IPv4 datagram between the bench client and the server port. */
struct sk_buff *bench_udp4(const u8 *pl, unsigned int len, bool to_server,
			   __be16 cport, unsigned int headroom,
			   unsigned int tailroom);
void bench_tx_offload(struct sk_buff *skb);
int bench_wire(struct sk_buff *skb);
/* What knts_hook() does for the server role, in or out. */
unsigned int bench_hook(struct knts_net *kn, struct sk_buff *skb, bool in);
/* Why a path refused a packet: the non-zero counters. */
void bench_explain(struct knts_bench *b);

int knts_bench_client(struct knts_bench *b, const char *on);
/* AES-128-GCM-SIV (AEAD 30) sessions and cookies: bench_gcmsiv.c. */
int knts_bench_gcmsiv(struct knts_bench *b);
void knts_bench_client_free(struct knts_bench *b);

#endif /* _KNTS_BENCH_H */
