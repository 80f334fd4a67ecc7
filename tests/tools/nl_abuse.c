// SPDX-License-Identifier: GPL-2.0
/*
 * nl_abuse: hostile generic netlink traffic for the knts family.
 *
 *   nl_abuse fuzz COUNT   COUNT random and malformed messages: random
 *                         commands, flags, attribute types, lengths,
 *                         nesting, truncation, oversized and undersized
 *                         keys. Every answer must be a well-formed reply
 *                         or error; an EINVAL/ERANGE/E2BIG for a message
 *                         that reached a knts operation must carry an
 *                         extended ack; no reply may carry key bytes.
 *   nl_abuse perm         every knts command, do and dump, with valid
 *                         attributes: all must fail with EPERM, and so
 *                         must joining the events group (run it without
 *                         CAP_NET_ADMIN over the network namespace).
 *   nl_abuse own          the same, where every one must get past the
 *                         permission check (run it with CAP_NET_ADMIN
 *                         over the namespace: root of the user namespace
 *                         that owns it).
 *   nl_abuse leak FILE    read everything readable (as root) and look for
 *                         any 8 bytes of the keys in chrony key file FILE.
 *   nl_abuse policy       each command has its own policy: attributes of
 *                         another command (SERVER_SET given association
 *                         attributes, ...) and strangers in nests are
 *                         refused with EINVAL and an extended ack, while
 *                         the same message without them is not.
 *   nl_abuse dumpintr     fill the association table, read a dump part by
 *                         part: unchanged, no part is flagged
 *                         NLM_F_DUMP_INTR; with an association removed
 *                         between two parts, the later parts are.
 *   nl_abuse settings     the per-namespace settings (SERVER_SET pending
 *                         slots and NAK rate, CLIENT_SET idle time): each
 *                         bound is accepted, one past it is refused by the
 *                         policy (ERANGE, with an extended ack), and so are
 *                         wrong sizes and requests that set nothing. Leaves
 *                         the upper bounds set. Run it where the server
 *                         role is off (the largest table is 440 MiB).
 *
 * Keys sent by "fuzz" are built from the marker "KNTSKEY!", so any reply
 * holding those bytes is a leak. Raw sockets, no libnl on the send side:
 * the point is to send what libnl would refuse to build.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/knts.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "keyfile.h"
#include "ntsgen.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

#define BUF	8192
static const uint8_t marker[8] = "KNTSKEY!";

struct stats {
	unsigned long sent, ok, replies, errors, no_extack, leaks, bad;
	unsigned long by_errno[140];
	unsigned long ok_by_cmd[KNTS_CMD_MAX + 1];
};

static int family;
static uint32_t seq;
static struct stats S;
/* Key material to look for in every reply (8-byte windows). */
static uint8_t secrets[KNTS_KEYFILE_MAX_KEYS + 1][32];
static unsigned int n_secrets;

static int resolve_family(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int id;

	if (!sk || genl_connect(sk))
		return -1;
	id = genl_ctrl_resolve(sk, KNTS_FAMILY_NAME);
	nl_socket_free(sk);
	return id;
}

static int open_nl(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1;
	struct timeval tv = { 2, 0 };

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* Errors must not echo our request: it may hold key bytes. */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static int has_secret(const uint8_t *p, size_t n)
{
	size_t i;
	unsigned int k;

	for (i = 0; i + 8 <= n; i++) {
		if (!memcmp(p + i, marker, 8))
			return 1;
		for (k = 0; k < n_secrets; k++) {
			size_t j;

			for (j = 0; j + 8 <= 32; j += 4)
				if (!memcmp(p + i, secrets[k] + j, 8))
					return 1;
		}
	}
	return 0;
}

/* Attributes in [p, p + n) are well formed (the kernel's replies). */
static int attrs_ok(const uint8_t *p, size_t n)
{
	while (n >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		size_t l = NLA_ALIGN(a->nla_len);

		if (a->nla_len < NLA_HDRLEN || a->nla_len > n)
			return 0;
		if (a->nla_type & NLA_F_NESTED &&
		    !attrs_ok(p + NLA_HDRLEN, a->nla_len - NLA_HDRLEN))
			return 0;
		if (l > n)
			break;
		p += l;
		n -= l;
	}
	return 1;
}

/*
 * Look for key bytes in what the kernel says. An error echoes the header
 * of the message it refuses (16 bytes; NETLINK_CAP_ACK keeps the rest
 * out), and when a datagram holds bytes past its first message's length,
 * those bytes are read as further messages whose "headers" are our own
 * attribute data: that echo is skipped, everything else is scanned.
 */
static void scan(const struct nlmsghdr *h)
{
	const uint8_t *p = (const uint8_t *)h;
	size_t from = 0;

	if (h->nlmsg_type == NLMSG_ERROR)
		from = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
	if (h->nlmsg_len > from && has_secret(p + from, h->nlmsg_len - from)) {
		S.leaks++;
		fprintf(stderr, "nl_abuse: LEAK: a reply (type %u) holds key bytes\n",
			h->nlmsg_type);
	}
}

/*
 * Read until the error/ack/done for @s. Returns the error (0 = ack), or
 * 1 when nothing came back. @deep: the message reached a knts op.
 */
static int collect(int fd, uint32_t s, int deep, int *got_extack)
{
	static uint8_t buf[BUF];
	ssize_t n;

	*got_extack = 0;
	for (;;) {
		struct nlmsghdr *h;
		size_t rem;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == EAGAIN ? 1 : -errno;
		rem = (size_t)n;
		for (h = (void *)buf; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
			scan(h);
			if (h->nlmsg_seq != s)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				size_t off = NLMSG_HDRLEN + sizeof(*e);

				if (h->nlmsg_len < off)
					return S.bad++, -EPROTO;
				if (h->nlmsg_flags & NLM_F_ACK_TLVS &&
				    h->nlmsg_len > off)
					*got_extack = attrs_ok((uint8_t *)h + off,
							       h->nlmsg_len - off);
				return e->error;
			}
			S.replies++;
			if (h->nlmsg_type != family ||
			    h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
			    !attrs_ok((uint8_t *)h + NLMSG_HDRLEN + GENL_HDRLEN,
				      h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN)) {
				S.bad++;
				fprintf(stderr, "nl_abuse: malformed reply\n");
			}
		}
		(void)deep;
	}
}

