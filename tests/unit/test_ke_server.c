// SPDX-License-Identifier: GPL-2.0
/*
 * ntskd's NTS-KE server (userspace/ntskd/ke_server.c, ke_tls.c) end to end
 * without a network: the server adopts one end of a socketpair, a child
 * process runs an OpenSSL client on the other. Checks the TLS policy (1.3
 * only, ALPN ntske/1 required, also when none is offered), a request
 * split into single bytes, a silent client that does not block another,
 * the request size limit, the deadline, and the log line of each failure.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "ktypes.h"
#include "../../kmod/cookie.h"
#include "unit.h"
#include "exporter.h"
#include "ke_record.h"
#include "ke_server.h"
#include "log.h"

static struct ntskd_loop *loop;
static struct ntskd_ke_server *srv;
static struct ntskd_masterkeys keys;
static struct ntskd_config cfg;
static char dir[] = "/tmp/knts-ke-XXXXXX";
static char logpath[256];
static bool timed_out;

static const char chrony_req[] = "800100020000 80040002000f 80000000";

/* ---- the client, in a child process ---- */

static SSL *client_connect(int fd, int max_version, const char *alpn)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	unsigned char wire[64];
	SSL *ssl;

	if (!ctx || !SSL_CTX_set_max_proto_version(ctx, max_version))
		return NULL;
	if (alpn) {
		wire[0] = (unsigned char)strlen(alpn);
		memcpy(wire + 1, alpn, wire[0]);
		if (SSL_CTX_set_alpn_protos(ctx, wire, wire[0] + 1u))
			return NULL;
	}
	ssl = SSL_new(ctx);
	SSL_CTX_free(ctx);
	if (!ssl || !SSL_set_fd(ssl, fd) || SSL_connect(ssl) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

/* Everything the server sends until it closes. */
static int client_read_all(SSL *ssl, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	int r;

	while (n < cap && (r = SSL_read(ssl, buf + n, (int)(cap - n))) > 0)
		n += (size_t)r;
	return (int)n;
}

/* A full exchange; the cookies must open to the exported keys. */
static int client_good(int fd, bool byte_by_byte)
{
	static const uint16_t off[] = { 15 };
	uint8_t req[16], resp[4096], c2s[32], s2c[32];
	const struct knts_master_key *mk = ntskd_mk_current(&keys);
	struct knts_ke_response r;
	struct knts_cookie_keys ck;
	SSL *ssl = client_connect(fd, TLS1_3_VERSION, "ntske/1");
	size_t i;
	int n;

	if (!ssl)
		return 10;
	unit_unhex(chrony_req, req, sizeof(req));
	for (i = 0; byte_by_byte && i < sizeof(req); i++) {
		if (SSL_write(ssl, req + i, 1) != 1)
			return 11;
		usleep(20000);
	}
	if (!byte_by_byte && SSL_write(ssl, req, sizeof(req)) != 16)
		return 11;
	n = client_read_all(ssl, resp, sizeof(resp));
	if (knts_ke_parse_response(resp, (size_t)n, off, 1, &r) ||
	    r.n_cookies != 8 || r.cookie_len != 100)
		return 12;
	if (knts_export_keys(ssl, 15, c2s, s2c, 32))
		return 13;
	for (i = 0; i < r.n_cookies; i++) {
		if (knts_cookie_open(mk->key, mk->id, r.cookie[i], 100, &ck) ||
		    memcmp(knts_cookie_c2s(&ck), c2s, 32) ||
		    memcmp(knts_cookie_s2c(&ck), s2c, 32))
			return 14;
	}
	/* the server closes the TLS session properly */
	if (SSL_get_error(ssl, 0) != SSL_ERROR_ZERO_RETURN &&
	    !(SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN))
		return 15;
	SSL_shutdown(ssl);
	SSL_free(ssl);
	return 0;
}

/* Reads the whole answer, then keeps the connection open, says nothing. */
static int client_lingers(int fd)
{
	uint8_t req[16], resp[4096];
	SSL *ssl = client_connect(fd, TLS1_3_VERSION, "ntske/1");

	if (!ssl)
		return 10;
	unit_unhex(chrony_req, req, sizeof(req));
	if (SSL_write(ssl, req, sizeof(req)) != 16)
		return 11;
	if (client_read_all(ssl, resp, sizeof(resp)) < 100)
		return 12;
	sleep(4);	/* no close_notify, no close */
	return 0;
}

static int client_good_whole(int fd)
{
	return client_good(fd, false);
}

static int client_good_split(int fd)
{
	return client_good(fd, true);
}

static int client_tls12(int fd)
{
	SSL *ssl = client_connect(fd, TLS1_2_VERSION, "ntske/1");

	return ssl ? 20 : 0;
}

static int client_wrong_alpn(int fd)
{
	SSL *ssl = client_connect(fd, TLS1_3_VERSION, "http/1.1");

	return ssl ? 21 : 0;
}

/* No ALPN at all: the handshake may finish, but no answer comes. */
static int client_no_alpn(int fd)
{
	uint8_t req[16], resp[256];
	SSL *ssl = client_connect(fd, TLS1_3_VERSION, NULL);

	if (!ssl)
		return 0;
	unit_unhex(chrony_req, req, sizeof(req));
	SSL_write(ssl, req, sizeof(req));
	return client_read_all(ssl, resp, sizeof(resp)) ? 22 : 0;
}

/* A record that can never fit the request limit: Error 1 at once. */
static int client_too_large(int fd)
{
	static const uint16_t off[] = { 15 };
	uint8_t req[] = { 0x80, 0x01, 0x00, 0x02, 0x00, 0x00,
			  0x40, 0x00, 0x40, 0x00 };	/* 16 KiB body */
	uint8_t resp[256];
	struct knts_ke_response r;
	SSL *ssl = client_connect(fd, TLS1_3_VERSION, "ntske/1");
	int n;

	if (!ssl)
		return 30;
	if (SSL_write(ssl, req, sizeof(req)) != (int)sizeof(req))
		return 31;
	n = client_read_all(ssl, resp, sizeof(resp));
	if (knts_ke_parse_response(resp, (size_t)n, off, 1, &r) !=
	    KNTS_KE_E_RESP_ERROR || r.error_code != 1)
		return 32;
	return 0;
}

/* Half a request, then hang up. */
static int client_hangup(int fd)
{
	uint8_t req[16];
	SSL *ssl = client_connect(fd, TLS1_3_VERSION, "ntske/1");

	if (!ssl)
		return 40;
	unit_unhex(chrony_req, req, sizeof(req));
	SSL_write(ssl, req, 7);
	return 0;
}

/* Connected and silent; waits for the server to give up. */
static int client_silent(int fd)
{
	char b;

	return read(fd, &b, 1) == 0 ? 0 : 50;
}

/* ---- the server side ---- */

static void on_child(int signo, void *arg)
{
	ntskd_loop_stop(loop);
}

static void on_deadline(struct ntskd_timer *t, void *arg)
{
	timed_out = true;
	ntskd_loop_stop(loop);
}

static pid_t start_client(int (*fn)(int fd))
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		_exit(fn(sv[1]));
	}
	close(sv[1]);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	ntskd_ke_server_adopt(srv, sv[0], "test-peer");
	return pid;
}

