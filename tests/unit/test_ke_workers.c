// SPDX-License-Identifier: GPL-2.0
/*
 * NTS-KE on more than one core (userspace/ntskd/ke_workers.c): two
 * workers, the first on this thread's loop, the second in its thread,
 * both accepting from one listener on 127.0.0.1. Clients run in a thread
 * of the test with blocking OpenSSL.
 *
 * While this thread does not run its loop, only the second worker can
 * answer: so each check below proves what that worker does on its own
 * (it accepts and serves; it mints under the keys the main thread
 * published last, also after a rotation; it uses a certificate reloaded
 * by the main thread; it shares the per-address rate limit), and the
 * counters summed for ke-stats must add up over both workers.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "ktypes.h"
#include "../../kmod/cookie.h"
#include "unit.h"
#include "ke_record.h"
#include "ke_server.h"
#include "ke_workers.h"
#include "log.h"
#include "log_budget.h"

static char dir[] = "/tmp/knts-kew-XXXXXX";
static struct ntskd_loop *loop;
static struct ntskd_config cfg;
static struct ntskd_masterkeys keys;
static struct ntskd_ke_workers *kw;
static uint16_t port;
static char logpath[300];

static const char chrony_req[] = "800100020000 80040002000f 80000000";

static uint16_t free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sl) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl))
		return 0;
	close(fd);
	return ntohs(sa.sin_port);
}

/* ---- the clients -------------------------------------------------- */

struct clients {
	unsigned int n;			/* exchanges to try */
	bool garbage;			/* send no ClientHello, then close */
	struct knts_master_key key;	/* cookies must open under it */
	char cn[64];			/* expected certificate CN, or "" */
	int efd;			/* written when done, -1: none */
	/* results */
	unsigned int ok;		/* 8 cookies under key, right CN */
	unsigned int refused;		/* closed before/in the handshake */
	unsigned int wrong;		/* answered, but not as expected */
};

static int client_connect(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { .tv_sec = 5 };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool client_cn_is(SSL *ssl, const char *cn)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	char got[64] = "";

	if (cert)
		X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
					  NID_commonName, got, sizeof(got));
	X509_free(cert);
	return !strcmp(got, cn);
}

/* One exchange: 0 good, 1 refused, 2 wrong. */
static int client_one(SSL_CTX *ctx, const struct clients *c)
{
	static const uint16_t off[] = { 15 };
	uint8_t req[16], resp[4096];
	struct knts_ke_response r;
	struct knts_cookie_keys ck;
	int fd = client_connect(), n = 0, got, ret = 2;
	SSL *ssl;
	size_t i;

	if (fd < 0)
		return 1;
	if (c->garbage) {
		/* a handshake that fails: one per-connection line at -d */
		ret = write(fd, "GET / HTTP/1.0\r\n\r\n", 18) == 18 &&
		      read(fd, resp, sizeof(resp)) <= 0 ? 1 : 2;
		close(fd);
		return ret;
	}
	ssl = SSL_new(ctx);
	if (!ssl || !SSL_set_fd(ssl, fd) || SSL_connect(ssl) != 1) {
		ret = 1;
		goto out;
	}
	unit_unhex(chrony_req, req, sizeof(req));
	if (SSL_write(ssl, req, sizeof(req)) != (int)sizeof(req))
		goto out;
	while (n < (int)sizeof(resp) &&
	       (got = SSL_read(ssl, resp + n, (int)sizeof(resp) - n)) > 0)
		n += got;
	if (knts_ke_parse_response(resp, (size_t)n, off, 1, &r) ||
	    r.n_cookies != 8)
		goto out;
	if (c->cn[0] && !client_cn_is(ssl, c->cn))
		goto out;
	for (i = 0; i < r.n_cookies; i++)
		if (knts_cookie_open(c->key.key, c->key.id, r.cookie[i],
				     r.cookie_len, &ck))
			goto out;
	ret = 0;
	SSL_shutdown(ssl);
out:
	SSL_free(ssl);
	close(fd);
	return ret;
}

