// SPDX-License-Identifier: GPL-2.0
/*
 * Guest half of the NTS exchange in `make check-arm64`: a static arm64
 * binary with no crypto, so that the guest kernel's knts is the only
 * thing that adds or checks NTS fields.
 *
 *   ntpx serve PORT COUNT      a plain NTP server on 127.0.0.1 and ::1:
 *       answers COUNT requests with a 48-byte mode 4 reply (origin = the
 *       request's transmit time), printing "serve: N bytes" for each
 *       request it got (48 when knts stripped the NTS fields)
 *   ntpx ask ADDR PORT HEX     send the packet HEX to ADDR:PORT, print the
 *       reply as hex; exit 1 if none came within 5 s
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NTP_HDR		48
#define NTP_UNIX_OFFSET	2208988800u	/* 1900 to 1970 */

static void put_ts(unsigned char *p)
{
	struct timespec ts;
	uint32_t s, f;

	clock_gettime(CLOCK_REALTIME, &ts);
	s = (uint32_t)ts.tv_sec + NTP_UNIX_OFFSET;
	f = (uint32_t)(((uint64_t)ts.tv_nsec << 32) / 1000000000u);
	s = htonl(s);
	f = htonl(f);
	memcpy(p, &s, 4);
	memcpy(p + 4, &f, 4);
}

static int bound(int family, const char *addr, int port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	int fd = socket(family, SOCK_DGRAM, 0), one = 1;

	if (fd < 0)
		return -1;
	if (family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, addr, &s4->sin_addr);
	} else {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
	}
	if (bind(fd, (struct sockaddr *)&ss, sizeof(ss))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int serve(int port, int count)
{
	struct pollfd pfd[2];
	unsigned char buf[2048], rep[NTP_HDR];
	struct sockaddr_storage from;
	socklen_t fl;
	ssize_t n;
	int i;

	pfd[0].fd = bound(AF_INET, "127.0.0.1", port);
	pfd[1].fd = bound(AF_INET6, "::1", port);
	if (pfd[0].fd < 0 || pfd[1].fd < 0) {
		perror("ntpx: bind");
		return 1;
	}
	pfd[0].events = pfd[1].events = POLLIN;
	while (count > 0) {
		if (poll(pfd, 2, 30000) <= 0) {
			fprintf(stderr, "ntpx: no request within 30 s\n");
			return 1;
		}
		for (i = 0; i < 2; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			fl = sizeof(from);
			n = recvfrom(pfd[i].fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);
			if (n < NTP_HDR)
				continue;
			printf("serve: %zd bytes\n", n);
			fflush(stdout);
			memset(rep, 0, sizeof(rep));
			put_ts(rep + 32);			/* receive */
			rep[0] = 0x24;				/* LI 0, VN 4, mode 4 */
			rep[1] = 2;				/* stratum */
			rep[2] = buf[2];			/* poll */
			rep[3] = 0xec;				/* precision 2^-20 */
			memcpy(rep + 12, "LOCL", 4);
			memcpy(rep + 16, rep + 32, 8);		/* reference */
			memcpy(rep + 24, buf + 40, 8);		/* origin */
			put_ts(rep + 40);			/* transmit */
			sendto(pfd[i].fd, rep, sizeof(rep), 0,
			       (struct sockaddr *)&from, fl);
			count--;
		}
	}
	return 0;
}

static int ask(const char *addr, int port, const char *hex)
{
	unsigned char pkt[2048], rep[2048];
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	struct sockaddr_storage to = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&to;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&to;
	struct pollfd pfd;
	size_t len = 0;
	unsigned int b;
	ssize_t n, i;
	int fd;

	while (hex[0] && hex[1] && len < sizeof(pkt) && sscanf(hex, "%2x", &b) == 1) {
		pkt[len++] = (unsigned char)b;
		hex += 2;
	}
	fd = bound(family, family == AF_INET ? "127.0.0.1" : "::1", 0);
	if (fd < 0 || !len)
		return 2;
	if (family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, addr, &s4->sin_addr);
	} else {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
	}
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len) {
		perror("ntpx: sendto");
		return 1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) <= 0) {
		fprintf(stderr, "ntpx: no reply within 5 s\n");
		return 1;
	}
	n = recv(fd, rep, sizeof(rep), 0);
	for (i = 0; i < n; i++)
		printf("%02x", rep[i]);
	printf("\n");
	return n > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(atoi(argv[2]), atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "ask"))
		return ask(argv[2], atoi(argv[3]), argv[4]);
	fprintf(stderr, "usage: ntpx serve PORT COUNT | ask ADDR PORT HEX\n");
	return 2;
}
