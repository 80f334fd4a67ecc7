// SPDX-License-Identifier: GPL-2.0
/* ntskd.conf parser (see config.h). Pure: no I/O but ntskd_config_load(). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <linux/knts.h>

#include "config.h"
#include "ke_record.h"

#define CONF_MAX_WORDS	16

/* Parser state: the config being filled and where we are. */
struct conf_parser {
	struct ntskd_config *c;
	const char *name;
	unsigned int line;
	char *err;
	size_t errlen;
	/* line of each once-only directive, 0 when not seen yet */
	unsigned int seen_cert, seen_key, seen_keyfile, seen_rotate;
	unsigned int seen_ntp_port, seen_ntp_server, seen_policy;
	unsigned int seen_refresh, seen_ke_retry, seen_client_state;
	unsigned int seen_ke_rate, seen_owner;
	unsigned int seen_user, seen_follow;
	unsigned int seen_ke_max_conns, seen_ke_workers;
	unsigned int seen_pending_slots, seen_nak_rate, seen_client_idle;
};

struct conf_words {
	const char *w[CONF_MAX_WORDS];
	size_t len[CONF_MAX_WORDS];
	unsigned int n;
};

__attribute__((format(printf, 3, 4)))
static int conf_error_at(struct conf_parser *p, unsigned int line,
			 const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (!p->errlen)
		return -1;
	snprintf(p->err, p->errlen, "%s:%u: ", p->name, line);
	n = strlen(p->err);
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

#define conf_error(p, ...) conf_error_at((p), (p)->line, __VA_ARGS__)

static bool conf_is(const char *w, size_t len, const char *s)
{
	return len == strlen(s) && !memcmp(w, s, len);
}

static bool conf_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' ||
	       ch == '\f';
}

/* Copy word @i into @dst (NUL-terminated); an error if it does not fit. */
static int conf_copy(struct conf_parser *p, const struct conf_words *ws,
		     unsigned int i, char *dst, size_t cap, const char *what)
{
	if (ws->len[i] >= cap)
		return conf_error(p, "%s is too long (at most %zu bytes)",
				  what, cap - 1);
	memcpy(dst, ws->w[i], ws->len[i]);
	dst[ws->len[i]] = '\0';
	return 0;
}

/* Decimal number in [min, max]: digits only, no sign, no overflow. */
static int conf_uint(struct conf_parser *p, const struct conf_words *ws,
		     unsigned int i, uint32_t min, uint32_t max,
		     const char *what, uint32_t *out)
{
	uint64_t v = 0;
	size_t k;

	if (!ws->len[i] || ws->len[i] > 10)
		goto bad;
	for (k = 0; k < ws->len[i]; k++) {
		if (ws->w[i][k] < '0' || ws->w[i][k] > '9')
			goto bad;
		v = v * 10 + (uint64_t)(ws->w[i][k] - '0');
	}
	if (v < min || v > max)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	return conf_error(p, "%s '%.*s' is not a number from %u to %u", what,
			  (int)ws->len[i], ws->w[i], min, max);
}

