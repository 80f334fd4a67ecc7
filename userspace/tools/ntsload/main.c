// SPDX-License-Identifier: GPL-2.0
/*
 * ntsload: NTS (or plain NTP) load generator for benchmarking knts against
 * chronyd's and NTPsec's own NTS servers (issue 7). One NTS-KE against the
 * server under test, then pre-signed requests at a fixed rate or flat out
 * from many source ports; every reply is verified (origin, UID, S2C
 * authenticator, cookies; NAKs told apart) and timed.
 *
 * Exit status: 0 ran and got valid replies, 1 usage or setup error,
 * 2 NTS-KE failed, 3 no valid reply at all.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>

#include "engine.h"
#include "hist.h"
#include "ke_client.h"
#include "pool.h"
#include "report.h"

struct opts {
	const char *ke;
	const char *target;
	const char *ca;
	bool noverify;
	bool plain;
	bool ke_only;
	bool json;
	bool pause;
	bool steps;
	uint16_t aeads[KNTS_KE_CLIENT_MAX_AEADS];
	size_t n_aeads;
	double rate;
	double duration;
	unsigned int sources;
	size_t pool;
	unsigned int placeholders;
	int cpu;
	unsigned int drain_ms;
	unsigned int timeout_ms;
};

static void usage(FILE *f)
{
	fputs("usage: ntsload --ke HOST[:PORT] [options]      NTS load (NTS-KE first)\n"
	      "       ntsload --plain --target ADDR[:PORT] [options]\n"
	      "       ntsload --ke HOST[:PORT] --ke-only       key exchange only\n"
	      "\n"
	      "  --ke HOST[:PORT]      NTS-KE server (port 4460)\n"
	      "  --ca FILE|DIR         trust anchors (default: the system store)\n"
	      "  --noverify            do not check the certificate (labs only!)\n"
	      "  --aead LIST           AEADs to offer, e.g. 15,17,16 (the default)\n"
	      "  --target ADDR[:PORT]  NTP server (default: what NTS-KE negotiated;\n"
	      "                        port: the negotiated one, or 123)\n"
	      "  --plain               plain NTP requests, no NTS-KE\n"
	      "  --ke-only             print the NTS-KE result and exit\n"
	      "  -r, --rate N          requests per second, 0 = flat out (1000)\n"
	      "  -d, --duration SEC    seconds of sending (5)\n"
	      "  -s, --sources N       source ports / sockets (8)\n"
	      "  -p, --pool N          pre-signed requests, reused round-robin (16384)\n"
	      "  --placeholders N      cookie placeholders per request, 0-7 (0)\n"
	      "  --cpu N               pin to CPU N\n"
	      "  --drain MS            wait for late replies after sending (200)\n"
	      "  --timeout MS          NTS-KE connect and I/O timeouts (5000)\n"
	      "  --json                one JSON object on stdout\n"
	      "  --pause               stop (SIGSTOP) after NTS-KE and signing, just\n"
	      "                        before the first request; SIGCONT starts the\n"
	      "                        load (a benchmark reads its counters between)\n"
	      "  --steps               after NTS-KE and signing, read \"RATE SECONDS\"\n"
	      "                        lines on stdin and run each (after --pause),\n"
	      "                        one report per line, until end of input\n", f);
}

static int parse_aeads(const char *s, struct opts *o)
{
	char *end;

	o->n_aeads = 0;
	while (*s) {
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || v > 0xffff || o->n_aeads >= KNTS_KE_CLIENT_MAX_AEADS)
			return -1;
		o->aeads[o->n_aeads++] = (uint16_t)v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return o->n_aeads ? 0 : -1;
}

/* "host", "host:port", "[v6]", "[v6]:port", "v6" (no port) */
static int split_hostport(const char *s, char *host, size_t hl, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	size_t n;

	*port = 0;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb)
			return -1;
		n = (size_t)(rb - s - 1);
		if (n >= hl)
			return -1;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		colon = rb[1] == ':' ? rb + 1 : NULL;
		if (rb[1] && !colon)
			return -1;
	} else if (colon && strchr(s, ':') == colon) {
		n = (size_t)(colon - s);
		if (n >= hl)
			return -1;
		memcpy(host, s, n);
		host[n] = '\0';
	} else {
		colon = NULL;	/* bare IPv6 or no port */
		if (strlen(s) >= hl)
			return -1;
		strcpy(host, s);
	}
	if (colon) {
		char *end;
		unsigned long v = strtoul(colon + 1, &end, 10);

		if (*end || !v || v > 0xffff)
			return -1;
		*port = (uint16_t)v;
	}
	return host[0] ? 0 : -1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "ke", required_argument, NULL, 'k' },
		{ "target", required_argument, NULL, 't' },
		{ "ca", required_argument, NULL, 'C' },
		{ "noverify", no_argument, NULL, 'N' },
		{ "aead", required_argument, NULL, 'A' },
		{ "plain", no_argument, NULL, 'P' },
		{ "ke-only", no_argument, NULL, 'K' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "sources", required_argument, NULL, 's' },
		{ "pool", required_argument, NULL, 'p' },
		{ "placeholders", required_argument, NULL, 'H' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "drain", required_argument, NULL, 'D' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "pause", no_argument, NULL, 'S' },
		{ "steps", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "r:d:s:p:h", lo, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->ke = optarg;
			break;
		case 't':
			o->target = optarg;
			break;
		case 'C':
			o->ca = optarg;
			break;
		case 'N':
			o->noverify = true;
			break;
		case 'A':
			if (parse_aeads(optarg, o))
				return -1;
			break;
		case 'P':
			o->plain = true;
			break;
		case 'K':
			o->ke_only = true;
			break;
		case 'r':
			o->rate = strtod(optarg, NULL);
			break;
		case 'd':
			o->duration = strtod(optarg, NULL);
			break;
		case 's':
			o->sources = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			o->pool = strtoul(optarg, NULL, 10);
			break;
		case 'H':
			o->placeholders = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'c':
			o->cpu = atoi(optarg);
			break;
		case 'D':
			o->drain_ms = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'T':
			o->timeout_ms = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'j':
			o->json = true;
			break;
		case 'S':
			o->pause = true;
			break;
		case 'L':
			o->steps = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default: return -1;
		}
	}
	if (optind != argc || o->rate < 0 || o->duration <= 0 || !o->sources ||
	    o->sources > ENGINE_MAX_SOURCES || !o->pool || o->placeholders > 7)
		return -1;
	if (o->plain ? !o->target || o->ke_only : !o->ke)
		return -1;
	return 0;
}

