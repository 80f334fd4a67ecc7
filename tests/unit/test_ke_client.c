// SPDX-License-Identifier: GPL-2.0
/*
 * NTS-KE client (userspace/lib/ke_client.*):
 *  - response validation into a result: the real chrony 4.3 responses
 *    from tests/vectors/ke, then broken variants built record by record;
 *  - the state machine over real TLS on 127.0.0.1 against the in-process
 *    server of ke_test_server.h: keys equal on both ends, SNI, the name
 *    and IP checks, wrong CA, noverify, TLS 1.2 only, no ALPN, early
 *    close, silence (timeout), refused connect, split records, Error
 *    record, and the blocking wrapper with name resolution.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>

#include "unit.h"
#include "ke_client.h"
#include "ke_test_server.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MSG_MAX 80000

static uint8_t chrony_resp[1024];
static size_t chrony_resp_len;
static const uint16_t offer_default[] = { 15, 17, 16 };

static long load_hex(const char *name, uint8_t *out, size_t max)
{
	char *txt = unit_slurp(unit_vector(name), NULL);
	long n;

	if (!txt)
		return -1;
	n = unit_unhex(txt, out, max);
	free(txt);
	return n;
}

/* ---- a compact response builder ---------------------------------------
 * Tokens: NP0 NP1 NPE NP0NC | A<id> AN<id> (not critical) AE | P<port> |
 * S:<name> | C<len>x<count> | ERR<code> WARN<code> | U (unknown) UC
 * (unknown critical) | EOM | X (one byte of trailing garbage).
 */
struct msg {
	uint8_t b[MSG_MAX];
	size_t n;
};

static void rec(struct msg *m, uint16_t type, bool crit, const void *body,
		size_t len)
{
	if (m->n + 4 + len > sizeof(m->b)) {
		fprintf(stderr, "# test message too large\n");
		exit(2);
	}
	m->b[m->n] = (uint8_t)((crit ? 0x80 : 0) | type >> 8);
	m->b[m->n + 1] = (uint8_t)type;
	m->b[m->n + 2] = (uint8_t)(len >> 8);
	m->b[m->n + 3] = (uint8_t)len;
	if (len)
		memcpy(m->b + m->n + 4, body, len);
	m->n += 4 + len;
}

static void rec16(struct msg *m, uint16_t type, bool crit, unsigned int v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	rec(m, type, crit, b, 2);
}

static void build(struct msg *m, const char *spec)
{
	char buf[512], *tok, *save = NULL;
	unsigned int a, b;

	m->n = 0;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!strcmp(tok, "NP0"))
			rec16(m, 1, true, 0);
		else if (!strcmp(tok, "NP1"))
			rec16(m, 1, true, 1);
		else if (!strcmp(tok, "NPE"))
			rec(m, 1, true, NULL, 0);
		else if (!strcmp(tok, "NP0NC"))
			rec16(m, 1, false, 0);
		else if (!strcmp(tok, "AE"))
			rec(m, 4, true, NULL, 0);
		else if (sscanf(tok, "AN%u", &a) == 1)
			rec16(m, 4, false, a);
		else if (sscanf(tok, "A%u", &a) == 1)
			rec16(m, 4, true, a);
		else if (sscanf(tok, "P%u", &a) == 1)
			rec16(m, 7, true, a);
		else if (!strncmp(tok, "S:", 2))
			rec(m, 6, true, tok + 2, strlen(tok + 2));
		else if (sscanf(tok, "C%ux%u", &a, &b) == 2) {
			uint8_t ck[1024];
			unsigned int i, j;

			for (i = 0; i < b; i++) {
				for (j = 0; j < a && j < sizeof(ck); j++)
					ck[j] = (uint8_t)(i * 16 + j);
				rec(m, 5, false, ck, a);
			}
		} else if (sscanf(tok, "ERR%u", &a) == 1)
			rec16(m, 2, true, a);
		else if (sscanf(tok, "WARN%u", &a) == 1)
			rec16(m, 3, true, a);
		else if (!strcmp(tok, "UC"))
			rec(m, 0x4000, true, "x", 1);
		else if (!strcmp(tok, "U"))
			rec(m, 0x4000, false, "x", 1);
		else if (!strcmp(tok, "EOM"))
			rec(m, 0, true, NULL, 0);
		else if (!strcmp(tok, "X"))
			m->b[m->n++] = 0;
		else {
			fprintf(stderr, "# bad token %s\n", tok);
			exit(2);
		}
	}
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* ---- recorded responses ----------------------------------------------- */