/* Serve until a child exits (or 10 s pass); that child's exit code. */
static int serve_until_exit(pid_t pid)
{
	struct ntskd_timer deadline;
	int status = -1;

	ntskd_timer_init(&deadline, on_deadline, NULL);
	ntskd_timer_arm(loop, &deadline, 10000);
	timed_out = false;
	while (!timed_out && waitpid(pid, &status, WNOHANG) == 0)
		ntskd_loop_run(loop);
	ntskd_timer_cancel(loop, &deadline);
	if (timed_out)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
}

static int run_client(int (*fn)(int fd))
{
	return serve_until_exit(start_client(fn));
}

/* Let the server finish with the connection (closing state). */
static void drain(void)
{
	struct ntskd_timer deadline;

	ntskd_timer_init(&deadline, on_deadline, NULL);
	timed_out = false;
	ntskd_timer_arm(loop, &deadline, 200);
	while (!timed_out && ntskd_ke_server_conns(srv))
		ntskd_loop_run(loop);
	ntskd_timer_cancel(loop, &deadline);
}

static bool log_has(const char *needle)
{
	size_t len;
	char *text;
	bool found;

	fflush(stderr);
	text = unit_slurp(logpath, &len);
	found = text && strstr(text, needle);
	free(text);
	return found;
}

