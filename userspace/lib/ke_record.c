// SPDX-License-Identifier: GPL-2.0
/*
 * NTS-KE record codec; see ke_record.h for the API and the rules.
 * Written from RFC 8915 and the team's NTS digest (sections 2, 8, 9.1).
 */
#include <arpa/inet.h>
#include <limits.h>
#include <string.h>

#include "ke_record.h"

static const struct {
	int reason;
	const char *name;
} knts_ke_reason_names[] = {
	{ KNTS_KE_OK,			"ok" },
	{ KNTS_KE_E_INVAL,		"invalid-argument" },
	{ KNTS_KE_E_NOSPC,		"no-space" },
	{ KNTS_KE_E_TOO_LARGE,		"too-large" },
	{ KNTS_KE_E_TRUNCATED,		"truncated" },
	{ KNTS_KE_E_NO_EOM,		"no-eom" },
	{ KNTS_KE_E_EOM_NOT_CRITICAL,	"eom-not-critical" },
	{ KNTS_KE_E_EOM_BODY,		"eom-body" },
	{ KNTS_KE_E_TRAILING,		"trailing-data" },
	{ KNTS_KE_E_UNKNOWN_CRITICAL,	"unknown-critical" },
	{ KNTS_KE_E_NP_MISSING,		"np-missing" },
	{ KNTS_KE_E_NP_DUP,		"np-duplicate" },
	{ KNTS_KE_E_NP_NOT_CRITICAL,	"np-not-critical" },
	{ KNTS_KE_E_NP_ODD,		"np-odd-length" },
	{ KNTS_KE_E_NP_EMPTY,		"np-empty" },
	{ KNTS_KE_E_NP_LEN,		"np-length" },
	{ KNTS_KE_E_NP_PROTO,		"np-not-ntpv4" },
	{ KNTS_KE_E_AEAD_MISSING,	"aead-missing" },
	{ KNTS_KE_E_AEAD_DUP,		"aead-duplicate" },
	{ KNTS_KE_E_AEAD_ODD,		"aead-odd-length" },
	{ KNTS_KE_E_AEAD_EMPTY,		"aead-empty" },
	{ KNTS_KE_E_AEAD_LEN,		"aead-length" },
	{ KNTS_KE_E_AEAD_NOT_OFFERED,	"aead-not-offered" },
	{ KNTS_KE_E_REQ_ERROR_REC,	"request-has-error" },
	{ KNTS_KE_E_REQ_WARNING_REC,	"request-has-warning" },
	{ KNTS_KE_E_REQ_COOKIE_REC,	"request-has-cookie" },
	{ KNTS_KE_E_RESP_ERROR,		"server-error" },
	{ KNTS_KE_E_RESP_WARNING,	"server-warning" },
	{ KNTS_KE_E_NO_COOKIES,		"no-cookies" },
	{ KNTS_KE_E_COOKIE_EMPTY,	"cookie-empty" },
	{ KNTS_KE_E_COOKIE_TOO_LONG,	"cookie-too-long" },
	{ KNTS_KE_E_COOKIE_ALIGN,	"cookie-not-multiple-of-4" },
	{ KNTS_KE_E_COOKIE_UNEQUAL,	"cookie-lengths-differ" },
	{ KNTS_KE_E_SERVER_DUP,		"server-duplicate" },
	{ KNTS_KE_E_SERVER_LEN,		"server-length" },
	{ KNTS_KE_E_SERVER_CHARS,	"server-bad-chars" },
	{ KNTS_KE_E_SERVER_SYNTAX,	"server-bad-syntax" },
	{ KNTS_KE_E_PORT_DUP,		"port-duplicate" },
	{ KNTS_KE_E_PORT_LEN,		"port-length" },
	{ KNTS_KE_E_PORT_ZERO,		"port-zero" },
};

const char *knts_ke_strreason(int reason)
{
	size_t i;

	for (i = 0; i < sizeof(knts_ke_reason_names) /
			sizeof(knts_ke_reason_names[0]); i++)
		if (knts_ke_reason_names[i].reason == reason)
			return knts_ke_reason_names[i].name;
	return "unknown-reason";
}