static void test_recorded_chrony(void)
{
	struct knts_ke_result r;
	int detail = -1, err;
	size_t i;

	EXPECT_EQ(chrony_resp_len, 854);
	err = knts_ke_client_take_response(chrony_resp, chrony_resp_len,
					   offer_default, 3, &r, &detail);
	EXPECT_EQ(err, KNTS_KE_CERR_NONE);
	EXPECT_EQ(detail, 0);
	EXPECT_EQ(r.aead, 15);
	EXPECT_EQ(r.key_len, 32);
	EXPECT_EQ(r.n_cookies, 8);
	EXPECT_EQ(r.n_cookies_seen, 8);
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(r.cookie_len[i], 100);
		/* every cookie carries chrony's current key ID, ce225c6b */
		EXPECT_MEM(r.cookie[i], "\xce\x22\x5c\x6b", 4);
	}
	/* the first cookie is byte for byte the 13th.. bytes of the message */
	EXPECT_MEM(r.cookie[0], chrony_resp + 22, 100);
	EXPECT_EQ(r.ntp_port, 11123);
	EXPECT(r.ntp_port_negotiated);
	EXPECT(!r.ntp_server_negotiated);
	EXPECT_EQ(r.ntp_server[0], 0);	/* the caller fills in the KE address */
	EXPECT_EQ(r.warnings, 0);
	EXPECT(all_zero(r.c2s, sizeof(r.c2s)));	/* keys come from TLS */

	/* offering only 15, as chrony and NTPsec do, changes nothing */
	err = knts_ke_client_take_response(chrony_resp, chrony_resp_len,
					   offer_default, 1, &r, &detail);
	EXPECT_EQ(err, KNTS_KE_CERR_NONE);
	/* offering only 17 makes the very same response unacceptable */
	err = knts_ke_client_take_response(chrony_resp, chrony_resp_len,
					   offer_default + 1, 1, &r, &detail);
	EXPECT_EQ(err, KNTS_KE_CERR_RESPONSE);
	EXPECT_EQ(detail, KNTS_KE_E_AEAD_NOT_OFFERED);
	EXPECT(all_zero(&r, sizeof(r)));
}

static void test_recorded_chrony2(void)
{
	uint8_t m[2048];
	long n = load_hex("ke/chrony2-response.hex", m, sizeof(m));
	struct knts_ke_result r;

	EXPECT(n > 0);
	EXPECT_EQ(knts_ke_client_take_response(m, (size_t)n, offer_default, 3,
					       &r, NULL), KNTS_KE_CERR_NONE);
	EXPECT_EQ(r.n_cookies, 8);
	EXPECT_EQ(r.cookie_len[7], 100);
	/* truncating a real response anywhere never yields a result */
	for (long cut = 0; cut < n; cut += 7)
		EXPECT_EQ(knts_ke_client_take_response(m, (size_t)cut, offer_default,
						       3, &r, NULL),
			  KNTS_KE_CERR_RESPONSE);
}

/* ---- broken and odd variants ------------------------------------------ */

