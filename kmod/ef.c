// SPDX-License-Identifier: GPL-2.0
/*
 * NTS extension field codec. See ef.h for the contract.
 *
 * Bounds discipline: the packet length is first limited to 65535 and to a
 * multiple of 4, every EF length is checked against the bytes left before
 * anything inside it is read, and every sum of two lengths fits in 32 bits
 * because each term is at most 65535. Each loop advances by at least 4
 * bytes, so none runs more than 16384 times.
 *
 * Unknown (non-NTS) extension fields are skipped and counted in n_unknown,
 * as chrony and ntpd-rs do (digest P4). Dropping them would only buy
 * NTPsec 1.2.2's bug; the caller may still count or refuse them. They are
 * subject to the same RFC 7822 length rules as the NTS fields.
 */
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>

#include "ntp.h"
#include "ef.h"

static const char * const knts_ef_reason_names[__KNTS_EF_E_MAX] = {
	[KNTS_EF_OK]				= "ok",
	[KNTS_EF_E_SHORT]			= "short",
	[KNTS_EF_E_TOO_LONG]			= "too_long",
	[KNTS_EF_E_ALIGN]			= "align",
	[KNTS_EF_E_NOT_V4]			= "not_v4",
	[KNTS_EF_E_BAD_MODE]			= "bad_mode",
	[KNTS_EF_E_EF_LEN]			= "ef_len",
	[KNTS_EF_E_LAST_EF_SHORT]		= "last_ef_short",
	[KNTS_EF_E_NOT_NTS]			= "not_nts",
	[KNTS_EF_E_NO_UID]			= "no_uid",
	[KNTS_EF_E_DUP_UID]			= "dup_uid",
	[KNTS_EF_E_UID_LEN]			= "uid_len",
	[KNTS_EF_E_NO_COOKIE]			= "no_cookie",
	[KNTS_EF_E_DUP_COOKIE]			= "dup_cookie",
	[KNTS_EF_E_PLACEHOLDER_LEN]		= "placeholder_len",
	[KNTS_EF_E_TOO_MANY_PLACEHOLDERS]	= "too_many_placeholders",
	[KNTS_EF_E_NO_AUTH]			= "no_auth",
	[KNTS_EF_E_DUP_AUTH]			= "dup_auth",
	[KNTS_EF_E_AUTH_NOT_LAST]		= "auth_not_last",
	[KNTS_EF_E_AUTH_LEN]			= "auth_len",
	[KNTS_EF_E_NONCE_LEN]			= "nonce_len",
	[KNTS_EF_E_CT_LEN]			= "ct_len",
	[KNTS_EF_E_COOKIE_IN_CLEAR]		= "cookie_in_clear",
	[KNTS_EF_E_PLACEHOLDER_IN_RESPONSE]	= "placeholder_in_response",
	[KNTS_EF_E_INNER_EF_LEN]		= "inner_ef_len",
	[KNTS_EF_E_INNER_NO_COOKIE]		= "inner_no_cookie",
	[KNTS_EF_E_INNER_COOKIE_EMPTY]		= "inner_cookie_empty",
	[KNTS_EF_E_INNER_COOKIE_LEN]		= "inner_cookie_len",
	[KNTS_EF_E_INNER_TOO_MANY_COOKIES]	= "inner_too_many_cookies",
};

/**
 * knts_ef_reason_name() - stable snake_case name of a rejection reason
 * @reason: an enum knts_ef_reason value, i.e. minus what a parser returned
 *
 * The names are part of the interface (counter names, log lines), so they
 * never change once released. Unknown values give "unknown", never NULL.
 */
const char *knts_ef_reason_name(unsigned int reason)
{
	if (reason >= __KNTS_EF_E_MAX || !knts_ef_reason_names[reason])
		return "unknown";
	return knts_ef_reason_names[reason];
}

/*
 * The checks every NTS packet shares. A multiple-of-4 length is what lets
 * the EF walk always read a whole 4-byte EF header: the header is 48 bytes
 * and every EF (and any legacy MAC) is a multiple of 4 long.
 */
