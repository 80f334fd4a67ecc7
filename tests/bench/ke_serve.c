// SPDX-License-Identifier: GPL-2.0
/*
 * ke_serve: ntskd's NTS-KE server code (ke_server.c, ke_workers.c: what
 * ntskd runs, minus the kernel) on 127.0.0.1, for measuring handshakes
 * per second on the host without knts loaded (docs/performance.md,
 * "NTS-KE handshakes"). A throw-away P-256 certificate, no rate limit.
 *
 *   ke_serve PORT WORKERS [rsa|rsa4096]  serve until SIGINT/SIGTERM, then
 *                        print the exchanges each worker answered
 *
 * rsa, rsa4096: an RSA-2048 or RSA-4096 certificate instead of P-256. An
 * RSA signature costs the server many times what checking it costs a
 * client (RSA-4096: milliseconds against tens of microseconds), so the
 * server, not the load generator on the same two cores, runs out of CPU.
 *
 * WORKERS 0 runs one ke_server alone (ntskd_ke_server_start(), the code
 * ntskd ran before ke-workers); built with -DKE_SERVE_ALONE (against an
 * older tree) only that is there.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ke_server.h"
#ifndef KE_SERVE_ALONE
#include "ke_workers.h"
#endif
#include "log.h"
#include "loop.h"
#include "masterkeys.h"

static void on_stop(int signo, void *arg)
{
	ntskd_loop_stop(arg);
}

int main(int argc, char **argv)
{
	static struct ntskd_config cfg;
	static struct ntskd_masterkeys keys;
	char dir[] = "/tmp/knts-ke-serve-XXXXXX", cmd[512];
	struct ntskd_ke_server_stats st;
	struct ntskd_ke_server *alone = NULL;
	struct ntskd_loop *loop;
	unsigned int workers;
#ifndef KE_SERVE_ALONE
	struct ntskd_ke_server_stats per[64];
	struct ntskd_ke_workers *kw = NULL;
	unsigned int i;
#endif

	if (argc != 3 && !(argc == 4 && (!strcmp(argv[3], "rsa") ||
					   !strcmp(argv[3], "rsa4096")))) {
		fprintf(stderr, "usage: ke_serve PORT WORKERS [rsa|rsa4096]\n");
		return 2;
	}
	workers = (unsigned int)atoi(argv[2]);
	if (!mkdtemp(dir))
		return 1;
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey %s -nodes "
		 "-keyout %s/key.pem -out %s/cert.pem -days 1 -subj /CN=knts-bench >/dev/null 2>&1",
		 argc == 3 ? "ec -pkeyopt ec_paramgen_curve:prime256v1" :
		 !strcmp(argv[3], "rsa") ? "rsa:2048" : "rsa:4096",
		 dir, dir);
	if (system(cmd) || ntskd_mk_generate(&keys, 0))
		return 1;
	ntskd_log_open(false, false);
	ntskd_config_init(&cfg);
	snprintf(cfg.cert, sizeof(cfg.cert), "%s/cert.pem", dir);
	snprintf(cfg.key, sizeof(cfg.key), "%s/key.pem", dir);
	cfg.n_listen = 1;
	cfg.listen[0].family = AF_INET;
	cfg.listen[0].addr.v4.s_addr = htonl(INADDR_LOOPBACK);
	cfg.listen[0].port = (uint16_t)atoi(argv[1]);
	signal(SIGPIPE, SIG_IGN);
	loop = ntskd_loop_new();
	if (!loop || ntskd_loop_on_signal(loop, SIGINT, on_stop, loop) ||
	    ntskd_loop_on_signal(loop, SIGTERM, on_stop, loop))
		return 1;
	if (!workers) {
		alone = ntskd_ke_server_start(loop, &cfg, &keys);
		if (!alone)
			return 1;
	} else {
#ifdef KE_SERVE_ALONE
		return 2;
#else
		if (workers > 64)
			return 2;
		cfg.ke_workers = workers;
		kw = ntskd_ke_workers_new(loop, &cfg);
		if (!kw)
			return 1;
		ntskd_ke_workers_set_keys(kw, &keys);
		if (ntskd_ke_workers_listen(kw) || ntskd_ke_workers_run(kw))
			return 1;
#endif
	}
	printf("ready\n");
	fflush(stdout);
	ntskd_loop_run(loop);
	if (alone) {
		ntskd_ke_server_stats(alone, &st);
		printf("alone: %llu exchanges\n", (unsigned long long)st.out.ok);
		ntskd_ke_server_stop(alone);
	}
#ifndef KE_SERVE_ALONE
	if (kw) {
		ntskd_ke_workers_stats(kw, &st, per);
		for (i = 0; i < ntskd_ke_workers_count(kw); i++)
			printf("worker %u: %llu exchanges\n", i + 1,
			       (unsigned long long)per[i].out.ok);
		printf("sum: %llu exchanges\n", (unsigned long long)st.out.ok);
		ntskd_ke_workers_stop(kw);
	}
#endif
	ntskd_loop_free(loop);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? 1 : 0;
}