static uint32_t rnd(uint32_t n)
{
	uint32_t r;

	ntsgen_fill_random(&r, sizeof(r));
	return n ? r % n : r;
}

static size_t put_attr(uint8_t *p, size_t cap, uint16_t type,
		       const void *data, size_t len)
{
	struct nlattr *a = (void *)p;

	if (NLA_HDRLEN + NLA_ALIGN(len) > cap)
		return 0;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy(p + NLA_HDRLEN, data, len);
	memset(p + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	return NLA_HDRLEN + NLA_ALIGN(len);
}

/* A key secret: our marker, so that a leak is recognisable. */
static void secret(uint8_t *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		k[i] = marker[i % 8];
}

static size_t rand_payload(uint8_t *d)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 8, 16, 31, 32, 33, 64,
					 300 };
	size_t n = sizes[rnd(sizeof(sizes) / sizeof(sizes[0]))];

	if (rnd(3))
		secret(d, n);
	else
		ntsgen_fill_random(d, n);
	return n;
}

/* One KNTS_A_KEY nest, sometimes broken. */
static size_t rand_key(uint8_t *p, size_t cap)
{
	uint8_t inner[512], d[400];
	uint32_t id = rnd(4) ? rnd(8) : rnd(0);
	size_t n = 0, l;
	int i, k = (int)rnd(4) + 1;

	for (i = 0; i < k; i++) {
		switch (rnd(6)) {
		case 0:
		case 1:
			n += put_attr(inner + n, sizeof(inner) - n, KNTS_A_KEY_ID,
				      &id, rnd(5) ? 4 : rnd(9));
			break;
		case 2:
		case 3:
			l = rnd(4) ? KNTS_MASTER_KEY_LEN : rand_payload(d);
			secret(d, l);
			n += put_attr(inner + n, sizeof(inner) - n,
				      KNTS_A_KEY_SECRET, d, l);
			break;
		default:
			l = rand_payload(d);
			n += put_attr(inner + n, sizeof(inner) - n,
				      (uint16_t)rnd(8), d, l);
		}
	}
	return put_attr(p, cap, (uint16_t)((rnd(5) ? KNTS_A_KEY : rnd(4)) |
					   (rnd(6) ? NLA_F_NESTED : 0)),
			inner, n);
}

static size_t rand_attrs(uint8_t *p, size_t cap, int depth)
{
	uint8_t d[600];
	size_t n = 0, l;
	int i, k = (int)rnd(5);
	uint32_t v;

	for (i = 0; i < k && n + 64 < cap; i++) {
		uint16_t type = (uint16_t)(rnd(5) ? rnd(KNTS_A_MAX + 3) : rnd(0));

		switch (rnd(5)) {
		case 0:	/* the right type for it, random value */
			v = rnd(2) ? rnd(8) : rnd(0);
			l = type == KNTS_A_SERVER_PORT ? 2 :
			    type == KNTS_A_KEY_CURRENT ? 4 : 1;
			n += put_attr(p + n, cap - n, type, &v, l);
			break;
		case 1:	/* a key set */
			if (depth)
				break;
			l = 0;
			while (rnd(3) && l < 400)
				l += rand_key(d + l, sizeof(d) - l);
			n += put_attr(p + n, cap - n, (uint16_t)(KNTS_A_KEYS |
					(rnd(6) ? NLA_F_NESTED : 0)), d, l);
			break;
		case 2:	/* a nest of anything */
			l = depth < 2 ? rand_attrs(d, sizeof(d), depth + 1) : 0;
			n += put_attr(p + n, cap - n, type | NLA_F_NESTED, d, l);
			break;
		default:	/* wrong sizes */
			l = rand_payload(d);
			n += put_attr(p + n, cap - n, type, d, l);
		}
	}
	return n;
}

