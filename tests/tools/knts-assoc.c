// SPDX-License-Identifier: GPL-2.0
/*
 * knts-assoc: a TEST tool that installs a client-role association without
 * NTS-KE. It reads a server master key file (chrony NKS0/NKS1, the one the
 * NTS server under test uses), makes up C2S and S2C, and seals cookies for
 * them with the very cookie code the kernel and ntskd use, so any NTS
 * server whose master key the test controls accepts them.
 *
 * It also sends deliberately malformed requests (probe) and prints what
 * the kernel reports (dump-hex), for the netlink negative tests. Not for
 * production: a real client gets its keys from NTS-KE (ntskd).
 *
 *   knts-assoc set ADDR keyfile FILE [port N] [aead 15|16|17|30] [cookies N]
 *                  [state FILE] [count N] [owner UID] [dev IFNAME]
 *   knts-assoc close ADDR [port N] [owner UID] [dev IFNAME]
 *   knts-assoc add ADDR keyfile FILE state FILE [port N] [cookies N]
 *   knts-assoc del ADDR [port N]
 *   knts-assoc probe CASE[,CASE...] ADDR [port N]
 *   knts-assoc dump-hex
 *
 * state FILE (mode 0600) records the AEAD, the keys and the cookies, so
 * that `add` can seal more cookies for the same keys and a test can look
 * for those bytes where they must never appear. count N installs N
 * associations at ADDR, ADDR+1, ... (one process: fast under TCG).
 * close installs a closed association (no keys, drops everything), as
 * ntskd does before NTS-KE. owner binds the association to a socket
 * owner; dev names the link of a link-local ADDR (every command).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/knts.h>
#include <netlink/genl/genl.h>
#include <openssl/rand.h>

#include "keyfile.h"
#include "ktypes.h"
#include "nl.h"
#include "../../kmod/cookie.h"

#define MAX_COOKIES	16	/* probes send more than the kernel takes */

struct assoc {
	int v6;
	unsigned char addr[16];
	uint16_t port;
	uint16_t aead;
	struct knts_cookie_keys keys;	/* C2S || S2C */
	unsigned int n_cookies;
	unsigned int cookie_len[MAX_COOKIES];
	uint8_t cookie[MAX_COOKIES][KNTS_ASSOC_COOKIE_MAX];
	const char *probe;		/* NULL, or how to break the request */
	int has_owner;
	uint32_t owner;
	uint32_t ifindex;		/* 0: none */
	int closed;
};

static int usage(void)
{
	fprintf(stderr,
		"Usage: knts-assoc set ADDR keyfile FILE [port N] [aead 15|16|17|30] [cookies N] [state FILE] [count N]\n"
		"       knts-assoc close ADDR [port N] [owner UID] [dev IFNAME]\n"
		"       knts-assoc add ADDR keyfile FILE state FILE [port N] [cookies N]\n"
		"       knts-assoc del ADDR [port N]\n"
		"       knts-assoc probe CASE[,CASE...] ADDR [port N]\n"
		"       knts-assoc dump-hex\n");
	return 2;
}

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	while (n--)
		fprintf(f, "%02x", *p++);
}

static int unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s), i;
	unsigned int b;

	if (n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	return (int)(n / 2);
}

/* Seal @n cookies for the keys in @a under the key file's current key. */
static int mint(struct assoc *a, const struct knts_keyfile *kf, unsigned int n)
{
	const struct knts_master_key *mk = &kf->keys[kf->current];
	uint8_t nonce[KNTS_COOKIE_NONCE_LEN];
	unsigned int i;
	int len;

	if (!knts_keyfile_alg_ok(mk->alg, mk->len)) {
		fprintf(stderr, "knts-assoc: the current key is of algorithm %u\n",
			mk->alg);
		return -1;
	}
	for (i = 0; i < n && a->n_cookies < MAX_COOKIES; i++) {
		if (RAND_bytes(nonce, sizeof(nonce)) != 1)
			return -1;
		len = knts_cookie_seal_alg(mk->alg, mk->key, mk->id, nonce,
					   &a->keys, a->cookie[a->n_cookies],
					   sizeof(a->cookie[0]));
		if (len < 0) {
			fprintf(stderr, "knts-assoc: cannot seal a cookie (%d)\n", len);
			return -1;
		}
		a->cookie_len[a->n_cookies++] = (unsigned int)len;
	}
	return 0;
}