static int knts_ef_check_header(const u8 *pkt, size_t len, unsigned int mode)
{
	if (len < KNTS_NTP_HDR_LEN)
		return -KNTS_EF_E_SHORT;
	if (len > KNTS_NTP_MAX_LEN)
		return -KNTS_EF_E_TOO_LONG;
	if (len % 4)
		return -KNTS_EF_E_ALIGN;
	if (knts_ntp_version(pkt[KNTS_NTP_OFF_LVM]) != KNTS_NTP_VERSION)
		return -KNTS_EF_E_NOT_V4;
	if (knts_ntp_mode(pkt[KNTS_NTP_OFF_LVM]) != mode)
		return -KNTS_EF_E_BAD_MODE;
	return 0;
}

/*
 * Read the EF header at @off (< @len, both multiples of 4) and apply the
 * RFC 7822 rules. The last field must be at least 28 bytes: a shorter one
 * is indistinguishable from a legacy MAC, and NTS packets carry none.
 */
static int knts_ef_next(const u8 *pkt, u32 len, u32 off, u16 *type,
			u32 *ef_len)
{
	u32 rem = len - off;
	u32 l;

	if (rem < KNTS_EF_HDR_LEN)
		return -KNTS_EF_E_EF_LEN;
	*type = knts_get_be16(pkt + off);
	l = knts_get_be16(pkt + off + 2);
	if (l < KNTS_EF_MIN_LEN || l % 4 || l > rem)
		return -KNTS_EF_E_EF_LEN;
	if (l == rem && l < KNTS_EF_LAST_MIN_LEN)
		return -KNTS_EF_E_LAST_EF_SHORT;
	*ef_len = l;
	return 0;
}

/*
 * The Authenticator body: N_LEN(2) C_LEN(2) nonce+pad ciphertext+pad
 * additional-padding. The nonce plus any Additional Padding must reach
 * N_REQ (RFC 8915 s5.6). The RFC requires that of requests only; chrony
 * enforces it on responses too and every server sends 16-byte nonces, so
 * one rule serves both directions. Padding contents are not checked: they
 * are neither authenticated nor used.
 */
static int knts_ef_parse_auth(const u8 *pkt, u32 off, u32 ef_len,
			      struct knts_ef_auth *a)
{
	const u8 *p = pkt + off + KNTS_EF_HDR_LEN;
	u32 body = ef_len - KNTS_EF_HDR_LEN;	/* >= 12, see knts_ef_next() */
	u32 n_len = knts_get_be16(p);
	u32 c_len = knts_get_be16(p + 2);
	u32 n_pad = knts_pad4(n_len);
	u32 c_pad = knts_pad4(c_len);
	u32 extra;

	if (4 + n_pad > body)
		return -KNTS_EF_E_AUTH_LEN;
	if (!n_len)
		return -KNTS_EF_E_NONCE_LEN;
	if (c_len < KNTS_EF_TAG_LEN || 4 + n_pad + c_pad > body)
		return -KNTS_EF_E_CT_LEN;
	extra = body - 4 - n_pad - c_pad;
	if (n_pad + extra < (n_len == KNTS_EF_N_REQ_GCM ? KNTS_EF_N_REQ_GCM :
			     KNTS_EF_N_REQ))
		return -KNTS_EF_E_NONCE_LEN;

	a->off = off;
	a->len = ef_len;
	a->nonce_off = off + KNTS_EF_HDR_LEN + 4;
	a->nonce_len = n_len;
	a->ct_off = a->nonce_off + n_pad;
	a->ct_len = c_len;
	return 0;
}

/*
 * Called at the start of each EF once the authenticator has been seen:
 * whatever follows it is refused (P5), and a second authenticator gets its
 * own reason. @off is 4-aligned and below the aligned @len, so the type
 * is readable.
 */
static int knts_ef_after_auth(const u8 *pkt, u32 off)
{
	if (knts_get_be16(pkt + off) == KNTS_EF_AUTH)
		return -KNTS_EF_E_DUP_AUTH;
	return -KNTS_EF_E_AUTH_NOT_LAST;
}