/* A key set that should load (IDs 0..7, marker secrets), mostly. */
static size_t good_keys(uint8_t *p, size_t cap, uint8_t *cmd)
{
	uint8_t keys[1024], one[128], k[KNTS_MASTER_KEY_LEN];
	uint32_t n = 1 + rnd(4), i, id0 = rnd(4), id;
	size_t kn = 0, on, len;

	secret(k, sizeof(k));
	for (i = 0; i < n; i++) {
		id = id0 + i;
		on = put_attr(one, sizeof(one), KNTS_A_KEY_ID, &id, 4);
		on += put_attr(one + on, sizeof(one) - on, KNTS_A_KEY_SECRET, k,
			       sizeof(k));
		kn += put_attr(keys + kn, sizeof(keys) - kn,
			       KNTS_A_KEY | NLA_F_NESTED, one, on);
	}
	len = put_attr(p, cap, KNTS_A_KEYS | NLA_F_NESTED, keys, kn);
	id = id0 + rnd(n + 1);	/* sometimes not in the set */
	len += put_attr(p + len, cap - len, KNTS_A_KEY_CURRENT, &id, 4);
	*cmd = KNTS_CMD_KEYS_SET;
	return len;
}

/* Build, maybe break, send one message; classify its answer. */
static int fuzz_one(int fd)
{
	static uint8_t msg[4096];
	struct nlmsghdr *h = (void *)msg;
	struct genlmsghdr *g = (void *)(msg + NLMSG_HDRLEN);
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN, wire;
	uint32_t hlen;
	int err, extack, deep;
	uint8_t cmd = (uint8_t)(rnd(6) ? 1 + rnd(KNTS_CMD_MAX) : rnd(256));

	memset(msg, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	if (rnd(8))
		len += rand_attrs(msg + len, sizeof(msg) - len - 64, 0);
	else
		len += good_keys(msg + len, sizeof(msg) - len - 64, &cmd);
	h->nlmsg_type = (uint16_t)family;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			 (rnd(8) ? 0 : NLM_F_DUMP);
	h->nlmsg_seq = ++seq;
	g->cmd = cmd;
	g->version = (uint8_t)(rnd(4) ? KNTS_FAMILY_VERSION : rnd(256));
	wire = len;
	h->nlmsg_len = (uint32_t)len;
	switch (rnd(12)) {
	case 0:	/* the header says less than we send */
		h->nlmsg_len = (uint32_t)rnd((uint32_t)len);
		break;
	case 1:	/* cut the last bytes off */
		wire = len - rnd((uint32_t)(len - NLMSG_HDRLEN) + 1);
		h->nlmsg_len = (uint32_t)wire;
		break;
	}
	deep = h->nlmsg_len == wire && wire >= NLMSG_HDRLEN + GENL_HDRLEN &&
	       cmd >= 1 && cmd <= KNTS_CMD_MAX && !(h->nlmsg_flags & NLM_F_DUMP);
	hlen = h->nlmsg_len;
	if (send(fd, msg, wire, 0) < 0) {
		explicit_bzero(msg, sizeof(msg));
		return errno == EINVAL ? 0 : -errno;
	}
	explicit_bzero(msg, sizeof(msg));
	S.sent++;
	if (hlen < NLMSG_HDRLEN || hlen > wire)
		return 0;	/* the kernel ignores it: no answer */
	err = collect(fd, seq, deep, &extack);
	if (err == 1)
		return 0;
	if (!err) {
		S.ok++;
		if (deep)
			S.ok_by_cmd[cmd]++;
		return 0;
	}
	S.errors++;
	if (-err > 0 && -err < 140)
		S.by_errno[-err]++;
	if (deep && !extack &&
	    (err == -EINVAL || err == -ERANGE || err == -E2BIG)) {
		S.no_extack++;
		if (S.no_extack <= 5)
			fprintf(stderr, "nl_abuse: cmd %u: %s without an extended ack\n",
				cmd, strerror(-err));
	}
	return 0;
}

static int do_fuzz(unsigned long count)
{
	int fd = open_nl();
	unsigned long i;
	int e;

	if (fd < 0)
		return 1;
	for (i = 0; i < count; i++) {
		e = fuzz_one(fd);
		if (e) {
			fprintf(stderr, "nl_abuse: send: %s\n", strerror(-e));
			return 1;
		}
	}
	printf("nl_abuse fuzz: %lu messages, %lu acked, %lu errors, %lu replies,"
	       " %lu malformed, %lu EINVAL-like errors without extack, %lu leaks\n",
	       S.sent, S.ok, S.errors, S.replies, S.bad, S.no_extack, S.leaks);
	/* Key sets of marker bytes were loaded: the leak scan had a target. */
	printf("nl_abuse fuzz: accepted: %lu stats reads, %lu server settings, %lu server reads, %lu key sets\n",
	       S.ok_by_cmd[KNTS_CMD_STATS_GET], S.ok_by_cmd[KNTS_CMD_SERVER_SET],
	       S.ok_by_cmd[KNTS_CMD_SERVER_GET], S.ok_by_cmd[KNTS_CMD_KEYS_SET]);
	printf("nl_abuse fuzz: errors:");
	for (i = 1; i < 140; i++)
		if (S.by_errno[i])
			printf(" %s=%lu", strerrorname_np((int)i), S.by_errno[i]);
	printf("\n");
	return S.bad || S.no_extack || S.leaks || !S.errors ||
	       !S.ok_by_cmd[KNTS_CMD_KEYS_SET] || !S.ok_by_cmd[KNTS_CMD_SERVER_GET];
}

/* A well-formed request for @cmd, so only permissions can refuse it. */
static size_t valid_attrs(uint8_t cmd, uint8_t *p, size_t cap)
{
	uint8_t key[256], k[KNTS_MASTER_KEY_LEN];
	uint32_t id = 1;
	uint8_t one = 1;
	size_t n = 0, kn = 0;

	switch (cmd) {
	case KNTS_CMD_SERVER_SET:
		n += put_attr(p, cap, KNTS_A_SERVER_ENABLE, &one, 1);
		id = KNTS_NAK_RATE_DEFAULT;
		n += put_attr(p + n, cap - n, KNTS_A_SERVER_NAK_RATE, &id, 4);
		id = KNTS_PENDING_SLOTS_DEFAULT;
		n += put_attr(p + n, cap - n, KNTS_A_SERVER_PENDING_SLOTS, &id, 4);
		break;
	case KNTS_CMD_CLIENT_SET:
		id = KNTS_CLIENT_IDLE_DEFAULT;
		n += put_attr(p, cap, KNTS_A_CLIENT_IDLE_SECS, &id, 4);
		break;
	case KNTS_CMD_KEYS_SET:
		secret(k, sizeof(k));
		kn += put_attr(key + kn, sizeof(key) - kn, KNTS_A_KEY_ID, &id, 4);
		kn += put_attr(key + kn, sizeof(key) - kn, KNTS_A_KEY_SECRET,
			       k, sizeof(k));
		memcpy(key + 200, key, kn);
		kn = put_attr(key, sizeof(key), KNTS_A_KEY | NLA_F_NESTED,
			      key + 200, kn);
		n += put_attr(p + n, cap - n, KNTS_A_KEYS | NLA_F_NESTED, key, kn);
		n += put_attr(p + n, cap - n, KNTS_A_KEY_CURRENT, &id, 4);
		break;
	}
	return n;
}

static int send_cmd(int fd, uint8_t cmd, int dump, int *extack)
{
	uint8_t msg[1024];
	struct nlmsghdr *h = (void *)msg;
	struct genlmsghdr *g = (void *)(msg + NLMSG_HDRLEN);
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN;

	memset(msg, 0, len);
	len += valid_attrs(cmd, msg + len, sizeof(msg) - len);
	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_type = (uint16_t)family;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	h->nlmsg_seq = ++seq;
	g->cmd = cmd;
	g->version = KNTS_FAMILY_VERSION;
	if (send(fd, msg, len, 0) < 0)
		return -errno;
	return collect(fd, h->nlmsg_seq, 0, extack);
}

/* The event group tells which servers the host talks to: admins only. */
static int join_events(int allowed)
{
	struct nl_sock *sk = nl_socket_alloc();
	int grp, fd, err;

	if (!sk || genl_connect(sk))
		return 1;
	grp = genl_ctrl_resolve_grp(sk, KNTS_FAMILY_NAME, KNTS_MCGRP_EVENTS);
	nl_socket_free(sk);
	if (grp < 0) {
		printf("nl_abuse perm: no multicast group '%s'\n", KNTS_MCGRP_EVENTS);
		return 0;
	}
	fd = open_nl();
	err = setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
			 sizeof(grp)) ? -errno : 0;
	close(fd);
	printf("nl_abuse perm: joining the '%s' group %s (%s)\n", KNTS_MCGRP_EVENTS,
	       err == -EPERM ? "refused" : allowed ? "allowed" : "NOT refused",
	       err ? strerror(-err) : "joined");
	return allowed ? err != 0 : err != -EPERM;
}

