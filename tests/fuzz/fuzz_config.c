// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the ntskd.conf parser (userspace/ntskd/config.c).
 * Any input either parses into a config whose every field is in range,
 * which printed back as text parses to the same config, or fails with a
 * "name:line: message" error and leaves the defaults. Anything else aborts.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/knts.h>

#include "config.h"
#include "ke_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_config: %s:%d: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static bool terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static bool is_default(const struct ntskd_config *c)
{
	struct ntskd_config d;

	ntskd_config_init(&d);
	return !memcmp(c, &d, sizeof(d));
}

static void check_config(const struct ntskd_config *c)
{
	unsigned int i, k;

	CHECK(c->n_listen <= NTSKD_MAX_LISTEN);
	for (i = 0; i < c->n_listen; i++) {
		CHECK(c->listen[i].family == AF_INET ||
		      c->listen[i].family == AF_INET6);
		CHECK(c->listen[i].port != 0 && c->listen[i].line != 0);
	}
	CHECK(terminated(c->cert, sizeof(c->cert)));
	CHECK(terminated(c->key, sizeof(c->key)));
	CHECK(terminated(c->keyfile, sizeof(c->keyfile)));
	CHECK(terminated(c->keyfile_follow, sizeof(c->keyfile_follow)));
	/* our own keyfile, or a followed one (chrony's) and no rotation */
	if (ntskd_config_follows(c))
		CHECK(!c->keyfile[0] && !c->rotate && c->cert[0]);
	else
		CHECK(c->keyfile[0]);
	CHECK(c->ke_max_conns >= 1 && c->ke_max_conns <= 1024);
	CHECK(c->ke_workers <= 64);
	CHECK(c->pending_slots >= KNTS_PENDING_SLOTS_MIN &&
	      c->pending_slots <= KNTS_PENDING_SLOTS_MAX);
	CHECK(c->nak_rate >= KNTS_NAK_RATE_MIN &&
	      c->nak_rate <= KNTS_NAK_RATE_MAX);
	CHECK(c->client_idle <= KNTS_CLIENT_IDLE_MAX);
	CHECK(!c->cert[0] == !c->key[0]);
	CHECK(!c->n_listen || c->cert[0]);
	CHECK(c->rotate <= NTSKD_SECONDS_MAX);
	CHECK(!c->rotate || c->rotate >= NTSKD_ROTATE_MIN);
	CHECK(c->refresh >= 1 && c->refresh <= NTSKD_SECONDS_MAX);
	CHECK(c->ntp_port != 0);
	CHECK(c->policy <= KNTS_POLICY_MAX);
	CHECK(c->ke_rate_milli <= NTSKD_KE_RATE_MILLI_MAX);
	CHECK(!c->ke_rate_milli || c->cert[0]);
	CHECK(c->ke_burst >= 1 && c->ke_burst <= NTSKD_KE_BURST_MAX);
	CHECK(c->ke_addr_conns >= 1 &&
	      c->ke_addr_conns <= NTSKD_KE_ADDR_CONNS_MAX);
	CHECK(terminated(c->ntp_server, sizeof(c->ntp_server)));
	if (c->ntp_server[0])
		CHECK(!knts_ke_check_server_name((const uint8_t *)c->ntp_server,
						 strlen(c->ntp_server)));
	CHECK(c->n_servers <= NTSKD_MAX_SERVERS);
	CHECK(!c->n_servers == !c->servers);
	for (i = 0; i < c->n_servers; i++) {
		const struct ntskd_server_conf *s = &c->servers[i];

		CHECK(terminated(s->host, sizeof(s->host)));
		CHECK(!knts_ke_check_server_name((const uint8_t *)s->host,
						 strlen(s->host)));
		CHECK(s->ke_port != 0);
		CHECK(terminated(s->ca, sizeof(s->ca)));
		CHECK(!(s->noverify && s->ca[0]));
		CHECK(s->n_aeads <= NTSKD_MAX_AEADS);
		for (k = 0; k < s->n_aeads; k++)
			CHECK(knts_ke_aead_supported(s->aeads[k]));
	}
}

