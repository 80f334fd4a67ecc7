// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_client: a hostile NTS server against the knts client role
 * (hostile_client.h). It plays both ends around knts: the NTP daemon on
 * the client (bare NTPv4 requests from a UDP socket in this namespace,
 * and the count of what reaches that socket) and the server in another
 * namespace, which answers every NTS request knts sends with a case's
 * broken replies and then the valid one.
 *
 *   hostile_client --state FILE --srv-netns PATH --srv ADDR --cli ADDR
 *                  [--rounds N] [--case NAME[,NAME...]]
 *
 * FILE is the state file of `knts-assoc set SRV ... state FILE` (AEAD,
 * C2S, S2C of the association knts holds for SRV port 123). Run in the
 * client namespace, where knts's counters are read. Exit 0 when every
 * case passed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ktypes.h"
#include "hostile_client.h"
#include "knstat.h"
#include "nl.h"
#include "siv.h"

#define WINDOW		256	/* replies in flight before we wait */
#define SETTLE_MS	30000
#define WAIT_MS		10000	/* for knts's request, or the daemon's reply */

struct phase {
	uint64_t sent, acct, ip_pkts, valid, exchanges;
	uint64_t replays, naks, plain;
	uint64_t delivered, plain_rx, violations, req_bad, no_request;
	uint64_t outcomes_seen;
	struct knstat st0;
	int stalled;
	char bad_reason[200];
};

static struct {
	struct hcctx c;
	struct knts_nl *nl;
	const char *srv_ns;
	uint16_t key_len;
	uint8_t c2s[64], s2c[64];
	int dsock, ssock, raw;	/* daemon, server (srv netns), raw (srv netns) */
	struct raw_ep ep;	/* server -> daemon */
	struct sockaddr_storage srv, cli;	/* srv:123, the daemon's socket */
	socklen_t alen;
	struct phase ph;
	unsigned int since_check;
} H;

uint32_t hc_rand(void)
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

static int expect(int cond, const char *what)
{
	if (!cond && !H.ph.bad_reason[0])
		snprintf(H.ph.bad_reason, sizeof(H.ph.bad_reason), "%s", what);
	return cond;
}

/* --- replies --- */

uint32_t hc_head(struct hcctx *c, const struct hcreq *q, uint8_t *buf,
		 uint8_t cat)
{
	uint32_t off = KNTS_NTP_HDR_LEN;

	memset(buf, 0, KNTS_NTP_HDR_LEN);
	buf[KNTS_NTP_OFF_LVM] = 0x24;		/* v4, mode 4 */
	buf[KNTS_NTP_OFF_STRATUM] = 2;
	buf[KNTS_NTP_OFF_PRECISION] = 0xe9;
	memcpy(buf + KNTS_NTP_OFF_REFID, "HOST", 4);
	ntsgen_mark(buf, cat, 0, 0);
	memcpy(buf + KNTS_NTP_OFF_ORIGIN, q->tx, KNTS_NTP_TS_LEN);
	ntsgen_fill_random(buf + KNTS_NTP_OFF_ORIGIN + 8, 16);	/* rx, tx */
	off += (uint32_t)knts_ef_put_uid(buf + off, HC_MAX_PKT - off,
					 q->uid, q->uid_len);
	return off;
}

uint32_t hc_auth(uint8_t *buf, uint32_t at, const uint8_t *pt,
		 uint32_t pt_len)
{
	uint8_t nonce[KNTS_EF_NONCE_LEN];
	struct knts_siv_ad ad[2];
	uint8_t *tag;
	int n;

	ntsgen_fill_random(nonce, sizeof(nonce));
	n = knts_ef_put_auth(buf + at, HC_MAX_PKT - at, nonce,
			     sizeof(nonce), KNTS_SIV_TAG_LEN + pt_len);
	if (n < 0) {
		fprintf(stderr, "hostile_client: reply too large (%u)\n", pt_len);
		exit(1);
	}
	ad[0].data = buf;
	ad[0].len = at;
	ad[1].data = nonce;
	ad[1].len = sizeof(nonce);
	/* knts_ef_put_auth() returns where the ciphertext (tag first) goes. */
	tag = buf + at + n;
	if (knts_siv_seal(H.s2c, H.key_len, ad, 2, pt, pt_len, tag,
			  tag + KNTS_SIV_TAG_LEN)) {
		fprintf(stderr, "hostile_client: cannot seal\n");
		exit(1);
	}
	return at + knts_ef_auth_len(sizeof(nonce), KNTS_SIV_TAG_LEN + pt_len);
}