/*
 * @allowed: every command must pass the permission check (any answer but
 * EPERM: a command may still refuse its attributes); else every one must
 * be refused with EPERM.
 */
static int do_perm(int allowed)
{
	int fd = open_nl(), fails = 0, err, extack, dump;
	uint8_t cmd;

	if (fd < 0)
		return 1;
	for (cmd = 1; cmd <= KNTS_CMD_MAX; cmd++) {
		for (dump = 0; dump <= 1; dump++) {
			err = send_cmd(fd, cmd, dump, &extack);
			/*
			 * "No such operation" (a notification-only command,
			 * or a do-only one asked to dump) runs nothing.
			 */
			if (err == -EOPNOTSUPP) {
				printf("nl_abuse perm: cmd %u%s: no such operation\n",
				       cmd, dump ? " (dump)" : "");
				continue;
			}
			if (allowed ? err != -EPERM && err <= 0 : err == -EPERM) {
				printf("nl_abuse perm: cmd %u%s %s (%s)\n", cmd,
				       dump ? " (dump)" : "",
				       allowed ? "allowed" : "refused",
				       err ? strerror(-err) : "done");
				continue;
			}
			printf("nl_abuse perm: cmd %u%s NOT %s: %s\n", cmd,
			       dump ? " (dump)" : "",
			       allowed ? "allowed" : "refused",
			       err > 0 ? "no answer" : strerror(-err));
			fails++;
		}
	}
	fails += join_events(allowed);
	return fails || S.leaks;
}