static int knts_ef_uid(u32 *uid_off, u32 *uid_len, u32 off, u32 ef_len)
{
	u32 body = ef_len - KNTS_EF_HDR_LEN;

	if (*uid_len)
		return -KNTS_EF_E_DUP_UID;
	if (body < KNTS_EF_UID_MIN || body > KNTS_EF_UID_MAX)
		return -KNTS_EF_E_UID_LEN;
	*uid_off = off + KNTS_EF_HDR_LEN;
	*uid_len = body;
	return 0;
}

static int knts_ef_walk_request(const u8 *pkt, u32 len,
				struct knts_ef_req *r)
{
	u32 off, ef_len, body, ph_len = 0;
	u16 type;
	int ret;

	for (off = KNTS_NTP_HDR_LEN; off < len; off += ef_len) {
		if (r->auth.len)
			return knts_ef_after_auth(pkt, off);
		ret = knts_ef_next(pkt, len, off, &type, &ef_len);
		if (ret)
			return ret;
		body = ef_len - KNTS_EF_HDR_LEN;

		switch (type) {
		case KNTS_EF_UID:
			ret = knts_ef_uid(&r->uid_off, &r->uid_len, off,
					  ef_len);
			break;
		case KNTS_EF_COOKIE:
			if (r->cookie_len)
				return -KNTS_EF_E_DUP_COOKIE;
			r->cookie_off = off + KNTS_EF_HDR_LEN;
			r->cookie_len = body;
			break;
		case KNTS_EF_PLACEHOLDER:
			/* The server ignores the contents (RFC 8915 s5.5). */
			if (r->n_placeholders >= KNTS_EF_MAX_PLACEHOLDERS)
				return -KNTS_EF_E_TOO_MANY_PLACEHOLDERS;
			if (r->n_placeholders && body != ph_len)
				return -KNTS_EF_E_PLACEHOLDER_LEN;
			ph_len = body;
			r->n_placeholders++;
			break;
		case KNTS_EF_AUTH:
			ret = knts_ef_parse_auth(pkt, off, ef_len, &r->auth);
			break;
		default:
			r->n_unknown++;
			break;
		}
		if (ret)
			return ret;
	}

	if (!r->cookie_len && !r->n_placeholders && !r->auth.len)
		return -KNTS_EF_E_NOT_NTS;
	if (!r->uid_len)
		return -KNTS_EF_E_NO_UID;
	if (!r->cookie_len)
		return -KNTS_EF_E_NO_COOKIE;
	/* Placeholders may precede the cookie, so compare only now. */
	if (r->n_placeholders && ph_len != r->cookie_len)
		return -KNTS_EF_E_PLACEHOLDER_LEN;
	if (!r->auth.len)
		return -KNTS_EF_E_NO_AUTH;
	return 0;
}

/**
 * knts_ef_parse_request() - check and index an NTS request (mode 3)
 * @pkt: the NTP packet (UDP payload), hostile
 * @len: its length
 * @out: filled with offsets into @pkt on success, zeroed on failure
 *
 * Server side. Requires exactly one UID (32..64 bytes), exactly one cookie,
 * at most 7 placeholders whose bodies are as long as the cookie's, and one
 * authenticator as the very last field with a consistent inner layout.
 * Nothing is decrypted or verified: a return of 0 only means the packet
 * has the shape that makes verification meaningful.
 *
 * Return: 0, or the negative enum knts_ef_reason.
 */
int knts_ef_parse_request(const u8 *pkt, size_t len, struct knts_ef_req *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = knts_ef_check_header(pkt, len, KNTS_NTP_MODE_CLIENT);
	if (!ret)
		ret = knts_ef_walk_request(pkt, (u32)len, out);
	if (ret)
		memset(out, 0, sizeof(*out));
	return ret;
}

static int knts_ef_walk_response(const u8 *pkt, u32 len,
				 struct knts_ef_resp *r)
{
	u32 off, ef_len;
	u16 type;
	int ret;