static const struct resp_case {
	const char *name;
	const char *spec;
	int err;		/* KNTS_KE_CERR_* */
	int detail;		/* reason or Error code */
	size_t n_cookies;
	unsigned int warnings;
} resp_cases[] = {
	{ "chrony shape", "NP0 A15 P11123 C100x8 EOM", 0, 0, 8, 0 },
	{ "NTPsec shape (AEAD not critical, 104 B)", "NP0 AN15 C104x8 EOM", 0, 0, 8, 0 },
	{ "Error 2 aborts", "NP0 A15 ERR2 C100x8 EOM", KNTS_KE_CERR_SERVER_ERROR, 2, 0, 0 },
	{ "Error 1 alone", "ERR1 EOM", KNTS_KE_CERR_SERVER_ERROR, 1, 0, 0 },
	{ "Warning aborts", "NP0 A15 C100x8 WARN7 EOM", KNTS_KE_CERR_SERVER_ERROR, 7, 0, 0 },
	{ "NP{1}", "NP1 A15 C100x8 EOM", KNTS_KE_CERR_RESPONSE, KNTS_KE_E_NP_PROTO, 0, 0 },
	{ "NP{} (NTPv4 refused)", "NPE EOM", KNTS_KE_CERR_RESPONSE, KNTS_KE_E_NP_EMPTY, 0, 0 },
	{ "NP not critical", "NP0NC A15 C100x8 EOM", KNTS_KE_CERR_RESPONSE,
	  KNTS_KE_E_NP_NOT_CRITICAL, 0, 0 },
	{ "no NP", "A15 C100x8 EOM", KNTS_KE_CERR_RESPONSE, KNTS_KE_E_NP_MISSING, 0, 0 },
	{ "two NP", "NP0 NP0 A15 C100x8 EOM", KNTS_KE_CERR_RESPONSE, KNTS_KE_E_NP_DUP, 0, 0 },
	{ "AEAD 30 never offered", "NP0 A30 C100x8 EOM", KNTS_KE_CERR_RESPONSE,
	  KNTS_KE_E_AEAD_NOT_OFFERED, 0, 0 },
	{ "AEAD{} (nothing in common)", "NP0 AE EOM", KNTS_KE_CERR_RESPONSE,
	  KNTS_KE_E_AEAD_EMPTY, 0, 0 },
	{ "no AEAD", "NP0 C100x8 EOM", KNTS_KE_CERR_RESPONSE, KNTS_KE_E_AEAD_MISSING, 0, 0 },
	{ "AEAD 17: offered second", "NP0 A17 C168x8 EOM", 0, 0, 8,
	  KNTS_KE_WARN_AEAD_NOT_FIRST },
	{ "AEAD 16: offered third", "NP0 A16 C136x8 EOM", 0, 0, 8,
	  KNTS_KE_WARN_AEAD_NOT_FIRST },
	{ "no cookie", "NP0 A15 EOM", KNTS_KE_CERR_RESPONSE, KNTS_KE_E_NO_COOKIES, 0, 0 },
	{ "cookie of 102 bytes", "NP0 A15 C102x8 EOM", KNTS_KE_CERR_RESPONSE,
	  KNTS_KE_E_COOKIE_ALIGN, 0, 0 },
	{ "cookie lengths differ", "NP0 A15 C100x4 C96x4 EOM", KNTS_KE_CERR_RESPONSE,
	  KNTS_KE_E_COOKIE_UNEQUAL, 0, 0 },
	{ "9th cookie differs", "NP0 A15 C100x8 C96x1 EOM", KNTS_KE_CERR_RESPONSE,
	  KNTS_KE_E_COOKIE_UNEQUAL, 0, 0 },
	{ "cookie of 260 bytes", "NP0 A15 C260x1 EOM", KNTS_KE_CERR_RESPONSE,
	  KNTS_KE_E_COOKIE_TOO_LONG, 0, 0 },
	{ "empty cookie", "NP0 A15 C0x1 EOM", KNTS_KE_CERR_RESPONSE,
	  KNTS_KE_E_COOKIE_EMPTY, 0, 0 },
	{ "9 cookies: 8 kept", "NP0 A15 C100x9 EOM", 0, 0, 8,
	  KNTS_KE_WARN_EXTRA_COOKIES },
	{ "1 cookie", "NP0 A15 C100x1 EOM", 0, 0, 1, KNTS_KE_WARN_FEW_COOKIES },
	{ "Server name and Port", "NP0 A15 S:ntp.example.org P4123 C100x8 EOM",
	  0, 0, 8, 0 },
	{ "Server IPv6", "NP0 A15 S:2001:db8::1 C100x8 EOM", 0, 0, 8, 0 },
	{ "Server bad syntax", "NP0 A15 S:bad_name C100x8 EOM",
	  KNTS_KE_CERR_RESPONSE, KNTS_KE_E_SERVER_SYNTAX, 0, 0 },
	{ "two Server", "NP0 A15 S:a.example S:b.example C100x8 EOM",
	  KNTS_KE_CERR_RESPONSE, KNTS_KE_E_SERVER_DUP, 0, 0 },
	{ "Port 0", "NP0 A15 P0 C100x8 EOM", KNTS_KE_CERR_RESPONSE, KNTS_KE_E_PORT_ZERO, 0, 0 },
	{ "unknown record ignored", "NP0 A15 U C100x8 EOM", 0, 0, 8,
	  KNTS_KE_WARN_IGNORED_RECORDS },
	{ "unknown critical record", "NP0 A15 UC C100x8 EOM", KNTS_KE_CERR_RESPONSE,
	  KNTS_KE_E_UNKNOWN_CRITICAL, 0, 0 },
	{ "no End of Message", "NP0 A15 C100x8", KNTS_KE_CERR_RESPONSE,
	  KNTS_KE_E_NO_EOM, 0, 0 },
	{ "bytes after End of Message", "NP0 A15 C100x8 EOM X",
	  KNTS_KE_CERR_RESPONSE, KNTS_KE_E_TRAILING, 0, 0 },
	{ "over 64 KiB", "NP0 A15 C256x260 EOM", KNTS_KE_CERR_RESPONSE,
	  KNTS_KE_E_TOO_LARGE, 0, 0 },
};