static int do_leak(const char *path)
{
	struct knts_keyfile kf;
	int fd = open_nl(), err, extack, rounds = 0, dump;
	uint8_t cmd;
	unsigned int i;

	if (fd < 0 || knts_keyfile_load(path, &kf))
		return 1;
	for (i = 0; i < kf.n; i++)
		memcpy(secrets[n_secrets++], kf.keys[i].key, 32);
	knts_keyfile_wipe(&kf);
	for (cmd = 0; cmd <= KNTS_CMD_MAX + 1; cmd++) {
		if (cmd == KNTS_CMD_SERVER_SET || cmd == KNTS_CMD_KEYS_SET ||
		    cmd == KNTS_CMD_CLIENT_SET)
			continue;	/* mutating: not a read */
		for (dump = 0; dump <= 1; dump++) {
			err = send_cmd(fd, cmd, dump, &extack);
			printf("nl_abuse leak: cmd %u%s: %s\n", cmd,
			       dump ? " (dump)" : "", err ? strerror(-err) : "answered");
			rounds += !err;
		}
	}
	printf("nl_abuse leak: %lu replies read, %lu with key bytes\n",
	       S.replies, S.leaks);
	return S.leaks || !rounds || S.bad;
}

/* One request of raw attributes; the error (0 = ack), extack in @extack. */
static int send_raw(int fd, uint8_t cmd, const uint8_t *attrs, size_t n,
		    int *extack)
{
	uint8_t msg[1024];
	struct nlmsghdr *h = (void *)msg;
	struct genlmsghdr *g = (void *)(msg + NLMSG_HDRLEN);
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN;

	memset(msg, 0, len);
	memcpy(msg + len, attrs, n);
	len += n;
	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_type = (uint16_t)family;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = ++seq;
	g->cmd = cmd;
	g->version = KNTS_FAMILY_VERSION;
	if (send(fd, msg, len, 0) < 0)
		return -errno;
	return collect(fd, h->nlmsg_seq, 1, extack);
}

/* An association's ID: 10.0.0.@host, port 123. */
static size_t put_id(uint8_t *p, size_t cap, uint8_t host)
{
	uint8_t a4[4] = { 10, 0, 0, host };
	uint16_t port = 123;
	size_t n;

	n = put_attr(p, cap, KNTS_A_ASSOC_ADDR4, a4, 4);
	return n + put_attr(p + n, cap - n, KNTS_A_ASSOC_PORT, &port, 2);
}

/*
 * Send @base (@n bytes), which the command must not refuse as invalid,
 * then @base plus @extra, which it must refuse with EINVAL and an ack.
 */
static int expect_refused(int fd, uint8_t cmd, const char *what,
			  const uint8_t *base, size_t n,
			  const uint8_t *extra, size_t en, int base_want)
{
	uint8_t buf[512];
	int err, extack, fails = 0;

	err = send_raw(fd, cmd, base, n, &extack);
	if (err != base_want) {
		printf("nl_abuse policy: cmd %u without %s: %s, want %s\n", cmd,
		       what, err ? strerror(-err) : "ok",
		       base_want ? strerror(-base_want) : "ok");
		fails++;
	}
	memcpy(buf, base, n);
	memcpy(buf + n, extra, en);
	err = send_raw(fd, cmd, buf, n + en, &extack);
	if (err == -EINVAL && extack) {
		printf("nl_abuse policy: cmd %u with %s: refused (EINVAL, extack)\n",
		       cmd, what);
	} else {
		printf("nl_abuse policy: cmd %u with %s: NOT refused: %s%s\n", cmd,
		       what, err > 0 ? "no answer" : err ? strerror(-err) : "ok",
		       extack ? "" : ", no extack");
		fails++;
	}
	return fails;
}