static int conf_port(struct conf_parser *p, const struct conf_words *ws,
		     unsigned int i, const char *what, uint16_t *port)
{
	uint32_t v;

	if (conf_uint(p, ws, i, 1, 65535, what, &v))
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* "10", "0.5", "2.125": a rate in thousandths, in [min, max]. */
static int conf_rate(struct conf_parser *p, const struct conf_words *ws,
		     unsigned int i, uint32_t min, uint32_t max,
		     const char *what, uint32_t *out)
{
	const char *w = ws->w[i];
	size_t len = ws->len[i], k = 0;
	uint64_t v = 0;
	unsigned int frac = 0;
	bool dot = false;

	if (!len || len > 12)
		goto bad;
	for (k = 0; k < len; k++) {
		if (w[k] == '.' && !dot && k && k + 1 < len) {
			dot = true;
			continue;
		}
		if (w[k] < '0' || w[k] > '9' || (dot && frac == 3))
			goto bad;
		v = v * 10 + (uint64_t)(w[k] - '0');
		if (dot)
			frac++;
	}
	for (; frac < 3; frac++)
		v *= 10;
	if (v < min || v > max)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	return conf_error(p, "%s '%.*s' is not a number from %u.%03u to %u (at most 3 decimals)",
			  what, (int)len, w, min / 1000, min % 1000, max / 1000);
}

/* A directive that may appear once: remember its line or complain. */
static int conf_once(struct conf_parser *p, unsigned int *seen,
		     const char *directive)
{
	if (*seen)
		return conf_error(p, "'%s' given twice (first on line %u)",
				  directive, *seen);
	*seen = p->line;
	return 0;
}

static int conf_nargs(struct conf_parser *p, const struct conf_words *ws,
		      unsigned int min, unsigned int max, const char *usage)
{
	if (ws->n - 1 < min || ws->n - 1 > max)
		return conf_error(p, "usage: %s", usage);
	return 0;
}

static int conf_ke_listen(struct conf_parser *p, const struct conf_words *ws)
{
	struct ntskd_config *c = p->c;
	struct ntskd_listen *l;
	char addr[INET6_ADDRSTRLEN + 2];
	const char *a;
	size_t alen;
	unsigned int i;

	if (conf_nargs(p, ws, 1, 2, "ke-listen ADDRESS [PORT]"))
		return -1;
	a = ws->w[1];
	alen = ws->len[1];
	if (c->n_listen == NTSKD_MAX_LISTEN)
		return conf_error(p, "too many ke-listen lines (at most %d)",
				  NTSKD_MAX_LISTEN);
	l = &c->listen[c->n_listen];
	memset(l, 0, sizeof(*l));
	/* "[fd00::1]" is accepted too, as people write it next to a port */
	if (alen >= 2 && a[0] == '[' && a[alen - 1] == ']') {
		a++;
		alen -= 2;
	}
	if (alen >= sizeof(addr))
		goto bad_addr;
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &l->addr.v4) == 1)
		l->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &l->addr.v6) == 1)
		l->family = AF_INET6;
	else
		goto bad_addr;
	l->port = NTSKD_KE_PORT;
	if (ws->n == 3 && conf_port(p, ws, 2, "port", &l->port))
		return -1;
	l->line = p->line;
	for (i = 0; i < c->n_listen; i++) {
		const struct ntskd_listen *o = &c->listen[i];

		if (o->family == l->family && o->port == l->port &&
		    !memcmp(&o->addr, &l->addr, l->family == AF_INET ?
			    sizeof(l->addr.v4) : sizeof(l->addr.v6)))
			return conf_error(p, "the same address and port as line %u",
					  o->line);
	}
	c->n_listen++;
	return 0;
bad_addr:
	return conf_error(p, "'%.*s' is not an IPv4 or IPv6 address",
			  (int)ws->len[1], ws->w[1]);
}

/* "15,16,17": known AEAD IDs, no repeats. */
static int conf_aeads(struct conf_parser *p, const char *s, size_t len,
		      struct ntskd_server_conf *sv)
{
	size_t i = 0;

	while (i <= len) {
		size_t j = i;
		uint32_t v = 0;
		unsigned int k;

		while (j < len && s[j] != ',')
			j++;
		if (j == i || j - i > 5)
			goto bad;
		for (k = 0; k < j - i; k++) {
			if (s[i + k] < '0' || s[i + k] > '9')
				goto bad;
			v = v * 10 + (uint32_t)(s[i + k] - '0');
		}
		if (!knts_ke_aead_supported((int)v))
			return conf_error(p, "AEAD %u is not supported (use 30, 15, 16 or 17)",
					  v);
		for (k = 0; k < sv->n_aeads; k++)
			if (sv->aeads[k] == v)
				return conf_error(p, "AEAD %u listed twice", v);
		if (sv->n_aeads == NTSKD_MAX_AEADS)
			goto bad;
		sv->aeads[sv->n_aeads++] = (uint16_t)v;
		i = j + 1;
	}
	return 0;
bad:
	return conf_error(p, "'%.*s' is not a list of AEAD IDs such as 15,16,17",
			  (int)len, s);
}