static int put_cookies(struct nl_msg *msg, const struct assoc *a)
{
	struct nlattr *nest = nla_nest_start(msg, KNTS_A_ASSOC_COOKIES | NLA_F_NESTED);
	unsigned int i;

	if (!nest)
		return -ENOMEM;
	for (i = 0; i < a->n_cookies; i++)
		if (nla_put(msg, KNTS_A_COOKIE, a->cookie_len[i], a->cookie[i]))
			return -ENOMEM;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_id(struct nl_msg *msg, const struct assoc *a)
{
	if (a->ifindex && nla_put_u32(msg, KNTS_A_ASSOC_IFINDEX, a->ifindex))
		return -ENOMEM;
	if (a->v6)
		return nla_put(msg, KNTS_A_ASSOC_ADDR6, 16, a->addr) ? -ENOMEM : 0;
	return nla_put(msg, KNTS_A_ASSOC_ADDR4, 4, a->addr) ? -ENOMEM : 0;
}

static int fill_set(struct nl_msg *msg, void *arg)
{
	const struct assoc *a = arg;
	unsigned int kl = a->keys.key_len;
	const char *p = a->probe ? a->probe : "";

	if (strcmp(p, "no-addr") && put_id(msg, a))
		return -ENOMEM;
	if (!strcmp(p, "two-addr") &&
	    nla_put(msg, a->v6 ? KNTS_A_ASSOC_ADDR4 : KNTS_A_ASSOC_ADDR6,
		    a->v6 ? 4 : 16, a->addr))
		return -ENOMEM;
	if (strcmp(p, "no-port") && nla_put_u16(msg, KNTS_A_ASSOC_PORT, a->port))
		return -ENOMEM;
	if (a->has_owner && nla_put_u32(msg, KNTS_A_ASSOC_OWNER_UID, a->owner))
		return -ENOMEM;
	if (!strcmp(p, "closed-keys") && nla_put_flag(msg, KNTS_A_ASSOC_CLOSED))
		return -ENOMEM;
	if (a->closed)
		return nla_put_flag(msg, KNTS_A_ASSOC_CLOSED) ? -ENOMEM : 0;
	if (nla_put_u16(msg, KNTS_A_ASSOC_AEAD,
			!strcmp(p, "bad-aead") ? 14 :
			!strcmp(p, "key-mismatch") ? 17 : a->aead))
		return -ENOMEM;
	if (nla_put(msg, KNTS_A_ASSOC_C2S, !strcmp(p, "short-key") ? kl - 1 : kl,
		    knts_cookie_c2s((struct knts_cookie_keys *)&a->keys)) ||
	    nla_put(msg, KNTS_A_ASSOC_S2C, kl,
		    knts_cookie_s2c((struct knts_cookie_keys *)&a->keys)))
		return -ENOMEM;
	if (!strcmp(p, "readonly") && nla_put_u32(msg, KNTS_A_ASSOC_COOKIES_HELD, 8))
		return -ENOMEM;
	if (!strcmp(p, "no-cookies"))
		return 0;
	return put_cookies(msg, a);
}

static int fill_id(struct nl_msg *msg, void *arg)
{
	return put_id(msg, arg) ?:
	       (nla_put_u16(msg, KNTS_A_ASSOC_PORT, ((const struct assoc *)arg)->port) ?
		-ENOMEM : 0);
}

static int fill_add(struct nl_msg *msg, void *arg)
{
	return fill_id(msg, arg) ?: put_cookies(msg, arg);
}

static int save_state(const char *path, const struct assoc *a)
{
	unsigned int i;
	FILE *f;

	umask(077);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "%u ", a->aead);
	hex(f, a->keys.key, a->keys.key_len);
	fputc(' ', f);
	hex(f, a->keys.key + a->keys.key_len, a->keys.key_len);
	fputc('\n', f);
	for (i = 0; i < a->n_cookies; i++) {
		hex(f, a->cookie[i], a->cookie_len[i]);
		fputc('\n', f);
	}
	return fclose(f) ? -errno : 0;
}

/* Append the cookies of a later `add` to the state file. */
static int append_state(const char *path, const struct assoc *a)
{
	unsigned int i;
	FILE *f = fopen(path, "a");

	if (!f)
		return -errno;
	for (i = 0; i < a->n_cookies; i++) {
		hex(f, a->cookie[i], a->cookie_len[i]);
		fputc('\n', f);
	}
	return fclose(f) ? -errno : 0;
}