uint16_t knts_ke_reason_to_error(int reason)
{
	switch (reason) {
	case KNTS_KE_E_UNKNOWN_CRITICAL:
		return KNTS_KE_ERR_UNRECOGNIZED_CRITICAL;
	case KNTS_KE_E_INVAL:
	case KNTS_KE_E_NOSPC:
		return KNTS_KE_ERR_INTERNAL;
	default:
		return KNTS_KE_ERR_BAD_REQUEST;
	}
}

bool knts_ke_aead_supported(int aead)
{
	return knts_ke_aead_key_len(aead) != 0;
}

size_t knts_ke_aead_key_len(int aead)
{
	switch (aead) {
	case KNTS_AEAD_AES_SIV_CMAC_256:
		return 32;
	case KNTS_AEAD_AES_SIV_CMAC_384:
		return 48;
	case KNTS_AEAD_AES_SIV_CMAC_512:
		return 64;
	case KNTS_AEAD_AES_128_GCM_SIV:
		return 16;
	default:
		return 0;
	}
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* ---- Record iteration ------------------------------------------------- */

struct ke_rec {
	bool crit;
	uint16_t type;
	const uint8_t *body;
	size_t len;
};

/*
 * Read the record at *off of buf[0..len). Returns 0 and advances *off, or
 * KNTS_KE_E_TRUNCATED if the header or the body does not fit.
 */
static int ke_next(const uint8_t *buf, size_t len, size_t *off,
		   struct ke_rec *r)
{
	size_t left = len - *off;
	uint16_t w;

	if (left < KNTS_KE_HDR_LEN)
		return KNTS_KE_E_TRUNCATED;
	w = get16(buf + *off);
	r->crit = w & KNTS_KE_CRITICAL;
	r->type = w & KNTS_KE_TYPE_MASK;
	r->len = get16(buf + *off + 2);
	if (r->len > left - KNTS_KE_HDR_LEN)
		return KNTS_KE_E_TRUNCATED;
	r->body = buf + *off + KNTS_KE_HDR_LEN;
	*off += KNTS_KE_HDR_LEN + r->len;
	return 0;
}

/* End of Message checks common to both directions */
static int ke_check_eom(const struct ke_rec *r, size_t off, size_t len)
{
	if (!r->crit)
		return KNTS_KE_E_EOM_NOT_CRITICAL;
	if (r->len)
		return KNTS_KE_E_EOM_BODY;
	if (off != len)
		return KNTS_KE_E_TRAILING;
	return 0;
}

/* ---- Framing ---------------------------------------------------------- */

void knts_ke_framer_init(struct knts_ke_framer *f, size_t limit)
{
	/* results are ints: no message can be longer than INT_MAX */
	f->limit = limit > INT_MAX ? INT_MAX : limit;
	f->next = 0;
	f->result = 0;
}

int knts_ke_framer_feed(struct knts_ke_framer *f, const uint8_t *buf,
			size_t len)
{
	while (!f->result) {
		size_t off = f->next, blen, end;

		if (f->limit < KNTS_KE_HDR_LEN ||
		    off > f->limit - KNTS_KE_HDR_LEN) {
			f->result = KNTS_KE_E_TOO_LARGE;
			break;
		}
		if (len < KNTS_KE_HDR_LEN || off > len - KNTS_KE_HDR_LEN)
			return 0;
		blen = get16(buf + off + 2);
		end = off + KNTS_KE_HDR_LEN + blen;
		if (end > f->limit) {
			f->result = KNTS_KE_E_TOO_LARGE;
			break;
		}
		if ((get16(buf + off) & KNTS_KE_TYPE_MASK) == KNTS_KE_REC_EOM) {
			/* header is enough: an EOM with a body is malformed */
			f->result = blen ? KNTS_KE_E_EOM_BODY : (int)end;
			break;
		}
		/* no room left for the End of Message after this record */
		if (end > f->limit - KNTS_KE_HDR_LEN) {
			f->result = KNTS_KE_E_TOO_LARGE;
			break;
		}
		if (end > len)
			return 0;
		f->next = end;
	}
	return f->result;
}

int knts_ke_frame(const uint8_t *buf, size_t len, size_t limit)
{
	struct knts_ke_framer f;

	knts_ke_framer_init(&f, limit);
	return knts_ke_framer_feed(&f, buf, len);
}

/* ---- Server side ------------------------------------------------------ */

static int ke_parse_request(const uint8_t *buf, size_t len,
			    struct knts_ke_request *req)
{
	size_t off = 0, i;
	bool has_np = false, has_aead = false, ntpv4 = false;
	struct ke_rec r;
	int ret;

	for (;;) {
		ret = ke_next(buf, len, &off, &r);
		if (ret)
			return off == len ? KNTS_KE_E_NO_EOM : ret;

		switch (r.type) {
		case KNTS_KE_REC_EOM:
			ret = ke_check_eom(&r, off, len);
			if (ret)
				return ret;
			req->msg_len = off;
			goto done;
		case KNTS_KE_REC_NEXT_PROTO:
			if (has_np)
				return KNTS_KE_E_NP_DUP;
			if (!r.crit)
				return KNTS_KE_E_NP_NOT_CRITICAL;
			if (r.len & 1)
				return KNTS_KE_E_NP_ODD;
			if (!r.len)
				return KNTS_KE_E_NP_EMPTY;
			has_np = true;
			req->np = r.body;
			req->n_np = r.len / 2;
			for (i = 0; i < req->n_np; i++)
				if (knts_ke_list_get(r.body, i) ==
				    KNTS_KE_PROTO_NTPV4)
					ntpv4 = true;
			break;
		case KNTS_KE_REC_AEAD:
			if (has_aead)
				return KNTS_KE_E_AEAD_DUP;
			if (r.len & 1)
				return KNTS_KE_E_AEAD_ODD;
			if (!r.len)
				return KNTS_KE_E_AEAD_EMPTY;
			has_aead = true;
			req->aead = r.body;
			req->n_aead = r.len / 2;
			req->aead_critical = r.crit;
			break;
		case KNTS_KE_REC_ERROR:
			return KNTS_KE_E_REQ_ERROR_REC;
		case KNTS_KE_REC_WARNING:
			return KNTS_KE_E_REQ_WARNING_REC;
		case KNTS_KE_REC_NEW_COOKIE:
			return KNTS_KE_E_REQ_COOKIE_REC;
		case KNTS_KE_REC_SERVER:
			/* a preference we ignore; keep the last one */
			req->server_pref = r.body;
			req->server_pref_len = r.len;
			break;
		case KNTS_KE_REC_PORT:
			if (r.len == 2) {
				req->has_port_pref = true;
				req->port_pref = get16(r.body);
			}
			break;
		case KNTS_KE_REC_CHRONY_GCMSIV_EXPORT:
			/* defined non-critical: a critical one is unknown */
			if (r.crit)
				return KNTS_KE_E_UNKNOWN_CRITICAL;
			/* chrony's server refuses a body; we ignore one */
			if (r.len)
				req->n_ignored++;
			else
				req->compliant_gcm = true;
			break;
		default:
			if (r.crit)
				return KNTS_KE_E_UNKNOWN_CRITICAL;
			req->n_ignored++;
			break;
		}
	}
done:
	if (!has_np)
		return KNTS_KE_E_NP_MISSING;
	if (!ntpv4)
		return KNTS_KE_REQ_NO_NTPV4;
	if (!has_aead)
		return KNTS_KE_E_AEAD_MISSING;
	return KNTS_KE_REQ_NTPV4;
}

int knts_ke_parse_request(const uint8_t *buf, size_t len,
			  struct knts_ke_request *req)
{
	int ret;

	memset(req, 0, sizeof(*req));
	if (!buf && len)
		return KNTS_KE_E_INVAL;
	ret = ke_parse_request(buf, len, req);
	if (ret < 0) {
		/* nothing but the code to send may be used */
		memset(req, 0, sizeof(*req));
		req->error_code = knts_ke_reason_to_error(ret);
	}
	return ret;
}

int knts_ke_choose_aead(const struct knts_ke_request *req,
			const uint16_t *supported, size_t n_supported)
{
	size_t i, j;

	if (!req->aead)
		return KNTS_KE_AEAD_NONE;
	for (i = 0; i < req->n_aead; i++) {
		uint16_t id = knts_ke_list_get(req->aead, i);

		if (!knts_ke_aead_supported(id))
			continue;
		for (j = 0; j < n_supported; j++)
			if (supported[j] == id)
				return id;
	}
	return KNTS_KE_AEAD_NONE;
}

/* Output cursor: every write is checked against the capacity */
struct ke_out {
	uint8_t *p;
	size_t cap;
	size_t len;
};

static int ke_put(struct ke_out *o, uint16_t type, bool crit,
		  const uint8_t *body, size_t blen)
{
	if (blen > KNTS_KE_BODY_MAX)
		return KNTS_KE_E_INVAL;
	if (o->cap - o->len < KNTS_KE_HDR_LEN ||
	    o->cap - o->len - KNTS_KE_HDR_LEN < blen)
		return KNTS_KE_E_NOSPC;
	put16(o->p + o->len, (uint16_t)(type | (crit ? KNTS_KE_CRITICAL : 0)));
	put16(o->p + o->len + 2, (uint16_t)blen);
	if (blen)
		memcpy(o->p + o->len + KNTS_KE_HDR_LEN, body, blen);
	o->len += KNTS_KE_HDR_LEN + blen;
	return 0;
}

static int ke_finish(struct ke_out *o)
{
	int ret = ke_put(o, KNTS_KE_REC_EOM, true, NULL, 0);

	if (ret)
		return ret;
	if (o->len > INT_MAX)
		return KNTS_KE_E_NOSPC;
	return (int)o->len;
}

int knts_ke_build_response(uint8_t *out, size_t cap,
			   const struct knts_ke_resp_params *p)
{
	struct ke_out o = { .p = out, .cap = cap };
	uint8_t u16[2];
	size_t i, slen = 0;
	int ret;

	if (!out || !p)
		return KNTS_KE_E_INVAL;

	if (!p->ntpv4 || p->aead == KNTS_KE_AEAD_NONE) {
		if (p->n_cookies)
			return KNTS_KE_E_INVAL;
		put16(u16, KNTS_KE_PROTO_NTPV4);
		ret = ke_put(&o, KNTS_KE_REC_NEXT_PROTO, true, u16,
			     p->ntpv4 ? 2 : 0);
		if (!ret && p->ntpv4)
			ret = ke_put(&o, KNTS_KE_REC_AEAD, true, NULL, 0);
		return ret ? ret : ke_finish(&o);
	}

	if (!knts_ke_aead_supported(p->aead) || !p->n_cookies ||
	    !p->cookies || p->cookie_len < 4 ||
	    p->cookie_len > KNTS_KE_COOKIE_MAX || p->cookie_len % 4)
		return KNTS_KE_E_INVAL;
	if (p->server) {
		slen = strnlen(p->server, KNTS_KE_SERVER_NAME_MAX + 1);
		ret = knts_ke_check_server_name((const uint8_t *)p->server,
						slen);
		if (ret)
			return ret;
	}

	put16(u16, KNTS_KE_PROTO_NTPV4);
	ret = ke_put(&o, KNTS_KE_REC_NEXT_PROTO, true, u16, 2);
	if (ret)
		return ret;
	put16(u16, (uint16_t)p->aead);
	ret = ke_put(&o, KNTS_KE_REC_AEAD, true, u16, 2);
	if (ret)
		return ret;
	if (p->compliant_gcm && p->aead == KNTS_AEAD_AES_128_GCM_SIV) {
		ret = ke_put(&o, KNTS_KE_REC_CHRONY_GCMSIV_EXPORT, false,
			     NULL, 0);
		if (ret)
			return ret;
	}
	if (p->port && p->port != KNTS_KE_DEFAULT_PORT) {
		put16(u16, p->port);
		ret = ke_put(&o, KNTS_KE_REC_PORT, true, u16, 2);
		if (ret)
			return ret;
	}
	if (p->server) {
		ret = ke_put(&o, KNTS_KE_REC_SERVER, true,
			     (const uint8_t *)p->server, slen);
		if (ret)
			return ret;
	}
	for (i = 0; i < p->n_cookies; i++) {
		ret = ke_put(&o, KNTS_KE_REC_NEW_COOKIE, false,
			     p->cookies + i * p->cookie_len, p->cookie_len);
		if (ret)
			return ret;
	}
	return ke_finish(&o);
}

int knts_ke_build_error(uint8_t *out, size_t cap, uint16_t code)
{
	struct ke_out o = { .p = out, .cap = cap };
	uint8_t u16[2];
	int ret;

	if (!out)
		return KNTS_KE_E_INVAL;
	put16(u16, code);
	ret = ke_put(&o, KNTS_KE_REC_ERROR, true, u16, 2);
	return ret ? ret : ke_finish(&o);
}

/* ---- Client side ------------------------------------------------------ */

int knts_ke_build_request(uint8_t *out, size_t cap,
			  const uint16_t *aeads, size_t n_aeads)
{
	struct ke_out o = { .p = out, .cap = cap };
	uint8_t u16[2];
	size_t i;
	int ret;

	if (!out || !aeads || !n_aeads || n_aeads > KNTS_KE_BODY_MAX / 2)
		return KNTS_KE_E_INVAL;
	put16(u16, KNTS_KE_PROTO_NTPV4);
	ret = ke_put(&o, KNTS_KE_REC_NEXT_PROTO, true, u16, 2);
	if (ret)
		return ret;
	/* the AEAD body is written in place, after a checked header */
	if (o.cap - o.len < KNTS_KE_HDR_LEN ||
	    o.cap - o.len - KNTS_KE_HDR_LEN < 2 * n_aeads)
		return KNTS_KE_E_NOSPC;
	put16(o.p + o.len, KNTS_KE_REC_AEAD | KNTS_KE_CRITICAL);
	put16(o.p + o.len + 2, (uint16_t)(2 * n_aeads));
	for (i = 0; i < n_aeads; i++)
		put16(o.p + o.len + KNTS_KE_HDR_LEN + 2 * i, aeads[i]);
	o.len += KNTS_KE_HDR_LEN + 2 * n_aeads;
	/* As chrony: ask for the RFC's exporter context when offering 30. */
	for (i = 0; i < n_aeads; i++) {
		if (aeads[i] != KNTS_AEAD_AES_128_GCM_SIV)
			continue;
		ret = ke_put(&o, KNTS_KE_REC_CHRONY_GCMSIV_EXPORT, false,
			     NULL, 0);
		if (ret)
			return ret;
		break;
	}
	return ke_finish(&o);
}

static bool ke_is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static bool ke_is_ldh(uint8_t c)
{
	return ke_is_digit(c) || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '-';
}

/* DNS name: LDH labels 1..63, no leading/trailing '-', last not numeric */
static bool ke_is_dns_name(const uint8_t *s, size_t len)
{
	size_t i, start = 0;
	bool numeric = true;

	if (len && s[len - 1] == '.')
		len--;
	if (!len || len > 253)
		return false;
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			size_t l = i - start;

			if (!l || l > 63 || s[start] == '-' || s[i - 1] == '-')
				return false;
			if (i == len && numeric)
				return false;
			start = i + 1;
			numeric = true;
			continue;
		}
		if (!ke_is_ldh(s[i]))
			return false;
		if (!ke_is_digit(s[i]))
			numeric = false;
	}
	return true;
}

