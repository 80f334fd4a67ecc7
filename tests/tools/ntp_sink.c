// SPDX-License-Identifier: GPL-2.0
/*
 * ntp_sink: a stand-in for the NTP daemon behind knts, for the robustness
 * selftests. It binds the NTP port (IPv4 and IPv6), counts every datagram
 * that reaches its socket, checks that none of them is one knts should
 * have stopped, and answers each mode-3 request with a minimal mode-4
 * reply (origin = the request's transmit timestamp) so that knts has
 * replies to sign and its in-flight table drains as with a real daemon.
 *
 *   ntp_sink --state FILE [--port N] [--corked 1]
 *
 * --corked 1: every reply leaves in two sends, the first with MSG_MORE, so
 * the kernel builds it from page fragments (a nonlinear skb), as a daemon
 * using MSG_MORE or UDP_CORK would; knts must still sign it.
 *
 * What may reach the daemon (sink_state.h for the bookkeeping):
 *  - a request stripped by knts: 48 bytes whose marker says it was longer
 *    and belongs to a valid category; stripped bad requests are forgeries;
 *  - anything that is not mode 3, whatever the policy (the daemon's
 *    business: symmetric, control, replies);
 *  - under the mixed policy, plain NTP: anything except a version-4
 *    mode-3 packet that still begins with a well-formed UID and Cookie EF
 *    (knts must verify such a packet or drop it, never pass it).
 * It runs until SIGTERM, then prints its totals.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ktypes.h"
#include "ntsgen.h"
#include "sink_state.h"

#define BATCH	64
#define MAXPKT	2048

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

/* Does @d still begin, after the header, with a UID EF and a Cookie EF? */
static int nts_prefix(const uint8_t *d, size_t n)
{
	uint32_t l1, l2;

	if (n < KNTS_NTP_HDR_LEN + 8 || knts_get_be16(d + 48) != KNTS_EF_UID)
		return 0;
	l1 = knts_get_be16(d + 50);
	if (l1 < 4 + KNTS_EF_UID_MIN || l1 > 4 + KNTS_EF_UID_MAX || l1 % 4 ||
	    48 + l1 + 4 > n)
		return 0;
	if (knts_get_be16(d + 48 + l1) != KNTS_EF_COOKIE)
		return 0;
	l2 = knts_get_be16(d + 48 + l1 + 2);
	return l2 >= KNTS_EF_MIN_LEN && l2 % 4 == 0 && 48 + l1 + l2 <= n;
}

static int plain_allowed(const uint8_t *d, size_t n, uint32_t policy)
{
	if (n >= 1 && knts_ntp_mode(d[0]) != KNTS_NTP_MODE_CLIENT)
		return 1;
	if (policy == SINK_POLICY_NTS_ONLY)
		return 0;
	return !(n >= 1 && knts_ntp_version(d[0]) == 4 && nts_prefix(d, n));
}

static void violation(struct sink_state *st, const char *why,
		      const uint8_t *d, size_t n)
{
	size_t i, o;

	if (!st->violations++) {
		o = (size_t)snprintf(st->first_violation,
				     sizeof(st->first_violation),
				     "%s (%zu bytes): ", why, n);
		for (i = 0; i < n && o + 3 < sizeof(st->first_violation); i++)
			o += (size_t)snprintf(st->first_violation + o,
					      sizeof(st->first_violation) - o,
					      "%02x", d[i]);
	}
	fprintf(stderr, "ntp_sink: VIOLATION: %s (%zu bytes, first byte %02x)\n",
		why, n, n ? d[0] : 0);
}

static void classify(struct sink_state *st, const uint8_t *d, size_t n)
{
	uint32_t policy = st->policy;
	uint16_t mlen;
	uint8_t cat;

	st->total++;
	if (ntsgen_marker(d, n, &cat, &mlen)) {
		st->unmarked++;
		if (!plain_allowed(d, n, policy))
			violation(st, "an unmarked packet knts should have stopped",
				  d, n);
		return;
	}
	if (n != mlen) {
		if (n == KNTS_NTP_HDR_LEN && (cat & SINK_CAT_VALID) &&
		    mlen > KNTS_NTP_HDR_LEN) {
			st->stripped[cat]++;
			return;
		}
		st->unmodified[cat]++;
		violation(st, n == KNTS_NTP_HDR_LEN ?
			  "a bad request arrived stripped (verified?)" :
			  "a packet arrived with another length than sent",
			  d, n);
		return;
	}
	st->unmodified[cat]++;
	if ((cat & SINK_CAT_VALID) && n > KNTS_NTP_HDR_LEN)
		violation(st, "a valid NTS request arrived unstripped", d, n);
	else if (!plain_allowed(d, n, policy))
		violation(st, "a marked packet knts should have stopped", d, n);
}

static void stamp(uint8_t *p)
{
	struct timespec ts;
	uint64_t v;

	clock_gettime(CLOCK_REALTIME, &ts);
	v = ((uint64_t)ts.tv_sec + 2208988800ull) << 32 |
	    (((uint64_t)ts.tv_nsec << 32) / 1000000000ull);
	knts_put_be64(p, v);
}

