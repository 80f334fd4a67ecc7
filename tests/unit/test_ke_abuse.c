// SPDX-License-Identifier: GPL-2.0
/*
 * The abuse tool (tests/tools/ke_abuse.c) against ntskd's NTS-KE server
 * code over 127.0.0.1 on the host: a child process runs the server (the
 * same ke_server.c, ke_listen.c, ke_ratelimit.c as ntskd, with a 1.5 s
 * deadline) on two ephemeral ports, the second with ke-rate-limit 1 burst
 * 3 max-conns 2; every mode of the tool must find the answer it expects.
 * The VM selftest 17-ke-abuse runs the same modes against the real ntskd,
 * at scale.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "ke_server.h"
#include "log.h"

#define TOOL "build/tools/ke_abuse"

static char dir[] = "/tmp/knts-abuse-XXXXXX";
static char out[4096];
static uint16_t port, rl_port;
static pid_t server;

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

static void on_term(int signo, void *arg)
{
	ntskd_loop_stop(arg);
}

/* The child: two servers on the loop until SIGTERM. */
static int serve(void)
{
	static struct ntskd_config cfg, rl_cfg;
	static struct ntskd_masterkeys keys;
	struct ntskd_ke_server *a, *b;
	struct ntskd_loop *loop;
	char path[300];

	snprintf(path, sizeof(path), "%s/ntskd.log", dir);
	if (!freopen(path, "w", stderr) || ntskd_mk_generate(&keys, 0))
		return 1;
	ntskd_log_open(false, false);
	ntskd_config_init(&cfg);
	snprintf(cfg.cert, sizeof(cfg.cert), "%s/cert.pem", dir);
	snprintf(cfg.key, sizeof(cfg.key), "%s/key.pem", dir);
	cfg.n_listen = 1;
	cfg.listen[0].family = AF_INET;
	cfg.listen[0].addr.v4.s_addr = htonl(INADDR_LOOPBACK);
	cfg.listen[0].port = port;
	rl_cfg = cfg;
	rl_cfg.listen[0].port = rl_port;
	rl_cfg.ke_rate_milli = 1000;
	rl_cfg.ke_burst = 3;
	rl_cfg.ke_addr_conns = 2;
	loop = ntskd_loop_new();
	a = loop ? ntskd_ke_server_start(loop, &cfg, &keys) : NULL;
	b = loop ? ntskd_ke_server_start(loop, &rl_cfg, &keys) : NULL;
	if (!a || !b || ntskd_loop_on_signal(loop, SIGTERM, on_term, loop))
		return 1;
	ntskd_ke_server_set_timeout(a, 1500);
	ntskd_ke_server_set_timeout(b, 1500);
	kill(getppid(), SIGUSR1);	/* listening */
	ntskd_loop_run(loop);
	ntskd_ke_server_stop(a);
	ntskd_ke_server_stop(b);
	ntskd_loop_free(loop);
	return 0;
}