static int load_state(const char *path, struct assoc *a)
{
	char line[600], c2s[200], s2c[200];
	unsigned int aead;
	FILE *f = fopen(path, "r");
	int kl, ok;

	if (!f)
		return -errno;
	ok = fgets(line, sizeof(line), f) &&
	     sscanf(line, "%u %199s %199s", &aead, c2s, s2c) == 3;
	fclose(f);
	kl = ok ? (int)knts_aead_key_len(aead) : 0;
	if (!kl || unhex(c2s, a->keys.key, (size_t)kl) != kl ||
	    unhex(s2c, a->keys.key + kl, (size_t)kl) != kl)
		return -EINVAL;
	a->aead = (uint16_t)aead;
	a->keys.aead = (uint16_t)aead;
	a->keys.key_len = (uint16_t)kl;
	return 0;
}

static int new_keys(struct assoc *a)
{
	a->keys.aead = a->aead;
	a->keys.key_len = (uint16_t)knts_aead_key_len(a->aead);
	if (!a->keys.key_len)
		return -EINVAL;
	return RAND_bytes(a->keys.key, 2 * a->keys.key_len) == 1 ? 0 : -EIO;
}

static int print_hex_attrs(struct nlattr **tb, void *arg)
{
	int i;

	for (i = 1; i <= KNTS_A_MAX; i++) {
		if (!tb[i])
			continue;
		printf("%d:", i);
		hex(stdout, nla_data(tb[i]), (size_t)nla_len(tb[i]));
		putchar(' ');
	}
	putchar('\n');
	return 0;
}

/* Send one request and report the outcome like the kernel gave it. */
static int run(int cmd, int flags, int (*fill)(struct nl_msg *, void *),
	       void *arg, knts_nl_reply_fn reply, int probe)
{
	struct knts_nl *nl;
	const char *msg;
	int err;

	nl = knts_nl_open(&err);
	if (!nl) {
		fprintf(stderr, "knts-assoc: %s\n", knts_nl_strerror(err));
		return 1;
	}
	err = knts_nl_request(nl, cmd, flags, fill, arg, reply, NULL);
	msg = knts_nl_errmsg(nl);
	if (probe) {
		printf("%s (%d): %s\n", err ? strerror(-err) : "accepted", err,
		       msg ? msg : "(no extack message)");
		knts_nl_close(nl);
		return err && msg ? 0 : 1;
	}
	if (err)
		fprintf(stderr, "knts-assoc: %s%s%s\n", knts_nl_strerror(err),
			msg ? ": " : "", msg ? msg : "");
	knts_nl_close(nl);
	return err ? 1 : 0;
}

/* One malformed request; 0 when the kernel refused it with a message. */
static int probe_one(struct assoc *a)
{
	const char *p = a->probe;

	/* Keys and cookies of the right shapes, unless the case breaks them. */
	if (new_keys(a))
		return 1;
	for (a->n_cookies = 0; a->n_cookies < 2; a->n_cookies++)
		a->cookie_len[a->n_cookies] = 100;
	if (!strcmp(p, "nine-cookies"))
		for (; a->n_cookies < 9; a->n_cookies++)
			a->cookie_len[a->n_cookies] = 100;
	if (!strcmp(p, "odd-cookie"))
		a->cookie_len[0] = a->cookie_len[1] = 101;
	if (!strcmp(p, "mixed-cookies"))
		a->cookie_len[1] = 104;
	if (!strcmp(p, "empty-cookies"))
		a->n_cookies = 0;
	printf("%s: ", p);
	if (!strcmp(p, "add-unknown") || !strcmp(p, "add-wrong-len")) {
		a->cookie_len[0] = a->cookie_len[1] = 104;
		return run(KNTS_CMD_ASSOC_COOKIES_ADD, 0, fill_add, a, NULL, 1);
	}
	if (!strcmp(p, "del-unknown"))
		return run(KNTS_CMD_ASSOC_DEL, 0, fill_id, a, NULL, 1);
	if (!strcmp(p, "get-unknown"))
		return run(KNTS_CMD_ASSOC_GET, 0, fill_id, a, NULL, 1);
	return run(KNTS_CMD_ASSOC_SET, 0, fill_set, a, NULL, 1);
}

