// SPDX-License-Identifier: GPL-2.0
/*
 * NTS-KE client: from a complete response to a knts_ke_result, plus the
 * names used in logs. No TLS and no I/O here, so the unit tests can feed
 * recorded and broken responses straight in.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ke_client.h"
#include "ke_record.h"

const uint16_t knts_ke_client_default_aeads[4] = {
	KNTS_AEAD_AES_128_GCM_SIV,
	KNTS_AEAD_AES_SIV_CMAC_256,
	KNTS_AEAD_AES_SIV_CMAC_512,
	KNTS_AEAD_AES_SIV_CMAC_384,
};

/* A Server record is a DNS name unless it reads as an address literal */
static bool ke_is_address(const char *s)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, s, addr) == 1 ||
	       inet_pton(AF_INET6, s, addr) == 1;
}

int knts_ke_client_take_response(const uint8_t *msg, size_t len,
				 const uint16_t *offered, size_t n_offered,
				 struct knts_ke_result *res, int *detail)
{
	struct knts_ke_response r;
	size_t i;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = knts_ke_parse_response(msg, len, offered, n_offered, &r);
	if (ret == KNTS_KE_E_RESP_ERROR || ret == KNTS_KE_E_RESP_WARNING) {
		if (detail)
			*detail = r.error_code;
		return KNTS_KE_CERR_SERVER_ERROR;
	}
	if (ret < 0) {
		if (detail)
			*detail = ret;
		return KNTS_KE_CERR_RESPONSE;
	}
	/* The parser checked the AEAD was offered; we only offer ones we know */
	res->key_len = knts_ke_aead_key_len(r.aead);
	if (!res->key_len || res->key_len > KNTS_KE_CLIENT_KEY_MAX) {
		if (detail)
			*detail = KNTS_KE_E_AEAD_NOT_OFFERED;
		return KNTS_KE_CERR_RESPONSE;
	}
	res->aead = r.aead;
	res->compliant_gcm = r.compliant_gcm;
	if (n_offered && offered[0] != r.aead)
		res->warnings |= KNTS_KE_WARN_AEAD_NOT_FIRST;

	res->n_cookies = r.n_cookies;
	res->n_cookies_seen = r.n_cookies_seen;
	for (i = 0; i < r.n_cookies; i++) {
		res->cookie_len[i] = r.cookie_len;
		memcpy(res->cookie[i], r.cookie[i], r.cookie_len);
	}
	if (r.n_cookies < KNTS_KE_CLIENT_MAX_COOKIES)
		res->warnings |= KNTS_KE_WARN_FEW_COOKIES;
	if (r.n_cookies_seen > r.n_cookies)
		res->warnings |= KNTS_KE_WARN_EXTRA_COOKIES;

	if (r.has_server) {
		/* checked: printable, no space, < 256 bytes, IP or DNS name */
		snprintf(res->ntp_server, sizeof(res->ntp_server), "%s",
			 r.server);
		res->ntp_server_negotiated = true;
		res->ntp_server_is_name = !ke_is_address(r.server);
	}
	res->ntp_port = r.port;
	res->ntp_port_negotiated = r.has_port;
	res->n_ignored = r.n_ignored;
	if (r.n_ignored)
		res->warnings |= KNTS_KE_WARN_IGNORED_RECORDS;
	if (detail)
		*detail = 0;
	return KNTS_KE_CERR_NONE;
}

void knts_ke_result_wipe(struct knts_ke_result *res)
{
	if (res)
		OPENSSL_cleanse(res, sizeof(*res));
}

static const char *const ke_err_names[] = {
	[KNTS_KE_CERR_NONE]		= "none",
	[KNTS_KE_CERR_INVAL]		= "invalid-parameters",
	[KNTS_KE_CERR_RESOLVE]		= "resolve",
	[KNTS_KE_CERR_CONNECT]		= "connect",
	[KNTS_KE_CERR_TIMEOUT]		= "timeout",
	[KNTS_KE_CERR_TLS]		= "tls",
	[KNTS_KE_CERR_VERIFY]		= "verify",
	[KNTS_KE_CERR_ALPN]		= "alpn",
	[KNTS_KE_CERR_IO]		= "io",
	[KNTS_KE_CERR_RESPONSE]		= "bad-response",
	[KNTS_KE_CERR_SERVER_ERROR]	= "server-error",
	[KNTS_KE_CERR_INTERNAL]		= "internal",
};

const char *knts_ke_client_err_name(int err)
{
	if (err < 0 || (size_t)err >= sizeof(ke_err_names) / sizeof(ke_err_names[0]))
		return "unknown";
	return ke_err_names[err];
}

static const char *const ke_warn_names[] = {
	"noverify", "few-cookies", "extra-cookies", "ignored-records",
	"aead-not-first",
};

const char *knts_ke_warnings_str(unsigned int warnings, char *buf, size_t len)
{
	size_t i, off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof(ke_warn_names) / sizeof(ke_warn_names[0]); i++) {
		int n;

		if (!(warnings & (1u << i)))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
			     ke_warn_names[i]);
		if (n < 0 || (size_t)n >= len - off) {
			buf[off] = '\0';	/* no half names */
			break;
		}
		off += (size_t)n;
	}
	return buf;
}
