/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS-KE (RFC 8915 section 4) record codec: framing, server-side request
 * validation, response building, client-side request building and
 * response validation. Pure C over caller buffers: no allocation, no I/O,
 * no TLS. ntskd feeds it the plaintext it reads from / writes to TLS.
 *
 * Record: C(1) | Type(15) | BodyLength(16) | Body, big-endian; the length
 * counts the body only. A message is a sequence of records ending with
 * End of Message (type 0, C set, empty body).
 *
 * Return convention: every function returns a value >= 0 on success and a
 * negative KNTS_KE_E_* reason code on failure. Reason codes are stable
 * (logs and counters may use the number); knts_ke_strreason() names them.
 *
 * Lifetimes: the parsers copy nothing but the Server name. Pointers they
 * store in the output structs (NP/AEAD lists, Server preference, cookies)
 * point into the caller's input buffer and are valid only as long as that
 * buffer is alive and unchanged.
 */
#ifndef KNTS_KE_RECORD_H
#define KNTS_KE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/knts.h>	/* enum knts_aead: 15, 16, 17 */

/* Record header */
#define KNTS_KE_HDR_LEN			4
#define KNTS_KE_CRITICAL		0x8000u	/* C bit in the first 16 bits */
#define KNTS_KE_TYPE_MASK		0x7fffu
#define KNTS_KE_BODY_MAX		0xffffu

/* Record types (RFC 8915 section 4.1, IANA "NTS Key Establishment Record Types") */
#define KNTS_KE_REC_EOM			0
#define KNTS_KE_REC_NEXT_PROTO		1
#define KNTS_KE_REC_ERROR		2
#define KNTS_KE_REC_WARNING		3
#define KNTS_KE_REC_AEAD		4
#define KNTS_KE_REC_NEW_COOKIE		5
#define KNTS_KE_REC_SERVER		6
#define KNTS_KE_REC_PORT		7
/*
 * chrony's "compliant AES-128-GCM-SIV exporter" record (NKE_RECORD_
 * COMPLIANT_128GCM_EXPORT in chrony >= 4.6.1's nts_ke.h): non-critical,
 * empty body, outside the IANA registry. A client sends it when it offers
 * AEAD 30; a server echoes it when it chose 30. Only then do both export
 * the AEAD-30 keys with the RFC's context (AEAD ID 30); otherwise chrony
 * (4.4 and later, for compatibility) uses the context of AEAD 15 with the
 * 16-byte length of AEAD 30 (exporter.h).
 */
#define KNTS_KE_REC_CHRONY_GCMSIV_EXPORT 1024

/* Error codes (RFC 8915 section 4.1.3); no Warning codes are defined */
#define KNTS_KE_ERR_UNRECOGNIZED_CRITICAL 0
#define KNTS_KE_ERR_BAD_REQUEST		1
#define KNTS_KE_ERR_INTERNAL		2
/* resp->error_code when an Error/Warning record body is not 2 bytes */
#define KNTS_KE_ERR_CODE_MALFORMED	0xffffu

/* Next Protocol IDs */
#define KNTS_KE_PROTO_NTPV4		0

#define KNTS_KE_AEAD_NONE		(-1)	/* no common algorithm */

/* Limits */
#define KNTS_KE_REQ_LIMIT		16384	/* server: max request (as chrony) */
#define KNTS_KE_RESP_LIMIT		65536	/* client: max response (RFC SHOULD >= 65536) */
#define KNTS_KE_MAX_COOKIES		8	/* cookies a client keeps */
#define KNTS_KE_COOKIE_MAX		256	/* longest cookie a client accepts */
#define KNTS_KE_SERVER_NAME_MAX		255	/* Server record body < 256 bytes */
#define KNTS_KE_DEFAULT_PORT		123

/*
 * Reason codes. 0 is success; everything else is negative and stable.
 * Do not renumber: add new codes at the end of a block.
 */