uint32_t hc_cookies(uint8_t *pt, unsigned int n, uint32_t body)
{
	uint8_t cookie[KNTS_ASSOC_COOKIE_MAX + 64];
	uint32_t off = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		ntsgen_fill_random(cookie, body);
		off += (uint32_t)knts_ef_put_cookie(pt + off, HC_PT_MAX - off, cookie,
						    body);
	}
	return off;
}

uint32_t hc_reply(struct hcctx *c, const struct hcreq *q, uint8_t *buf,
		  uint8_t cat)
{
	static uint8_t pt[HC_PT_MAX];
	uint32_t at = hc_head(c, q, buf, cat);

	return hc_auth(buf, at, pt, hc_cookies(pt, q->n_cookies, q->cookie_len));
}

/* --- the daemon's side --- */

static void on_daemon(const uint8_t *p, ssize_t n)
{
	unsigned int mode = n > 0 ? (p[0] & 7u) : 8;
	uint16_t mlen;
	uint8_t cat;

	if (n >= KNTS_NTP_HDR_LEN && !ntsgen_marker(p, (size_t)n, &cat, &mlen)) {
		if (mode == 4 && n == KNTS_NTP_HDR_LEN && (cat & HC_CAT_VALID)) {
			H.ph.delivered++;
			return;
		}
		if (mode == 3 && (cat & HC_CAT_PLAIN) && n == mlen) {
			H.ph.plain_rx++;
			return;
		}
	}
	if (!H.ph.violations++)
		snprintf(H.ph.bad_reason, sizeof(H.ph.bad_reason),
			 "the daemon received a %zd-byte datagram (byte 0 %02x) knts should have stopped",
			 n, n > 0 ? p[0] : 0);
}

static void drain(void)
{
	static uint8_t buf[4096];
	ssize_t n;

	while ((n = recv(H.dsock, buf, sizeof(buf), MSG_DONTWAIT)) >= 0)
		on_daemon(buf, n);
}

/* Every packet from the server that knts looks at lands in one of these. */
static uint64_t cli_outcomes(const struct knstat *d)
{
	static const int o[] = {
		KNTS_STAT_CLI_REPLY_VERIFIED, KNTS_STAT_CLI_REPLY_UNAUTH,
		KNTS_STAT_CLI_REPLY_MALFORMED, KNTS_STAT_CLI_REPLY_UNMATCHED,
		KNTS_STAT_CLI_REPLY_REPLAY, KNTS_STAT_CLI_REPLY_BAD_MAC,
		KNTS_STAT_CLI_REPLY_BAD_COOKIES, KNTS_STAT_CLI_REPLY_FRAGMENT,
		KNTS_STAT_CLI_NAK, KNTS_STAT_CLI_NAK_UNMATCHED,
		KNTS_STAT_CLI_ERROR, KNTS_STAT_CLI_REPLY_BAD_CSUM,
	};
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < sizeof(o) / sizeof(o[0]); i++)
		s += d->c[o[i]];
	return s;
}

static void read_stats(struct knstat *d)
{
	struct knstat now;

	if (knstat_read(H.nl, &now)) {
		fprintf(stderr, "hostile_client: cannot read knts counters\n");
		exit(1);
	}
	knstat_delta(&H.ph.st0, &now, d);
	H.ph.outcomes_seen = cli_outcomes(d);
}