/* Run the tool with @opts; its exit code, its stdout in out[]. */
static int tool(uint16_t p, const char *opts, const char *args)
{
	char cmd[512];
	FILE *f;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), TOOL " --deadline 1500 %s 127.0.0.1 %u %s 2>&1",
		 opts, p, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	st = pclose(f);
	fprintf(stderr, "# %s: %s", args, out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_protocol_errors(void)
{
	EXPECT_EQ(tool(port, "", "good"), 0);
	EXPECT_EQ(tool(port, "", "oversized"), 0);
	EXPECT(strstr(out, "Error record 1"));
	EXPECT_EQ(tool(port, "", "malformed np-odd"), 0);
	EXPECT_EQ(tool(port, "", "malformed aead-odd"), 0);
	EXPECT_EQ(tool(port, "", "malformed eom-body"), 0);
	EXPECT_EQ(tool(port, "", "malformed no-np"), 0);
	EXPECT_EQ(tool(port, "", "malformed unknown-critical"), 0);
	EXPECT(strstr(out, "Error record 0"));
	EXPECT_EQ(tool(port, "", "malformed garbage"), 0);
	EXPECT_EQ(tool(port, "", "malformed wrong-np"), 0);
	EXPECT_EQ(tool(port, "", "malformed wrong-aead"), 0);
	EXPECT_EQ(tool(port, "", "malformed no-eom"), 0);
}

static void test_handshake_refusals(void)
{
	EXPECT_EQ(tool(port, "", "tls12"), 0);
	EXPECT(strstr(out, "protocol version"));
	EXPECT_EQ(tool(port, "", "wrong-alpn"), 0);
	EXPECT(strstr(out, "no application protocol"));
	EXPECT_EQ(tool(port, "", "no-alpn"), 0);
	EXPECT_EQ(tool(port, "", "garbage-pre"), 0);
}

static void test_slow(void)
{
	EXPECT_EQ(tool(port, "", "slow-hello 20"), 0);
	EXPECT_EQ(tool(port, "", "slow-request"), 0);
}

/*
 * 300 connections held from 127.0.0.1 (more than the 128 slots; the
 * holder reopens every one the server closes, thousands a second): a
 * client from 127.0.0.2 is still served, at its first or second attempt,
 * because at the cap the address holding the most slots gives one up
 * (ke_fair.h). Before that rule it got in only when its turn in the
 * accept queue met a held connection silent for the eviction time, and
 * lost that race for over 10 s in about 2 runs of 3. The 10 s bound is
 * for a loaded host; the figure printed is the time it took.
 */
static void test_hold(void)
{
	pid_t holder;
	int st;

	snprintf(out, sizeof(out), "%u", port);
	holder = fork();
	if (holder == 0) {
		execl("/bin/sh", "sh", "-c", TOOL " 127.0.0.1 \"$0\" hold 300 12 >/dev/null",
		      out, NULL);
		_exit(127);
	}
	usleep(1000 * 1000);
	EXPECT_EQ(tool(port, "--src 127.0.0.2", "good 10"), 0);
	waitpid(holder, &st, 0);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ke-rate-limit 1 burst 3 max-conns 2: a burst of 10 is mostly refused */
static void test_rate_limit(void)
{
	unsigned int served = 99, pre = 0;

	EXPECT_EQ(tool(rl_port, "", "burst 10"), 0);
	EXPECT(sscanf(out, "burst: 10 connections: %u served, %u closed before TLS",
		      &served, &pre) == 2);
	EXPECT(served >= 3 && served <= 5);
	EXPECT(pre >= 5 && served + pre == 10);
}

int main(void)
{
	char cmd[512];
	sigset_t ss;
	int sig, fails;

	signal(SIGPIPE, SIG_IGN);
	if (access(TOOL, X_OK)) {
		printf("not ok 1 - %s not built (make tools)\n1..1\n", TOOL);
		return 1;
	}
	if (!mkdtemp(dir))
		return 1;
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		 "-keyout %s/key.pem -out %s/cert.pem -days 1 -subj /CN=knts-test >/dev/null 2>&1",
		 dir, dir);
	port = free_port();
	rl_port = free_port();
	if (system(cmd) || !port || !rl_port || port == rl_port) {
		printf("not ok 1 - test setup\n1..1\n");
		return 1;
	}
	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR1);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	server = fork();
	if (server == 0)
		_exit(serve());
	if (sigwait(&ss, &sig)) {
		printf("not ok 1 - server start\n1..1\n");
		return 1;
	}
	RUN(test_protocol_errors);
	RUN(test_handshake_refusals);
	RUN(test_slow);
	RUN(test_hold);
	RUN(test_rate_limit);
	kill(server, SIGTERM);
	waitpid(server, NULL, 0);
	fails = unit_tests_failed;
	if (fails) {
		snprintf(cmd, sizeof(cmd), "sed 's/^/# /' %s/ntskd.log | tail -n 60", dir);
		if (system(cmd))
			fails++;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fails++;
	return unit_done();
}
