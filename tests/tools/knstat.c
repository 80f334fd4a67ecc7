// SPDX-License-Identifier: GPL-2.0
/* knts counters and settings in another namespace (knstat.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/attr.h>

#include "ktypes.h"
#include "ef.h"
#include "knstat.h"
#include "nl.h"
#include "stat_names.h"

int knstat_in_netns(const char *path, int (*fn)(void *arg), void *arg)
{
	int home, there, ret;

	if (!path)
		return fn(arg);
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	there = open(path, O_RDONLY | O_CLOEXEC);
	if (home < 0 || there < 0 || setns(there, CLONE_NEWNET)) {
		ret = -errno;
		goto out;
	}
	ret = fn(arg);
	if (setns(home, CLONE_NEWNET)) {
		perror("setns back home");
		_exit(1);
	}
out:
	if (home >= 0)
		close(home);
	if (there >= 0)
		close(there);
	return ret;
}

struct open_arg {
	struct knts_nl *nl;
	int err;
};

static int do_open(void *arg)
{
	struct open_arg *o = arg;

	o->nl = knts_nl_open(&o->err);
	return o->nl ? 0 : o->err;
}

struct knts_nl *knstat_open(const char *path)
{
	struct open_arg o = { 0 };

	if (knstat_in_netns(path, do_open, &o)) {
		fprintf(stderr, "knstat: cannot open knts netlink in %s: %s\n",
			path ? path : "this namespace", knts_nl_strerror(o.err));
		return NULL;
	}
	return o.nl;
}

static int on_stats(struct nlattr **tb, void *arg)
{
	struct knstat *s = arg;
	struct nlattr *a;
	int rem;

	if (!tb[KNTS_A_STATS])
		return -EPROTO;
	nla_for_each_nested(a, tb[KNTS_A_STATS], rem)
		if (nla_type(a) < KNSTAT_MAX && nla_len(a) == 8)
			s->c[nla_type(a)] = nla_get_u64(a);
	if (tb[KNTS_A_MALFORMED])
		nla_for_each_nested(a, tb[KNTS_A_MALFORMED], rem)
			if (nla_type(a) < KNSTAT_MAX && nla_len(a) == 8)
				s->mal[nla_type(a)] = nla_get_u64(a);
	return 0;
}

int knstat_read(struct knts_nl *nl, struct knstat *s)
{
	memset(s, 0, sizeof(*s));
	return knts_nl_request(nl, KNTS_CMD_STATS_GET, 0, NULL, NULL,
			       on_stats, s);
}

struct server_arg {
	uint8_t enable, policy;
	uint16_t port;
};

static int put_server(struct nl_msg *msg, void *arg)
{
	const struct server_arg *a = arg;

	if (nla_put_u8(msg, KNTS_A_SERVER_ENABLE, a->enable) ||
	    nla_put_u16(msg, KNTS_A_SERVER_PORT, a->port) ||
	    nla_put_u8(msg, KNTS_A_SERVER_POLICY, a->policy))
		return -ENOMEM;
	return 0;
}

int knstat_server(struct knts_nl *nl, int enable, uint16_t port,
		  uint8_t policy)
{
	struct server_arg a = { (uint8_t)enable, policy, port };

	return knts_nl_request(nl, KNTS_CMD_SERVER_SET, 0, put_server, &a,
			       NULL, NULL);
}

void knstat_delta(const struct knstat *a, const struct knstat *b,
		  struct knstat *d)
{
	int i;

	for (i = 0; i < KNSTAT_MAX; i++) {
		d->c[i] = b->c[i] - a->c[i];
		d->mal[i] = b->mal[i] - a->mal[i];
	}
}

uint64_t knstat_outcomes(const struct knstat *d)
{
	return d->c[KNTS_STAT_SRV_REQ_VERIFIED] +
	       d->c[KNTS_STAT_SRV_REQ_MALFORMED] +
	       d->c[KNTS_STAT_SRV_NAK_UNKNOWN_KEY] +
	       d->c[KNTS_STAT_SRV_NAK_BAD_COOKIE] +
	       d->c[KNTS_STAT_SRV_NAK_BAD_MAC] +
	       d->c[KNTS_STAT_SRV_TABLE_FULL] +
	       d->c[KNTS_STAT_SRV_PLAIN_PASSED] +
	       d->c[KNTS_STAT_SRV_PLAIN_DROPPED] +
	       d->c[KNTS_STAT_SRV_FRAGMENT_DROPPED] +
	       d->c[KNTS_STAT_SRV_BAD_CSUM] +
	       d->c[KNTS_STAT_BAD_EXTHDR] +
	       d->c[KNTS_STAT_BAD_UDP] +
	       d->c[KNTS_STAT_GSO_DROPPED];
}

uint64_t knstat_naks_owed(const struct knstat *d)
{
	return d->c[KNTS_STAT_SRV_NAK_UNKNOWN_KEY] +
	       d->c[KNTS_STAT_SRV_NAK_BAD_COOKIE] +
	       d->c[KNTS_STAT_SRV_NAK_BAD_MAC];
}

void knstat_print(const char *prefix, const struct knstat *d)
{
	const char *name;
	int i;

	printf("%s", prefix);
	for (i = 0; i < KNSTAT_MAX; i++) {
		if (!d->c[i])
			continue;
		name = knts_stat_name((unsigned int)i);
		if (name)
			printf(" %s=%llu", name, (unsigned long long)d->c[i]);
		else
			printf(" stat_%d=%llu", i, (unsigned long long)d->c[i]);
	}
	for (i = 1; i < KNSTAT_MAX; i++)
		if (d->mal[i])
			printf(" malformed_%s=%llu", knts_ef_reason_name((unsigned int)i),
			       (unsigned long long)d->mal[i]);
	printf("\n");
}