static void *clients_main(void *arg)
{
	struct clients *c = arg;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	static const unsigned char alpn[] = "\x07ntske/1";
	uint64_t one = 1;
	unsigned int i;

	if (ctx && !SSL_CTX_set_alpn_protos(ctx, alpn, sizeof(alpn) - 1)) {
		for (i = 0; i < c->n; i++) {
			switch (client_one(ctx, c)) {
			case 0:
				c->ok++;
				break;
			case 1:
				c->refused++;
				break;
			default:
				c->wrong++;
			}
		}
	}
	SSL_CTX_free(ctx);
	if (c->efd >= 0 && write(c->efd, &one, sizeof(one)) != sizeof(one))
		c->wrong++;
	return NULL;
}

static void clients_init(struct clients *c, unsigned int n)
{
	memset(c, 0, sizeof(*c));
	c->n = n;
	c->key = *ntskd_mk_current(&keys);
	c->efd = -1;
}

/* Run @c while this thread does not serve: worker 2 alone answers. */
static void clients_run_idle(struct clients *c)
{
	pthread_t t;

	if (pthread_create(&t, NULL, clients_main, c)) {
		c->wrong = c->n;
		return;
	}
	pthread_join(t, NULL);
}

static uint64_t clients_left;

static void on_clients_done(struct ntskd_io *io, int fd, uint32_t ev,
			    void *arg)
{
	uint64_t done;

	if (read(fd, &done, sizeof(done)) == sizeof(done) &&
	    done >= clients_left)
		ntskd_loop_stop(loop);
	else
		clients_left -= done;
}

/*
 * Run the @n client threads of @c while this thread serves too (both
 * workers), until every one of them is done: a connection the first
 * worker took must not wait for a loop that no longer runs.
 */
static void clients_run_serving(struct clients *c, unsigned int n)
{
	struct ntskd_io *io;
	pthread_t t[4];
	unsigned int i;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	clients_left = n;
	io = ntskd_loop_add_fd(loop, efd, EPOLLIN, on_clients_done, NULL);
	for (i = 0; i < n && i < 4; i++) {
		c[i].efd = efd;
		if (!io || pthread_create(&t[i], NULL, clients_main, &c[i])) {
			c[i].wrong = c[i].n;
			return;
		}
	}
	ntskd_loop_run(loop);
	for (i = 0; i < n && i < 4; i++) {
		pthread_join(t[i], NULL);
		c[i].efd = -1;
	}
	ntskd_io_remove(io);
	close(efd);
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

static void stats(struct ntskd_ke_server_stats *sum,
		  struct ntskd_ke_server_stats per[2])
{
	ntskd_ke_workers_stats(kw, sum, per);
}

/* ---- tests ---------------------------------------------------------- */

static void test_wanted(void)
{
	struct ntskd_config c;
	unsigned int n;

	ntskd_config_init(&c);
	c.ke_workers = 4;
	EXPECT_EQ(ntskd_ke_workers_wanted(&c), 4);
	c.ke_max_conns = 2;	/* a worker needs a slot */
	EXPECT_EQ(ntskd_ke_workers_wanted(&c), 2);
	c.ke_workers = 0;	/* auto */
	c.ke_max_conns = 128;
	n = ntskd_ke_workers_wanted(&c);
	EXPECT(n >= 1 && n <= NTSKD_KE_WORKERS_AUTO_MAX);
}

/* The second worker accepts and serves on its own; ke-stats sees it. */
static void test_second_worker_serves(void)
{
	struct ntskd_ke_server_stats sum, per[2];
	struct clients c;

	EXPECT_EQ(ntskd_ke_workers_count(kw), 2);
	clients_init(&c, 10);
	clients_run_idle(&c);
	EXPECT_EQ(c.ok, 10);
	EXPECT_EQ(c.refused + c.wrong, 0);
	stats(&sum, per);
	EXPECT_EQ(per[0].out.ok, 0);
	EXPECT_EQ(per[1].out.ok, 10);
	EXPECT_EQ(sum.out.ok, 10);
	EXPECT_EQ(sum.out.cookies, 80);
}

/* Keys rotated by the main thread are what the other worker mints under. */
static void test_rotation_reaches_worker(void)
{
	struct ntskd_ke_server_stats sum, per[2];
	struct knts_master_key old = *ntskd_mk_current(&keys);
	struct clients c;

	EXPECT(!ntskd_mk_rotate(&keys, 1000));
	EXPECT(ntskd_mk_current(&keys)->id != old.id);
	ntskd_ke_workers_set_keys(kw, &keys);
	clients_init(&c, 5);
	clients_run_idle(&c);
	EXPECT_EQ(c.ok, 5);
	EXPECT_EQ(c.wrong, 0);
	/* and not under the old one */
	clients_init(&c, 1);
	c.key = old;
	clients_run_idle(&c);
	EXPECT_EQ(c.wrong, 1);
	stats(&sum, per);
	EXPECT_EQ(per[1].out.ok, 16);
	EXPECT_EQ(sum.out.ok, 16);
}

/* Both workers at once; every answer under the current key, sums right. */
static void test_both_workers(void)
{
	struct ntskd_ke_server_stats sum, per[2];
	struct clients c[3];
	unsigned int i, ok = 0;

	stats(&sum, per);
	for (i = 0; i < 3; i++)
		clients_init(&c[i], 20);
	clients_run_serving(c, 3);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(c[i].wrong, 0);
		ok += c[i].ok;
	}
	EXPECT_EQ(ok, 60);
	/* the first worker has served, and the sum is over both */
	stats(&sum, per);
	EXPECT(per[0].out.ok > 0);
	EXPECT_EQ(per[0].out.ok + per[1].out.ok, sum.out.ok);
	EXPECT_EQ(sum.out.ok, 16 + 60);
	EXPECT_EQ(sum.conns, per[0].conns + per[1].conns);
}

