// SPDX-License-Identifier: GPL-2.0
/* TLS context of the NTS-KE server (see ke_tls.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "ke_tls.h"
#include "log.h"

static const char *keylog_path;

static void tls_keylog(const SSL *ssl, const char *line)
{
	FILE *f = keylog_path ? fopen(keylog_path, "a") : NULL;

	if (!f)
		return;
	fprintf(f, "%s\n", line);
	fclose(f);
}

/* The client's ALPN list (wire format) as "a, b, c" for the log. */
static void tls_alpn_text(const unsigned char *in, unsigned int inlen,
			  char *out, size_t cap)
{
	size_t len = 0;
	unsigned int i = 0;

	out[0] = '\0';
	while (i < inlen && len + 1 < cap) {
		unsigned int n = in[i++], k;

		if (len && len + 2 < cap) {
			out[len++] = ',';
			out[len++] = ' ';
		}
		for (k = 0; k < n && i < inlen && len + 1 < cap; k++, i++)
			out[len++] = in[i] >= 0x20 && in[i] < 0x7f ? (char)in[i] : '?';
		out[len] = '\0';
	}
}

/*
 * Only "ntske/1". A client that sends no ALPN extension never gets here;
 * the connection checks SSL_get0_alpn_selected() after the handshake.
 */
static int tls_alpn_select(SSL *ssl, const unsigned char **out,
			   unsigned char *outlen, const unsigned char *in,
			   unsigned int inlen, void *arg)
{
	static const unsigned char want[] = "\x07" NTSKD_ALPN;
	struct ntskd_ke_tls_note *note = SSL_get_app_data(ssl);
	unsigned int i = 0;

	while (i < inlen) {
		unsigned int n = in[i];

		if (n > inlen - i - 1)
			break;
		if (n == want[0] && !memcmp(in + i + 1, want + 1, n)) {
			*out = in + i + 1;
			*outlen = (unsigned char)n;
			return SSL_TLSEXT_ERR_OK;
		}
		i += n + 1;
	}
	if (note) {
		note->alpn_refused = true;
		tls_alpn_text(in, inlen, note->alpn_offered,
			      sizeof(note->alpn_offered));
	}
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static const char *tls_last_error(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (!e)
		return "unknown OpenSSL error";
	ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

/*
 * An encrypted private key: OpenSSL would prompt on the terminal (or block
 * a daemon reading nothing). There is no one to type a passphrase, so
 * refuse, and note it for a message that says so.
 */
static int tls_no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	*(bool *)arg = true;
	return 0;
}

int ntskd_ke_tls_cert_left(SSL_CTX *ctx, int64_t *left_s)
{
	X509 *x = SSL_CTX_get0_certificate(ctx);
	int days, secs;

	if (!x || !ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)))
		return -1;
	*left_s = (int64_t)days * 86400 + secs;
	return 0;
}

/* "Jan  2 03:04:05 2027 GMT" */
static void tls_time_text(const ASN1_TIME *t, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	buf[0] = '\0';
	if (b && ASN1_TIME_print(b, t))
		n = BIO_read(b, buf, (int)len - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

/*
 * An expired certificate is refused: every client would reject it, and a
 * daemon that starts with it looks healthy while serving no one. One not
 * valid yet is only warned about: that is what a clock running behind
 * (a board without a battery, before NTP) looks like, and refusing would
 * keep the time server down for good.
 */
static int tls_cert_valid(SSL_CTX *ctx, const char *cert, char *err,
			  size_t errlen)
{
	X509 *x = SSL_CTX_get0_certificate(ctx);
	char when[64];
	int64_t left;
	int days, secs;

	if (!x || ntskd_ke_tls_cert_left(ctx, &left)) {
		snprintf(err, errlen, "cert %s: cannot read its validity dates",
			 cert);
		return -1;
	}
	if (left <= 0) {
		tls_time_text(X509_get0_notAfter(x), when, sizeof(when));
		snprintf(err, errlen, "cert %s expired on %s: renew it (e.g. certbot renew) and reload ntskd; refusing to serve an expired certificate",
			 cert, when);
		return -1;
	}
	if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notBefore(x)) &&
	    (days > 0 || secs > 0)) {
		tls_time_text(X509_get0_notBefore(x), when, sizeof(when));
		log_warn("cert %s is not valid before %s: clients will refuse it until then (is this host's clock behind?)",
			 cert, when);
	}
	return 0;
}