	for (off = KNTS_NTP_HDR_LEN; off < len; off += ef_len) {
		if (r->auth.len)
			return knts_ef_after_auth(pkt, off);
		ret = knts_ef_next(pkt, len, off, &type, &ef_len);
		if (ret)
			return ret;

		switch (type) {
		case KNTS_EF_UID:
			ret = knts_ef_uid(&r->uid_off, &r->uid_len, off,
					  ef_len);
			break;
		case KNTS_EF_COOKIE:
			/* Cookies travel to the client only encrypted. */
			return -KNTS_EF_E_COOKIE_IN_CLEAR;
		case KNTS_EF_PLACEHOLDER:
			return -KNTS_EF_E_PLACEHOLDER_IN_RESPONSE;
		case KNTS_EF_AUTH:
			ret = knts_ef_parse_auth(pkt, off, ef_len, &r->auth);
			break;
		default:
			r->n_unknown++;
			break;
		}
		if (ret)
			return ret;
	}

	if (r->auth.len)
		return r->uid_len ? 0 : -KNTS_EF_E_NO_UID;

	/*
	 * A NAK (RFC 8915 s5.7) is a KoD "NTSN" that echoes the UID and has
	 * no authenticator. It is unauthenticated: the caller must still
	 * match the UID against an outstanding request before acting on it.
	 */
	if (pkt[KNTS_NTP_OFF_STRATUM] == KNTS_NTP_STRATUM_KOD &&
	    knts_get_be32(pkt + KNTS_NTP_OFF_REFID) == KNTS_NTP_KISS_NTSN) {
		if (!r->uid_len)
			return -KNTS_EF_E_NO_UID;
		r->nak = true;
		return KNTS_EF_NAK;
	}
	return r->uid_len ? -KNTS_EF_E_NO_AUTH : -KNTS_EF_E_NOT_NTS;
}

/**
 * knts_ef_parse_response() - check and index an NTS response (mode 4)
 * @pkt: the NTP packet (UDP payload), hostile
 * @len: its length
 * @out: filled with offsets into @pkt on success or NAK, zeroed on failure
 *
 * Client side. Requires exactly one UID and the authenticator as the last
 * field, and refuses cookies or placeholders outside the ciphertext.
 * Additional Padding after the ciphertext is accepted, since chrony pads
 * its responses up to the request length.
 *
 * Return: 0 for an authenticator-bearing response, KNTS_EF_NAK (> 0) for
 * an NTS NAK (then @out->nak is set and only the UID is valid), or the
 * negative enum knts_ef_reason.
 */
int knts_ef_parse_response(const u8 *pkt, size_t len,
			   struct knts_ef_resp *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = knts_ef_check_header(pkt, len, KNTS_NTP_MODE_SERVER);
	if (!ret)
		ret = knts_ef_walk_response(pkt, (u32)len, out);
	if (ret < 0)
		memset(out, 0, sizeof(*out));
	return ret;
}

/**
 * knts_ef_parse_cookies() - find the cookies in a decrypted response
 * @pt: the plaintext of the authenticator, after a successful SIV open
 * @len: its length (C_LEN - 16)
 * @out: count, common length and offsets into @pt; zeroed on failure
 *
 * Inside the ciphertext the 16/28-byte minimums of RFC 7822 do not apply,
 * but lengths are still multiples of 4 (RFC 8915 s5.6). Even authenticated
 * bytes are checked like hostile ones: the server may be compromised or
 * simply wrong. All cookies must share one length (NTPsec rejects a mix
 * and a cookie jar of one size keeps requests the same size) and at most
 * 8 are taken, so a server cannot make the client hold more than that.
 * Other fields are skipped and counted.
 *
 * Return: 0, or the negative enum knts_ef_reason.
 */
int knts_ef_parse_cookies(const u8 *pt, size_t len,
			  struct knts_ef_cookies *out)
{
	u32 off, ef_len, body;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (len > KNTS_NTP_MAX_LEN || len % 4)
		return -KNTS_EF_E_INNER_EF_LEN;