/* A minimal server reply: what knts will sign. */
static size_t reply(const uint8_t *req, uint8_t *out)
{
	memset(out, 0, KNTS_NTP_HDR_LEN);
	out[0] = (4 << 3) | KNTS_NTP_MODE_SERVER;
	out[KNTS_NTP_OFF_STRATUM] = 2;
	out[KNTS_NTP_OFF_POLL] = req[KNTS_NTP_OFF_POLL];
	out[KNTS_NTP_OFF_PRECISION] = 0xec;
	memcpy(out + KNTS_NTP_OFF_REFID, "SINK", 4);
	stamp(out + KNTS_NTP_OFF_REF_TS);
	memcpy(out + KNTS_NTP_OFF_ORIGIN, req + KNTS_NTP_OFF_TX, 8);
	stamp(out + KNTS_NTP_OFF_RX);
	stamp(out + KNTS_NTP_OFF_TX);
	return KNTS_NTP_HDR_LEN;
}

/* One reply in two sends: half of it with MSG_MORE, then the rest. */
static int send_corked(int fd, const struct msghdr *m)
{
	const uint8_t *p = m->msg_iov[0].iov_base;
	size_t half = m->msg_iov[0].iov_len / 2;

	if (sendto(fd, p, half, MSG_MORE, m->msg_name, m->msg_namelen) < 0)
		return 0;
	return sendto(fd, p + half, m->msg_iov[0].iov_len - half, 0,
		      m->msg_name, m->msg_namelen) > 0;
}

static struct sink_state *map_state(const char *path)
{
	struct sink_state *st;
	int fd = open(path, O_RDWR | O_CREAT, 0600);

	if (fd < 0 || ftruncate(fd, sizeof(*st)))
		return NULL;
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (st == MAP_FAILED)
		return NULL;
	memset(st, 0, sizeof(*st));
	st->magic = SINK_MAGIC;
	st->policy = SINK_POLICY_NTS_ONLY;
	return st;
}

static int open_socket(unsigned int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_port = htons(port) };
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), zero = 0;
	int big = 64 << 20;
	struct timeval tv = { 0, 200000 };

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	static uint8_t in[BATCH][MAXPKT], out[BATCH][KNTS_NTP_HDR_LEN];
	struct sockaddr_in6 from[BATCH];
	struct mmsghdr rm[BATCH], sm[BATCH];
	struct iovec riov[BATCH], siov[BATCH];
	const char *path = NULL;
	unsigned int port = 123;
	int corked = 0;
	struct sink_state *st;
	int fd, i, n, k;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--state"))
			path = argv[i + 1];
		else if (!strcmp(argv[i], "--port"))
			port = (unsigned int)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--corked"))
			corked = atoi(argv[i + 1]);
	}
	if (!path || i != argc) {
		fprintf(stderr, "usage: ntp_sink --state FILE [--port N] [--corked 1]\n");
		return 2;
	}
	st = map_state(path);
	fd = open_socket(port);
	if (!st || fd < 0) {
		perror("ntp_sink");
		return 1;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	printf("ntp_sink: listening on port %u\n", port);
	fflush(stdout);
	while (!stop) {
		for (i = 0; i < BATCH; i++) {
			riov[i] = (struct iovec){ in[i], MAXPKT };
			rm[i] = (struct mmsghdr){ .msg_hdr = {
				.msg_name = &from[i], .msg_namelen = sizeof(from[i]),
				.msg_iov = &riov[i], .msg_iovlen = 1 } };
		}
		n = recvmmsg(fd, rm, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			perror("ntp_sink: recvmmsg");
			return 1;
		}
		for (i = 0, k = 0; i < n; i++) {
			size_t len = rm[i].msg_len;

			classify(st, in[i], len);
			if (len < KNTS_NTP_HDR_LEN ||
			    knts_ntp_mode(in[i][0]) != KNTS_NTP_MODE_CLIENT)
				continue;
			siov[k] = (struct iovec){ out[k], reply(in[i], out[k]) };
			sm[k] = (struct mmsghdr){ .msg_hdr = {
				.msg_name = &from[i], .msg_namelen = rm[i].msg_hdr.msg_namelen,
				.msg_iov = &siov[k], .msg_iovlen = 1 } };
			k++;
		}
		if (corked) {
			for (i = 0; i < k; i++)
				if (send_corked(fd, &sm[i].msg_hdr))
					st->replies++;
		} else if (k > 0 && sendmmsg(fd, sm, (unsigned int)k, 0) > 0) {
			st->replies += (uint64_t)k;
		}
	}
	printf("ntp_sink: %llu datagrams, %llu unmarked, %llu replies, %llu violations\n",
	       (unsigned long long)st->total, (unsigned long long)st->unmarked,
	       (unsigned long long)st->replies, (unsigned long long)st->violations);
	if (st->violations)
		printf("ntp_sink: first violation: %s\n", st->first_violation);
	return st->violations ? 1 : 0;
}
