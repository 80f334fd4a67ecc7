// SPDX-License-Identifier: GPL-2.0
/*
 * hostile: throw broken NTS requests at a knts server and check, case by
 * case, that knts counted each one exactly once, that none of the bad
 * ones reached the daemon (ntp_sink counts what reaches its socket), and
 * that what came back is right: signed replies that verify under S2C,
 * NAKs that echo the UID and are never larger than the request.
 *
 *   hostile --keys FILE --srv-netns PATH [--sink-state FILE]
 *           --src ADDR --dst ADDR [--port N] [--policy nts-only|mixed]
 *           [--rounds N] [--case NAME[,NAME...]]
 *
 * Run in the client namespace; PATH names the server's (/run/netns/X),
 * where hostile configures knts and reads its counters over netlink.
 * Without --sink-state the daemon is a real one (chronyd): what reaches
 * it is then checked by the caller from the daemon's own counters.
 * Exit 0 when every case passed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ktypes.h"
#include "hostile.h"
#include "knstat.h"
#include "nl.h"
#include "sink_state.h"

#define WINDOW		256		/* requests in flight before we wait */
#define DWINDOW		64		/* verified requests the daemon owes */
#define RING		65536		/* sent requests kept to match replies */
#define PROBES		8
#define SETTLE_MS	30000

struct sent {
	uint64_t seq;		/* 0: free */
	uint8_t gi;
	struct ntsgen_sent s;
};

struct phase {
	uint64_t sent, acct, ip_pkts;
	uint64_t signed_rx, nak_rx, plain_rx, bad_rx, unmatched_rx;
	uint64_t cookies;
	struct knstat st0;
	uint64_t outcomes_seen, verified_seen;
	int stalled;
	char bad_reason[200];
};

static struct {
	struct hctx c;
	struct knts_nl *nl;
	struct sink_state *sink;
	int no_sink;
	struct raw_ep ep;
	int udp, raw;
	struct sockaddr_storage dst;
	socklen_t dst_len;
	struct sent *ring;
	struct phase ph;
	uint64_t since_check;
} H;