static int log_count(const char *needle)
{
	size_t len;
	char *text, *p;
	int n = 0;

	fflush(stderr);
	text = unit_slurp(logpath, &len);
	for (p = text; p && (p = strstr(p, needle)); p++)
		n++;
	free(text);
	return n;
}

static void test_good(void)
{
	EXPECT_EQ(run_client(client_good_whole), 0);
	drain();
	EXPECT_EQ(ntskd_ke_server_conns(srv), 0);
	EXPECT(log_has("NTS-KE with test-peer: AEAD 15, 8 cookies under key"));
}

static void test_split_request(void)
{
	EXPECT_EQ(run_client(client_good_split), 0);
	drain();
	EXPECT_EQ(ntskd_ke_server_conns(srv), 0);
}

static void test_tls_policy(void)
{
	EXPECT_EQ(run_client(client_tls12), 0);
	EXPECT(log_has("failed in the TLS handshake: the client does not offer TLS 1.3"));
	EXPECT_EQ(run_client(client_wrong_alpn), 0);
	EXPECT(log_has("failed in the TLS handshake: the client offered ALPN 'http/1.1', not 'ntske/1'"));
	EXPECT_EQ(run_client(client_no_alpn), 0);
	EXPECT(log_has("refused: the client offered no ALPN ('ntske/1' is required)"));
	drain();
	EXPECT_EQ(ntskd_ke_server_conns(srv), 0);
}

static void test_limits(void)
{
	EXPECT_EQ(run_client(client_too_large), 0);
	EXPECT(log_has("bad NTS-KE request from test-peer: too-large; sent Error 1 (bad request)"));
	EXPECT_EQ(run_client(client_hangup), 0);
	drain();
	EXPECT(log_has("the client closed the connection after 7 bytes, before End of Message"));
	EXPECT_EQ(ntskd_ke_server_conns(srv), 0);
}

/* A silent client holds only its own slot, until its deadline. */
static void test_slow_client(void)
{
	pid_t silent;
	int status = 0;

	ntskd_ke_server_set_timeout(srv, 1500);
	silent = start_client(client_silent);
	EXPECT_EQ(run_client(client_good_whole), 0);
	EXPECT_EQ(waitpid(silent, &status, WNOHANG), 0);	/* still there */
	EXPECT_EQ(serve_until_exit(silent), 0);	/* closed by the server */
	EXPECT(log_has("NTS-KE with test-peer timed out after 1500 ms in the TLS handshake (0 request bytes)"));
	EXPECT_EQ(ntskd_ke_server_conns(srv), 0);
	ntskd_ke_server_set_timeout(srv, NTSKD_KE_TIMEOUT_MS);
}

/*
 * A finished exchange frees its slot soon (KE_CLOSE_GRACE_MS), not at the
 * 5 s deadline, even when the client keeps the connection open.
 */
static void stop_when_idle(struct ntskd_timer *t, void *arg)
{
	if (!ntskd_ke_server_conns(srv))
		ntskd_loop_stop(loop);
	else
		ntskd_timer_arm(loop, t, 20);
}

static void test_close_grace(void)
{
	struct ntskd_timer deadline, poll;
	pid_t pid = start_client(client_lingers);
	uint64_t t0 = ntskd_now_ms(), freed;

	ntskd_timer_init(&deadline, on_deadline, NULL);
	ntskd_timer_init(&poll, stop_when_idle, NULL);
	ntskd_timer_arm(loop, &deadline, 3500);
	ntskd_timer_arm(loop, &poll, 20);
	timed_out = false;
	while (!timed_out && ntskd_ke_server_conns(srv))
		ntskd_loop_run(loop);
	ntskd_timer_cancel(loop, &deadline);
	ntskd_timer_cancel(loop, &poll);
	freed = ntskd_now_ms() - t0;
	EXPECT_EQ(ntskd_ke_server_conns(srv), 0);
	EXPECT(freed < 3500);
	EXPECT(log_has("no close_notify from the client; closing"));
	EXPECT_EQ(serve_until_exit(pid), 0);
	fprintf(stderr, "close grace: slot freed %llu ms after accept\n",
		(unsigned long long)freed);
}

