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

	if (!tb[KNTS_A_SERVER_ENABLE] || !tb[KNTS_A_SERVER_PORT])
		return -EPROTO;
	if (o->json)
		printf("{\n  \"server\": {\"enabled\": %s, \"port\": %u, \"policy\": \"%s\", \"keys\": [",
		       nla_get_u8(tb[KNTS_A_SERVER_ENABLE]) ? "true" : "false",
		       nla_get_u16(tb[KNTS_A_SERVER_PORT]),
		       policy < 2 ? policies[policy] : "?");
	else
		printf("server role: %s\n  port: %u\n  policy: %s\n  keys:%s\n",
		       nla_get_u8(tb[KNTS_A_SERVER_ENABLE]) ? "enabled" : "disabled",
		       nla_get_u16(tb[KNTS_A_SERVER_PORT]),
		       policy < 2 ? policies[policy] : "?",
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
			"       ntsctl server disable\n");
	return NTSCTL_USAGE;
}

int ntsctl_server(int argc, char **argv, const struct ntsctl_opts *o)
{
	uint8_t enable = 0, policy = KNTS_POLICY_MIXED;
	uint16_t port = 123;
	struct knts_nl *nl;
	int err, rc, i;

	if (argc < 2)
		return server_usage();
	if (!strcmp(argv[1], "enable"))
		enable = 1;
	else if (strcmp(argv[1], "disable") || argc != 2)
		return server_usage();
	for (i = 2; i + 1 < argc; i += 2) {
		char *end;
		unsigned long v;

		if (!strcmp(argv[i], "port")) {
			v = strtoul(argv[i + 1], &end, 10);
			if (*end || !v || v > 65535) {
				fprintf(stderr, "ntsctl: bad port '%s'\n", argv[i + 1]);
				return NTSCTL_USAGE;
			}
			port = (uint16_t)v;
		} else if (!strcmp(argv[i], "policy")) {
			if (!strcmp(argv[i + 1], "mixed"))
				policy = KNTS_POLICY_MIXED;
			else if (!strcmp(argv[i + 1], "nts-only"))
				policy = KNTS_POLICY_NTS_ONLY;
			else
				return server_usage();
		} else {
			return server_usage();
		}
	}
	if (i != argc)
		return server_usage();
	nl = knts_nl_open(&err);
	if (!nl)
		return ntsctl_nl_fail("server", err, NULL);
	err = knts_nl_server_set(nl, enable, port, policy);
	rc = err ? ntsctl_nl_fail("server", err, knts_nl_errmsg(nl)) : NTSCTL_OK;
	knts_nl_close(nl);
	return rc;
}