uint32_t hrand(void)
{
	uint32_t r;

	ntsgen_fill_random(&r, sizeof(r));
	return r;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Replies are matched to requests by what they echo: the origin (our
 * transmit timestamp) and, for NTS answers, the UID. Many mutations of
 * one request share its timestamp and UID; their answers are then alike
 * too (a NAK holds only those), so any one of them serves as the match.
 */
static uint64_t key_hash(const uint8_t *ts, const uint8_t *uid,
			 uint32_t uid_len)
{
	uint64_t v = knts_get_be64(ts);
	uint32_t i;

	for (i = 0; i < uid_len; i++)
		v = (v ^ uid[i]) * 0x100000001b3ull;
	v ^= v >> 29;
	v *= 0xbf58476d1ce4e5b9ull;
	return v >> 16;
}

static int same_key(const struct ntsgen_sent *s, const uint8_t *ts,
		    const uint8_t *uid, uint32_t uid_len)
{
	return !memcmp(s->tx, ts, 8) && s->uid_len == uid_len &&
	       !memcmp(s->uid, uid, uid_len);
}

static void ring_put(const uint8_t *pkt, uint32_t len, unsigned int gi)
{
	static uint64_t seq;
	struct ntsgen_sent n;
	struct sent *victim = NULL;
	uint64_t h;
	int i;

	ntsgen_sent_init(&n, pkt, len);
	h = key_hash(n.tx, n.uid, n.uid_len);
	for (i = 0; i < PROBES; i++) {
		struct sent *e = &H.ring[(h + (uint64_t)i) % RING];

		if (!e->seq || same_key(&e->s, n.tx, n.uid, n.uid_len)) {
			victim = e;
			break;
		}
		if (!victim || e->seq < victim->seq)
			victim = e;
	}
	victim->seq = ++seq;
	victim->gi = (uint8_t)gi;
	victim->s = n;
}

static struct sent *ring_find(const uint8_t *p, uint32_t len)
{
	struct knts_ef_resp r;
	const uint8_t *uid = NULL;
	uint32_t uid_len = 0;
	uint64_t h;
	int i;

	if (knts_ef_parse_response(p, len, &r) >= 0) {
		uid = p + r.uid_off;
		uid_len = r.uid_len;
	}
	h = key_hash(p + KNTS_NTP_OFF_ORIGIN, uid, uid_len);
	for (i = 0; i < PROBES; i++) {
		struct sent *e = &H.ring[(h + (uint64_t)i) % RING];

		if (e->seq && same_key(&e->s, p + KNTS_NTP_OFF_ORIGIN, uid, uid_len))
			return e;
	}
	return NULL;
}

/* Largest request that leaves the veth (MTU 1500) unfragmented. */
uint32_t max_unfragmented(const struct hctx *c)
{
	return c->v6 ? 1500 - 40 - 8 : 1500 - 20 - 8;
}

uint32_t hbase(struct hctx *c, uint8_t *buf, uint32_t max_ph,
	       unsigned int *gi, uint32_t *auth_off)
{
	struct ntsgen_req r = {
		.cat = c->cat,
		.uid_len = 32 + 4 * (hrand() % 9),
		.n_ph = hrand() % (max_ph + 1),
	};
	uint32_t len;

	*gi = hrand() % 3;
	for (;;) {
		len = ntsgen_request(&c->g[*gi], buf, &r);
		if (!len || len <= max_unfragmented(c) || !r.n_ph)
			break;
		r.n_ph--;
	}
	if (!len) {
		fprintf(stderr, "hostile: cannot sign a request\n");
		exit(1);
	}
	*auth_off = len - 40;
	return len;
}

void hfinish(struct hctx *c, uint8_t *pkt, uint32_t len, unsigned int gi,
	     uint32_t auth_off)
{
	ntsgen_mark(pkt, c->cat, (uint16_t)len, 0);
	if (auth_off)
		ntsgen_sign(&c->g[gi], pkt, auth_off);
}

static void on_reply(const uint8_t *p, size_t n)
{
	struct phase *ph = &H.ph;
	unsigned int cookies;
	struct sent *s;

	if (n < KNTS_NTP_HDR_LEN) {
		ph->bad_rx++;
		snprintf(ph->bad_reason, sizeof(ph->bad_reason),
			 "a %zu-byte reply", n);
		return;
	}
	s = ring_find(p, (uint32_t)n);
	if (!s) {
		ph->unmatched_rx++;
		return;
	}
	switch (ntsgen_check_reply(&H.c.g[s->gi], p, n, &s->s, &cookies)) {
	case NTSGEN_REPLY_SIGNED:
		ph->signed_rx++;
		ph->cookies += cookies;
		break;
	case NTSGEN_REPLY_NAK:
		ph->nak_rx++;
		break;
	case NTSGEN_REPLY_PLAIN:
		ph->plain_rx++;
		break;
	default:
		ph->bad_rx++;
		snprintf(ph->bad_reason, sizeof(ph->bad_reason),
			 "bad %zu-byte reply to a %u-byte request (first byte %02x)",
			 n, s->s.len, p[0]);
	}
}

static void drain(void)
{
	static uint8_t buf[4096];
	ssize_t n;

	while ((n = recv(H.udp, buf, sizeof(buf), MSG_DONTWAIT)) >= 0)
		on_reply(buf, (size_t)n);
}

static void read_stats(struct knstat *d)
{
	struct knstat now;

	if (knstat_read(H.nl, &now)) {
		fprintf(stderr, "hostile: cannot read knts counters\n");
		exit(1);
	}
	knstat_delta(&H.ph.st0, &now, d);
	H.ph.outcomes_seen = knstat_outcomes(d);
	H.ph.verified_seen = d->c[KNTS_STAT_SRV_REQ_VERIFIED];
}

/*
 * Replies the daemon sent to verified requests, as they came back: signed,
 * plain (the daemon's answers to replays), or unmatched (the same).
 */
static uint64_t answered(void)
{
	return H.ph.signed_rx + H.ph.plain_rx + H.ph.unmatched_rx;
}

static uint64_t progress(void)
{
	return H.ph.outcomes_seen + answered() + H.ph.nak_rx;
}

/*
 * Keep at most WINDOW packets in flight to knts and DWINDOW verified
 * requests waiting for the daemon: no queue overflows, and the in-flight
 * table stays nearly empty, as behind a daemon that keeps up. Gives up
 * after SETTLE_MS without progress.
 */
static void pace(void)
{
	uint64_t start = now_ms(), last = 0;
	struct knstat d;

	if (++H.since_check < 32)
		return;
	H.since_check = 0;
	drain();
	read_stats(&d);
	while (H.ph.acct > H.ph.outcomes_seen + WINDOW / 2 ||
	       H.ph.verified_seen > answered() + DWINDOW) {
		if (progress() != last) {
			last = progress();
			start = now_ms();
		} else if (now_ms() - start > SETTLE_MS) {
			H.ph.stalled = 1;
			return;
		}
		usleep(200);
		drain();
		read_stats(&d);
	}
}

void hsend(struct hctx *c, const uint8_t *pkt, uint32_t len, unsigned int gi,
	   const struct raw_opt *o, unsigned int acct)
{
	int r;

	if (len >= KNTS_NTP_HDR_LEN)
		ring_put(pkt, len, gi);
	for (;;) {
		if (o)
			r = raw_send(H.raw, &H.ep, pkt, len, o);
		else
			r = sendto(H.udp, pkt, len, 0, (struct sockaddr *)&H.dst,
				   H.dst_len) == (ssize_t)len ? 1 : -errno;
		if (r != -ENOBUFS && r != -EAGAIN)
			break;
		drain();
		usleep(100);
	}
	if (r < 0) {
		fprintf(stderr, "hostile: send: %s\n", strerror(-r));
		exit(1);
	}
	H.ph.ip_pkts += (uint64_t)r;
	H.ph.sent++;
	H.ph.acct += acct;
	pace();
}

static int expect(int cond, const char *what)
{
	if (!cond && !H.ph.bad_reason[0])
		snprintf(H.ph.bad_reason, sizeof(H.ph.bad_reason), "%s", what);
	return cond;
}

/*
 * Requests that reached the daemon stripped. Behind a real daemon (no
 * sink) we cannot see them; the daemon's own counters are checked by the
 * selftest instead.
 */
static uint64_t stripped_now(const struct hcase *hc, const struct knstat *d,
			     uint64_t sink0)
{
	if (H.no_sink)
		return d->c[KNTS_STAT_SRV_REQ_VERIFIED];
	return H.sink->stripped[hc->cat] - sink0;
}

/* Wait until knts, the sink and our socket have seen everything. */
static void settle(const struct hcase *hc, struct knstat *d, uint64_t *stripped,
		   uint64_t sink0)
{
	uint64_t start = now_ms(), last = 0;

	for (;;) {
		drain();
		read_stats(d);
		*stripped = stripped_now(hc, d, sink0);
		if (H.ph.outcomes_seen >= H.ph.acct &&
		    answered() >= d->c[KNTS_STAT_SRV_REQ_VERIFIED] &&
		    *stripped >= d->c[KNTS_STAT_SRV_REQ_VERIFIED] &&
		    H.ph.signed_rx + H.ph.nak_rx + H.ph.bad_rx +
		    H.ph.unmatched_rx >=
		    d->c[KNTS_STAT_SRV_REPLY_SIGNED] + d->c[KNTS_STAT_SRV_NAK_SENT] &&
		    (hc->kind != HK_VALID ||
		     d->c[KNTS_STAT_SRV_REPLY_SIGNED] >=
		     d->c[KNTS_STAT_SRV_REQ_VERIFIED]))
			break;
		if (progress() != last) {
			last = progress();
			start = now_ms();
		} else if (now_ms() - start > SETTLE_MS) {
			H.ph.stalled = 1;
			break;
		}
		usleep(2000);
	}
	/* Late arrivals (a counter running ahead) would show here. */
	usleep(20000);
	drain();
	read_stats(d);
	*stripped = stripped_now(hc, d, sink0);
}

static int run_case(const struct hcase *hc, unsigned int rounds)
{
	const char *fam = H.c.v6 ? "v6" : "v4";
	const char *pol = H.c.policy == SINK_POLICY_NTS_ONLY ? "nts-only" : "mixed";
	uint64_t sink0 = H.sink->stripped[hc->cat], viol0 = H.sink->violations;
	uint64_t t0 = now_ms(), stripped, ms, owed, full;
	struct knstat d;
	int ok = 1;

	memset(&H.ph, 0, sizeof(H.ph));
	if (knstat_read(H.nl, &H.ph.st0))
		return 0;
	H.c.cat = hc->cat;
	H.c.mode3 = 0;
	hc->run(&H.c, rounds);
	settle(hc, &d, &stripped, sink0);
	ms = now_ms() - t0;
	owed = knstat_naks_owed(&d);

	ok &= expect(!H.ph.stalled, "stalled: knts did not count everything sent");
	ok &= expect(H.ph.outcomes_seen == H.ph.acct,
		     "knts outcomes do not add up to what was sent");
	ok &= expect(H.sink->violations == viol0,
		     "the daemon received a packet knts should have stopped");
	ok &= expect(!d.c[KNTS_STAT_SRV_ERROR], "srv_error rose");
	ok &= expect(!d.c[KNTS_STAT_SRV_REPLY_DROPPED], "srv_reply_dropped rose");
	/*
	 * Valid requests may find their window full when the daemon lags:
	 * they evict the oldest entry there, whose reply then goes out
	 * unsigned (counted, and the flood test's subject); bad ones never
	 * get that far.
	 */
	full = d.c[KNTS_STAT_SRV_TABLE_FULL];
	if (hc->kind != HK_VALID && hc->kind != HK_REPLAY && hc->kind != HK_PAIR)
		ok &= expect(!full, "a bad request reached the in-flight table");
	ok &= expect(d.c[KNTS_STAT_SRV_NAK_SENT] + d.c[KNTS_STAT_SRV_NAK_RATELIMITED] == owed,
		     "NAKs sent + rate-limited != NAKs owed");
	ok &= expect(H.ph.nak_rx == d.c[KNTS_STAT_SRV_NAK_SENT],
		     "NAKs received != srv_nak_sent");
	ok &= expect(!H.ph.bad_rx, "a bad reply came back");
	ok &= expect(H.ph.signed_rx == d.c[KNTS_STAT_SRV_REPLY_SIGNED],
		     "signed replies received != srv_reply_signed");
	ok &= expect(stripped == d.c[KNTS_STAT_SRV_REQ_VERIFIED],
		     "requests reaching the daemon stripped != srv_req_verified");
	switch (hc->kind) {
	case HK_VALID:
		ok &= expect(d.c[KNTS_STAT_SRV_REQ_VERIFIED] == H.ph.acct,
			     "not every valid request verified");
		ok &= expect(d.c[KNTS_STAT_SRV_REPLY_SIGNED] <=
			     d.c[KNTS_STAT_SRV_REQ_VERIFIED] &&
			     d.c[KNTS_STAT_SRV_REPLY_SIGNED] + full >=
			     d.c[KNTS_STAT_SRV_REQ_VERIFIED],
			     "a reply was not signed, and no entry was evicted");
		ok &= expect(H.ph.cookies >= H.ph.signed_rx, "a reply without cookies");
		break;
	case HK_REPLAY:
		ok &= expect(d.c[KNTS_STAT_SRV_REQ_VERIFIED] == H.ph.acct,
			     "a replayed request did not verify (the server is stateless)");
		break;
	case HK_PAIR:
		ok &= expect(2 * d.c[KNTS_STAT_SRV_REQ_VERIFIED] == H.ph.acct &&
			     2 * owed == H.ph.acct,
			     "valid/forged pairs: not half verified, half NAKed");
		break;
	case HK_MODES:
		ok &= expect(d.c[KNTS_STAT_SRV_PLAIN_PASSED] +
			     d.c[KNTS_STAT_SRV_PLAIN_DROPPED] == H.ph.acct,
			     "versions/modes: not all counted as plain");
		ok &= expect(d.c[KNTS_STAT_SRV_PLAIN_DROPPED] ==
			     (H.c.policy == SINK_POLICY_NTS_ONLY ? H.c.mode3 : 0),
			     "plain mode-3 drops do not match the policy");
		break;
	case HK_CSUM:
		ok &= expect(d.c[KNTS_STAT_SRV_BAD_CSUM] == H.ph.acct,
			     "bad checksums not all counted srv_bad_csum");
		break;
	case HK_FRAG6:
		ok &= expect(d.c[KNTS_STAT_SRV_FRAGMENT_DROPPED] == H.ph.acct,
			     "IPv6 first fragments not all dropped");
		break;
	case HK_BAD:
		break;
	}
	if (hc->kind != HK_VALID && hc->kind != HK_REPLAY && hc->kind != HK_PAIR)
		ok &= expect(!d.c[KNTS_STAT_SRV_REQ_VERIFIED],
			     "a bad request verified");
	printf("# %s %s/%s %-15s sent %llu (%llu IP packets, %llu counted) in %.1f s, %.0f/s;",
	       ok ? "ok  " : "FAIL", fam, pol, hc->name,
	       (unsigned long long)H.ph.sent, (unsigned long long)H.ph.ip_pkts,
	       (unsigned long long)H.ph.outcomes_seen, ms / 1000.0,
	       ms ? H.ph.sent * 1000.0 / ms : 0.0);
	printf(" replies: %llu signed, %llu NAK, %llu plain, %llu unmatched; daemon got %llu stripped\n",
	       (unsigned long long)H.ph.signed_rx, (unsigned long long)H.ph.nak_rx,
	       (unsigned long long)H.ph.plain_rx,
	       (unsigned long long)H.ph.unmatched_rx, (unsigned long long)stripped);
	knstat_print("#      knts:", &d);
	if (!ok) {
		printf("#      FAILED: %s\n", H.ph.bad_reason);
		if (H.sink->violations)
			printf("#      sink: %s\n", H.sink->first_violation);
	}
	fflush(stdout);
	return ok;
}

static struct sink_state *map_sink(const char *path)
{
	struct sink_state *st;
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return NULL;
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (st == MAP_FAILED || st->magic != SINK_MAGIC)
		return NULL;
	return st;
}

static int setup_sockets(const char *src, const char *dst, uint16_t port)
{
	struct sockaddr_storage a = { 0 };
	socklen_t alen;
	int big = 64 << 20;

	H.ep.dport = port;
	if (inet_pton(AF_INET6, dst, &H.ep.dst6) == 1 &&
	    inet_pton(AF_INET6, src, &H.ep.src6) == 1) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a;
		struct sockaddr_in6 *d6 = (struct sockaddr_in6 *)&H.dst;

		H.ep.v6 = H.c.v6 = 1;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = H.ep.src6;
		d6->sin6_family = AF_INET6;
		d6->sin6_addr = H.ep.dst6;
		d6->sin6_port = htons(port);
		H.dst_len = sizeof(*d6);
		alen = sizeof(*s6);
	} else if (inet_pton(AF_INET, dst, &H.ep.dst4) == 1 &&
		   inet_pton(AF_INET, src, &H.ep.src4) == 1) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&a;
		struct sockaddr_in *d4 = (struct sockaddr_in *)&H.dst;

		s4->sin_family = AF_INET;
		s4->sin_addr = H.ep.src4;
		d4->sin_family = AF_INET;
		d4->sin_addr = H.ep.dst4;
		d4->sin_port = htons(port);
		H.dst_len = sizeof(*d4);
		alen = sizeof(*s4);
	} else {
		return -1;
	}
	H.udp = socket(a.ss_family, SOCK_DGRAM, 0);
	if (H.udp < 0 || bind(H.udp, (struct sockaddr *)&a, alen) ||
	    getsockname(H.udp, (struct sockaddr *)&a, &alen))
		return -1;
	if (setsockopt(H.udp, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(H.udp, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	H.ep.sport = ntohs(a.ss_family == AF_INET6 ?
			   ((struct sockaddr_in6 *)&a)->sin6_port :
			   ((struct sockaddr_in *)&a)->sin_port);
	H.raw = raw_open(H.ep.v6);
	return H.raw < 0 ? -1 : 0;
}

/* Is @name one of the comma-separated @list? */
static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (;;) {
		if (!strncmp(list, name, n) && (list[n] == ',' || !list[n]))
			return 1;
		list = strchr(list, ',');
		if (!list)
			return 0;
		list++;
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: hostile --keys FILE --srv-netns PATH [--sink-state FILE]\n"
			"               --src ADDR --dst ADDR [--port N] [--policy nts-only|mixed]\n"
			"               [--rounds N] [--case NAME[,NAME...]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *keys = NULL, *ns = NULL, *sink = NULL, *src = NULL;
	const char *dst = NULL, *only = NULL;
	unsigned int rounds = 1, i, pass = 0, fail = 0, aead;
	uint64_t total = 0, t0;
	uint16_t port = 123;
	int a;

	for (a = 1; a + 1 < argc; a += 2) {
		if (!strcmp(argv[a], "--keys"))
			keys = argv[a + 1];
		else if (!strcmp(argv[a], "--srv-netns"))
			ns = argv[a + 1];
		else if (!strcmp(argv[a], "--sink-state"))
			sink = argv[a + 1];
		else if (!strcmp(argv[a], "--src"))
			src = argv[a + 1];
		else if (!strcmp(argv[a], "--dst"))
			dst = argv[a + 1];
		else if (!strcmp(argv[a], "--port"))
			port = (uint16_t)atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--rounds"))
			rounds = (unsigned int)atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--case"))
			only = argv[a + 1];
		else if (!strcmp(argv[a], "--policy"))
			H.c.policy = !strcmp(argv[a + 1], "mixed") ?
				     SINK_POLICY_MIXED : SINK_POLICY_NTS_ONLY;
		else
			usage();
	}
	if (a != argc || !keys || !ns || !src || !dst || !rounds)
		usage();
	for (aead = 15; aead <= 17; aead++) {
		if (ntsgen_init(&H.c.g[aead - 15], keys, aead)) {
			fprintf(stderr, "hostile: cannot mint a cookie from %s\n", keys);
			return 1;
		}
	}
	H.ring = calloc(RING, sizeof(*H.ring));
	if (sink) {
		H.sink = map_sink(sink);
	} else {
		static struct sink_state none;

		H.sink = &none;
		H.no_sink = 1;
	}
	if (!H.ring || !H.sink || setup_sockets(src, dst, port)) {
		perror("hostile: setup");
		return 1;
	}
	H.nl = knstat_open(ns);
	if (!H.nl || knstat_server(H.nl, 1, port, H.c.policy == SINK_POLICY_NTS_ONLY ?
				   KNTS_POLICY_NTS_ONLY : KNTS_POLICY_MIXED)) {
		fprintf(stderr, "hostile: cannot configure knts in %s\n", ns);
		return 1;
	}
	H.sink->policy = H.c.policy;
	t0 = now_ms();
	for (i = 0; i < n_hcases; i++) {
		const struct hcase *hc = &hcases[i];

		if ((hc->only_v4 && H.c.v6) || (hc->only_v6 && !H.c.v6) ||
		    (only && !in_list(only, hc->name)))
			continue;
		if (run_case(hc, rounds))
			pass++;
		else
			fail++;
		total += H.ph.sent;
	}
	t0 = now_ms() - t0;
	printf("# hostile %s %s: %llu packets in %.1f s (%.0f/s), %u cases ok, %u failed\n",
	       H.c.v6 ? "v6" : "v4",
	       H.c.policy == SINK_POLICY_NTS_ONLY ? "nts-only" : "mixed",
	       (unsigned long long)total, t0 / 1000.0,
	       t0 ? total * 1000.0 / t0 : 0.0, pass, fail);
	knts_nl_close(H.nl);
	return fail || !pass ? 1 : 0;
}