/* A certificate reloaded in the main thread is the other worker's too. */
static void test_reload_reaches_worker(void)
{
	char cmd[512];
	struct clients c;

	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		 "-keyout %s/key.pem -out %s/cert.pem -days 1 -subj /CN=knts-renewed >/dev/null 2>&1",
		 dir, dir);
	EXPECT(!system(cmd));
	EXPECT(!ntskd_ke_server_reload_tls(ntskd_ke_workers_first(kw)));
	clients_init(&c, 3);
	snprintf(c.cn, sizeof(c.cn), "knts-renewed");
	clients_run_idle(&c);
	EXPECT_EQ(c.ok, 3);
	EXPECT_EQ(c.wrong, 0);
}

/*
 * One rate limit table for all workers: an address's burst is spent
 * once, whichever worker its connections reach.
 */
static void test_shared_rate_limit(void)
{
	struct ntskd_ke_server_stats sum, per[2];
	struct ntskd_config rl = cfg;
	struct ntskd_ke_workers *first = kw;
	struct clients c;

	rl.ke_rate_milli = 1;	/* one per 1000 s: nothing refills */
	rl.ke_burst = 4;
	port = free_port();
	rl.listen[0].port = port;
	kw = ntskd_ke_workers_new(loop, &rl);
	EXPECT(kw != NULL);
	if (!kw) {
		kw = first;
		return;
	}
	ntskd_ke_workers_set_keys(kw, &keys);
	EXPECT(!ntskd_ke_workers_listen(kw));
	EXPECT(!ntskd_ke_workers_run(kw));
	/* the second worker: 3 of the burst */
	clients_init(&c, 3);
	clients_run_idle(&c);
	EXPECT_EQ(c.ok, 3);
	/* then both: 1 left for the address, whichever worker takes it */
	clients_init(&c, 6);
	clients_run_serving(&c, 1);
	EXPECT_EQ(c.ok, 1);
	EXPECT_EQ(c.refused, 5);
	stats(&sum, per);
	EXPECT_EQ(sum.out.ok, 4);
	EXPECT_EQ(sum.refused_rate, 5);
	ntskd_ke_workers_stop(kw);
	kw = first;
	/* the totals at stop: one line, over both workers */
	EXPECT_EQ(log_count("NTS-KE since start:"), 1);
	EXPECT_EQ(log_count("NTS-KE since start: refused 5 over the rate"), 1);
}

/*
 * Per-connection log lines have one budget for all workers: 2 x 60 failed
 * handshakes (a round) spread over both workers log at most 50 lines, not
 * 50 each.
 */