	for (off = 0; off < len; off += ef_len) {
		ef_len = knts_get_be16(pt + off + 2);
		if (ef_len < KNTS_EF_HDR_LEN || ef_len % 4 ||
		    ef_len > len - off) {
			ret = -KNTS_EF_E_INNER_EF_LEN;
			break;
		}
		if (knts_get_be16(pt + off) != KNTS_EF_COOKIE) {
			out->n_unknown++;
			continue;
		}
		body = ef_len - KNTS_EF_HDR_LEN;
		if (!body) {
			ret = -KNTS_EF_E_INNER_COOKIE_EMPTY;
			break;
		}
		if (out->count && body != out->len) {
			ret = -KNTS_EF_E_INNER_COOKIE_LEN;
			break;
		}
		if (out->count >= KNTS_EF_MAX_COOKIES) {
			ret = -KNTS_EF_E_INNER_TOO_MANY_COOKIES;
			break;
		}
		out->len = body;
		out->off[out->count++] = off + KNTS_EF_HDR_LEN;
	}
	if (!ret && !out->count)
		ret = -KNTS_EF_E_INNER_NO_COOKIE;
	if (ret)
		memset(out, 0, sizeof(*out));
	return ret;
}

/**
 * knts_ef_len() - total length of an EF with a body of @body_len bytes
 * @body_len: unpadded body length
 *
 * Return: header plus padded body, or 0 when that does not fit the 16-bit
 * length field.
 */
u32 knts_ef_len(u32 body_len)
{
	if (body_len > KNTS_EF_MAX_LEN - KNTS_EF_HDR_LEN)
		return 0;
	return KNTS_EF_HDR_LEN + knts_pad4(body_len);
}

/**
 * knts_ef_auth_len() - length of an authenticator without extra padding
 * @nonce_len: unpadded nonce length
 * @ct_len: unpadded ciphertext length (tag included)
 *
 * Return: the EF length, or 0 when it does not fit the 16-bit field.
 */
u32 knts_ef_auth_len(u32 nonce_len, u32 ct_len)
{
	u32 n;

	if (nonce_len > KNTS_EF_MAX_LEN || ct_len > KNTS_EF_MAX_LEN)
		return 0;
	n = KNTS_EF_HDR_LEN + 4 + knts_pad4(nonce_len) + knts_pad4(ct_len);
	return n > KNTS_EF_MAX_LEN ? 0 : n;
}

/**
 * knts_ef_request_len() - size of the request knts sends as a client
 * @uid_len: UID body length
 * @cookie_len: cookie body length
 * @n_placeholders: placeholders, 0..7
 *
 * The shape every peer accepts (digest P3): UID, cookie, placeholders,
 * then a 40-byte authenticator with a 16-byte nonce and nothing encrypted.
 *
 * Return: the NTP payload length, or 0 for impossible arguments.
 */
u32 knts_ef_request_len(u32 uid_len, u32 cookie_len, u32 n_placeholders)
{
	return knts_ef_request_len_n(uid_len, cookie_len, n_placeholders,
				     KNTS_EF_NONCE_LEN);
}

u32 knts_ef_request_len_n(u32 uid_len, u32 cookie_len, u32 n_placeholders,
			  u32 nonce_len)
{
	u32 uid = knts_ef_len(uid_len), cookie = knts_ef_len(cookie_len);
	u32 n;

	if (!uid || !cookie || n_placeholders > KNTS_EF_MAX_PLACEHOLDERS ||
	    nonce_len > KNTS_EF_NONCE_LEN)
		return 0;
	n = KNTS_NTP_HDR_LEN + uid + (1 + n_placeholders) * cookie +
	    knts_ef_auth_len(nonce_len, KNTS_EF_TAG_LEN);
	return n > KNTS_NTP_MAX_LEN ? 0 : n;
}