static struct msg m;

static void test_response_table(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(resp_cases); i++) {
		const struct resp_case *c = &resp_cases[i];
		struct knts_ke_result r;
		int detail = 12345, err;

		build(&m, c->spec);
		err = knts_ke_client_take_response(m.b, m.n, offer_default, 3,
						   &r, &detail);
		if (err != c->err || detail != c->detail ||
		    (!err && (r.n_cookies != c->n_cookies ||
			      r.warnings != c->warnings)) ||
		    (err && !all_zero(&r, sizeof(r)))) {
			fprintf(stderr, "# case '%s': err %d detail %d cookies %zu warnings %#x\n",
				c->name, err, detail, r.n_cookies, r.warnings);
			unit_checks_failed++;
		}
	}
}

static void test_negotiated_server(void)
{
	struct knts_ke_result r;

	build(&m, "NP0 A15 S:ntp.example.org P4123 C100x8 EOM");
	EXPECT_EQ(knts_ke_client_take_response(m.b, m.n, offer_default, 3, &r, NULL), 0);
	EXPECT(!strcmp(r.ntp_server, "ntp.example.org"));
	EXPECT(r.ntp_server_negotiated);
	EXPECT(r.ntp_server_is_name);
	EXPECT_EQ(r.ntp_port, 4123);
	EXPECT(r.ntp_port_negotiated);

	build(&m, "NP0 A15 S:192.0.2.7 C100x8 EOM");
	EXPECT_EQ(knts_ke_client_take_response(m.b, m.n, offer_default, 3, &r, NULL), 0);
	EXPECT(!strcmp(r.ntp_server, "192.0.2.7"));
	EXPECT(!r.ntp_server_is_name);
	EXPECT_EQ(r.ntp_port, 123);
	EXPECT(!r.ntp_port_negotiated);

	build(&m, "NP0 A17 C168x8 EOM");
	EXPECT_EQ(knts_ke_client_take_response(m.b, m.n, offer_default, 3, &r, NULL), 0);
	EXPECT_EQ(r.aead, 17);
	EXPECT_EQ(r.key_len, 64);
	EXPECT_EQ(r.cookie_len[0], 168);
}