/* A user name (as useradd allows) or a number; "auto" and "any" too. */
static int conf_owner(struct conf_parser *p, const struct conf_words *ws,
		      unsigned int i, char *out)
{
	const char *w = ws->w[i];
	size_t len = ws->len[i], k;

	for (k = 0; k < len; k++)
		if (!((w[k] >= 'a' && w[k] <= 'z') || (w[k] >= 'A' && w[k] <= 'Z') ||
		      (w[k] >= '0' && w[k] <= '9') || w[k] == '_' ||
		      w[k] == '-' || w[k] == '.' || (w[k] == '$' && k == len - 1)))
			break;
	if (!len || k < len || len > NTSKD_USER_MAX || w[0] == '-')
		return conf_error(p, "owner '%.*s': not a user name or uid",
				  (int)(len > 64 ? 64 : len), w);
	memcpy(out, w, len);
	out[len] = '\0';
	return 0;
}

/*
 * An NTP address literal, link-local ones with their interface
 * ("fe80::1%eth0"): checked for shape here, the interface when used.
 */
static int conf_ntp_addr(struct conf_parser *p, const struct conf_words *ws,
			 unsigned int i, char *out)
{
	char buf[INET6_ADDRSTRLEN + 1 + 16];
	unsigned char a[16];
	size_t len = ws->len[i];
	bool v4, v6, ll;
	char *pct;

	if (len >= sizeof(buf))
		goto bad;
	memcpy(buf, ws->w[i], len);
	buf[len] = '\0';
	pct = strchr(buf, '%');
	if (pct)
		*pct = '\0';
	v4 = inet_pton(AF_INET, buf, a) == 1;
	v6 = !v4 && inet_pton(AF_INET6, buf, a) == 1;
	/* fe80::/10 needs its interface, and nothing else takes one */
	ll = v6 && a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
	if (!(v4 || v6) || ll != (pct != NULL) || (pct && !pct[1]))
		goto bad;
	memcpy(out, ws->w[i], len);
	out[len] = '\0';
	return 0;
bad:
	return conf_error(p, "ntp '%.*s': not an IP address (a link-local one with its interface: fe80::1%%eth0)",
			  (int)(len > 64 ? 64 : len), ws->w[i]);
}

