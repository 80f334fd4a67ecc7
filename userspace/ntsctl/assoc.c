// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl show, client part: the associations of this namespace, as the
 * kernel reports them (never keys, never cookies: it has none to give).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/knts.h>
#include <netlink/genl/genl.h>

#include "nl.h"
#include "ntsctl.h"

const char *ntsctl_assoc_addr(struct nlattr **tb, char *buf, size_t len)
{
	if (tb[KNTS_A_ASSOC_ADDR4] && nla_len(tb[KNTS_A_ASSOC_ADDR4]) == 4)
		return inet_ntop(AF_INET, nla_data(tb[KNTS_A_ASSOC_ADDR4]), buf, len);
	if (tb[KNTS_A_ASSOC_ADDR6] && nla_len(tb[KNTS_A_ASSOC_ADDR6]) == 16)
		return inet_ntop(AF_INET6, nla_data(tb[KNTS_A_ASSOC_ADDR6]), buf, len);
	return NULL;
}

struct assoc_out {
	const struct ntsctl_opts *o;
	unsigned int n;
};

static uint64_t u64_or_0(struct nlattr *a)
{
	return a && nla_len(a) == sizeof(uint64_t) ? nla_get_u64(a) : 0;
}

static uint32_t u32_or_0(struct nlattr *a)
{
	return a && nla_len(a) == sizeof(uint32_t) ? nla_get_u32(a) : 0;
}

static int on_assoc(struct nlattr **tb, void *arg)
{
	struct assoc_out *out = arg;
	char addr[INET6_ADDRSTRLEN], last[32] = "never";
	uint64_t good = u64_or_0(tb[KNTS_A_ASSOC_REPLIES_GOOD]);
	uint64_t bad = u64_or_0(tb[KNTS_A_ASSOC_REPLIES_BAD]);
	uint64_t naks = u64_or_0(tb[KNTS_A_ASSOC_NAKS]);
	uint64_t reqs = u64_or_0(tb[KNTS_A_ASSOC_REQUESTS]);
	uint64_t dropped = u64_or_0(tb[KNTS_A_ASSOC_REQ_DROPPED]);
	uint64_t age = u64_or_0(tb[KNTS_A_ASSOC_AGE]);
	uint32_t held = u32_or_0(tb[KNTS_A_ASSOC_COOKIES_HELD]);
	uint32_t clen = u32_or_0(tb[KNTS_A_ASSOC_COOKIE_LEN]);
	unsigned int port, aead;

	if (!ntsctl_assoc_addr(tb, addr, sizeof(addr)) ||
	    !tb[KNTS_A_ASSOC_PORT] || !tb[KNTS_A_ASSOC_AEAD])
		return -EPROTO;
	port = nla_get_u16(tb[KNTS_A_ASSOC_PORT]);
	aead = nla_get_u16(tb[KNTS_A_ASSOC_AEAD]);
	if (tb[KNTS_A_ASSOC_LAST_REPLY])
		snprintf(last, sizeof(last), "%" PRIu64 " s ago",
			 u64_or_0(tb[KNTS_A_ASSOC_LAST_REPLY]));
	if (out->o->json) {
		printf("%s\n    {\"server\": \"%s\", \"port\": %u, \"aead\": %u, "
		       "\"cookies\": %u, \"cookie_len\": %u, \"requests\": %" PRIu64
		       ", \"req_dropped\": %" PRIu64 ", \"good\": %" PRIu64
		       ", \"bad\": %" PRIu64 ", \"naks\": %" PRIu64 ", \"age\": %" PRIu64,
		       out->n ? "," : "", addr, port, aead, held, clen, reqs,
		       dropped, good, bad, naks, age);
		if (tb[KNTS_A_ASSOC_LAST_REPLY])
			printf(", \"last_reply\": %" PRIu64,
			       u64_or_0(tb[KNTS_A_ASSOC_LAST_REPLY]));
		printf("}");
	} else {
		printf("  %s port %u\n    aead %u, cookies %u/%d (%u bytes), installed %" PRIu64
		       " s ago, last good reply %s\n"
		       "    requests %" PRIu64 " (dropped, jar empty: %" PRIu64 "), "
		       "replies good %" PRIu64 " bad %" PRIu64 ", NAKs %" PRIu64 "\n",
		       addr, port, aead, held, KNTS_ASSOC_MAX_COOKIES, clen, age,
		       last, reqs, dropped, good, bad, naks);
	}
	out->n++;
	return 0;
}

int ntsctl_show_assocs(struct knts_nl *nl, const struct ntsctl_opts *o)
{
	struct assoc_out out = { .o = o };
	int err;

	if (o->json)
		printf(",\n  \"associations\": [");
	else
		printf("client associations:\n");
	err = knts_nl_request(nl, KNTS_CMD_ASSOC_GET, NLM_F_DUMP, NULL, NULL,
			      on_assoc, &out);
	if (o->json)
		printf("%s]", out.n ? "\n  " : "");
	else if (!err && !out.n)
		printf("  none\n");
	return err;
}
