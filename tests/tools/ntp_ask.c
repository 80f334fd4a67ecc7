// SPDX-License-Identifier: GPL-2.0
/*
 * ntp_ask: a plain NTP client for the lifecycle selftests, the load on the
 * knts client role. It sends bare NTPv4 requests (what knts signs) at a
 * steady rate and counts the answers: 48-byte replies that echo one of
 * the recent transmit timestamps (what knts lets through after it
 * verified). Requests knts drops locally (an empty jar)
 * fail with EPERM and are counted as dropped.
 *
 *   ntp_ask --dst ADDR [--port N] [--rate N] [--status FILE]
 *
 * Every request carries the marker of a valid request (ntsgen.h), so that
 * ntp_sink on the server takes what knts's server role stripped. Runs
 * until SIGTERM; FILE gets "sent dropped answered bad unprotected" about
 * every 200 ms, and the totals are printed at the end. Unprotected: an
 * answer longer than an NTP header, which still carries its NTS fields
 * (knts had no association for the server when it arrived, as right
 * after one was deleted). Bad: a 48-byte answer that is not a reply to
 * one of the last RECENT requests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ktypes.h"
#include "ntsgen.h"
#include "sink_state.h"

#define RECENT	4096	/* 40 s at 100/s: a late answer still matches */

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	const char *dst = NULL, *status = NULL;
	uint64_t sent = 0, dropped = 0, answered = 0, bad = 0, unprot = 0;
	uint64_t next, last_st = 0;
	uint8_t recent[RECENT][8], buf[2048], req[KNTS_NTP_HDR_LEN];
	struct sockaddr_storage sa = { 0 };
	unsigned int rate = 100, port = 123, i;
	socklen_t alen;
	int a, fd;

	for (a = 1; a + 1 < argc; a += 2) {
		if (!strcmp(argv[a], "--dst"))
			dst = argv[a + 1];
		else if (!strcmp(argv[a], "--port"))
			port = (unsigned int)atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--rate"))
			rate = (unsigned int)atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--status"))
			status = argv[a + 1];
		else
			break;
	}
	if (a != argc || !dst || !rate) {
		fprintf(stderr, "usage: ntp_ask --dst ADDR [--port N] [--rate N] [--status FILE]\n");
		return 2;
	}
	if (inet_pton(AF_INET6, dst, &((struct sockaddr_in6 *)&sa)->sin6_addr) == 1) {
		sa.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&sa)->sin6_port = htons(port);
		alen = sizeof(struct sockaddr_in6);
	} else if (inet_pton(AF_INET, dst, &((struct sockaddr_in *)&sa)->sin_addr) == 1) {
		sa.ss_family = AF_INET;
		((struct sockaddr_in *)&sa)->sin_port = htons(port);
		alen = sizeof(struct sockaddr_in);
	} else {
		fprintf(stderr, "ntp_ask: bad address %s\n", dst);
		return 2;
	}
	fd = socket(sa.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("ntp_ask: socket");
		return 1;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	memset(recent, 0, sizeof(recent));
	next = now_us();
	while (!stop) {
		ssize_t n;

		if (now_us() >= next) {
			memset(req, 0, sizeof(req));
			req[0] = 0x23;
			ntsgen_mark(req, SINK_CAT_VALID | 30, 228, 0);
			ntsgen_fill_random(req + KNTS_NTP_OFF_TX, 8);
			memcpy(recent[sent % RECENT], req + KNTS_NTP_OFF_TX, 8);
			sent++;
			if (sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&sa,
				   alen) != sizeof(req)) {
				if (errno != EPERM && errno != ENOBUFS &&
				    errno != ENETUNREACH && errno != EAGAIN) {
					perror("ntp_ask: send");
					return 1;
				}
				dropped++;
			}
			next += 1000000 / rate;
		}
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
			int hit = 0;

			for (i = 0; n >= KNTS_NTP_HDR_LEN && i < RECENT && !hit; i++)
				hit = !memcmp(recent[i], buf + KNTS_NTP_OFF_ORIGIN, 8);
			if (n > KNTS_NTP_HDR_LEN)
				unprot++;
			else if (!hit || (buf[0] & 7) != 4)
				bad++;
			else
				answered++;
		}
		if (status && now_us() - last_st > 200000) {
			FILE *f = fopen(status, "w");

			if (f) {
				fprintf(f, "%llu %llu %llu %llu %llu\n",
					(unsigned long long)sent,
					(unsigned long long)dropped,
					(unsigned long long)answered,
					(unsigned long long)bad,
					(unsigned long long)unprot);
				fclose(f);
			}
			last_st = now_us();
		}
		usleep(next > now_us() + 1000 ? 1000 : 100);
	}
	printf("ntp_ask: sent %llu, dropped %llu, answered %llu, bad %llu, unprotected %llu\n",
	       (unsigned long long)sent, (unsigned long long)dropped,
	       (unsigned long long)answered, (unsigned long long)bad,
	       (unsigned long long)unprot);
	return bad ? 1 : 0;
}