/**
 * knts_ef_response_len() - size of the response knts sends as a server
 * @uid_len: UID body length (echoed)
 * @cookie_len: body length of each new cookie
 * @n_cookies: new cookies in the ciphertext, 1..8
 *
 * Shape (digest P2): UID, then the authenticator last with a 16-byte
 * nonce, ciphertext = tag + cookie EFs, and no padding of any kind, so
 * that NTPsec, which decrypts up to the end of the packet, reads it right.
 * For equal cookie lengths this equals knts_ef_request_len() with
 * n_cookies - 1 placeholders: that is why placeholders exist.
 *
 * Return: the NTP payload length, or 0 for impossible arguments.
 */
u32 knts_ef_response_len(u32 uid_len, u32 cookie_len, u32 n_cookies)
{
	return knts_ef_response_len_n(uid_len, cookie_len, n_cookies,
				      KNTS_EF_NONCE_LEN);
}

u32 knts_ef_response_len_n(u32 uid_len, u32 cookie_len, u32 n_cookies,
			   u32 nonce_len)
{
	u32 uid = knts_ef_len(uid_len), cookie = knts_ef_len(cookie_len);
	u32 auth;

	if (!uid || !cookie || !n_cookies || n_cookies > KNTS_EF_MAX_COOKIES ||
	    nonce_len > KNTS_EF_NONCE_LEN)
		return 0;
	auth = knts_ef_auth_len(nonce_len,
				KNTS_EF_TAG_LEN + n_cookies * cookie);
	if (!auth || KNTS_NTP_HDR_LEN + uid + auth > KNTS_NTP_MAX_LEN)
		return 0;
	return KNTS_NTP_HDR_LEN + uid + auth;
}

/**
 * knts_ef_response_cookies() - how many new cookies the response may carry
 * @req_len: length of the request being answered
 * @req: that request, as parsed
 * @new_cookie_len: body length of the cookies knts will mint
 *
 * One per cookie plus one per placeholder (RFC 8915 s5.7), at most 8, and
 * never so many that the response outgrows the request: NTS must not be an
 * amplifier (RFC 8915 s5.7, P7). With same-size cookies all of them fit.
 *
 * Return: the count, 0 when not even one cookie fits.
 */
u32 knts_ef_response_cookies(size_t req_len, const struct knts_ef_req *req,
			     u32 new_cookie_len)
{
	return knts_ef_response_cookies_n(req_len, req, new_cookie_len,
					  KNTS_EF_NONCE_LEN);
}

u32 knts_ef_response_cookies_n(size_t req_len, const struct knts_ef_req *req,
			       u32 new_cookie_len, u32 nonce_len)
{
	u32 n = 1 + req->n_placeholders;
	u32 i;

	if (n > KNTS_EF_MAX_COOKIES)
		n = KNTS_EF_MAX_COOKIES;
	for (i = 0; i < KNTS_EF_MAX_COOKIES && n; i++, n--) {
		u32 l = knts_ef_response_len_n(req->uid_len, new_cookie_len, n,
					       nonce_len);

		if (l && l <= req_len)
			return n;
	}
	return 0;
}

/**
 * knts_ef_request_placeholders() - placeholders a client request carries
 * @held: cookies in the jar before this request takes one, 1..8
 * @cookie_len: their body length
 *
 * As many as bring the jar back to 8 once the reply returns one cookie per
 * cookie and placeholder (RFC 8915 s5.7), but never more cookie bytes than
 * KNTS_EF_MAX_COOKIE_BYTES in one request: chrony's rule, so knts and
 * chrony send requests of the same sizes.
 *
 * Return: 0..7.
 */
u32 knts_ef_request_placeholders(u32 held, u32 cookie_len)
{
	u32 fit, n;

	if (!held || held > KNTS_EF_MAX_COOKIES ||
	    cookie_len > KNTS_EF_MAX_COOKIE_BYTES)
		return 0;
	fit = KNTS_EF_MAX_COOKIE_BYTES / (KNTS_EF_HDR_LEN + cookie_len);
	if (!fit)
		return 0;
	n = KNTS_EF_MAX_COOKIES - held;
	if (n > fit - 1)
		n = fit - 1;
	return n > KNTS_EF_MAX_PLACEHOLDERS ? KNTS_EF_MAX_PLACEHOLDERS : n;
}