/* Every way an exchange ends is counted once, for ntsctl ke-stats. */
static void test_outcome_counters(void)
{
	struct ntskd_ke_server_stats a, b;

	ntskd_ke_server_stats(srv, &a);
	EXPECT_EQ(run_client(client_good_whole), 0);
	EXPECT_EQ(run_client(client_tls12), 0);
	EXPECT_EQ(run_client(client_no_alpn), 0);
	EXPECT_EQ(run_client(client_too_large), 0);
	EXPECT_EQ(run_client(client_hangup), 0);
	drain();
	ntskd_ke_server_stats(srv, &b);
	EXPECT_EQ(b.out.ok - a.out.ok, 1);
	EXPECT_EQ(b.out.aead[0] - a.out.aead[0], 1);
	EXPECT_EQ(b.out.cookies - a.out.cookies, 8);
	EXPECT_EQ(b.out.tls_failed - a.out.tls_failed, 2);
	EXPECT_EQ(b.out.bad_request - a.out.bad_request, 1);
	EXPECT_EQ(b.out.closed_early - a.out.closed_early, 1);
	EXPECT_EQ(b.out.timeouts - a.out.timeouts, 0);
}

/* Per-client lines at debug; the summary at info counts them. */
static void test_summary(void)
{
	int n;

	ntskd_ke_server_log_summary(srv);	/* what came before */
	EXPECT_EQ(run_client(client_good_whole), 0);
	EXPECT_EQ(run_client(client_tls12), 0);
	drain();
	EXPECT(log_has("debug: NTS-KE with test-peer: AEAD 15, 8 cookies"));
	EXPECT(log_has("debug: NTS-KE with test-peer failed in the TLS handshake"));
	ntskd_ke_server_log_summary(srv);
	EXPECT(log_has("ntskd: NTS-KE summary: 1 exchanges (AEAD 15/16/17: 1/0/0), 8 cookies; 0 requests answered without cookies, 1 connections failed (TLS 1, early close 0, timeout 0)"));
	/* nothing since: no line */
	n = log_count("NTS-KE summary:");
	ntskd_ke_server_log_summary(srv);
	EXPECT_EQ(log_count("NTS-KE summary:"), n);
}

/*
 * The test certificate is valid for a day: under NTSKD_CERT_WARN_DAYS, so
 * loading it warned and counted, and every check does again.
 */
static void test_cert_expiry_warning(void)
{
	struct ntskd_ke_server_stats a, b;
	int64_t left;

	ntskd_ke_server_cert_left(srv, &left);
	EXPECT(left > 0 && left <= 86400);
	ntskd_ke_server_stats(srv, &a);
	EXPECT(a.cert_warnings >= 1);
	ntskd_ke_server_check_cert(srv);
	ntskd_ke_server_stats(srv, &b);
	EXPECT_EQ(b.cert_warnings - a.cert_warnings, 1);
	EXPECT(log_has("expires in 0 days"));
}

/* At NTSKD_KE_MAX_CONNS in progress, one more is closed at once. */
static void test_max_conns(void)
{
	int peer[NTSKD_KE_MAX_CONNS + 1], sv[2], i, n = 0;
	char b;

	for (i = 0; i <= NTSKD_KE_MAX_CONNS; i++) {
		peer[i] = -1;
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
			break;
		fcntl(sv[0], F_SETFL, O_NONBLOCK);
		ntskd_ke_server_adopt(srv, sv[0], "crowd");
		peer[i] = sv[1];
		n++;
	}
	EXPECT_EQ(n, NTSKD_KE_MAX_CONNS + 1);
	EXPECT_EQ(ntskd_ke_server_conns(srv), NTSKD_KE_MAX_CONNS);
	if (peer[NTSKD_KE_MAX_CONNS] >= 0)
		EXPECT_EQ(read(peer[NTSKD_KE_MAX_CONNS], &b, 1), 0);
	EXPECT(log_has("NTS-KE with crowd refused: 128 connections in progress"));
	/* the crowd hangs up: every slot is freed */
	for (i = 0; i < n; i++)
		close(peer[i]);
	drain();
	EXPECT_EQ(ntskd_ke_server_conns(srv), 0);
	/* 128 handshakes failed at once: at most KE_LOG_BURST (50) lines */
	EXPECT(log_count("failed in the TLS handshake: the client closed the connection") <= 50);
}