/*
 * What ntsload offers without --aead: the AES-SIV-CMAC family its request
 * pool signs (pool.c has no AES-GCM-SIV), not the NTS-KE client's default,
 * which puts AEAD 30 first.
 */
static const uint16_t ntsload_aeads[] = { 15, 17, 16 };

static int do_ke(const struct opts *o, struct knts_ke_result *res)
{
	struct knts_ke_client_params p = {
		.ca_file = o->ca, .noverify = o->noverify,
		.aeads = o->n_aeads ? o->aeads : ntsload_aeads,
		.n_aeads = o->n_aeads ? o->n_aeads : sizeof(ntsload_aeads) / sizeof(ntsload_aeads[0]),
		.connect_timeout_ms = o->timeout_ms, .io_timeout_ms = o->timeout_ms,
	};
	char host[KNTS_KE_CLIENT_NAME_MAX + 1], err[256];
	int ret;

	if (split_hostport(o->ke, host, sizeof(host), &p.port)) {
		fprintf(stderr, "ntsload: bad --ke %s\n", o->ke);
		return -1;
	}
	p.host = host;
	if (o->noverify)
		fprintf(stderr, "ntsload: WARNING: --noverify: the NTS-KE server's certificate is NOT checked\n");
	ret = knts_ke_client_run(&p, res, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "ntsload: NTS-KE with %s failed (%s): %s\n", o->ke,
			knts_ke_client_err_name(-ret), err);
		return -1;
	}
	return 0;
}

/* The NTP target: --target, else the negotiated server and port */
static int resolve_target(const struct opts *o, const struct knts_ke_result *ke,
			  struct load_cfg *cfg, char *text, size_t tl)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	char host[KNTS_KE_CLIENT_NAME_MAX + 1], port[8];
	uint16_t p = 0;
	int ret;

	if (o->target) {
		if (split_hostport(o->target, host, sizeof(host), &p)) {
			fprintf(stderr, "ntsload: bad --target %s\n", o->target);
			return -1;
		}
	} else {
		snprintf(host, sizeof(host), "%s", ke->ntp_server);
	}
	if (!p)
		p = ke ? ke->ntp_port : 123;
	snprintf(port, sizeof(port), "%u", p);
	hints.ai_flags = AI_NUMERICSERV;
	ret = getaddrinfo(host, port, &hints, &ai);
	if (ret) {
		fprintf(stderr, "ntsload: cannot resolve %s: %s\n", host, gai_strerror(ret));
		return -1;
	}
	memcpy(&cfg->target, ai->ai_addr, ai->ai_addrlen);
	cfg->target_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	snprintf(text, tl, strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, p);
	return 0;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "ntsload: cannot pin to CPU %d: %s\n", cpu, strerror(errno));
}