static void test_names(void)
{
	char buf[128];

	EXPECT(!strcmp(knts_ke_client_err_name(KNTS_KE_CERR_VERIFY), "verify"));
	EXPECT(!strcmp(knts_ke_client_err_name(KNTS_KE_CERR_ALPN), "alpn"));
	EXPECT(!strcmp(knts_ke_client_err_name(99), "unknown"));
	EXPECT(!strcmp(knts_ke_client_err_name(-1), "unknown"));
	EXPECT(!strcmp(knts_ke_warnings_str(0, buf, sizeof(buf)), ""));
	EXPECT(!strcmp(knts_ke_warnings_str(KNTS_KE_WARN_NOVERIFY |
					    KNTS_KE_WARN_FEW_COOKIES, buf, sizeof(buf)),
		       "noverify,few-cookies"));
	/* a short buffer truncates at a name boundary */
	EXPECT(!strcmp(knts_ke_warnings_str(KNTS_KE_WARN_NOVERIFY |
					    KNTS_KE_WARN_FEW_COOKIES, buf, 12),
		       "noverify"));
}

/* ---- the state machine over TLS on 127.0.0.1 -------------------------- */

static struct kts_pki pki_ip, pki_name, pki_other;

struct ke_out {
	int st, err, detail, steps;
	char msg[256];
	struct knts_ke_result res;
};

/* Drive a client the way an event loop would: poll on what step() asks */
static void drive(const struct knts_ke_client_params *p, struct ke_out *o)
{
	struct knts_ke_client *c = knts_ke_client_start(p);

	memset(o, 0, sizeof(*o));
	if (!c) {
		o->st = -1;
		return;
	}
	for (;;) {
		struct pollfd pfd = { .fd = knts_ke_client_fd(c) };

		o->st = knts_ke_client_step(c);
		o->steps++;
		if (o->st != KNTS_KE_CLIENT_WANT_READ &&
		    o->st != KNTS_KE_CLIENT_WANT_WRITE)
			break;
		pfd.events = o->st == KNTS_KE_CLIENT_WANT_READ ? POLLIN : POLLOUT;
		poll(&pfd, 1, knts_ke_client_timeout_ms(c));
	}
	o->err = knts_ke_client_error(c, &o->detail);
	snprintf(o->msg, sizeof(o->msg), "%s", knts_ke_client_errmsg(c));
	if (o->st == KNTS_KE_CLIENT_DONE)
		EXPECT_EQ(knts_ke_client_result(c, &o->res), 0);
	else
		EXPECT_EQ(knts_ke_client_result(c, &o->res), -1);
	EXPECT_EQ(knts_ke_client_timeout_ms(c), -1);
	if (o->msg[0])
		fprintf(stderr, "# client: %s\n", o->msg);
	knts_ke_client_free(c);
}

static void server_init(struct kts_server *s, struct kts_pki *pki, enum kts_mode mode)
{
	memset(s, 0, sizeof(*s));
	s->pki = pki;
	s->mode = mode;
	s->resp = chrony_resp;
	s->resp_len = chrony_resp_len;
	if (kts_start(s)) {
		fprintf(stderr, "# cannot start the test server\n");
		exit(2);
	}
}

static struct knts_ke_client_params params(struct kts_server *s, const char *host,
					   const char *ca)
{
	struct knts_ke_client_params p = {
		.host = host, .port = s->port, .ca_file = ca,
		.connect_timeout_ms = 3000, .io_timeout_ms = 3000,
	};

	return p;
}