/*
 * A full server whose quietest connection has been silent for a fifth of
 * its deadline closes that one for a newcomer, which is then served: slots
 * held by a crowd do not keep a real client out.
 */
static void test_evict_oldest(void)
{
	int peer[NTSKD_KE_MAX_CONNS], sv[2], i, n = 0;
	struct ntskd_ke_server_stats st0, st;
	char b;

	ntskd_ke_server_set_timeout(srv, 1500);	/* evictable after 300 ms */
	ntskd_ke_server_stats(srv, &st0);
	for (i = 0; i < NTSKD_KE_MAX_CONNS; i++) {
		peer[i] = -1;
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
			break;
		fcntl(sv[0], F_SETFL, O_NONBLOCK);
		ntskd_ke_server_adopt(srv, sv[0], "holder");
		peer[i] = sv[1];
		n++;
	}
	EXPECT_EQ(ntskd_ke_server_conns(srv), NTSKD_KE_MAX_CONNS);
	usleep(400 * 1000);
	EXPECT_EQ(run_client(client_good_whole), 0);
	ntskd_ke_server_stats(srv, &st);
	EXPECT_EQ(st.evicted - st0.evicted, 1);
	EXPECT_EQ(st.refused_full, st0.refused_full);
	/* the first holder was the one closed */
	if (peer[0] >= 0)
		EXPECT_EQ(read(peer[0], &b, 1), 0);
	for (i = 0; i < n; i++)
		close(peer[i]);
	drain();
	EXPECT_EQ(ntskd_ke_server_conns(srv), 0);
	ntskd_ke_server_set_timeout(srv, NTSKD_KE_TIMEOUT_MS);
}

static void test_reload(void)
{
	char broken[NTSKD_PATH_MAX];

	/* a broken certificate keeps the old one serving */
	snprintf(broken, sizeof(broken), "%s", cfg.cert);
	snprintf(cfg.cert, sizeof(cfg.cert), "%s/missing.pem", dir);
	EXPECT_EQ(ntskd_ke_server_reload_tls(srv), -1);
	EXPECT(log_has("keeping the certificate and key already loaded"));
	EXPECT_EQ(run_client(client_good_whole), 0);
	snprintf(cfg.cert, sizeof(cfg.cert), "%s", broken);
	EXPECT_EQ(ntskd_ke_server_reload_tls(srv), 0);
	EXPECT_EQ(run_client(client_good_whole), 0);
	drain();
}

/* Run the loop for @ms. */
static void spin(unsigned int ms)
{
	struct ntskd_timer deadline;

	ntskd_timer_init(&deadline, on_deadline, NULL);
	timed_out = false;
	ntskd_timer_arm(loop, &deadline, ms);
	while (!timed_out)
		ntskd_loop_run(loop);
}

/*
 * A reload (SIGHUP, a renewed certificate) in the middle of an exchange:
 * that exchange finishes on the old context, cookies and all.
 */
static void test_reload_mid_exchange(void)
{
	pid_t pid = start_client(client_good_split);

	spin(100);	/* handshake done, request coming byte by byte */
	EXPECT_EQ(ntskd_ke_server_conns(srv), 1);
	EXPECT_EQ(ntskd_ke_server_reload_tls(srv), 0);
	EXPECT_EQ(serve_until_exit(pid), 0);
	drain();
	EXPECT_EQ(ntskd_ke_server_conns(srv), 0);
}