enum knts_ke_reason {
	KNTS_KE_OK			= 0,
	/* arguments and output space */
	KNTS_KE_E_INVAL			= -1,	/* bad arguments to a builder */
	KNTS_KE_E_NOSPC			= -2,	/* output buffer too small */
	/* framing */
	KNTS_KE_E_TOO_LARGE		= -3,	/* no End of Message within the limit */
	KNTS_KE_E_TRUNCATED		= -4,	/* record runs past the end of the input */
	KNTS_KE_E_NO_EOM		= -5,	/* input ends without End of Message */
	KNTS_KE_E_EOM_NOT_CRITICAL	= -6,
	KNTS_KE_E_EOM_BODY		= -7,	/* End of Message with a body */
	KNTS_KE_E_TRAILING		= -8,	/* bytes after End of Message */
	KNTS_KE_E_UNKNOWN_CRITICAL	= -9,	/* unrecognised record with C set */
	/* Next Protocol record */
	KNTS_KE_E_NP_MISSING		= -10,
	KNTS_KE_E_NP_DUP		= -11,
	KNTS_KE_E_NP_NOT_CRITICAL	= -12,
	KNTS_KE_E_NP_ODD		= -13,	/* request: body length odd */
	KNTS_KE_E_NP_EMPTY		= -14,	/* request: no IDs; response: NTPv4 refused */
	KNTS_KE_E_NP_LEN		= -15,	/* response: body not exactly 2 bytes */
	KNTS_KE_E_NP_PROTO		= -16,	/* response: protocol other than NTPv4 */
	/* AEAD record */
	KNTS_KE_E_AEAD_MISSING		= -20,
	KNTS_KE_E_AEAD_DUP		= -21,
	KNTS_KE_E_AEAD_ODD		= -22,	/* request: body length odd */
	KNTS_KE_E_AEAD_EMPTY		= -23,	/* request: no IDs; response: no common AEAD */
	KNTS_KE_E_AEAD_LEN		= -24,	/* response: body not exactly 2 bytes */
	KNTS_KE_E_AEAD_NOT_OFFERED	= -25,	/* response: an AEAD we did not offer */
	/* records a client must not send (server side) */
	KNTS_KE_E_REQ_ERROR_REC		= -30,
	KNTS_KE_E_REQ_WARNING_REC	= -31,
	KNTS_KE_E_REQ_COOKIE_REC	= -32,
	/* response validation (client side) */
	KNTS_KE_E_RESP_ERROR		= -40,	/* server sent Error; see resp->error_code */
	KNTS_KE_E_RESP_WARNING		= -41,	/* server sent Warning; see resp->error_code */
	KNTS_KE_E_NO_COOKIES		= -42,
	KNTS_KE_E_COOKIE_EMPTY		= -43,
	KNTS_KE_E_COOKIE_TOO_LONG	= -44,	/* > KNTS_KE_COOKIE_MAX */
	KNTS_KE_E_COOKIE_ALIGN		= -45,	/* length not a multiple of 4 */
	KNTS_KE_E_COOKIE_UNEQUAL	= -46,	/* cookies of different lengths */
	KNTS_KE_E_SERVER_DUP		= -47,
	KNTS_KE_E_SERVER_LEN		= -48,	/* empty or > KNTS_KE_SERVER_NAME_MAX */
	KNTS_KE_E_SERVER_CHARS		= -49,	/* not printable ASCII, or a space */
	KNTS_KE_E_SERVER_SYNTAX		= -50,	/* not IPv4, IPv6 or a DNS name */
	KNTS_KE_E_PORT_DUP		= -51,
	KNTS_KE_E_PORT_LEN		= -52,	/* body not exactly 2 bytes */
	KNTS_KE_E_PORT_ZERO		= -53,
};

/* Name of a reason code ("ok", "np-missing", ...); never NULL. */
const char *knts_ke_strreason(int reason);

/*
 * Error code a server sends for a failed knts_ke_parse_request() (or a
 * framing failure): 0 for an unknown critical record, 2 for KNTS_KE_E_INVAL
 * and KNTS_KE_E_NOSPC, 1 (Bad Request) for everything else.
 */
uint16_t knts_ke_reason_to_error(int reason);