static int conf_server(struct conf_parser *p, const struct conf_words *ws)
{
	struct ntskd_config *c = p->c;
	struct ntskd_server_conf *sv, *grown;
	bool seen_port = false, seen_aead = false;
	unsigned int i;

	if (ws->n < 2)
		return conf_error(p, "usage: server HOST [ke-port PORT] [ca FILE] [noverify] [aead ID,...] [ntp ADDR] [owner USER] [plain-until-nts]");
	if (c->n_servers == NTSKD_MAX_SERVERS)
		return conf_error(p, "too many server lines (at most %d)",
				  NTSKD_MAX_SERVERS);
	grown = realloc(c->servers, (c->n_servers + 1) * sizeof(*grown));
	if (!grown)
		return conf_error(p, "out of memory");
	c->servers = grown;
	sv = &c->servers[c->n_servers];
	memset(sv, 0, sizeof(*sv));
	sv->ke_port = NTSKD_KE_PORT;
	sv->line = p->line;
	if (knts_ke_check_server_name((const uint8_t *)ws->w[1], ws->len[1]))
		return conf_error(p, "'%.*s' is not a host name or IP address",
				  (int)ws->len[1], ws->w[1]);
	if (conf_copy(p, ws, 1, sv->host, sizeof(sv->host), "host name"))
		return -1;

	for (i = 2; i < ws->n; i++) {
		const char *w = ws->w[i];
		size_t len = ws->len[i];
		bool has_arg = i + 1 < ws->n;

		if (conf_is(w, len, "noverify")) {
			if (sv->noverify)
				return conf_error(p, "'noverify' given twice");
			sv->noverify = true;
			continue;
		}
		if (conf_is(w, len, "plain-until-nts")) {
			if (sv->plain_until_nts)
				return conf_error(p, "'plain-until-nts' given twice");
			sv->plain_until_nts = true;
			continue;
		}
		if (!conf_is(w, len, "ke-port") && !conf_is(w, len, "ca") &&
		    !conf_is(w, len, "aead") && !conf_is(w, len, "ntp") &&
		    !conf_is(w, len, "owner"))
			return conf_error(p, "unknown server option '%.*s' (ke-port, ca, noverify, aead, ntp, owner, plain-until-nts)",
					  (int)len, w);
		if (!has_arg)
			return conf_error(p, "'%.*s' needs a value", (int)len, w);
		i++;
		if (conf_is(w, len, "ke-port")) {
			if (seen_port)
				return conf_error(p, "'ke-port' given twice");
			seen_port = true;
			if (conf_port(p, ws, i, "ke-port", &sv->ke_port))
				return -1;
		} else if (conf_is(w, len, "ntp")) {
			if (sv->ntp[0])
				return conf_error(p, "'ntp' given twice");
			if (conf_ntp_addr(p, ws, i, sv->ntp))
				return -1;
		} else if (conf_is(w, len, "owner")) {
			if (sv->owner[0])
				return conf_error(p, "'owner' given twice");
			if (conf_owner(p, ws, i, sv->owner))
				return -1;
		} else if (conf_is(w, len, "ca")) {
			if (sv->ca[0])
				return conf_error(p, "'ca' given twice");
			if (conf_copy(p, ws, i, sv->ca, sizeof(sv->ca), "ca path"))
				return -1;
		} else {
			if (seen_aead)
				return conf_error(p, "'aead' given twice");
			seen_aead = true;
			if (conf_aeads(p, ws->w[i], ws->len[i], sv))
				return -1;
		}
	}
	if (sv->noverify && sv->ca[0])
		return conf_error(p, "'ca' and 'noverify' contradict each other");
	/* two lines for one server would fight over one association */
	for (i = 0; i < c->n_servers; i++)
		if (!strcasecmp(c->servers[i].host, sv->host) &&
		    c->servers[i].ke_port == sv->ke_port)
			return conf_error(p, "the same server as line %u",
					  c->servers[i].line);
	c->n_servers++;
	return 0;
}

/* ke-rate-limit RATE [burst N] [max-conns N] | off */
static int conf_ke_rate(struct conf_parser *p, const struct conf_words *ws)
{
	struct ntskd_config *c = p->c;
	bool seen_burst = false, seen_conns = false;
	unsigned int i;

	if (ws->n < 2 || ws->n % 2)
		return conf_error(p, "usage: ke-rate-limit RATE [burst N] [max-conns N] | off");
	if (conf_once(p, &p->seen_ke_rate, "ke-rate-limit"))
		return -1;
	if (conf_is(ws->w[1], ws->len[1], "off")) {
		if (ws->n != 2)
			return conf_error(p, "usage: ke-rate-limit off (nothing after it)");
		c->ke_rate_milli = 0;
		return 0;
	}
	if (
	    conf_rate(p, ws, 1, 1, NTSKD_KE_RATE_MILLI_MAX, "ke-rate-limit",
		      &c->ke_rate_milli))
		return -1;
	for (i = 2; i < ws->n; i += 2) {
		if (conf_is(ws->w[i], ws->len[i], "burst")) {
			if (seen_burst)
				return conf_error(p, "'burst' given twice");
			seen_burst = true;
			if (conf_uint(p, ws, i + 1, 1, NTSKD_KE_BURST_MAX,
				      "burst", &c->ke_burst))
				return -1;
		} else if (conf_is(ws->w[i], ws->len[i], "max-conns")) {
			if (seen_conns)
				return conf_error(p, "'max-conns' given twice");
			seen_conns = true;
			if (conf_uint(p, ws, i + 1, 1, NTSKD_KE_ADDR_CONNS_MAX,
				      "max-conns", &c->ke_addr_conns))
				return -1;
		} else {
			return conf_error(p, "unknown ke-rate-limit option '%.*s' (burst, max-conns)",
					  (int)ws->len[i], ws->w[i]);
		}
	}
	return 0;
}