/* Header and zero-padded body; the caller has checked @cap >= total. */
static u32 knts_ef_put(u8 *out, u16 type, const u8 *body, u32 body_len)
{
	u32 total = knts_ef_len(body_len);

	knts_put_be16(out, type);
	knts_put_be16(out + 2, (u16)total);
	if (!body)
		memset(out + KNTS_EF_HDR_LEN, 0, body_len);
	else if (body != out + KNTS_EF_HDR_LEN)	/* else sealed in place */
		memmove(out + KNTS_EF_HDR_LEN, body, body_len);
	memset(out + KNTS_EF_HDR_LEN + body_len, 0,
	       total - KNTS_EF_HDR_LEN - body_len);
	return total;
}

/**
 * knts_ef_put_uid() - write a Unique Identifier EF
 * @out: destination
 * @cap: bytes available at @out
 * @uid: the identifier (may overlap @out, for an in-place NAK)
 * @uid_len: 32..64
 *
 * Return: bytes written, -EINVAL for a bad length, -ENOSPC if it does not fit.
 */
int knts_ef_put_uid(u8 *out, size_t cap, const u8 *uid, u32 uid_len)
{
	if (uid_len < KNTS_EF_UID_MIN || uid_len > KNTS_EF_UID_MAX)
		return -EINVAL;
	if (cap < knts_ef_len(uid_len))
		return -ENOSPC;
	return knts_ef_put(out, KNTS_EF_UID, uid, uid_len);
}

/**
 * knts_ef_put_cookie() - write an NTS Cookie EF
 * @out: destination
 * @cap: bytes available at @out
 * @cookie: the cookie; may be @out + 4, where its EF's body goes
 * @len: its length, at least 1
 *
 * Used in the clear by clients and inside the plaintext by servers. In
 * the clear the EF must be at least 16 bytes, so @len must be >= 12 there;
 * knts cookies are far longer, so that is not checked here.
 *
 * Return: bytes written, -EINVAL for a bad length, -ENOSPC if it does not fit.
 */
int knts_ef_put_cookie(u8 *out, size_t cap, const u8 *cookie, u32 len)
{
	u32 total = knts_ef_len(len);

	if (!len || !total)
		return -EINVAL;
	if (cap < total)
		return -ENOSPC;
	return knts_ef_put(out, KNTS_EF_COOKIE, cookie, len);
}

/**
 * knts_ef_put_placeholder() - write an all-zero Cookie Placeholder EF
 * @out: destination
 * @cap: bytes available at @out
 * @body_len: the length of the cookie it stands for
 *
 * Zero bodies because ntpd-rs refuses anything else (P9).
 *
 * Return: bytes written, -EINVAL for a bad length, -ENOSPC if it does not fit.
 */
int knts_ef_put_placeholder(u8 *out, size_t cap, u32 body_len)
{
	u32 total = knts_ef_len(body_len);

	if (!total || total < KNTS_EF_MIN_LEN)
		return -EINVAL;
	if (cap < total)
		return -ENOSPC;
	return knts_ef_put(out, KNTS_EF_PLACEHOLDER, NULL, body_len);
}

/**
 * knts_ef_put_auth() - write the head of an Authenticator EF
 * @out: destination, room for the whole EF (knts_ef_auth_len())
 * @cap: bytes available at @out
 * @nonce: the nonce
 * @nonce_len: at least N_REQ (16; 12 for GCM-SIV), so no Additional
 *	Padding is ever needed
 * @ct_len: length of the SIV output to come: 16-byte tag + ciphertext
 *
 * Writes type, length, N_LEN, C_LEN, the padded nonce and zeroes the
 * ciphertext padding, leaving @ct_len bytes at @out + return value for the
 * caller to fill once the associated data before @out is final. No
 * Additional Padding is emitted (P2), and the ciphertext of a response is
 * a tag plus whole EFs, so it needs no padding either.
 *
 * Return: offset of the ciphertext from @out, -EINVAL, or -ENOSPC.
 */
