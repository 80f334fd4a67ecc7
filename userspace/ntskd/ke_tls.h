/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NTS-KE server's TLS context (OpenSSL 3): TLS 1.3 and nothing older,
 * ALPN "ntske/1" or a fatal no_application_protocol alert, no session
 * tickets (SSL_OP_NO_TICKET and 0 tickets), no session cache, no early
 * data. The certificate chain and key come from PEM files.
 */
#ifndef NTSKD_KE_TLS_H
#define NTSKD_KE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#define NTSKD_ALPN		"ntske/1"

/*
 * What the TLS callbacks saw of one connection, for its log line. The
 * connection owns it and hands it to OpenSSL with SSL_set_app_data().
 */
struct ntskd_ke_tls_note {
	bool alpn_refused;		/* the client offered ALPN, not ntske/1 */
	char alpn_offered[96];		/* what it offered, printable */
};

/*
 * A server context for @cert (PEM chain) and @key (PEM private key).
 * NULL with the reason in @err: unreadable, not matching, an encrypted
 * key (never a passphrase prompt), an expired certificate. When @keylog is set, TLS secrets are
 * appended to it (SSLKEYLOGFILE format, for decrypting test captures).
 */
SSL_CTX *ntskd_ke_tls_ctx(const char *cert, const char *key,
			  const char *keylog, char *err, size_t errlen);

/*
 * Seconds until the leaf certificate of @ctx expires (negative once it
 * has) in @left_s; 0, or -1 when it cannot be read. ntskd_ke_tls_ctx()
 * refuses a certificate that has expired already.
 */
int ntskd_ke_tls_cert_left(SSL_CTX *ctx, int64_t *left_s);

/*
 * One-line reason for a failed SSL_* call on @ssl that returned @ret,
 * e.g. "the client does not offer TLS 1.3", into @buf. Reads (and clears)
 * OpenSSL's error queue.
 */
const char *ntskd_ke_tls_strerror(SSL *ssl, int ret, char *buf, size_t len);

#endif /* NTSKD_KE_TLS_H */