/* ke-max-conns N: the connection cap over all NTS-KE workers */
static int conf_ke_max_conns(struct conf_parser *p,
			     const struct conf_words *ws)
{
	if (conf_nargs(p, ws, 1, 1, "ke-max-conns N") ||
	    conf_once(p, &p->seen_ke_max_conns, "ke-max-conns"))
		return -1;
	return conf_uint(p, ws, 1, 1, NTSKD_KE_MAX_CONNS_MAX, "ke-max-conns",
			 &p->c->ke_max_conns);
}

/* ke-workers N|auto */
static int conf_ke_workers(struct conf_parser *p, const struct conf_words *ws)
{
	if (conf_nargs(p, ws, 1, 1, "ke-workers N|auto") ||
	    conf_once(p, &p->seen_ke_workers, "ke-workers"))
		return -1;
	if (conf_is(ws->w[1], ws->len[1], "auto")) {
		p->c->ke_workers = 0;
		return 0;
	}
	return conf_uint(p, ws, 1, 1, NTSKD_KE_WORKERS_MAX, "ke-workers",
			 &p->c->ke_workers);
}

static int conf_path(struct conf_parser *p, const struct conf_words *ws,
		     unsigned int *seen, char *dst, const char *directive)
{
	char usage[64];

	snprintf(usage, sizeof(usage), "%s FILE", directive);
	if (conf_nargs(p, ws, 1, 1, usage) || conf_once(p, seen, directive))
		return -1;
	return conf_copy(p, ws, 1, dst, NTSKD_PATH_MAX, "path");
}

/* A once-only directive with one number in [min, max]: a kernel setting. */
static int conf_setting(struct conf_parser *p, const struct conf_words *ws,
			unsigned int *seen, const char *directive,
			const char *arg, uint32_t min, uint32_t max,
			uint32_t *out)
{
	char usage[64];

	snprintf(usage, sizeof(usage), "%s %s", directive, arg);
	if (conf_nargs(p, ws, 1, 1, usage) || conf_once(p, seen, directive))
		return -1;
	return conf_uint(p, ws, 1, min, max, directive, out);
}

