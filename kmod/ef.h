/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS extension field codec (RFC 8915 s5, RFC 7822): parse NTS requests
 * and responses, parse the cookies inside a decrypted response, and build
 * the fields and the NAK. No crypto, no allocation, no skb: the same file
 * runs in softirq on attacker bytes and in the userspace tests and fuzzer.
 *
 * Every parser takes a flat buffer and its length, checks every length it
 * reads before it uses it, and reports offsets (never pointers) into that
 * buffer, so the caller can re-derive them against a linearised skb.
 */
#ifndef _KNTS_EF_H
#define _KNTS_EF_H

#include <linux/types.h>

#include "ntp.h"

/*
 * Why a packet was refused. The parsers return the negative value; 0 is
 * success. The values are dense so that a caller can map them onto a block
 * of per-netns counters; append only, never renumber, because the names
 * (knts_ef_reason_name()) appear in counters and logs.
 */
enum knts_ef_reason {
	KNTS_EF_OK,
	KNTS_EF_E_SHORT,		/* shorter than the 48-byte header */
	KNTS_EF_E_TOO_LONG,		/* longer than any UDP payload */
	KNTS_EF_E_ALIGN,		/* length not a multiple of 4 */
	KNTS_EF_E_NOT_V4,		/* version is not 4: no EFs defined */
	KNTS_EF_E_BAD_MODE,		/* not mode 3 (request) / 4 (response) */
	KNTS_EF_E_EF_LEN,		/* EF < 16, not 4-aligned or past the end */
	KNTS_EF_E_LAST_EF_SHORT,	/* last EF < 28: reads as a MAC */
	KNTS_EF_E_NOT_NTS,		/* no NTS field at all: plain NTP */
	KNTS_EF_E_NO_UID,
	KNTS_EF_E_DUP_UID,
	KNTS_EF_E_UID_LEN,		/* UID body not 32..64 bytes */
	KNTS_EF_E_NO_COOKIE,
	KNTS_EF_E_DUP_COOKIE,
	KNTS_EF_E_PLACEHOLDER_LEN,	/* placeholder body != cookie body */
	KNTS_EF_E_TOO_MANY_PLACEHOLDERS,
	KNTS_EF_E_NO_AUTH,
	KNTS_EF_E_DUP_AUTH,
	KNTS_EF_E_AUTH_NOT_LAST,	/* anything after the authenticator */
	KNTS_EF_E_AUTH_LEN,		/* nonce runs past the authenticator */
	KNTS_EF_E_NONCE_LEN,		/* empty, or nonce + padding < N_REQ */
	KNTS_EF_E_CT_LEN,		/* ciphertext < tag or past the EF */
	KNTS_EF_E_COOKIE_IN_CLEAR,	/* response carries an unencrypted cookie */
	KNTS_EF_E_PLACEHOLDER_IN_RESPONSE,
	KNTS_EF_E_INNER_EF_LEN,		/* plaintext EF not 4-aligned or too long */
	KNTS_EF_E_INNER_NO_COOKIE,	/* plaintext holds no cookie */
	KNTS_EF_E_INNER_COOKIE_EMPTY,	/* zero-length cookie */
	KNTS_EF_E_INNER_COOKIE_LEN,	/* cookies of different lengths */
	KNTS_EF_E_INNER_TOO_MANY_COOKIES,
	__KNTS_EF_E_MAX
};

/*
 * Returned (positive) by knts_ef_parse_response() for an NTS NAK: it is
 * neither an error nor an authenticated response, and a caller that only
 * tests for zero must not mistake it for one.
 */
#define KNTS_EF_NAK			1

/* UID body limits: RFC 8915 s5.3 says at least 32; NTPsec takes up to 64. */
#define KNTS_EF_UID_MIN			32
#define KNTS_EF_UID_MAX			64
/* Clients ask for 8 cookies at most, so a request carries <= 7 placeholders. */
#define KNTS_EF_MAX_PLACEHOLDERS	7
#define KNTS_EF_MAX_COOKIES		8
/*
 * The most cookie bytes (EF headers included) a client asks for in one
 * request: chrony's bound, which keeps any request far below the 1280
 * bytes an IPv6 path never fragments.
 */
#define KNTS_EF_MAX_COOKIE_BYTES	(8 * 108)
/*
 * N_REQ (RFC 8915 s5.6) for the AES-SIV-CMAC AEADs, whose N_MAX is
 * unbounded: nonce plus Additional Padding must reach 16 bytes. For
 * AES-128-GCM-SIV (N_MAX = 12) it is 12, with a nonce of exactly 12
 * bytes. The parser does not know the AEAD yet, so it lets a 12-byte
 * nonce pass with 12 bytes of room and the AEAD layer holds each
 * algorithm to its own rule (aead.h, knts_ef_auth_room()).
 */