/* The oldest connection, if its peer talks, is not the one evicted. */
static void test_evict_silent_first(void)
{
	int peer[NTSKD_KE_MAX_CONNS + 1], sv[2], i, n = 0, newcomer = -1;
	char b;

	ntskd_ke_server_set_timeout(srv, 1500);
	for (i = 0; i <= NTSKD_KE_MAX_CONNS; i++) {
		peer[i] = -1;
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
			break;
		fcntl(sv[0], F_SETFL, O_NONBLOCK);
		fcntl(sv[1], F_SETFL, O_NONBLOCK);
		if (i < NTSKD_KE_MAX_CONNS)
			ntskd_ke_server_adopt(srv, sv[0], i ? "silent" : "talker");
		peer[i] = sv[1];
		n++;
		if (i == NTSKD_KE_MAX_CONNS) {
			peer[i] = sv[0];	/* the newcomer, adopted below */
			newcomer = sv[1];
		}
	}
	EXPECT_EQ(n, NTSKD_KE_MAX_CONNS + 1);
	usleep(400 * 1000);
	/* the first byte of a TLS record: the talker is heard */
	EXPECT_EQ(write(peer[0], "\x16", 1), 1);
	spin(50);
	ntskd_ke_server_adopt(srv, peer[NTSKD_KE_MAX_CONNS], "newcomer");
	EXPECT_EQ(ntskd_ke_server_conns(srv), NTSKD_KE_MAX_CONNS);
	EXPECT(read(peer[0], &b, 1) < 0);	/* talker: still open */
	EXPECT_EQ(read(peer[1], &b, 1), 0);	/* the first silent one: closed */
	for (i = 0; i < NTSKD_KE_MAX_CONNS; i++)
		close(peer[i]);
	close(newcomer);
	drain();
	EXPECT_EQ(ntskd_ke_server_conns(srv), 0);
	ntskd_ke_server_set_timeout(srv, NTSKD_KE_TIMEOUT_MS);
}

int main(void)
{
	char cmd[512];
	int tap_out, fails;

	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir))
		return 1;
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		 "-keyout %s/key.pem -out %s/cert.pem -days 1 -subj /CN=knts-test >/dev/null 2>&1",
		 dir, dir);
	ntskd_config_init(&cfg);
	snprintf(cfg.cert, sizeof(cfg.cert), "%s/cert.pem", dir);
	snprintf(cfg.key, sizeof(cfg.key), "%s/key.pem", dir);
	/* the server's log goes to a file the tests read */
	snprintf(logpath, sizeof(logpath), "%s/ntskd.log", dir);
	tap_out = dup(STDERR_FILENO);
	if (system(cmd) || !freopen(logpath, "w", stderr) ||
	    ntskd_mk_generate(&keys, 0)) {
		printf("not ok 1 - test setup (openssl, %s)\n1..1\n", dir);
		return 1;
	}
	setvbuf(stderr, NULL, _IONBF, 0);
	ntskd_log_open(false, true);
	loop = ntskd_loop_new();
	srv = loop ? ntskd_ke_server_new(loop, &cfg, &keys) : NULL;
	if (!srv || ntskd_loop_on_signal(loop, SIGCHLD, on_child, NULL)) {
		printf("not ok 1 - server setup\n1..1\n");
		return 1;
	}
	RUN(test_good);
	RUN(test_split_request);
	RUN(test_tls_policy);
	RUN(test_limits);
	RUN(test_slow_client);
	RUN(test_close_grace);
	RUN(test_outcome_counters);
	RUN(test_summary);
	RUN(test_cert_expiry_warning);
	RUN(test_max_conns);
	RUN(test_evict_oldest);
	RUN(test_evict_silent_first);
	RUN(test_reload);
	RUN(test_reload_mid_exchange);
	ntskd_ke_server_stop(srv);
	ntskd_loop_free(loop);
	fails = unit_tests_failed;
	if (fails) {
		/* the server's side of the story, as TAP diagnostics */
		snprintf(cmd, sizeof(cmd), "sed 's/^/# /' %s >&%d", logpath, tap_out);
		if (system(cmd))
			fails++;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fails++;
	return unit_done();
}