/* Big-endian u16 number i of a list body (NP or AEAD) */
static inline uint16_t knts_ke_list_get(const uint8_t *list, size_t i)
{
	return (uint16_t)(list[2 * i] << 8 | list[2 * i + 1]);
}

/* true for the AEADs we implement: 15, 16, 17 */
bool knts_ke_aead_supported(int aead);
/* Key length (C2S = S2C) of a supported AEAD, 0 otherwise */
size_t knts_ke_aead_key_len(int aead);

/* ---- Framing ---------------------------------------------------------- */

/*
 * Streaming framer. Feed it the whole buffer received so far (the bytes
 * already fed must not change; the buffer may move). It remembers where the
 * last complete record ended so each call only looks at new bytes.
 *
 * Returns:
 *   > 0  a complete message is present: its length, up to and including
 *        End of Message. Bytes after it are not part of the message (a
 *        server must then refuse the request: pass all received bytes to
 *        knts_ke_parse_request(), which reports KNTS_KE_E_TRAILING).
 *   0    more bytes are needed.
 *   < 0  KNTS_KE_E_TOO_LARGE (no complete message within limit bytes;
 *        detected as soon as a record header shows that the record plus
 *        an End of Message cannot fit, before its body arrives) or
 *        KNTS_KE_E_EOM_BODY (End of Message with a body).
 * Once it returned non-zero it keeps returning the same value.
 */
struct knts_ke_framer {
	size_t limit;
	size_t next;	/* offset of the next record header */
	int result;	/* final result once known, else 0 */
};

void knts_ke_framer_init(struct knts_ke_framer *f, size_t limit);
int knts_ke_framer_feed(struct knts_ke_framer *f, const uint8_t *buf, size_t len);
/* One-shot form of the above */
int knts_ke_frame(const uint8_t *buf, size_t len, size_t limit);

/* ---- Server side ------------------------------------------------------ */

enum knts_ke_req_outcome {
	/* NP contains NTPv4: answer NP{0}, AEAD{choice}, cookies */
	KNTS_KE_REQ_NTPV4	= 0,
	/*
	 * NP lacks NTPv4 (e.g. NP{1}): answer an EMPTY NP record and EOM,
	 * no AEAD record, no cookies (chrony's behaviour).
	 */
	KNTS_KE_REQ_NO_NTPV4	= 1,
};

struct knts_ke_request {
	/* both lists point into the input: n_* big-endian u16 each */
	const uint8_t *np;
	size_t n_np;
	const uint8_t *aead;		/* client order; NULL when no record */
	size_t n_aead;
	bool aead_critical;
	/* Server/Port preference (records 6/7): recorded, ignored by us */
	const uint8_t *server_pref;	/* not NUL-terminated; NULL if absent */
	size_t server_pref_len;
	bool has_port_pref;
	uint16_t port_pref;		/* valid when has_port_pref */
	unsigned int n_ignored;		/* unknown non-critical records skipped */
	bool compliant_gcm;		/* record 1024, empty, was sent */
	size_t msg_len;			/* bytes up to and including EOM */
	uint16_t error_code;		/* on failure: the Error code to send */
};

/*
 * Validate a complete request (buf/len: everything received, normally the
 * framer's length). Returns a knts_ke_req_outcome (>= 0) or a negative
 * reason; on failure req->error_code holds the code for knts_ke_build_error().
 *
 * Rules (RFC 8915 4.1, chrony 4.3 as reference for the server's reaction):
 * exactly one NP record, critical, even and non-empty body; exactly one
 * AEAD record (C bit either way), even, non-empty body, required when NP
 * offers NTPv4; Error/Warning/New Cookie records -> Bad Request; unknown
 * critical record -> Error 0; unknown non-critical, Server, Port records
 * -> ignored; End of Message critical, empty, once, last. Records are
 * checked in order; the first failure decides.
 */
int knts_ke_parse_request(const uint8_t *buf, size_t len,
			  struct knts_ke_request *req);

/*
 * First AEAD in the client's list that is in supported[] and that we
 * implement (15/16/17). Returns the ID or KNTS_KE_AEAD_NONE.
 */