static int conf_directive(struct conf_parser *p, const struct conf_words *ws)
{
	struct ntskd_config *c = p->c;
	const char *d = ws->w[0];
	size_t dl = ws->len[0];
	uint32_t v;

	if (conf_is(d, dl, "ke-listen"))
		return conf_ke_listen(p, ws);
	if (conf_is(d, dl, "cert"))
		return conf_path(p, ws, &p->seen_cert, c->cert, "cert");
	if (conf_is(d, dl, "key"))
		return conf_path(p, ws, &p->seen_key, c->key, "key");
	if (conf_is(d, dl, "keyfile"))
		return conf_path(p, ws, &p->seen_keyfile, c->keyfile, "keyfile");
	if (conf_is(d, dl, "keyfile-follow"))
		return conf_path(p, ws, &p->seen_follow, c->keyfile_follow,
				 "keyfile-follow");
	if (conf_is(d, dl, "rotate")) {
		if (conf_nargs(p, ws, 1, 1, "rotate SECONDS") ||
		    conf_once(p, &p->seen_rotate, "rotate") ||
		    conf_uint(p, ws, 1, 0, NTSKD_SECONDS_MAX, "rotate",
			      &c->rotate))
			return -1;
		if (c->rotate && c->rotate < NTSKD_ROTATE_MIN)
			return conf_error(p, "rotate %u is below the minimum of %u s: cookies would expire between a client's polls (0 turns rotation off)",
					  c->rotate, NTSKD_ROTATE_MIN);
		return 0;
	}
	if (conf_is(d, dl, "ntp-port")) {
		if (conf_nargs(p, ws, 1, 1, "ntp-port PORT") ||
		    conf_once(p, &p->seen_ntp_port, "ntp-port"))
			return -1;
		return conf_port(p, ws, 1, "ntp-port", &c->ntp_port);
	}
	if (conf_is(d, dl, "ntp-server")) {
		if (conf_nargs(p, ws, 1, 1, "ntp-server NAME") ||
		    conf_once(p, &p->seen_ntp_server, "ntp-server"))
			return -1;
		if (knts_ke_check_server_name((const uint8_t *)ws->w[1],
					      ws->len[1]))
			return conf_error(p, "'%.*s' is not a host name or IP address",
					  (int)ws->len[1], ws->w[1]);
		return conf_copy(p, ws, 1, c->ntp_server,
				 sizeof(c->ntp_server), "ntp-server");
	}
	if (conf_is(d, dl, "policy")) {
		if (conf_nargs(p, ws, 1, 1, "policy mixed|nts-only") ||
		    conf_once(p, &p->seen_policy, "policy"))
			return -1;
		if (conf_is(ws->w[1], ws->len[1], "mixed"))
			c->policy = KNTS_POLICY_MIXED;
		else if (conf_is(ws->w[1], ws->len[1], "nts-only"))
			c->policy = KNTS_POLICY_NTS_ONLY;
		else
			return conf_error(p, "policy '%.*s': use mixed or nts-only",
					  (int)ws->len[1], ws->w[1]);
		return 0;
	}
	if (conf_is(d, dl, "ke-rate-limit"))
		return conf_ke_rate(p, ws);
	if (conf_is(d, dl, "ke-max-conns"))
		return conf_ke_max_conns(p, ws);
	if (conf_is(d, dl, "ke-workers"))
		return conf_ke_workers(p, ws);
	if (conf_is(d, dl, "pending-slots"))
		return conf_setting(p, ws, &p->seen_pending_slots,
				    "pending-slots", "N", KNTS_PENDING_SLOTS_MIN,
				    KNTS_PENDING_SLOTS_MAX, &c->pending_slots);
	if (conf_is(d, dl, "nak-rate"))
		return conf_setting(p, ws, &p->seen_nak_rate, "nak-rate",
				    "PER-SECOND", KNTS_NAK_RATE_MIN,
				    KNTS_NAK_RATE_MAX, &c->nak_rate);
	if (conf_is(d, dl, "client-idle"))
		return conf_setting(p, ws, &p->seen_client_idle, "client-idle",
				    "SECONDS", 0, KNTS_CLIENT_IDLE_MAX,
				    &c->client_idle);
	if (conf_is(d, dl, "server"))
		return conf_server(p, ws);
	if (conf_is(d, dl, "refresh")) {
		if (conf_nargs(p, ws, 1, 1, "refresh SECONDS") ||
		    conf_once(p, &p->seen_refresh, "refresh") ||
		    conf_uint(p, ws, 1, 1, NTSKD_SECONDS_MAX, "refresh", &v))
			return -1;
		c->refresh = v;
		return 0;
	}
	if (conf_is(d, dl, "ke-retry")) {
		if (conf_nargs(p, ws, 1, 2, "ke-retry SECONDS [MAX]") ||
		    conf_once(p, &p->seen_ke_retry, "ke-retry") ||
		    conf_uint(p, ws, 1, 1, 86400, "ke-retry", &c->ke_retry))
			return -1;
		c->ke_retry_max = c->ke_retry > NTSKD_KE_RETRY_MAX_DEFAULT ?
				  c->ke_retry : NTSKD_KE_RETRY_MAX_DEFAULT;
		if (ws->n == 3 &&
		    conf_uint(p, ws, 2, 1, NTSKD_SECONDS_MAX, "ke-retry MAX",
			      &c->ke_retry_max))
			return -1;
		if (c->ke_retry_max < c->ke_retry)
			return conf_error(p, "ke-retry MAX %u is below the first delay %u",
					  c->ke_retry_max, c->ke_retry);
		return 0;
	}
	if (conf_is(d, dl, "owner")) {
		if (conf_nargs(p, ws, 1, 1, "owner USER|UID|auto|any") ||
		    conf_once(p, &p->seen_owner, "owner"))
			return -1;
		return conf_owner(p, ws, 1, c->owner);
	}
	if (conf_is(d, dl, "user")) {
		if (conf_nargs(p, ws, 1, 1, "user NAME") ||
		    conf_once(p, &p->seen_user, "user"))
			return -1;
		return conf_copy(p, ws, 1, c->user, sizeof(c->user), "user name");
	}
	if (conf_is(d, dl, "client-state"))
		return conf_path(p, ws, &p->seen_client_state, c->client_state,
				 "client-state");
	return conf_error(p, "unknown directive '%.*s'", (int)dl, d);
}