int knts_ef_put_auth(u8 *out, size_t cap, const u8 *nonce, u32 nonce_len,
		     u32 ct_len)
{
	u32 total = knts_ef_auth_len(nonce_len, ct_len);
	u32 ct_off = KNTS_EF_AUTH_FIXED + knts_pad4(nonce_len);

	if (!total || nonce_len < KNTS_EF_N_REQ_GCM ||
	    ct_len < KNTS_EF_TAG_LEN)
		return -EINVAL;
	if (cap < total)
		return -ENOSPC;
	knts_put_be16(out, KNTS_EF_AUTH);
	knts_put_be16(out + 2, (u16)total);
	knts_put_be16(out + 4, (u16)nonce_len);
	knts_put_be16(out + 6, (u16)ct_len);
	memcpy(out + KNTS_EF_AUTH_FIXED, nonce, nonce_len);
	memset(out + KNTS_EF_AUTH_FIXED + nonce_len, 0, ct_off -
	       KNTS_EF_AUTH_FIXED - nonce_len);
	memset(out + ct_off + ct_len, 0, total - ct_off - ct_len);
	return (int)ct_off;
}

/**
 * knts_ef_build_nak() - build an NTS NAK answering a request
 * @out: destination; may be the request buffer itself (in-place rewrite)
 * @cap: bytes available at @out
 * @req: the request packet
 * @req_len: its length
 * @info: what knts_ef_parse_request() returned for @req
 *
 * The Kiss-o'-Death of RFC 8915 s5.7 in the shape chrony sends (digest
 * 3.7): LI 3, VN 4, mode 4, stratum 0, kiss code NTSN, the request's poll
 * and its transmit timestamp as origin, then the echoed UID and nothing
 * else: no cookie, no authenticator. Receive and transmit timestamps are
 * left zero for the caller to fill if it wants to.
 *
 * Return: the NAK length (84 for a 32-byte UID), -EINVAL or -ENOSPC.
 */
int knts_ef_build_nak(u8 *out, size_t cap, const u8 *req, size_t req_len,
		      const struct knts_ef_req *info)
{
	u8 tx[KNTS_NTP_TS_LEN];
	u32 total;
	u8 poll;
	int ret;

	if (req_len < KNTS_NTP_HDR_LEN || req_len > KNTS_NTP_MAX_LEN ||
	    info->uid_off < KNTS_NTP_HDR_LEN ||
	    info->uid_len < KNTS_EF_UID_MIN ||
	    info->uid_len > KNTS_EF_UID_MAX ||
	    info->uid_off > req_len - info->uid_len)
		return -EINVAL;
	total = KNTS_NTP_HDR_LEN + knts_ef_len(info->uid_len);
	if (cap < total)
		return -ENOSPC;

	/* Save what we need before an in-place rewrite overwrites it. */
	memcpy(tx, req + KNTS_NTP_OFF_TX, sizeof(tx));
	poll = req[KNTS_NTP_OFF_POLL];

	/* The UID first: it may sit anywhere in the (same) buffer. */
	ret = knts_ef_put_uid(out + KNTS_NTP_HDR_LEN, cap - KNTS_NTP_HDR_LEN,
			      req + info->uid_off, info->uid_len);
	if (ret < 0)
		return ret;

	memset(out, 0, KNTS_NTP_HDR_LEN);
	out[KNTS_NTP_OFF_LVM] = KNTS_NTP_LVM_KOD;
	out[KNTS_NTP_OFF_STRATUM] = KNTS_NTP_STRATUM_KOD;
	out[KNTS_NTP_OFF_POLL] = poll;
	knts_put_be32(out + KNTS_NTP_OFF_REFID, KNTS_NTP_KISS_NTSN);
	memcpy(out + KNTS_NTP_OFF_ORIGIN, tx, sizeof(tx));
	return (int)total;
}