static void test_shared_log_budget(void)
{
	struct ntskd_ke_server_stats sum0, sum, per0[2], per[2];
	unsigned int i, round, want = 0;
	struct clients c[2];
	int lines;

	ntskd_log_open(false, true);	/* the per-connection lines are -d */
	stats(&sum0, per0);
	/*
	 * Which worker accepts is the kernel's choice: until both took some
	 * (the only case that tells a shared budget from one per worker),
	 * another round, all well inside one 10 s window.
	 */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 2; i++) {
			clients_init(&c[i], 60);
			c[i].garbage = true;
		}
		clients_run_serving(c, 2);
		EXPECT_EQ(c[0].refused + c[1].refused, 120);
		want += 120;
		/*
		 * The other worker publishes its counters after the callback
		 * that closed the connection, so its client may see the close
		 * first: wait for them (CI once read 119 of 120).
		 */
		for (i = 0; i < 500; i++) {
			stats(&sum, per);
			if (sum.out.tls_failed - sum0.out.tls_failed >= want)
				break;
			usleep(10 * 1000);
		}
		if (per[0].out.tls_failed > per0[0].out.tls_failed &&
		    per[1].out.tls_failed > per0[1].out.tls_failed)
			break;
	}
	ntskd_log_open(false, false);
	EXPECT(per[0].out.tls_failed > per0[0].out.tls_failed);
	EXPECT(per[1].out.tls_failed > per0[1].out.tls_failed);
	EXPECT_EQ(sum.out.tls_failed - sum0.out.tls_failed, want);
	lines = log_count("failed in the TLS handshake");
	printf("# per-connection lines for %u failed handshakes on 2 workers: %d\n",
	       want, lines);
	EXPECT(lines > 0 && lines <= NTSKD_LOG_BUDGET_BURST);
}

static void test_stop_joins(void)
{
	/* threads joined, sockets closed: the port is free again */
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	ntskd_ke_workers_stop(kw);
	kw = NULL;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(cfg.listen[0].port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	EXPECT(fd >= 0 && !bind(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	       !listen(fd, 1));
	close(fd);
}

int main(void)
{
	char cmd[512];
	int fails;

	/* the TAP diagnostics of EXPECT go to the log, printed on failure */

	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir))
		return 1;
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		 "-keyout %s/key.pem -out %s/cert.pem -days 1 -subj /CN=knts-test >/dev/null 2>&1",
		 dir, dir);
	snprintf(logpath, sizeof(logpath), "%s/ntskd.log", dir);
	port = free_port();
	ntskd_config_init(&cfg);
	snprintf(cfg.cert, sizeof(cfg.cert), "%s/cert.pem", dir);
	snprintf(cfg.key, sizeof(cfg.key), "%s/key.pem", dir);
	cfg.n_listen = 1;
	cfg.listen[0].family = AF_INET;
	cfg.listen[0].addr.v4.s_addr = htonl(INADDR_LOOPBACK);
	cfg.listen[0].port = port;
	cfg.ke_workers = 2;
	if (!port || system(cmd) || !freopen(logpath, "w", stderr) ||
	    ntskd_mk_generate(&keys, 0)) {
		printf("not ok 1 - test setup (openssl, %s)\n1..1\n", dir);
		return 1;
	}
	setvbuf(stderr, NULL, _IONBF, 0);
	ntskd_log_open(false, false);
	loop = ntskd_loop_new();
	kw = loop ? ntskd_ke_workers_new(loop, &cfg) : NULL;
	if (kw)
		ntskd_ke_workers_set_keys(kw, &keys);
	if (!kw || ntskd_ke_workers_listen(kw) || ntskd_ke_workers_run(kw)) {
		printf("not ok 1 - workers setup\n1..1\n");
		return 1;
	}
	RUN(test_wanted);
	/* first: answers spend the same budget, and its window is 10 s */
	RUN(test_shared_log_budget);
	RUN(test_second_worker_serves);
	RUN(test_rotation_reaches_worker);
	RUN(test_both_workers);
	RUN(test_reload_reaches_worker);
	RUN(test_shared_rate_limit);
	RUN(test_stop_joins);
	ntskd_loop_free(loop);
	fails = unit_done();
	if (fails) {
		/* the workers' side of the story, as TAP diagnostics */
		snprintf(cmd, sizeof(cmd), "sed 's/^/# /' %s", logpath);
		if (system(cmd))
			fails++;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fails++;
	return fails ? 1 : 0;
}