/* Split one line (comment already cut) into words. */
static int conf_split(struct conf_parser *p, const char *s, size_t len,
		      struct conf_words *ws)
{
	size_t i = 0;

	ws->n = 0;
	while (i < len) {
		size_t start;

		while (i < len && conf_blank(s[i]))
			i++;
		if (i == len)
			break;
		if (ws->n == CONF_MAX_WORDS)
			return conf_error(p, "too many words on one line");
		start = i;
		while (i < len && !conf_blank(s[i]))
			i++;
		ws->w[ws->n] = s + start;
		ws->len[ws->n] = i - start;
		ws->n++;
	}
	return 0;
}

/* Rules that span lines, checked once the whole file is read. */
static int conf_check(struct conf_parser *p)
{
	struct ntskd_config *c = p->c;

	if (p->seen_cert && !p->seen_key)
		return conf_error_at(p, p->seen_cert, "'cert' needs 'key' (the certificate's private key)");
	if (p->seen_key && !p->seen_cert)
		return conf_error_at(p, p->seen_key, "'key' needs 'cert' (the certificate chain)");
	if (c->n_listen && !p->seen_cert)
		return conf_error_at(p, c->listen[0].line,
				     "'ke-listen' needs 'cert' and 'key' (the NTS-KE server)");
	if (p->seen_ke_rate && !p->seen_cert)
		return conf_error_at(p, p->seen_ke_rate,
				     "'ke-rate-limit' needs 'cert' and 'key' (the NTS-KE server)");
	if (p->seen_ke_max_conns && !p->seen_cert)
		return conf_error_at(p, p->seen_ke_max_conns,
				     "'ke-max-conns' needs 'cert' and 'key' (the NTS-KE server)");
	if (p->seen_ke_workers && !p->seen_cert)
		return conf_error_at(p, p->seen_ke_workers,
				     "'ke-workers' needs 'cert' and 'key' (the NTS-KE server)");
	/*
	 * Followed keys are made and rotated by the server that writes the
	 * file (chrony); a keyfile of our own or a rotation period would
	 * mean two sources of keys for one kernel.
	 */
	if (p->seen_follow && p->seen_keyfile)
		return conf_error_at(p, p->seen_follow,
				     "'keyfile-follow' and 'keyfile' (line %u) exclude each other: the followed file is the keyfile, and ntskd never writes it",
				     p->seen_keyfile);
	if (p->seen_follow && p->seen_rotate)
		return conf_error_at(p, p->seen_follow,
				     "'keyfile-follow' and 'rotate' (line %u) exclude each other: the keys are rotated by the server that writes the followed file",
				     p->seen_rotate);
	if (p->seen_follow && !p->seen_cert)
		return conf_error_at(p, p->seen_follow,
				     "'keyfile-follow' needs 'cert' and 'key' (the server role)");
	if (p->seen_follow) {
		c->keyfile[0] = '\0';
		c->rotate = 0;
	}
	if (p->seen_pending_slots && !p->seen_cert)
		return conf_error_at(p, p->seen_pending_slots,
				     "'pending-slots' needs 'cert' and 'key' (the server role)");
	if (p->seen_nak_rate && !p->seen_cert)
		return conf_error_at(p, p->seen_nak_rate,
				     "'nak-rate' needs 'cert' and 'key' (the server role)");
	if (p->seen_client_idle && !c->n_servers)
		return conf_error_at(p, p->seen_client_idle,
				     "'client-idle' needs 'server' lines (the client role)");
	/* safe by default: a server without the line is rate-limited too */
	if (p->seen_cert && !p->seen_ke_rate)
		c->ke_rate_milli = NTSKD_KE_RATE_DEFAULT_MILLI;
	return 0;
}