/* KEYS_SET with @attrs: @want (0: accepted), with an ack when refused. */
static int expect_nest(int fd, const char *what, const uint8_t *attrs,
		       size_t n, int want)
{
	int err, extack;

	err = send_raw(fd, KNTS_CMD_KEYS_SET, attrs, n, &extack);
	if (err == want && (!want || extack)) {
		printf("nl_abuse policy: KEYS_SET with %s: %s\n", what,
		       want ? "refused (EINVAL, extack)" : "accepted");
		return 0;
	}
	printf("nl_abuse policy: KEYS_SET with %s: %s, want %s\n", what,
	       err > 0 ? "no answer" : err ? strerror(-err) : "ok",
	       want ? strerror(-want) : "ok");
	return 1;
}

static int do_policy(void)
{
	uint8_t base[512], extra[256], key[128], k[KNTS_MASTER_KEY_LEN];
	uint8_t zero = 0, a4[4] = { 10, 0, 0, 9 };
	uint32_t id = 1, ifindex = 1;
	uint64_t u = 1, age = 5;
	uint16_t port = 123;
	int fd = open_nl(), fails = 0;
	size_t n, en, kn;

	if (fd < 0)
		return 1;
	/* SERVER_SET takes the server's attributes, no association's. */
	n = put_attr(base, sizeof(base), KNTS_A_SERVER_ENABLE, &zero, 1);
	en = put_attr(extra, sizeof(extra), KNTS_A_ASSOC_ADDR4, a4, 4);
	fails += expect_refused(fd, KNTS_CMD_SERVER_SET, "ASSOC_ADDR4",
				base, n, extra, en, 0);
	en = put_attr(extra, sizeof(extra), KNTS_A_ASSOC_PORT, &port, 2);
	fails += expect_refused(fd, KNTS_CMD_SERVER_SET, "ASSOC_PORT",
				base, n, extra, en, 0);
	en = put_attr(extra, sizeof(extra), KNTS_A_ASSOC_CLOSED, NULL, 0);
	fails += expect_refused(fd, KNTS_CMD_SERVER_SET, "ASSOC_CLOSED",
				base, n, extra, en, 0);
	en = put_attr(extra, sizeof(extra), KNTS_A_ASSOC_IFINDEX, &ifindex, 4);
	fails += expect_refused(fd, KNTS_CMD_SERVER_SET, "ASSOC_IFINDEX",
				base, n, extra, en, 0);
	en = put_attr(extra, sizeof(extra), KNTS_A_KEY_CURRENT, &id, 4);
	fails += expect_refused(fd, KNTS_CMD_SERVER_SET, "KEY_CURRENT",
				base, n, extra, en, 0);

	/* ASSOC_SET and ASSOC_DEL take no server attributes. */
	n = put_id(base, sizeof(base), 9);
	n += put_attr(base + n, sizeof(base) - n, KNTS_A_ASSOC_CLOSED, NULL, 0);
	en = put_attr(extra, sizeof(extra), KNTS_A_SERVER_PORT, &port, 2);
	fails += expect_refused(fd, KNTS_CMD_ASSOC_SET, "SERVER_PORT",
				base, n, extra, en, 0);
	en = put_attr(extra, sizeof(extra), KNTS_A_ASSOC_REQUESTS, &u, 8);
	fails += expect_refused(fd, KNTS_CMD_ASSOC_SET, "ASSOC_REQUESTS (read-only)",
				base, n, extra, en, 0);
	n = put_id(base, sizeof(base), 9);
	en = put_attr(extra, sizeof(extra), KNTS_A_SERVER_ENABLE, &zero, 1);
	fails += expect_refused(fd, KNTS_CMD_ASSOC_DEL, "SERVER_ENABLE",
				base, n, extra, en, 0);
	fails += expect_refused(fd, KNTS_CMD_ASSOC_DEL, "SERVER_ENABLE",
				base, n, extra, en, -ENOENT);

	/*
	 * Nests: a KEYS holds KEY nests only (the nested policy), a KEY no
	 * read-only AGE. The base: KEY_CURRENT, KEYS { KEY { ID, SECRET } }.
	 */
	secret(k, sizeof(k));
	n = put_attr(base, sizeof(base), KNTS_A_KEY_CURRENT, &id, 4);
	kn = put_attr(key, sizeof(key), KNTS_A_KEY_ID, &id, 4);
	kn += put_attr(key + kn, sizeof(key) - kn, KNTS_A_KEY_SECRET, k, sizeof(k));
	en = put_attr(extra, sizeof(extra), KNTS_A_KEY | NLA_F_NESTED, key, kn);
	n += put_attr(base + n, sizeof(base) - n, KNTS_A_KEYS | NLA_F_NESTED,
		      extra, en);
	fails += expect_nest(fd, "a valid key set", base, n, 0);
	/* the same key with an AGE */
	kn += put_attr(key + kn, sizeof(key) - kn, KNTS_A_KEY_AGE, &age, 8);
	en = put_attr(extra, sizeof(extra), KNTS_A_KEY | NLA_F_NESTED, key, kn);
	n = put_attr(base, sizeof(base), KNTS_A_KEY_CURRENT, &id, 4);
	n += put_attr(base + n, sizeof(base) - n, KNTS_A_KEYS | NLA_F_NESTED,
		      extra, en);
	fails += expect_nest(fd, "a KEY holding AGE", base, n, -EINVAL);
	/* KEYS { attribute 2 }: not a KEY */
	en = put_attr(extra, sizeof(extra), KNTS_A_KEY + 1, &id, 4);
	n = put_attr(base, sizeof(base), KNTS_A_KEY_CURRENT, &id, 4);
	n += put_attr(base + n, sizeof(base) - n, KNTS_A_KEYS | NLA_F_NESTED,
		      extra, en);
	fails += expect_nest(fd, "a stranger in KEYS", base, n, -EINVAL);
	close(fd);
	return fails || S.leaks || S.bad;
}

