/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The answer to one NTS-KE request, given the finished TLS session: the
 * request checked by the record codec, the AEAD chosen, the session keys
 * exported and sealed into cookies under the current master key, the
 * response built. No I/O: the connection code reads and writes.
 */
#ifndef NTSKD_KE_RESPONSE_H
#define NTSKD_KE_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "config.h"
#include "masterkeys.h"

/*
 * Cookies per answer (RFC 8915 SHOULD), and room for 8 of the longest
 * kind (AEAD 17: 164 bytes) plus the other records.
 */
#define NTSKD_KE_COOKIES_MAX	8
#define NTSKD_KE_RESP_MAX	2048

/* What was answered, for the log line. */
struct ntskd_ke_outcome {
	int reason;		/* 0, or the KNTS_KE_E_* the request failed */
	bool error_sent;	/* an Error record went out */
	uint16_t error_code;	/* ... with this code */
	const char *internal;	/* set for an internal failure (Error 2) */
	bool no_ntpv4;		/* the client did not offer NTPv4 */
	int aead;		/* chosen AEAD or KNTS_KE_AEAD_NONE */
	unsigned int n_cookies;
	uint32_t key_id;	/* master key the cookies are sealed with */
};

/*
 * Answer the request @req (@len bytes, everything received, ending at or
 * after End of Message) on the finished TLS 1.3 session @ssl. Writes the
 * response to @out and returns its length; a bad request or an internal
 * failure gives an Error response. Negative only if @cap is too small.
 */
int ntskd_ke_answer(SSL *ssl, const uint8_t *req, size_t len,
		    const struct ntskd_config *cfg,
		    const struct ntskd_masterkeys *keys, uint8_t *out,
		    size_t cap, struct ntskd_ke_outcome *o);

#endif /* NTSKD_KE_RESPONSE_H */
