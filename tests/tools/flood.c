// SPDX-License-Identifier: GPL-2.0
/*
 * flood: many clients at once against a knts server. One real, signed NTS
 * request (or, with --bad-cookie, one whose cookie is under a key the
 * server does not have: a NAK is owed for each) is sent from PAIRS
 * distinct (source address, source port) pairs: addresses from a /16
 * (IPv4) or a /64 (IPv6), written on raw sockets. The server is stateless,
 * so each copy is a valid request of another client, and each claims a
 * slot in knts's in-flight table until the daemon answers.
 *
 *   flood --keys FILE --src-net ADDR --dst ADDR --pairs N [--port N]
 *         [--rate PPS] [--bad-cookie] [--srv-netns PATH]
 *
 * Prints what was sent, the rate, and (with --srv-netns) what knts counted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "knstat.h"
#include "nl.h"
#include "ntsgen.h"
#include "rawsend.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Pair @i: a distinct (address, port) for every i below 2^32. */
static void pair(struct raw_ep *ep, const struct raw_ep *base, uint64_t i)
{
	*ep = *base;
	if (ep->v6) {
		/* one address per client: the low 32 bits of the /64 */
		uint32_t lo = (uint32_t)i + 1;

		memcpy(&ep->src6.s6_addr[12], &lo, 4);
		ep->sport = (uint16_t)(1024 + (i * 7919) % 60000);
	} else {
		uint32_t a = ntohl(base->src4.s_addr) | (uint32_t)(i & 0xffff);

		ep->src4.s_addr = htonl(a);
		ep->sport = (uint16_t)(1024 + i / 65536);
	}
}

int main(int argc, char **argv)
{
	const char *keys = NULL, *net = NULL, *dst = NULL, *ns = NULL;
	uint64_t pairs = 0, i, rate = 0;
	struct ntsgen_req r = { .cat = 0x7f, .uid_len = 32 };
	static uint8_t pkt[NTSGEN_MAX_PKT];
	struct raw_opt o = { 0 };
	struct raw_ep base = { 0 }, ep;
	struct knstat s0, s1, d;
	struct knts_nl *nl = NULL;
	struct ntsgen g;
	int a, fd, bad = 0, err;
	uint32_t len;
	double t0, el;

	base.dport = 123;
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--bad-cookie")) {
			bad = 1;
			continue;
		}
		if (a + 1 >= argc)
			goto usage;
		if (!strcmp(argv[a], "--keys"))
			keys = argv[++a];
		else if (!strcmp(argv[a], "--src-net"))
			net = argv[++a];
		else if (!strcmp(argv[a], "--dst"))
			dst = argv[++a];
		else if (!strcmp(argv[a], "--pairs"))
			pairs = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--rate"))
			rate = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--port"))
			base.dport = (uint16_t)atoi(argv[++a]);
		else if (!strcmp(argv[a], "--srv-netns"))
			ns = argv[++a];
		else
			goto usage;
	}
	if (!keys || !net || !dst || !pairs)
		goto usage;
	if (inet_pton(AF_INET6, net, &base.src6) == 1 &&
	    inet_pton(AF_INET6, dst, &base.dst6) == 1)
		base.v6 = 1;
	else if (inet_pton(AF_INET, net, &base.src4) != 1 ||
		 inet_pton(AF_INET, dst, &base.dst4) != 1)
		goto usage;
	if (ntsgen_init(&g, keys, 15)) {
		fprintf(stderr, "flood: cannot mint a cookie from %s\n", keys);
		return 1;
	}
	if (bad) {
		/* A key ID nobody has: every copy owes a NAK. */
		g.cookie[0] ^= 0x80;
	}
	len = ntsgen_request(&g, pkt, &r);
	fd = raw_open(base.v6);
	if (!len || fd < 0) {
		perror("flood");
		return 1;
	}
	if (ns) {
		nl = knstat_open(ns);
		if (!nl || knstat_read(nl, &s0))
			return 1;
	}
	t0 = now();
	for (i = 0; i < pairs; i++) {
		pair(&ep, &base, i);
		err = raw_send(fd, &ep, pkt, len, &o);
		if (err == -ENOBUFS || err == -EAGAIN) {
			usleep(100);
			i--;
			continue;
		}
		if (err < 0) {
			fprintf(stderr, "flood: send: %s\n", strerror(-err));
			return 1;
		}
		if (rate && i % 64 == 63) {
			double ahead = (double)(i + 1) / (double)rate - (now() - t0);

			if (ahead > 0)
				usleep((useconds_t)(ahead * 1e6));
		}
	}
	el = now() - t0;
	printf("flood: %llu %s requests (%u bytes) from %llu distinct %s address/port pairs in %.1f s: %.0f/s\n",
	       (unsigned long long)pairs, bad ? "bad-cookie" : "valid", len,
	       (unsigned long long)pairs, base.v6 ? "IPv6" : "IPv4", el,
	       (double)pairs / el);
	if (nl) {
		/* Let the backlog drain before reading what knts made of it. */
		sleep(1);
		if (knstat_read(nl, &s1))
			return 1;
		knstat_delta(&s0, &s1, &d);
		knstat_print("flood: knts:", &d);
		knts_nl_close(nl);
	}
	return 0;
usage:
	fprintf(stderr, "usage: flood --keys FILE --src-net ADDR --dst ADDR --pairs N\n"
			"             [--port N] [--rate PPS] [--bad-cookie] [--srv-netns PATH]\n");
	return 2;
}