static void test_tls_ip(void)
{
	static const uint8_t want_req[] = {
		0x80, 0x01, 0x00, 0x02, 0x00, 0x00,
		0x80, 0x04, 0x00, 0x08, 0x00, 0x1e, 0x00, 0x0f, 0x00, 0x11,
		0x00, 0x10,
		0x04, 0x00, 0x00, 0x00,		/* chrony's record 1024 */
		0x80, 0x00, 0x00, 0x00,
	};
	struct kts_server s;
	struct knts_ke_client_params p;
	struct ke_out o;

	server_init(&s, &pki_ip, KTS_ANSWER);
	p = params(&s, "127.0.0.1", pki_ip.ca_path);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.st, KNTS_KE_CLIENT_DONE);
	EXPECT_EQ(o.err, KNTS_KE_CERR_NONE);
	/* the request on the wire: NP{0}, AEAD{30,15,17,16}, 1024, EOM */
	EXPECT_EQ(s.req_len, sizeof(want_req));
	EXPECT_MEM(s.req, want_req, sizeof(want_req));
	EXPECT_EQ(s.sni[0], 0);		/* no SNI for an IP literal */
	/* both ends exported the same keys */
	EXPECT(s.exported);
	EXPECT_EQ(o.res.aead, 15);
	EXPECT_EQ(o.res.key_len, 32);
	EXPECT_MEM(o.res.c2s, s.c2s, 32);
	EXPECT_MEM(o.res.s2c, s.s2c, 32);
	EXPECT(memcmp(o.res.c2s, o.res.s2c, 32) != 0);
	EXPECT(!all_zero(o.res.c2s, 32));
	EXPECT(all_zero(o.res.c2s + 32, 32));
	EXPECT_EQ(o.res.n_cookies, 8);
	EXPECT(!strcmp(o.res.ntp_server, "127.0.0.1"));	/* KE address */
	EXPECT(!o.res.ntp_server_negotiated);
	EXPECT_EQ(o.res.ntp_port, 11123);
	/* this server does 15 only, not our first choice 30 */
	EXPECT_EQ(o.res.warnings, KNTS_KE_WARN_AEAD_NOT_FIRST);
	EXPECT_EQ(o.res.ke_addr.ss_family, AF_INET);
	EXPECT(!strncmp(o.res.tls_cipher, "TLS_", 4));
}

static void test_tls_name_sni(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct kts_server s;
	struct knts_ke_client_params p;
	struct ke_out o;

	server_init(&s, &pki_name, KTS_ANSWER);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(s.port);
	/* the name is checked and sent as SNI; the address is ours */
	p = params(&s, "localhost.", pki_name.ca_path);
	p.addr = (struct sockaddr *)&a;
	p.addr_len = sizeof(a);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.st, KNTS_KE_CLIENT_DONE);
	EXPECT(!strcmp(s.sni, "localhost"));
	EXPECT_MEM(o.res.s2c, s.s2c, 32);
}

static void test_tls_split_records(void)
{
	struct kts_server s;
	struct knts_ke_client_params p;
	struct ke_out o;

	server_init(&s, &pki_ip, KTS_ANSWER_SPLIT);
	p = params(&s, "127.0.0.1", pki_ip.ca_path);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.st, KNTS_KE_CLIENT_DONE);
	EXPECT_EQ(o.res.n_cookies, 8);
	EXPECT_MEM(o.res.c2s, s.c2s, 32);
}

static void test_tls_wrong_ca(void)
{
	struct kts_server s;
	struct knts_ke_client_params p;
	struct ke_out o;

	server_init(&s, &pki_ip, KTS_ANSWER);
	p = params(&s, "127.0.0.1", pki_other.ca_path);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.st, KNTS_KE_CLIENT_ERROR);
	EXPECT_EQ(o.err, KNTS_KE_CERR_VERIFY);
	EXPECT_EQ(o.detail, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	EXPECT(strstr(o.msg, "certificate verify failed") != NULL);
	EXPECT(all_zero(&o.res, sizeof(o.res)));
	EXPECT_EQ(s.req_len, 0);	/* nothing was sent */

	/* the system store does not know our CA either */
	server_init(&s, &pki_ip, KTS_ANSWER);
	p = params(&s, "127.0.0.1", NULL);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.err, KNTS_KE_CERR_VERIFY);
}

static void test_tls_wrong_name(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct kts_server s;
	struct knts_ke_client_params p;
	struct ke_out o;

	/* certificate for 127.0.0.1 only, reached by IP: fine; as a name: not */
	server_init(&s, &pki_ip, KTS_ANSWER);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(s.port);
	p = params(&s, "localhost", pki_ip.ca_path);
	p.addr = (struct sockaddr *)&a;
	p.addr_len = sizeof(a);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.err, KNTS_KE_CERR_VERIFY);
	EXPECT_EQ(o.detail, X509_V_ERR_HOSTNAME_MISMATCH);

	/* certificate for DNS:localhost only, reached by IP literal */
	server_init(&s, &pki_name, KTS_ANSWER);
	p = params(&s, "127.0.0.1", pki_name.ca_path);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.err, KNTS_KE_CERR_VERIFY);
	EXPECT_EQ(o.detail, X509_V_ERR_IP_ADDRESS_MISMATCH);
}