int knts_ke_check_server_name(const uint8_t *name, size_t len)
{
	char str[KNTS_KE_SERVER_NAME_MAX + 1];
	unsigned char addr[16];
	size_t i;

	if (!name || !len || len > KNTS_KE_SERVER_NAME_MAX)
		return KNTS_KE_E_SERVER_LEN;
	for (i = 0; i < len; i++)
		if (name[i] <= 0x20 || name[i] >= 0x7f)
			return KNTS_KE_E_SERVER_CHARS;
	memcpy(str, name, len);
	str[len] = '\0';
	if (inet_pton(AF_INET, str, addr) == 1 ||
	    inet_pton(AF_INET6, str, addr) == 1 ||
	    ke_is_dns_name(name, len))
		return 0;
	return KNTS_KE_E_SERVER_SYNTAX;
}

static int ke_parse_response(const uint8_t *buf, size_t len,
			     const uint16_t *offered, size_t n_offered,
			     struct knts_ke_response *resp)
{
	bool has_np = false, has_aead = false;
	size_t off = 0, i;
	struct ke_rec r;
	int ret;

	if (len > KNTS_KE_RESP_LIMIT)
		return KNTS_KE_E_TOO_LARGE;

	for (;;) {
		ret = ke_next(buf, len, &off, &r);
		if (ret)
			return off == len ? KNTS_KE_E_NO_EOM : ret;

		switch (r.type) {
		case KNTS_KE_REC_EOM:
			ret = ke_check_eom(&r, off, len);
			if (ret)
				return ret;
			goto done;
		case KNTS_KE_REC_ERROR:
		case KNTS_KE_REC_WARNING:
			resp->error_code = r.len == 2 ? get16(r.body) :
					   KNTS_KE_ERR_CODE_MALFORMED;
			return r.type == KNTS_KE_REC_ERROR ?
			       KNTS_KE_E_RESP_ERROR : KNTS_KE_E_RESP_WARNING;
		case KNTS_KE_REC_NEXT_PROTO:
			if (has_np)
				return KNTS_KE_E_NP_DUP;
			if (!r.crit)
				return KNTS_KE_E_NP_NOT_CRITICAL;
			if (!r.len)
				return KNTS_KE_E_NP_EMPTY;
			if (r.len != 2)
				return KNTS_KE_E_NP_LEN;
			if (get16(r.body) != KNTS_KE_PROTO_NTPV4)
				return KNTS_KE_E_NP_PROTO;
			has_np = true;
			break;
		case KNTS_KE_REC_AEAD:
			if (has_aead)
				return KNTS_KE_E_AEAD_DUP;
			if (!r.len)
				return KNTS_KE_E_AEAD_EMPTY;
			if (r.len != 2)
				return KNTS_KE_E_AEAD_LEN;
			resp->aead = get16(r.body);
			for (i = 0; i < n_offered; i++)
				if (offered[i] == resp->aead)
					break;
			if (i == n_offered)
				return KNTS_KE_E_AEAD_NOT_OFFERED;
			resp->aead_critical = r.crit;
			has_aead = true;
			break;
		case KNTS_KE_REC_NEW_COOKIE:
			if (!r.len)
				return KNTS_KE_E_COOKIE_EMPTY;
			if (r.len > KNTS_KE_COOKIE_MAX)
				return KNTS_KE_E_COOKIE_TOO_LONG;
			if (r.len % 4)
				return KNTS_KE_E_COOKIE_ALIGN;
			if (resp->n_cookies_seen && r.len != resp->cookie_len)
				return KNTS_KE_E_COOKIE_UNEQUAL;
			resp->cookie_len = r.len;
			if (resp->n_cookies < KNTS_KE_MAX_COOKIES)
				resp->cookie[resp->n_cookies++] = r.body;
			resp->n_cookies_seen++;
			break;
		case KNTS_KE_REC_SERVER:
			if (resp->has_server)
				return KNTS_KE_E_SERVER_DUP;
			ret = knts_ke_check_server_name(r.body, r.len);
			if (ret)
				return ret;
			memcpy(resp->server, r.body, r.len);
			resp->server[r.len] = '\0';
			resp->has_server = true;
			break;
		case KNTS_KE_REC_PORT:
			if (resp->has_port)
				return KNTS_KE_E_PORT_DUP;
			if (r.len != 2)
				return KNTS_KE_E_PORT_LEN;
			if (!get16(r.body))
				return KNTS_KE_E_PORT_ZERO;
			resp->port = get16(r.body);
			resp->has_port = true;
			break;
		case KNTS_KE_REC_CHRONY_GCMSIV_EXPORT:
			if (r.crit)
				return KNTS_KE_E_UNKNOWN_CRITICAL;
			/* with a body it is not chrony's record: ignored */
			if (r.len)
				resp->n_ignored++;
			else
				resp->compliant_gcm = true;
			break;
		default:
			if (r.crit)
				return KNTS_KE_E_UNKNOWN_CRITICAL;
			resp->n_ignored++;
			break;
		}
	}
done:
	if (!has_np)
		return KNTS_KE_E_NP_MISSING;
	if (!has_aead)
		return KNTS_KE_E_AEAD_MISSING;
	if (!resp->n_cookies)
		return KNTS_KE_E_NO_COOKIES;
	return 0;
}

int knts_ke_parse_response(const uint8_t *buf, size_t len,
			   const uint16_t *offered, size_t n_offered,
			   struct knts_ke_response *resp)
{
	int ret;

	memset(resp, 0, sizeof(*resp));
	resp->port = KNTS_KE_DEFAULT_PORT;
	if ((!buf && len) || (!offered && n_offered))
		return KNTS_KE_E_INVAL;
	ret = ke_parse_response(buf, len, offered, n_offered, resp);
	if (ret < 0) {
		/* keep only the error code: nothing else may be used */
		uint16_t code = resp->error_code;

		memset(resp, 0, sizeof(*resp));
		resp->port = KNTS_KE_DEFAULT_PORT;
		resp->error_code = code;
	}
	return ret;
}