/* The config as text again; NULL if it does not fit. */
static char *print_config(const struct ntskd_config *c, size_t *len)
{
	size_t cap = 64 * 1024 + (size_t)c->n_servers * 4400, n = 0;
	char *b = malloc(cap), a[INET6_ADDRSTRLEN];
	unsigned int i, k;

#define OUT(...) (n += (size_t)snprintf(b + n, cap - n, __VA_ARGS__))
	if (!b)
		return NULL;
	for (i = 0; i < c->n_listen; i++) {
		inet_ntop(c->listen[i].family, &c->listen[i].addr, a, sizeof(a));
		OUT("ke-listen %s %u\n", a, c->listen[i].port);
	}
	if (c->cert[0])
		OUT("cert %s\nkey %s\n", c->cert, c->key);
	if (ntskd_config_follows(c))
		OUT("keyfile-follow %s\n", c->keyfile_follow);
	else
		OUT("keyfile %s\nrotate %u\n", c->keyfile, c->rotate);
	OUT("ntp-port %u\npolicy %s\nrefresh %u\n", c->ntp_port,
	    c->policy ? "nts-only" : "mixed", c->refresh);
	if (c->cert[0]) {
		OUT("ke-max-conns %u\npending-slots %u\nnak-rate %u\n",
		    c->ke_max_conns, c->pending_slots, c->nak_rate);
		if (c->ke_workers)
			OUT("ke-workers %u\n", c->ke_workers);
		else
			OUT("ke-workers auto\n");
	}
	if (c->n_servers)
		OUT("client-idle %u\n", c->client_idle);
	if (c->ntp_server[0])
		OUT("ntp-server %s\n", c->ntp_server);
	if (c->user[0])
		OUT("user %s\n", c->user);
	if (c->ke_rate_milli)
		OUT("ke-rate-limit %u.%03u burst %u max-conns %u\n",
		    c->ke_rate_milli / 1000, c->ke_rate_milli % 1000,
		    c->ke_burst, c->ke_addr_conns);
	else if (c->cert[0])
		OUT("ke-rate-limit off\n");	/* the default is on */
	for (i = 0; i < c->n_servers; i++) {
		const struct ntskd_server_conf *s = &c->servers[i];

		OUT("server %s ke-port %u", s->host, s->ke_port);
		if (s->ca[0])
			OUT(" ca %s", s->ca);
		if (s->noverify)
			OUT(" noverify");
		for (k = 0; k < s->n_aeads; k++)
			OUT("%s%u", k ? "," : " aead ", s->aeads[k]);
		OUT("\n");
	}
#undef OUT
	CHECK(n < cap);
	*len = n;
	return b;
}

static void check_same(const struct ntskd_config *a,
		       const struct ntskd_config *b)
{
	unsigned int i;

	CHECK(a->n_listen == b->n_listen);
	for (i = 0; i < a->n_listen; i++) {
		CHECK(a->listen[i].family == b->listen[i].family);
		CHECK(a->listen[i].port == b->listen[i].port);
		CHECK(!memcmp(&a->listen[i].addr, &b->listen[i].addr,
			      sizeof(a->listen[i].addr)));
	}
	CHECK(!strcmp(a->cert, b->cert) && !strcmp(a->key, b->key));
	CHECK(!strcmp(a->keyfile, b->keyfile));
	CHECK(!strcmp(a->keyfile_follow, b->keyfile_follow));
	CHECK(a->ke_max_conns == b->ke_max_conns &&
	      a->ke_workers == b->ke_workers);
	CHECK(a->pending_slots == b->pending_slots &&
	      a->nak_rate == b->nak_rate && a->client_idle == b->client_idle);
	CHECK(a->rotate == b->rotate && a->ntp_port == b->ntp_port);
	CHECK(a->policy == b->policy && a->refresh == b->refresh);
	CHECK(!strcmp(a->ntp_server, b->ntp_server));
	CHECK(a->ke_rate_milli == b->ke_rate_milli);
	CHECK(!strcmp(a->user, b->user));
	if (a->ke_rate_milli)
		CHECK(a->ke_burst == b->ke_burst &&
		      a->ke_addr_conns == b->ke_addr_conns);
	CHECK(a->n_servers == b->n_servers);
	for (i = 0; i < a->n_servers; i++) {
		const struct ntskd_server_conf *x = &a->servers[i];
		const struct ntskd_server_conf *y = &b->servers[i];

		CHECK(!strcmp(x->host, y->host) && x->ke_port == y->ke_port);
		CHECK(!strcmp(x->ca, y->ca) && x->noverify == y->noverify);
		CHECK(x->n_aeads == y->n_aeads &&
		      !memcmp(x->aeads, y->aeads, sizeof(x->aeads)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ntskd_config c, again;
	char err[256], *text;
	size_t len;

	ntskd_config_init(&c);
	if (ntskd_config_parse(&c, "f", (const char *)data, size, err,
			       sizeof(err))) {
		CHECK(!strncmp(err, "f:", 2) && strchr(err + 2, ':'));
		CHECK(is_default(&c));
		return 0;
	}
	CHECK(!err[0]);
	check_config(&c);
	text = print_config(&c, &len);
	if (text) {
		ntskd_config_init(&again);
		CHECK(!ntskd_config_parse(&again, "g", text, len, err,
					  sizeof(err)));
		check_same(&c, &again);
		ntskd_config_free(&again);
		free(text);
	}
	ntskd_config_free(&c);
	return 0;
}