/* At most WINDOW replies in flight to knts; give up without progress. */
static void pace(int force)
{
	uint64_t start = now_ms(), last = 0;
	struct knstat d;

	if (!force && ++H.since_check < 32)
		return;
	H.since_check = 0;
	drain();
	read_stats(&d);
	while (H.ph.acct > H.ph.outcomes_seen + (force ? 0 : WINDOW / 2)) {
		if (H.ph.outcomes_seen != last) {
			last = H.ph.outcomes_seen;
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

void hc_send(struct hcctx *c, const uint8_t *pkt, uint32_t len,
	     const struct raw_opt *o, unsigned int acct, int valid)
{
	int r;

	for (;;) {
		if (o)
			r = raw_send(H.raw, &H.ep, pkt, len, o);
		else
			r = sendto(H.ssock, pkt, len, 0, (struct sockaddr *)&H.cli,
				   H.alen) == (ssize_t)len ? 1 : -errno;
		if (r != -ENOBUFS && r != -EAGAIN)
			break;
		drain();
		usleep(100);
	}
	if (r < 0) {
		fprintf(stderr, "hostile_client: send: %s\n", strerror(-r));
		exit(1);
	}
	H.ph.ip_pkts += (uint64_t)r;
	H.ph.sent++;
	H.ph.acct += acct;
	H.ph.valid += valid ? 1 : 0;
	pace(0);
}

void hc_send_other_port(struct hcctx *c, const uint8_t *pkt, uint32_t len)
{
	static const struct raw_opt whole;
	uint16_t port = H.ep.dport;

	H.ep.dport = port == 65535 ? 1024 : port + 1;
	hc_send(c, pkt, len, &whole, 1, 0);
	H.ep.dport = port;
}

/* --- one exchange: the daemon asks, knts signs, the server answers --- */

static int wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* The request knts sent: NTS, our timestamp, signed under C2S. */
static int take_request(struct hcreq *q, const uint8_t *tx)
{
	static uint8_t buf[4096], pt[16];
	struct knts_ef_req r;
	struct knts_siv_ad ad[2];
	ssize_t n;

	if (!wait_readable(H.ssock, WAIT_MS))
		return -1;
	n = recv(H.ssock, buf, sizeof(buf), 0);
	if (n < 0 || knts_ef_parse_request(buf, (size_t)n, &r) ||
	    r.uid_len != 32 || memcmp(buf + KNTS_NTP_OFF_TX, tx, 8) ||
	    r.auth.ct_len != KNTS_SIV_TAG_LEN)
		return -2;
	ad[0].data = buf;
	ad[0].len = r.auth.off;
	ad[1].data = buf + r.auth.nonce_off;
	ad[1].len = r.auth.nonce_len;
	if (knts_siv_open(H.c2s, H.key_len, ad, 2, buf + r.auth.ct_off,
			  buf + r.auth.ct_off + KNTS_SIV_TAG_LEN, 0, pt))
		return -2;
	memcpy(q->tx, tx, 8);
	memcpy(q->uid, buf + r.uid_off, r.uid_len);
	q->uid_len = r.uid_len;
	q->cookie_len = r.cookie_len;
	q->n_cookies = 1 + r.n_placeholders;
	return 0;
}

static void exchange(const struct hccase *hc, unsigned int i)
{
	uint8_t req[KNTS_NTP_HDR_LEN] = { 0x23 };
	uint64_t start, want;
	struct hcreq q;
	int ret;

	/* A stale request (an earlier exchange timed out) goes first. */
	while (recv(H.ssock, req, sizeof(req), MSG_DONTWAIT) >= 0)
		;
	memset(req, 0, sizeof(req));
	req[0] = 0x23;
	ntsgen_fill_random(req + KNTS_NTP_OFF_TX, 8);
	H.ph.exchanges++;
	/* EPERM: knts dropped the request (an empty jar), counted below. */
	if (sendto(H.dsock, req, sizeof(req), 0, (struct sockaddr *)&H.srv,
		   H.alen) != sizeof(req)) {
		if (errno != EPERM) {
			perror("hostile_client: daemon send");
			exit(1);
		}
		H.ph.no_request++;
		H.ph.stalled = 1;
		return;
	}
	ret = take_request(&q, req + KNTS_NTP_OFF_TX);
	if (ret) {
		if (ret == -1)
			H.ph.no_request++;
		else
			H.ph.req_bad++;
		return;
	}
	hc->run(&H.c, &q, i);
	/* The daemon must get the valid reply before the next request. */
	want = H.ph.valid;
	start = now_ms();
	drain();
	while (H.ph.delivered < want && !H.ph.violations &&
	       now_ms() - start < WAIT_MS) {
		wait_readable(H.dsock, 100);
		drain();
	}
}

static void settle(struct knstat *d)
{
	pace(1);
	usleep(20000);
	drain();
	read_stats(d);
}

static int run_case(const struct hccase *hc, unsigned int rounds)
{
	const char *fam = H.c.v6 ? "v6" : "v4";
	uint64_t t0 = now_ms(), ms;
	unsigned int i, n = hc->exchanges * rounds;
	struct knstat d;
	int ok = 1;

	memset(&H.ph, 0, sizeof(H.ph));
	if (knstat_read(H.nl, &H.ph.st0))
		return 0;
	H.c.cat = hc->cat;
	H.c.plain = 0;
	/* A case that failed (stalled, or the daemon got a bad reply) stops. */
	for (i = 0; i < n && !H.ph.stalled && !H.ph.violations; i++)
		exchange(hc, i);
	settle(&d);
	ms = now_ms() - t0;

	ok &= expect(!H.ph.violations, "the daemon received a packet knts should have stopped");
	ok &= expect(!H.ph.stalled, "stalled: knts did not count every reply");
	ok &= expect(!H.ph.no_request, "knts sent no request for a daemon's request");
	ok &= expect(!H.ph.req_bad, "a request knts sent did not verify under C2S");
	ok &= expect(H.ph.outcomes_seen == H.ph.acct,
		     "knts outcomes do not add up to the replies sent");
	ok &= expect(!d.c[KNTS_STAT_CLI_ERROR], "cli_error rose");
	ok &= expect(!d.c[KNTS_STAT_CLI_REQ_NO_COOKIE], "the jar ran dry");
	ok &= expect(d.c[KNTS_STAT_CLI_REQ_PROTECTED] == H.ph.exchanges,
		     "cli_req_protected != the daemon's requests");
	ok &= expect(H.ph.valid == H.ph.exchanges,
		     "a case did not end each exchange with one valid reply");
	ok &= expect(d.c[KNTS_STAT_CLI_REPLY_VERIFIED] == H.ph.valid,
		     "cli_reply_verified != valid replies sent");
	ok &= expect(H.ph.delivered == H.ph.valid,
		     "the daemon did not get each valid reply exactly once");
	/*
	 * veth queues per CPU: a broken reply sent before the valid one may
	 * be handled after it, and then finds its request answered (a
	 * replay; a NAK for no waiting request). The daemon-side checks
	 * above stay exact: had a broken reply verified first, it would have
	 * reached the daemon.
	 */
	ok &= expect(d.c[KNTS_STAT_CLI_NAK] <= H.ph.naks &&
		     d.c[KNTS_STAT_CLI_NAK] + d.c[KNTS_STAT_CLI_NAK_UNMATCHED] >= H.ph.naks,
		     "cli_nak does not match the NAKs sent for our requests");
	ok &= expect(d.c[KNTS_STAT_CLI_REPLY_REPLAY] >= H.ph.replays,
		     "cli_reply_replay < copies of verified replies sent");
	ok &= expect(H.ph.plain_rx == (hc->kind == HC_MODES ? H.c.plain : 0),
		     "requests (mode 3) from the server did not pass untouched");
	printf("# %s %s %-15s %llu exchanges, sent %llu (%llu IP packets, %llu counted) in %.1f s, %.0f/s; daemon got %llu\n",
	       ok ? "ok  " : "FAIL", fam, hc->name,
	       (unsigned long long)H.ph.exchanges, (unsigned long long)H.ph.sent,
	       (unsigned long long)H.ph.ip_pkts,
	       (unsigned long long)H.ph.outcomes_seen, ms / 1000.0,
	       ms ? H.ph.sent * 1000.0 / ms : 0.0,
	       (unsigned long long)(H.ph.delivered + H.ph.plain_rx));
	knstat_print("#      knts:", &d);
	if (!ok)
		printf("#      FAILED: %s\n", H.ph.bad_reason);
	fflush(stdout);
	return ok;
}

void hc_note(enum hc_note what)
{
	if (what == HC_NOTE_REPLAY)
		H.ph.replays++;
	else
		H.ph.naks++;
}

/* --- setup --- */

static int unhex(const char *s, uint8_t *out, size_t n)
{
	size_t i;
	unsigned int b;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	return 0;
}

static int load_state(const char *path)
{
	char c2s[200], s2c[200];
	unsigned int aead;
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%u %199s %199s", &aead, c2s, s2c) == 3;
	fclose(f);
	H.key_len = ok ? (uint16_t)knts_aead_key_len(aead) : 0;
	if (!H.key_len || unhex(c2s, H.c2s, H.key_len) ||
	    unhex(s2c, H.s2c, H.key_len))
		return -1;
	return 0;
}

static int open_server(void *arg)
{
	struct sockaddr_storage *a = arg;

	H.ssock = socket(a->ss_family, SOCK_DGRAM, 0);
	if (H.ssock < 0 || bind(H.ssock, (struct sockaddr *)a, H.alen))
		return -errno;
	H.raw = raw_open(H.c.v6);
	return H.raw < 0 ? -1 : 0;
}

static int set_addr(struct sockaddr_storage *s, const char *addr, uint16_t port,
		    int v6)
{
	memset(s, 0, sizeof(*s));
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)s;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		return inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1 ? 0 : -1;
	}
	((struct sockaddr_in *)s)->sin_family = AF_INET;
	((struct sockaddr_in *)s)->sin_port = htons(port);
	return inet_pton(AF_INET, addr, &((struct sockaddr_in *)s)->sin_addr) == 1 ?
	       0 : -1;
}

static int setup(const char *srv, const char *cli)
{
	struct sockaddr_storage bind_srv;
	int big = 16 << 20;

	H.c.v6 = strchr(srv, ':') != NULL;
	H.alen = H.c.v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (set_addr(&H.srv, srv, 123, H.c.v6) || set_addr(&H.cli, cli, 0, H.c.v6))
		return -1;
	H.dsock = socket(H.cli.ss_family, SOCK_DGRAM, 0);
	if (H.dsock < 0 || bind(H.dsock, (struct sockaddr *)&H.cli, H.alen) ||
	    getsockname(H.dsock, (struct sockaddr *)&H.cli, &H.alen))
		return -1;
	if (setsockopt(H.dsock, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(H.dsock, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	bind_srv = H.srv;
	if (knstat_in_netns(H.srv_ns, open_server, &bind_srv))
		return -1;
	H.ep.v6 = H.c.v6;
	H.ep.sport = 123;
	if (H.c.v6) {
		H.ep.src6 = ((struct sockaddr_in6 *)&H.srv)->sin6_addr;
		H.ep.dst6 = ((struct sockaddr_in6 *)&H.cli)->sin6_addr;
		H.ep.dport = ntohs(((struct sockaddr_in6 *)&H.cli)->sin6_port);
	} else {
		H.ep.src4 = ((struct sockaddr_in *)&H.srv)->sin_addr;
		H.ep.dst4 = ((struct sockaddr_in *)&H.cli)->sin_addr;
		H.ep.dport = ntohs(((struct sockaddr_in *)&H.cli)->sin_port);
	}
	return 0;
}

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
	fprintf(stderr, "usage: hostile_client --state FILE --srv-netns PATH --srv ADDR --cli ADDR\n"
			"                      [--rounds N] [--case NAME[,NAME...]]\n");
	exit(2);
}

/*
 * --selfcheck: open a valid reply as the kernel does (the shared parser,
 * S2C, the cookie check), so the tool is known sound before the VM.
 */
static int selfcheck(void)
{
	static uint8_t buf[HC_MAX_PKT], out[HC_PT_MAX];
	struct hcreq q = { .uid_len = 32, .cookie_len = 164, .n_cookies = 8 };
	struct knts_ef_cookies ck;
	struct knts_ef_resp r;
	struct knts_siv_ad ad[2];
	uint32_t len;

	ntsgen_fill_random(q.tx, 8);
	ntsgen_fill_random(q.uid, 32);
	len = hc_reply(&H.c, &q, buf, HC_CAT_VALID);
	if (knts_ef_parse_response(buf, len, &r) || r.uid_len != 32) {
		fprintf(stderr, "selfcheck: reply does not parse\n");
		return 1;
	}
	ad[0].data = buf;
	ad[0].len = r.auth.off;
	ad[1].data = buf + r.auth.nonce_off;
	ad[1].len = r.auth.nonce_len;
	if (knts_siv_open(H.s2c, H.key_len, ad, 2, buf + r.auth.ct_off,
			  buf + r.auth.ct_off + KNTS_SIV_TAG_LEN,
			  r.auth.ct_len - KNTS_SIV_TAG_LEN, out) ||
	    knts_ef_parse_cookies(out, r.auth.ct_len - KNTS_SIV_TAG_LEN, &ck) ||
	    ck.count != 8 || ck.len != 164) {
		fprintf(stderr, "selfcheck: reply does not open under S2C\n");
		return 1;
	}
	printf("selfcheck: a %u-byte reply with %u cookies opens\n", len, ck.count);
	return 0;
}

int main(int argc, char **argv)
{
	const char *state = NULL, *srv = NULL, *cli = NULL, *only = NULL;
	unsigned int rounds = 1, i, pass = 0, fail = 0;
	uint64_t total = 0, t0;
	int a;

	for (a = 1; a + 1 < argc; a += 2) {
		if (!strcmp(argv[a], "--state"))
			state = argv[a + 1];
		else if (!strcmp(argv[a], "--srv-netns"))
			H.srv_ns = argv[a + 1];
		else if (!strcmp(argv[a], "--srv"))
			srv = argv[a + 1];
		else if (!strcmp(argv[a], "--cli"))
			cli = argv[a + 1];
		else if (!strcmp(argv[a], "--rounds"))
			rounds = (unsigned int)atoi(argv[a + 1]);
		else if (!strcmp(argv[a], "--case"))
			only = argv[a + 1];
		else
			usage();
	}
	if (a != argc || !state || !srv || !rounds)
		usage();
	if (load_state(state)) {
		fprintf(stderr, "hostile_client: cannot read keys from %s\n", state);
		return 1;
	}
	if (!H.srv_ns && !strcmp(srv ? srv : "", "selfcheck"))
		return selfcheck();
	if (!H.srv_ns || !cli)
		usage();
	if (setup(srv, cli)) {
		perror("hostile_client: setup");
		return 1;
	}
	H.nl = knstat_open(NULL);
	if (!H.nl)
		return 1;
	t0 = now_ms();
	for (i = 0; i < n_hccases; i++) {
		const struct hccase *hc = &hccases[i];

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
	printf("# hostile_client %s: %llu replies in %.1f s (%.0f/s), %u cases ok, %u failed\n",
	       H.c.v6 ? "v6" : "v4", (unsigned long long)total, t0 / 1000.0,
	       t0 ? total * 1000.0 / t0 : 0.0, pass, fail);
	knts_nl_close(H.nl);
	return fail || !pass ? 1 : 0;
}