/*
 * Read one part of a dump: the number of messages, and whether any was
 * flagged NLM_F_DUMP_INTR; 1 in *done at NLMSG_DONE.
 */
static int dump_part(int fd, int *intr, int *done)
{
	static uint8_t buf[BUF];
	struct nlmsghdr *h;
	ssize_t n;
	size_t rem;
	int msgs = 0;

	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	rem = (size_t)n;
	for (h = (void *)buf; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
		if (h->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = 1;
		if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
			*done = 1;
		else
			msgs++;
	}
	return msgs;
}

/* Dump the associations; between the first two parts, remove one. */
static int dump_assocs(int fd, int ctl, int change, int *intr)
{
	uint8_t msg[64], id[64];
	struct nlmsghdr *h = (void *)msg;
	struct genlmsghdr *g = (void *)(msg + NLMSG_HDRLEN);
	int parts = 0, total = 0, done = 0, m, extack;

	memset(msg, 0, sizeof(msg));
	h->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	h->nlmsg_type = (uint16_t)family;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	h->nlmsg_seq = ++seq;
	g->cmd = KNTS_CMD_ASSOC_GET;
	g->version = KNTS_FAMILY_VERSION;
	*intr = 0;
	if (send(fd, msg, h->nlmsg_len, 0) < 0)
		return -errno;
	while (!done) {
		m = dump_part(fd, intr, &done);
		if (m < 0)
			return m;
		total += m;
		if (++parts == 1 && change &&
		    send_raw(ctl, KNTS_CMD_ASSOC_DEL, id,
			     put_id(id, sizeof(id), 1), &extack))
			return -EIO;
	}
	printf("nl_abuse dumpintr: %d associations in %d parts%s, %s\n", total,
	       parts, change ? " (one removed after the first)" : "",
	       *intr ? "NLM_F_DUMP_INTR" : "consistent");
	return parts;
}

static int do_dumpintr(void)
{
	int fd = open_nl(), ctl = open_nl(), extack, err, intr, parts;
	uint8_t attrs[64];
	unsigned int i;
	size_t n;

	if (fd < 0 || ctl < 0)
		return 1;
	for (i = 1; i <= KNTS_MAX_ASSOCS; i++) {
		n = put_id(attrs, sizeof(attrs), (uint8_t)i);
		n += put_attr(attrs + n, sizeof(attrs) - n, KNTS_A_ASSOC_CLOSED,
			      NULL, 0);
		err = send_raw(ctl, KNTS_CMD_ASSOC_SET, attrs, n, &extack);
		if (err) {
			printf("nl_abuse dumpintr: ASSOC_SET %u: %s\n", i,
			       strerror(-err));
			return 1;
		}
	}
	parts = dump_assocs(fd, ctl, 0, &intr);
	if (parts < 2 || intr) {
		printf("nl_abuse dumpintr: want several parts, none flagged\n");
		return 1;
	}
	parts = dump_assocs(fd, ctl, 1, &intr);
	if (parts < 2 || !intr) {
		printf("nl_abuse dumpintr: a change between parts was not flagged\n");
		return 1;
	}
	return 0;
}

/* One settings request: @cmd with attribute @type of @len bytes of @v. */
struct setting_case {
	uint8_t cmd;
	uint16_t type;	/* 0: no attribute */
	uint32_t v;
	size_t len;
	int want;	/* 0, or the -errno the kernel must answer */
};

static const struct setting_case setting_cases[] = {
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_PENDING_SLOTS, KNTS_PENDING_SLOTS_MIN, 4, 0 },
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_NAK_RATE, KNTS_NAK_RATE_MIN, 4, 0 },
	{ KNTS_CMD_CLIENT_SET, KNTS_A_CLIENT_IDLE_SECS, 0, 4, 0 },
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_PENDING_SLOTS, KNTS_PENDING_SLOTS_MAX, 4, 0 },
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_NAK_RATE, KNTS_NAK_RATE_MAX, 4, 0 },
	{ KNTS_CMD_CLIENT_SET, KNTS_A_CLIENT_IDLE_SECS, KNTS_CLIENT_IDLE_MAX, 4, 0 },
	/* from here on nothing may change what the last three set */
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_PENDING_SLOTS, 0, 4, -ERANGE },
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_PENDING_SLOTS, KNTS_PENDING_SLOTS_MIN - 1, 4, -ERANGE },
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_PENDING_SLOTS, KNTS_PENDING_SLOTS_MAX + 1, 4, -ERANGE },
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_PENDING_SLOTS, 0xffffffff, 4, -ERANGE },
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_NAK_RATE, 0, 4, -ERANGE },
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_NAK_RATE, KNTS_NAK_RATE_MAX + 1, 4, -ERANGE },
	{ KNTS_CMD_CLIENT_SET, KNTS_A_CLIENT_IDLE_SECS, KNTS_CLIENT_IDLE_MAX + 1, 4, -ERANGE },
	{ KNTS_CMD_CLIENT_SET, KNTS_A_CLIENT_IDLE_SECS, 0xffffffff, 4, -ERANGE },
	/* a u16 where a u32 belongs */
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_NAK_RATE, 100, 2, -ERANGE },
	{ KNTS_CMD_CLIENT_SET, KNTS_A_CLIENT_IDLE_SECS, 100, 2, -ERANGE },
	/* nothing to set; a port without enable */
	{ KNTS_CMD_SERVER_SET, 0, 0, 0, -EINVAL },
	{ KNTS_CMD_CLIENT_SET, 0, 0, 0, -EINVAL },
	{ KNTS_CMD_SERVER_SET, KNTS_A_SERVER_PORT, 123, 2, -EINVAL },
};