/* CASE[,CASE...]: run each; the exit code counts those not refused. */
static int probe_all(struct assoc *a)
{
	char *list = strdup(a->probe), *save = NULL, *c;
	int failed = 0;

	if (!list)
		return 1;
	for (c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		a->probe = c;
		failed += probe_one(a);
	}
	free(list);
	return failed > 100 ? 100 : failed;
}

/* The next address: ADDR + 1, big-endian with carry. */
static void next_addr(struct assoc *a)
{
	int i = a->v6 ? 15 : 3;

	while (i >= 0 && ++a->addr[i] == 0)
		i--;
}

static int parse_addr(const char *s, struct assoc *a)
{
	if (inet_pton(AF_INET, s, a->addr) == 1)
		return 0;
	if (inet_pton(AF_INET6, s, a->addr) == 1) {
		a->v6 = 1;
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	static struct assoc a;
	struct knts_keyfile kf;
	const char *cmd, *keyfile = NULL, *state = NULL, *addr;
	unsigned long n_cookies = 8, count = 1;
	int i = 2, rc, err;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (!strcmp(cmd, "dump-hex"))
		return run(KNTS_CMD_ASSOC_GET, NLM_F_DUMP, NULL, NULL,
			   print_hex_attrs, 0);
	if (!strcmp(cmd, "probe")) {
		if (argc < 4)
			return usage();
		a.probe = argv[i++];
	}
	if (i >= argc)
		return usage();
	addr = argv[i++];
	if (parse_addr(addr, &a)) {
		fprintf(stderr, "knts-assoc: bad address '%s'\n", addr);
		return 2;
	}
	a.port = 123;
	a.aead = 15;
	for (; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "port")) {
			a.port = (uint16_t)strtoul(argv[i + 1], NULL, 10);
		} else if (!strcmp(argv[i], "aead")) {
			a.aead = (uint16_t)strtoul(argv[i + 1], NULL, 10);
		} else if (!strcmp(argv[i], "cookies")) {
			n_cookies = strtoul(argv[i + 1], NULL, 10);
		} else if (!strcmp(argv[i], "keyfile")) {
			keyfile = argv[i + 1];
		} else if (!strcmp(argv[i], "state")) {
			state = argv[i + 1];
		} else if (!strcmp(argv[i], "count")) {
			count = strtoul(argv[i + 1], NULL, 10);
		} else if (!strcmp(argv[i], "owner")) {
			a.has_owner = 1;
			a.owner = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		} else if (!strcmp(argv[i], "dev")) {
			a.ifindex = if_nametoindex(argv[i + 1]);
			if (!a.ifindex) {
				fprintf(stderr, "knts-assoc: no interface '%s'\n", argv[i + 1]);
				return 2;
			}
		} else {
			return usage();
		}
	}
	if (i != argc || n_cookies > MAX_COOKIES || !count || count > 1024)
		return usage();

	if (!strcmp(cmd, "del"))
		return run(KNTS_CMD_ASSOC_DEL, 0, fill_id, &a, NULL, 0);
	if (!strcmp(cmd, "close")) {
		a.closed = 1;
		return run(KNTS_CMD_ASSOC_SET, 0, fill_set, &a, NULL, 0);
	}
	if (!strcmp(cmd, "probe"))
		return probe_all(&a);

	if (!keyfile || (strcmp(cmd, "set") && strcmp(cmd, "add")) ||
	    (!strcmp(cmd, "add") && !state))
		return usage();
	err = knts_keyfile_load(keyfile, &kf);
	if (err) {
		fprintf(stderr, "knts-assoc: %s: %s\n", keyfile, strerror(-err));
		return 1;
	}
	err = !strcmp(cmd, "set") ? new_keys(&a) : load_state(state, &a);
	if (err || mint(&a, &kf, (unsigned int)n_cookies)) {
		fprintf(stderr, "knts-assoc: cannot make keys or cookies\n");
		knts_keyfile_wipe(&kf);
		return 1;
	}
	knts_keyfile_wipe(&kf);
	if (!strcmp(cmd, "set")) {
		for (rc = 0; !rc && count--; next_addr(&a))
			rc = run(KNTS_CMD_ASSOC_SET, 0, fill_set, &a, NULL, 0);
	} else {
		rc = run(KNTS_CMD_ASSOC_COOKIES_ADD, 0, fill_add, &a, NULL, 0);
	}
	if (!rc && state)
		rc = (!strcmp(cmd, "set") ? save_state(state, &a) :
		      append_state(state, &a)) ? 1 : 0;
	memset(&a, 0, sizeof(a));
	return rc;
}