/*
 * One load run at cfg->rate for cfg->duration, reported on stdout; the
 * number of valid replies, or -1. The pool's slots start afresh: a reply
 * to an earlier run cannot arrive (its sockets are closed).
 */
static long long run_once(const struct opts *o, struct pool *pool,
			  const struct load_cfg *cfg, struct report_run *run,
			  const struct knts_ke_result *ke)
{
	static struct load_stats st;
	char err[256];

	memset(pool->slot, 0, pool->n * sizeof(*pool->slot));
	/* make bench: server CPU is counted from here, without the NTS-KE */
	if (o->pause)
		raise(SIGSTOP);
	if (load_run(pool, cfg, &st, err, sizeof(err))) {
		fprintf(stderr, "ntsload: %s\n", err);
		return -1;
	}
	run->rate = cfg->rate;
	run->duration = cfg->duration;
	if (o->json)
		report_load_json(stdout, run, o->ke, ke, &st);
	else
		report_load(stdout, run, &st);
	fflush(stdout);
	return (long long)st.valid;
}

/* --steps: "RATE SECONDS" per line on stdin, one run each */
static int run_steps(const struct opts *o, struct pool *pool,
		     struct load_cfg *cfg, struct report_run *run,
		     const struct knts_ke_result *ke)
{
	char line[128];

	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "%lf %lf", &cfg->rate, &cfg->duration) != 2 ||
		    cfg->rate < 0 || cfg->duration <= 0) {
			fprintf(stderr, "ntsload: bad step (want \"RATE SECONDS\"): %s", line);
			return 1;
		}
		if (run_once(o, pool, cfg, run, ke) < 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.rate = 1000, .duration = 5, .sources = 8, .pool = 16384,
		.cpu = -1, .drain_ms = 200,
	};
	struct knts_ke_result ke;
	struct report_run run = { 0 };
	struct pool_cfg pc = { 0 };
	struct load_cfg cfg = { 0 };
	struct pool pool;
	char target[300];
	long long valid;
	double t;
	int ret;

	if (parse_opts(argc, argv, &o)) {
		usage(stderr);
		return 1;
	}
	if (o.cpu >= 0)
		pin(o.cpu);
	if (!o.plain) {
		if (do_ke(&o, &ke))
			return 2;
		if (o.ke_only) {
			if (o.json)
				report_ke_json(stdout, o.ke, &ke);
			else
				report_ke(stdout, o.ke, &ke);
			knts_ke_result_wipe(&ke);
			return 0;
		}
		if (!o.json)
			report_ke(stdout, o.ke, &ke);
	}
	if (resolve_target(&o, o.plain ? NULL : &ke, &cfg, target, sizeof(target)))
		return 1;

	pc.n = o.pool;
	pc.ke = o.plain ? NULL : &ke;
	pc.placeholders = o.placeholders;
	t = now_s();
	ret = pool_init(&pool, &pc);
	if (ret) {
		fprintf(stderr, "ntsload: cannot build the request pool: %s\n", strerror(-ret));
		return 1;
	}
	run.pool_seconds = now_s() - t;

	cfg.rate = o.rate;
	cfg.duration = o.duration;
	cfg.sources = o.sources;
	cfg.drain_ms = o.drain_ms;
	run.target = target;
	run.nts = !o.plain;
	run.sources = o.sources;
	run.pool = pool.n;
	run.request_len = pool.len;
	if (o.steps) {
		ret = run_steps(&o, &pool, &cfg, &run, o.plain ? NULL : &ke);
	} else {
		valid = run_once(&o, &pool, &cfg, &run, o.plain ? NULL : &ke);
		ret = valid < 0 ? 1 : valid ? 0 : 3;
	}
	pool_free(&pool);
	if (!o.plain)
		knts_ke_result_wipe(&ke);
	return ret;
}