SSL_CTX *ntskd_ke_tls_ctx(const char *cert, const char *key,
			  const char *keylog, char *err, size_t errlen)
{
	bool encrypted = false;
	char why[256];
	SSL_CTX *ctx;

	/* OpenSSL's "system lib" says less than errno does */
	if (access(cert, R_OK)) {
		snprintf(err, errlen, "cert %s: %s", cert, strerror(errno));
		return NULL;
	}
	if (access(key, R_OK)) {
		snprintf(err, errlen, "key %s: %s", key, strerror(errno));
		return NULL;
	}
	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		snprintf(err, errlen, "cannot create a TLS context: %s",
			 tls_last_error(why, sizeof(why)));
		return NULL;
	}
	/* RFC 8915 4: TLS 1.3 or newer; nothing to resume, nothing early */
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_num_tickets(ctx, 0) ||
	    !SSL_CTX_set_max_early_data(ctx, 0)) {
		snprintf(err, errlen, "cannot restrict TLS to 1.3: %s",
			 tls_last_error(why, sizeof(why)));
		goto fail;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_alpn_select_cb(ctx, tls_alpn_select, NULL);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		snprintf(err, errlen, "cert %s: %s", cert,
			 tls_last_error(why, sizeof(why)));
		goto fail;
	}
	SSL_CTX_set_default_passwd_cb(ctx, tls_no_passphrase);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, &encrypted);
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		if (encrypted)
			snprintf(err, errlen, "key %s is encrypted (has a passphrase): ntskd cannot ask for it; store the key unencrypted, readable only by ntskd (e.g. openssl pkey -in KEY -out KEY.plain)",
				 key);
		else
			snprintf(err, errlen, "key %s: %s", key,
				 tls_last_error(why, sizeof(why)));
		ERR_clear_error();
		goto fail;
	}
	/* the callback's argument lives on this stack frame */
	SSL_CTX_set_default_passwd_cb(ctx, NULL);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, "key %s does not match cert %s: %s", key,
			 cert, tls_last_error(why, sizeof(why)));
		goto fail;
	}
	if (tls_cert_valid(ctx, cert, err, errlen))
		goto fail;
	if (keylog) {
		keylog_path = keylog;
		SSL_CTX_set_keylog_callback(ctx, tls_keylog);
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

const char *ntskd_ke_tls_strerror(SSL *ssl, int ret, char *buf, size_t len)
{
	struct ntskd_ke_tls_note *note = SSL_get_app_data(ssl);
	int e = SSL_get_error(ssl, ret);
	unsigned long oe = ERR_peek_last_error();

	if (note && note->alpn_refused) {
		snprintf(buf, len, "the client offered ALPN '%s', not '" NTSKD_ALPN "'",
			 note->alpn_offered);
	} else if (e == SSL_ERROR_ZERO_RETURN) {
		snprintf(buf, len, "the client closed the TLS session");
	} else if (e == SSL_ERROR_SYSCALL && !oe) {
		snprintf(buf, len, "%s", ret == 0 || !errno ?
			 "the client closed the connection" : strerror(errno));
	} else if (ERR_GET_LIB(oe) == ERR_LIB_SSL &&
		   ERR_GET_REASON(oe) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		snprintf(buf, len, "the client closed the connection");
	} else if (ERR_GET_LIB(oe) == ERR_LIB_SSL &&
		   ERR_GET_REASON(oe) == SSL_R_UNSUPPORTED_PROTOCOL) {
		snprintf(buf, len, "the client does not offer TLS 1.3");
	} else if (oe) {
		char why[256];

		ERR_error_string_n(oe, why, sizeof(why));
		snprintf(buf, len, "%s", why);
	} else {
		snprintf(buf, len, "TLS error %d", e);
	}
	ERR_clear_error();
	return buf;
}