#define KNTS_EF_N_REQ			16
#define KNTS_EF_N_REQ_GCM		12
#define KNTS_EF_TAG_LEN			16
/* What knts emits: a 16-byte nonce and an 8-byte N_LEN/C_LEN prefix. */
#define KNTS_EF_NONCE_LEN		16
#define KNTS_EF_AUTH_FIXED		8

/*
 * The Authenticator and Encrypted Extension Fields EF. @off is where the
 * EF starts and hence the length of the associated data: A = pkt[0, off).
 * @ct_off/@ct_len cover the SIV output, the 16-byte tag V followed by the
 * encrypted fields; padding is excluded from both nonce and ciphertext.
 */
struct knts_ef_auth {
	u32 off;
	u32 len;
	u32 nonce_off;
	u32 nonce_len;
	u32 ct_off;
	u32 ct_len;
};

/* A parsed NTS request (mode 3). Offsets are into the packet. */
struct knts_ef_req {
	u32 uid_off;		/* UID body; @uid_len includes its padding */
	u32 uid_len;
	u32 cookie_off;		/* cookie body */
	u32 cookie_len;
	u32 n_placeholders;	/* each with a body of @cookie_len bytes */
	u32 n_unknown;		/* non-NTS EFs skipped, see ef.c */
	struct knts_ef_auth auth;
};

/* A parsed NTS response (mode 4), or a NAK when @nak is set. */
struct knts_ef_resp {
	u32 uid_off;
	u32 uid_len;
	u32 n_unknown;
	bool nak;		/* then @auth is all zero */
	struct knts_ef_auth auth;
};

/* The cookies found in a decrypted response plaintext. */
struct knts_ef_cookies {
	u32 count;
	u32 len;			/* body length, the same for all */
	u32 off[KNTS_EF_MAX_COOKIES];	/* body offsets into the plaintext */
	u32 n_unknown;
};

int knts_ef_parse_request(const u8 *pkt, size_t len, struct knts_ef_req *out);
int knts_ef_parse_response(const u8 *pkt, size_t len,
			   struct knts_ef_resp *out);
int knts_ef_parse_cookies(const u8 *pt, size_t len,
			  struct knts_ef_cookies *out);

const char *knts_ef_reason_name(unsigned int reason);

/* EF lengths, and the sizes and cookie counts that follow from them. */
u32 knts_ef_len(u32 body_len);
u32 knts_ef_auth_len(u32 nonce_len, u32 ct_len);
u32 knts_ef_request_len(u32 uid_len, u32 cookie_len, u32 n_placeholders);
u32 knts_ef_response_len(u32 uid_len, u32 cookie_len, u32 n_cookies);
u32 knts_ef_response_cookies(size_t req_len, const struct knts_ef_req *req,
			     u32 new_cookie_len);
/* The same for another nonce length than 16 (12 under AES-128-GCM-SIV). */
u32 knts_ef_request_len_n(u32 uid_len, u32 cookie_len, u32 n_placeholders,
			  u32 nonce_len);
u32 knts_ef_response_len_n(u32 uid_len, u32 cookie_len, u32 n_cookies,
			   u32 nonce_len);
u32 knts_ef_response_cookies_n(size_t req_len, const struct knts_ef_req *req,
			       u32 new_cookie_len, u32 nonce_len);

/*
 * Nonce, nonce padding and Additional Padding of a parsed authenticator:
 * what RFC 8915 s5.6 holds to N_REQ.
 */
static inline u32 knts_ef_auth_room(const struct knts_ef_auth *a)
{
	return a->len - KNTS_EF_HDR_LEN - 4 - ((a->ct_len + 3) & ~3u);
}

u32 knts_ef_request_placeholders(u32 held, u32 cookie_len);

/* Builders: return the bytes written, or -EINVAL / -ENOSPC. */
int knts_ef_put_uid(u8 *out, size_t cap, const u8 *uid, u32 uid_len);
int knts_ef_put_cookie(u8 *out, size_t cap, const u8 *cookie, u32 len);
int knts_ef_put_placeholder(u8 *out, size_t cap, u32 body_len);
int knts_ef_put_auth(u8 *out, size_t cap, const u8 *nonce, u32 nonce_len,
		     u32 ct_len);
int knts_ef_build_nak(u8 *out, size_t cap, const u8 *req, size_t req_len,
		      const struct knts_ef_req *info);

#endif /* _KNTS_EF_H */