static void test_tls_noverify(void)
{
	struct kts_server s;
	struct knts_ke_client_params p;
	struct ke_out o;

	server_init(&s, &pki_ip, KTS_ANSWER);
	p = params(&s, "127.0.0.1", pki_other.ca_path);
	p.noverify = true;
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.st, KNTS_KE_CLIENT_DONE);
	EXPECT_EQ(o.res.warnings,
		  KNTS_KE_WARN_NOVERIFY | KNTS_KE_WARN_AEAD_NOT_FIRST);
	EXPECT_MEM(o.res.c2s, s.c2s, 32);
}

static void test_tls12_refused(void)
{
	struct kts_server s;
	struct knts_ke_client_params p;
	struct ke_out o;

	server_init(&s, &pki_ip, KTS_ANSWER);
	s.tls12_only = true;
	p = params(&s, "127.0.0.1", pki_ip.ca_path);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.err, KNTS_KE_CERR_TLS);
	EXPECT(!s.handshake_ok);
	EXPECT_EQ(s.req_len, 0);
}

static void test_no_alpn_refused(void)
{
	struct kts_server s;
	struct knts_ke_client_params p;
	struct ke_out o;

	server_init(&s, &pki_ip, KTS_ANSWER);
	s.no_alpn = true;
	p = params(&s, "127.0.0.1", pki_ip.ca_path);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT(s.handshake_ok);		/* TLS itself was fine */
	EXPECT_EQ(o.err, KNTS_KE_CERR_ALPN);
	EXPECT_EQ(s.req_len, 0);	/* and no request went to it */
}

static void test_close_and_silence(void)
{
	struct kts_server s;
	struct knts_ke_client_params p;
	struct ke_out o;

	server_init(&s, &pki_ip, KTS_CLOSE);
	p = params(&s, "127.0.0.1", pki_ip.ca_path);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.err, KNTS_KE_CERR_IO);

	server_init(&s, &pki_ip, KTS_SILENT);
	p = params(&s, "127.0.0.1", pki_ip.ca_path);
	p.io_timeout_ms = 300;
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.err, KNTS_KE_CERR_TIMEOUT);
	EXPECT_EQ(o.detail, 1);
	EXPECT_EQ(s.req_len, 26);	/* it had sent its request */

	server_init(&s, &pki_ip, KTS_NO_TLS);
	p = params(&s, "127.0.0.1", pki_ip.ca_path);
	p.io_timeout_ms = 300;
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.err, KNTS_KE_CERR_TIMEOUT);
}

static void test_server_error_record(void)
{
	struct kts_server s;
	struct knts_ke_client_params p;
	struct ke_out o;

	build(&m, "ERR2 EOM");
	server_init(&s, &pki_ip, KTS_ANSWER);
	s.resp = m.b;
	s.resp_len = m.n;
	p = params(&s, "127.0.0.1", pki_ip.ca_path);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.err, KNTS_KE_CERR_SERVER_ERROR);
	EXPECT_EQ(o.detail, 2);

	/* a response larger than 64 KiB is cut off by the framer */
	build(&m, "NP0 A15 C256x260 EOM");
	server_init(&s, &pki_ip, KTS_ANSWER);
	s.resp = m.b;
	s.resp_len = m.n;
	p = params(&s, "127.0.0.1", pki_ip.ca_path);
	drive(&p, &o);
	kts_stop(&s);
	EXPECT_EQ(o.err, KNTS_KE_CERR_RESPONSE);
	EXPECT_EQ(o.detail, KNTS_KE_E_TOO_LARGE);
}