void ntskd_config_init(struct ntskd_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->keyfile, NTSKD_KEYFILE_DEFAULT);
	c->rotate = NTSKD_ROTATE_DEFAULT;
	c->ntp_port = NTSKD_NTP_PORT;
	c->policy = KNTS_POLICY_MIXED;
	c->pending_slots = KNTS_PENDING_SLOTS_DEFAULT;
	c->nak_rate = KNTS_NAK_RATE_DEFAULT;
	c->client_idle = KNTS_CLIENT_IDLE_DEFAULT;
	c->ke_burst = NTSKD_KE_BURST_DEFAULT;
	c->ke_addr_conns = NTSKD_KE_ADDR_CONNS_DEFAULT;
	c->ke_max_conns = 128;	/* NTSKD_KE_MAX_CONNS (ke_server.h) */
	c->refresh = NTSKD_REFRESH_DEFAULT;
	c->ke_retry = NTSKD_KE_RETRY_DEFAULT;
	c->ke_retry_max = NTSKD_KE_RETRY_MAX_DEFAULT;
	strcpy(c->client_state, NTSKD_CLIENT_STATE_DEFAULT);
	strcpy(c->owner, "auto");
}

void ntskd_config_free(struct ntskd_config *c)
{
	free(c->servers);
	ntskd_config_init(c);
}

int ntskd_config_parse(struct ntskd_config *c, const char *name,
		       const char *text, size_t len, char *err, size_t errlen)
{
	struct conf_parser p = {
		.c = c, .name = name ? name : "(config)",
		.err = err, .errlen = errlen,
	};
	struct conf_words ws;
	size_t off = 0;

	if (errlen)
		err[0] = '\0';
	while (off < len) {
		const char *s = text + off, *nl, *hash;
		size_t n;

		p.line++;
		nl = memchr(s, '\n', len - off);
		n = nl ? (size_t)(nl - s) : len - off;
		off += n + (nl ? 1 : 0);
		if (memchr(s, '\0', n)) {
			conf_error(&p, "NUL byte in the line");
			goto fail;
		}
		hash = memchr(s, '#', n);
		if (hash)
			n = (size_t)(hash - s);
		if (conf_split(&p, s, n, &ws))
			goto fail;
		if (ws.n && conf_directive(&p, &ws))
			goto fail;
	}
	if (!conf_check(&p))
		return 0;
fail:
	ntskd_config_free(c);
	return -1;
}

int ntskd_config_load(struct ntskd_config *c, const char *path, char *err,
		      size_t errlen)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	int fd, ret = -1;

	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (len == cap) {
			char *nb;

			if (cap >= NTSKD_CONFIG_MAX_SIZE) {
				snprintf(err, errlen, "%s: larger than %d bytes",
					 path, NTSKD_CONFIG_MAX_SIZE);
				goto out;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (!r)
			break;
		len += (size_t)r;
	}
	ret = ntskd_config_parse(c, path, buf, len, err, errlen);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}
