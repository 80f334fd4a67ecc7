// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl load-keys / server / show: the server role's configuration.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/knts.h>

#include "keyfile.h"
#include "nl.h"
#include "nl_server.h"
#include "ntsctl.h"

int ntsctl_load_keys(int argc, char **argv, const struct ntsctl_opts *o)
{
	struct knts_keyfile_err why;
	struct knts_keyfile kf;
	struct knts_nl *nl;
	unsigned int i;
	int err, rc;

	if (argc != 2) {
		fprintf(stderr, "Usage: ntsctl load-keys FILE\n");
		return NTSCTL_USAGE;
	}
	err = knts_keyfile_load_why(argv[1], &kf, &why);
	if (err == -EINVAL) {
		fprintf(stderr, "ntsctl: %s:%u: %s\n", argv[1], why.line,
			why.reason);
		return NTSCTL_FAIL;
	}
	if (err) {
		fprintf(stderr, "ntsctl: %s: %s\n", argv[1],
			err == -EFBIG ? "too large for a key file (over 4 KiB)" :
			strerror(-err));
		return NTSCTL_FAIL;
	}
	for (i = 0; i < kf.n; i++) {
		if (!knts_keyfile_alg_ok(kf.keys[i].alg, kf.keys[i].len)) {
			fprintf(stderr, "ntsctl: %s: key %08X uses algorithm %u; "
				"knts supports AES-SIV-CMAC-256 (15) and AES-128-GCM-SIV (30) master keys\n",
				argv[1], kf.keys[i].id, kf.keys[i].alg);
			knts_keyfile_wipe(&kf);
			return NTSCTL_FAIL;
		}
	}
	nl = knts_nl_open(&err);
	if (!nl) {
		knts_keyfile_wipe(&kf);
		return ntsctl_nl_fail("load-keys", err, NULL);
	}
	err = knts_nl_keys_set(nl, kf.keys, kf.n, kf.keys[kf.current].id);
	rc = err ? ntsctl_nl_fail("load-keys", err, knts_nl_errmsg(nl)) : NTSCTL_OK;
	if (!err && o->json)
		printf("{\"loaded\": %u, \"current\": \"%08X\"}\n", kf.n,
		       kf.keys[kf.current].id);
	else if (!err)
		printf("loaded %u keys from %s, current %08X\n", kf.n, argv[1],
		       kf.keys[kf.current].id);
	knts_keyfile_wipe(&kf);
	knts_nl_close(nl);
	return rc;
}

static int show_server(struct nlattr **tb, void *arg)
{
	const struct ntsctl_opts *o = arg;
	static const char *const policies[] = { "mixed", "nts-only" };
	unsigned int policy = tb[KNTS_A_SERVER_POLICY] ?
			      nla_get_u8(tb[KNTS_A_SERVER_POLICY]) : 0;
	uint32_t current = tb[KNTS_A_KEY_CURRENT] ?
			   nla_get_u32(tb[KNTS_A_KEY_CURRENT]) : 0;
	struct nlattr *k, *kt[KNTS_A_KEY_MAX + 1];
	int rem, n = 0;
	uint32_t slots = tb[KNTS_A_SERVER_PENDING_SLOTS] ?
			 nla_get_u32(tb[KNTS_A_SERVER_PENDING_SLOTS]) : 0;
	uint32_t nak_rate = tb[KNTS_A_SERVER_NAK_RATE] ?
			    nla_get_u32(tb[KNTS_A_SERVER_NAK_RATE]) : 0;
	/* The table grows on demand up to "pending slots" (0: role off). */
	uint32_t table = tb[KNTS_A_SERVER_PENDING_TABLE] ?
			 nla_get_u32(tb[KNTS_A_SERVER_PENDING_TABLE]) : 0;

	if (!tb[KNTS_A_SERVER_ENABLE] || !tb[KNTS_A_SERVER_PORT])
		return -EPROTO;
	if (o->json)
		printf("{\n  \"server\": {\"enabled\": %s, \"port\": %u, \"policy\": \"%s\", "
		       "\"pending_slots\": %" PRIu32 ", \"pending_table\": %" PRIu32 ", "
		       "\"nak_rate\": %" PRIu32 ", \"keys\": [",
		       nla_get_u8(tb[KNTS_A_SERVER_ENABLE]) ? "true" : "false",
		       nla_get_u16(tb[KNTS_A_SERVER_PORT]),
		       policy < 2 ? policies[policy] : "?", slots, table, nak_rate);
	else
		printf("server role: %s\n  port: %u\n  policy: %s\n"
		       "  pending slots: %" PRIu32 "\n  in-flight table: %" PRIu32 " slots now\n"
		       "  NAK rate: %" PRIu32 " per second\n  keys:%s\n",
		       nla_get_u8(tb[KNTS_A_SERVER_ENABLE]) ? "enabled" : "disabled",
		       nla_get_u16(tb[KNTS_A_SERVER_PORT]),
		       policy < 2 ? policies[policy] : "?", slots, table, nak_rate,
		       tb[KNTS_A_KEYS] ? "" : " none (every NTS request gets a NAK)");
	if (tb[KNTS_A_KEYS]) {
		nla_for_each_nested(k, tb[KNTS_A_KEYS], rem) {
			uint32_t id;
			uint64_t age;

			if (nla_parse_nested(kt, KNTS_A_KEY_MAX, k, NULL) ||
			    !kt[KNTS_A_KEY_ID] || !kt[KNTS_A_KEY_AGE])
				return -EPROTO;
			id = nla_get_u32(kt[KNTS_A_KEY_ID]);
			age = nla_get_u64(kt[KNTS_A_KEY_AGE]);
			if (o->json)
				printf("%s{\"id\": \"%08X\", \"age\": %" PRIu64 ", \"current\": %s}",
				       n++ ? ", " : "", id, age,
				       id == current ? "true" : "false");
			else
				printf("    %08X  loaded %" PRIu64 " s ago%s\n", id, age,
				       id == current ? "  (current)" : "");
		}
	}
	if (o->json)
		printf("]}");	/* ntsctl_show() closes the object */
	return 0;
}