static void test_refused_and_params(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	struct knts_ke_client_params p = { .host = "127.0.0.1" };
	static const uint16_t bad_aead[] = { 15, 31 };
	struct ke_out o;
	int fd;

	/* a port nobody listens on: bound once, then closed */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	EXPECT(fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	       !getsockname(fd, (struct sockaddr *)&a, &al));
	close(fd);
	p.port = ntohs(a.sin_port);
	drive(&p, &o);
	EXPECT_EQ(o.err, KNTS_KE_CERR_CONNECT);
	EXPECT_EQ(o.detail, ECONNREFUSED);

	p.aeads = bad_aead;
	p.n_aeads = 2;
	drive(&p, &o);
	EXPECT_EQ(o.err, KNTS_KE_CERR_INVAL);
	p.aeads = NULL;
	p.host = NULL;
	drive(&p, &o);
	EXPECT_EQ(o.err, KNTS_KE_CERR_INVAL);
	p.host = "127.0.0.1";
	p.ca_file = "/nonexistent/ca.pem";
	drive(&p, &o);
	EXPECT_EQ(o.err, KNTS_KE_CERR_INVAL);
	p.ca_file = NULL;
	/* resolution failure without asking DNS: a v4 literal as IPv6 only */
	p.family = AF_INET6;
	drive(&p, &o);
	EXPECT_EQ(o.err, KNTS_KE_CERR_RESOLVE);
	EXPECT(knts_ke_client_step(NULL) == KNTS_KE_CLIENT_ERROR);
}

static void test_blocking_wrapper(void)
{
	struct kts_server s;
	struct knts_ke_client_params p;
	struct knts_ke_result r;
	char err[256];
	int ret;

	/* "localhost" resolves (maybe ::1 first, refused); the name is checked */
	server_init(&s, &pki_name, KTS_ANSWER);
	p = params(&s, "localhost", pki_name.ca_path);
	ret = knts_ke_client_run(&p, &r, err, sizeof(err));
	kts_stop(&s);
	if (ret)
		fprintf(stderr, "# run: %s\n", err);
	EXPECT_EQ(ret, 0);
	EXPECT_MEM(r.c2s, s.c2s, 32);
	EXPECT_EQ(r.ke_addr.ss_family, AF_INET);
	knts_ke_result_wipe(&r);
	EXPECT(all_zero(&r, sizeof(r)));

	server_init(&s, &pki_ip, KTS_ANSWER);
	p = params(&s, "127.0.0.1", pki_other.ca_path);
	ret = knts_ke_client_run(&p, &r, err, sizeof(err));
	kts_stop(&s);
	EXPECT_EQ(ret, -KNTS_KE_CERR_VERIFY);
	EXPECT(strstr(err, "certificate verify failed") != NULL);
}

int main(void)
{
	long n = load_hex("ke/chrony-response.hex", chrony_resp, sizeof(chrony_resp));

	/*
	 * The test server thread may write after the client hung up (e.g. the
	 * ALPN refusal): an EPIPE for it, not a SIGPIPE for the whole test.
	 */
	signal(SIGPIPE, SIG_IGN);
	if (n < 0) {
		fprintf(stderr, "# cannot read ke/chrony-response.hex\n");
		return 1;
	}
	chrony_resp_len = (size_t)n;
	if (kts_pki_make(&pki_ip, "IP:127.0.0.1") ||
	    kts_pki_make(&pki_name, "DNS:localhost") ||
	    kts_pki_make(&pki_other, "IP:127.0.0.1")) {
		fprintf(stderr, "# cannot make the test PKI\n");
		return 1;
	}
	RUN(test_recorded_chrony);
	RUN(test_recorded_chrony2);
	RUN(test_response_table);
	RUN(test_negotiated_server);
	RUN(test_names);
	RUN(test_tls_ip);
	RUN(test_tls_name_sni);
	RUN(test_tls_split_records);
	RUN(test_tls_wrong_ca);
	RUN(test_tls_wrong_name);
	RUN(test_tls_noverify);
	RUN(test_tls12_refused);
	RUN(test_no_alpn_refused);
	RUN(test_close_and_silence);
	RUN(test_server_error_record);
	RUN(test_refused_and_params);
	RUN(test_blocking_wrapper);
	kts_pki_free(&pki_ip);
	kts_pki_free(&pki_name);
	kts_pki_free(&pki_other);
	return unit_done();
}
