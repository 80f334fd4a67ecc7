// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl show, client part: the associations of this namespace, as the
 * kernel reports them (never keys, never cookies: it has none to give).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/knts.h>
#include <netlink/genl/genl.h>

#include "nl.h"
#include "ntsctl.h"

/* The address, and the interface of a link-local one ("fe80::1%eth0"). */
const char *ntsctl_assoc_addr(struct nlattr **tb, char *buf, size_t len)
{
	struct nlattr *ifx = tb[KNTS_A_ASSOC_IFINDEX];
	char name[IF_NAMESIZE];
	unsigned int idx;
	size_t n;

	if (tb[KNTS_A_ASSOC_ADDR4] && nla_len(tb[KNTS_A_ASSOC_ADDR4]) == 4)
		return inet_ntop(AF_INET, nla_data(tb[KNTS_A_ASSOC_ADDR4]), buf, len);
	if (!tb[KNTS_A_ASSOC_ADDR6] || nla_len(tb[KNTS_A_ASSOC_ADDR6]) != 16 ||
	    !inet_ntop(AF_INET6, nla_data(tb[KNTS_A_ASSOC_ADDR6]), buf, len))
		return NULL;
	if (!ifx || nla_len(ifx) != sizeof(uint32_t))
		return buf;
	idx = nla_get_u32(ifx);
	n = strlen(buf);
	if (if_indextoname(idx, name))
		snprintf(buf + n, len - n, "%%%s", name);
	else
		snprintf(buf + n, len - n, "%%%u", idx);
	return buf;
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
	char addr[INET6_ADDRSTRLEN + IF_NAMESIZE + 1], last[32] = "never";
	char owner[32] = "any local socket";
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
	if (tb[KNTS_A_ASSOC_OWNER_UID])
		snprintf(owner, sizeof(owner), "uid %u",
			 u32_or_0(tb[KNTS_A_ASSOC_OWNER_UID]));
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
		printf(", \"closed\": %s", tb[KNTS_A_ASSOC_CLOSED] ? "true" : "false");
		if (tb[KNTS_A_ASSOC_OWNER_UID])
			printf(", \"owner_uid\": %u",
			       u32_or_0(tb[KNTS_A_ASSOC_OWNER_UID]));
		if (tb[KNTS_A_ASSOC_IFINDEX])
			printf(", \"ifindex\": %u",
			       u32_or_0(tb[KNTS_A_ASSOC_IFINDEX]));
		printf("}");
	} else if (tb[KNTS_A_ASSOC_CLOSED]) {
		printf("  %s port %u\n    closed: no NTS-KE yet, requests and replies dropped; owner %s\n"
		       "    requests dropped %" PRIu64 ", replies dropped %" PRIu64 "\n",
		       addr, port, owner, dropped, bad);
	} else {
		printf("  %s port %u, owner %s\n    aead %u, cookies %u/%d (%u bytes), installed %" PRIu64
		       " s ago, last good reply %s\n"
		       "    requests %" PRIu64 " (dropped, jar empty: %" PRIu64 "), "
		       "replies good %" PRIu64 " bad %" PRIu64 ", NAKs %" PRIu64 "\n",
		       addr, port, owner, aead, held, KNTS_ASSOC_MAX_COOKIES, clen, age,
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