static int do_settings(void)
{
	int fd = open_nl(), fails = 0, err, extack;
	size_t i;

	if (fd < 0)
		return 1;
	for (i = 0; i < sizeof(setting_cases) / sizeof(setting_cases[0]); i++) {
		const struct setting_case *c = &setting_cases[i];
		uint8_t msg[256];
		struct nlmsghdr *h = (void *)msg;
		struct genlmsghdr *g = (void *)(msg + NLMSG_HDRLEN);
		size_t len = NLMSG_HDRLEN + GENL_HDRLEN;
		int good;

		memset(msg, 0, sizeof(msg));
		if (c->type)
			len += put_attr(msg + len, sizeof(msg) - len, c->type,
					&c->v, c->len);
		h->nlmsg_len = (uint32_t)len;
		h->nlmsg_type = (uint16_t)family;
		h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		h->nlmsg_seq = ++seq;
		g->cmd = c->cmd;
		g->version = KNTS_FAMILY_VERSION;
		err = send(fd, msg, len, 0) < 0 ? -errno :
		      collect(fd, h->nlmsg_seq, 0, &extack);
		/* a refusal, whatever its errno, must say why; ERANGE exactly */
		good = c->want ? err < 0 && extack &&
				 (c->want != -ERANGE || err == -ERANGE || err == -EINVAL) :
				 err == 0;
		if (c->want == -ERANGE && c->len == 4 && err != -ERANGE)
			good = 0;
		printf("nl_abuse settings: cmd %u attr %u = %u (%zu bytes): %s%s, %s\n",
		       c->cmd, c->type, c->v, c->len, err ? strerror(-err) : "accepted",
		       err && extack ? " (with extack)" : "",
		       good ? "as expected" : "WRONG");
		fails += !good;
	}
	close(fd);
	return fails || S.bad;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		goto usage;
	family = resolve_family();
	if (family < 0) {
		fprintf(stderr, "nl_abuse: the knts family is not registered\n");
		return 1;
	}
	if (!strcmp(argv[1], "fuzz") && argc == 3)
		return do_fuzz(strtoul(argv[2], NULL, 0));
	if (!strcmp(argv[1], "perm") && argc == 2)
		return do_perm(0);
	if (!strcmp(argv[1], "own") && argc == 2)
		return do_perm(1);
	if (!strcmp(argv[1], "leak") && argc == 3)
		return do_leak(argv[2]);
	if (!strcmp(argv[1], "policy") && argc == 2)
		return do_policy();
	if (!strcmp(argv[1], "dumpintr") && argc == 2)
		return do_dumpintr();
	if (!strcmp(argv[1], "settings") && argc == 2)
		return do_settings();
usage:
	fprintf(stderr, "usage: nl_abuse fuzz COUNT | perm | own | leak KEYFILE | policy | dumpintr | settings\n");
	return 2;
}