int knts_ke_choose_aead(const struct knts_ke_request *req,
			const uint16_t *supported, size_t n_supported);

struct knts_ke_resp_params {
	bool ntpv4;		/* false: NP{} + EOM only (KNTS_KE_REQ_NO_NTPV4) */
	int aead;		/* KNTS_KE_AEAD_NONE: NP{0} AEAD{} EOM, no cookies */
	uint16_t port;		/* 0 or 123: no Port record */
	const char *server;	/* NULL: no Server record */
	const uint8_t *cookies;	/* n_cookies * cookie_len bytes, back to back */
	size_t cookie_len;	/* 4..256, multiple of 4 */
	size_t n_cookies;	/* >= 1 when ntpv4 and aead chosen, else 0 */
	bool compliant_gcm;	/* echo record 1024 (only with aead 30) */
};

/*
 * NP{0}(C) AEAD{aead}(C) [1024] [Port(C)] [Server(C)] n x NewCookie EOM(C),
 * or the
 * degenerate forms above. Never emits Warning records. Returns the bytes
 * written, KNTS_KE_E_NOSPC, KNTS_KE_E_INVAL, or a Server name reason.
 */
int knts_ke_build_response(uint8_t *out, size_t cap,
			   const struct knts_ke_resp_params *p);

/* Error(C){code} EOM(C): 10 bytes */
int knts_ke_build_error(uint8_t *out, size_t cap, uint16_t code);

/* ---- Client side ------------------------------------------------------ */

/*
 * NP{0}(C) AEAD{aeads...}(C) [1024, when 30 is offered] EOM(C). Returns
 * bytes written or < 0.
 */
int knts_ke_build_request(uint8_t *out, size_t cap,
			  const uint16_t *aeads, size_t n_aeads);

struct knts_ke_response {
	uint16_t aead;			/* the one the server chose */
	bool aead_critical;
	bool has_port;
	uint16_t port;			/* Port record, else 123 */
	bool has_server;
	char server[KNTS_KE_SERVER_NAME_MAX + 1];	/* NUL-terminated copy */
	size_t n_cookies;		/* kept: min(n_cookies_seen, 8) */
	size_t n_cookies_seen;
	size_t cookie_len;		/* all cookies have this length */
	const uint8_t *cookie[KNTS_KE_MAX_COOKIES];	/* into the input */
	unsigned int n_ignored;		/* unknown non-critical records skipped */
	bool compliant_gcm;		/* record 1024, empty: RFC context */
	uint16_t error_code;		/* on KNTS_KE_E_RESP_ERROR/_WARNING */
};

/*
 * Validate a complete response against the AEADs we offered. Returns 0 or a
 * negative reason. Rules: at most KNTS_KE_RESP_LIMIT bytes; any Error or
 * Warning record fails (KNTS_KE_E_RESP_ERROR/_WARNING with the code);
 * exactly one NP, critical, exactly {0}; exactly one AEAD of 2 bytes that
 * we offered (C bit either way); >= 1 New Cookie, every one (kept or not)
 * 4..256 bytes, a multiple of 4 and all equal; the first 8 are kept, later
 * ones ignored; at most one Server record (printable, no space, < 256
 * bytes, IPv4/IPv6 literal or DNS name) and one Port record (2 bytes, not
 * 0), C bit either way; unknown critical record fails, unknown
 * non-critical ignored; End of Message critical, empty, once, last.
 */
int knts_ke_parse_response(const uint8_t *buf, size_t len,
			   const uint16_t *offered, size_t n_offered,
			   struct knts_ke_response *resp);

/*
 * Server name check used by both sides: 0, KNTS_KE_E_SERVER_LEN,
 * KNTS_KE_E_SERVER_CHARS or KNTS_KE_E_SERVER_SYNTAX. Accepts a dotted-quad
 * IPv4 address, an IPv6 address in text form (no zone, no brackets) or a
 * DNS name (LDH labels of 1..63, <= 253 bytes plus an optional final dot,
 * last label not all digits).
 */
int knts_ke_check_server_name(const uint8_t *name, size_t len);

#endif /* KNTS_KE_RECORD_H */