int ntsctl_show(int argc, char **argv, const struct ntsctl_opts *o)
{
	struct ntsctl_opts opts = *o;
	struct knts_nl *nl;
	int err, rc, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json")) {
			fprintf(stderr, "Usage: ntsctl show [--json]\n");
			return NTSCTL_USAGE;
		}
		opts.json = true;
	}
	nl = knts_nl_open(&err);
	if (!nl)
		return ntsctl_nl_fail("show", err, NULL);
	err = knts_nl_request(nl, KNTS_CMD_SERVER_GET, 0, NULL, NULL,
			      show_server, &opts);
	if (!err)
		err = ntsctl_show_client(nl, &opts);
	if (!err)
		err = ntsctl_show_assocs(nl, &opts);
	if (opts.json)
		printf("\n}\n");
	rc = err ? ntsctl_nl_fail("show", err, knts_nl_errmsg(nl)) : NTSCTL_OK;
	knts_nl_close(nl);
	return rc;
}

static int server_usage(void)
{
	fprintf(stderr, "Usage: ntsctl server enable [port PORT] [policy mixed|nts-only]\n"
			"                            [pending-slots N] [nak-rate N]\n"
			"       ntsctl server set [pending-slots N] [nak-rate N]\n"
			"       ntsctl server disable\n");
	return NTSCTL_USAGE;
}

/* A number in [min, max] for @what; false (said why) otherwise. */
bool ntsctl_parse_u32(const char *what, const char *s, uint32_t min,
		      uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < min || v > max) {
		fprintf(stderr, "ntsctl: %s '%s' is not a number from %" PRIu32
			" to %" PRIu32 "\n", what, s, min, max);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* One "KEYWORD VALUE" pair of server enable/set; false: usage error. */
static bool server_arg(const char *kw, const char *val, bool enable,
		       uint16_t *port, uint8_t *policy,
		       struct knts_server_tune *tune)
{
	uint32_t v;

	if (!strcmp(kw, "pending-slots"))
		return ntsctl_parse_u32(kw, val, KNTS_PENDING_SLOTS_MIN,
					KNTS_PENDING_SLOTS_MAX,
					&tune->pending_slots);
	if (!strcmp(kw, "nak-rate"))
		return ntsctl_parse_u32(kw, val, KNTS_NAK_RATE_MIN,
					KNTS_NAK_RATE_MAX, &tune->nak_rate);
	if (!enable)
		return false;
	if (!strcmp(kw, "port")) {
		if (!ntsctl_parse_u32("port", val, 1, 65535, &v))
			return false;
		*port = (uint16_t)v;
		return true;
	}
	if (!strcmp(kw, "policy")) {
		if (!strcmp(val, "mixed"))
			*policy = KNTS_POLICY_MIXED;
		else if (!strcmp(val, "nts-only"))
			*policy = KNTS_POLICY_NTS_ONLY;
		else
			return false;
		return true;
	}
	return false;
}

int ntsctl_server(int argc, char **argv, const struct ntsctl_opts *o)
{
	uint8_t enable = 0, policy = KNTS_POLICY_MIXED;
	struct knts_server_tune tune = { 0, 0 };
	bool set_only = false;
	uint16_t port = 123;
	struct knts_nl *nl;
	int err, rc, i;

	if (argc < 2)
		return server_usage();
	if (!strcmp(argv[1], "enable"))
		enable = 1;
	else if (!strcmp(argv[1], "set"))
		set_only = true;
	else if (strcmp(argv[1], "disable") || argc != 2)
		return server_usage();
	for (i = 2; i + 1 < argc; i += 2)
		if (!server_arg(argv[i], argv[i + 1], enable, &port, &policy,
				&tune))
			return server_usage();
	if (i != argc || (set_only && !tune.pending_slots && !tune.nak_rate))
		return server_usage();
	nl = knts_nl_open(&err);
	if (!nl)
		return ntsctl_nl_fail("server", err, NULL);
	if (set_only)
		err = knts_nl_server_tune(nl, &tune);
	else
		err = knts_nl_server_set(nl, enable, port, policy, &tune);
	rc = err ? ntsctl_nl_fail("server", err, knts_nl_errmsg(nl)) : NTSCTL_OK;
	knts_nl_close(nl);
	return rc;
}
