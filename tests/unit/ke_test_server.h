/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An in-process NTS-KE test server on 127.0.0.1 for the client tests: a
 * throw-away PKI made with OpenSSL at run time (CA, server certificate
 * with chosen SANs), and one TLS connection served by a thread that can
 * misbehave on request (TLS 1.2 only, no ALPN, silence, early close,
 * response in 1-byte records). It exports the keys on its side, so the
 * test can check that both ends derived the same C2S/S2C.
 */
#ifndef KNTS_KE_TEST_SERVER_H
#define KNTS_KE_TEST_SERVER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "exporter.h"
#include "ke_record.h"

struct kts_pki {
	EVP_PKEY *ca_key, *srv_key;
	X509 *ca, *srv;
	char ca_path[64];	/* PEM of the CA, for params.ca_file */
};

static EVP_PKEY *kts_key(void)
{
	return EVP_EC_gen("P-256");
}

static int kts_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return 0;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static X509 *kts_cert(EVP_PKEY *key, const char *cn, X509 *issuer,
		      EVP_PKEY *issuer_key, const char *san, long serial)
{
	X509 *c = X509_new();
	X509_NAME *n = X509_NAME_new();
	int ok;

	ok = c && n && X509_set_version(c, 2) &&
	     ASN1_INTEGER_set(X509_get_serialNumber(c), serial) &&
	     X509_gmtime_adj(X509_getm_notBefore(c), -3600) &&
	     X509_gmtime_adj(X509_getm_notAfter(c), 86400) &&
	     X509_set_pubkey(c, key) &&
	     X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0) &&
	     X509_set_subject_name(c, n) &&
	     X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : n);
	if (ok && !issuer)
		ok = kts_ext(c, c, NID_basic_constraints, "critical,CA:TRUE") &&
		     kts_ext(c, c, NID_key_usage, "critical,keyCertSign,cRLSign") &&
		     kts_ext(c, c, NID_subject_key_identifier, "hash");
	if (ok && issuer)
		ok = kts_ext(c, issuer, NID_basic_constraints, "CA:FALSE") &&
		     kts_ext(c, issuer, NID_ext_key_usage, "serverAuth") &&
		     kts_ext(c, issuer, NID_subject_alt_name, san) &&
		     kts_ext(c, issuer, NID_authority_key_identifier, "keyid");
	if (ok)
		ok = X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256()) > 0;
	X509_NAME_free(n);
	if (!ok) {
		X509_free(c);
		return NULL;
	}
	return c;
}

/* A CA and a server certificate with SAN san ("IP:127.0.0.1,DNS:x") */
static int kts_pki_make(struct kts_pki *p, const char *san)
{
	FILE *f;
	int fd;

	memset(p, 0, sizeof(*p));
	p->ca_key = kts_key();
	p->srv_key = kts_key();
	if (!p->ca_key || !p->srv_key)
		return -1;
	p->ca = kts_cert(p->ca_key, "knts unit CA", NULL, NULL, NULL, 1);
	if (!p->ca)
		return -1;
	p->srv = kts_cert(p->srv_key, "knts unit server", p->ca, p->ca_key, san, 2);
	if (!p->srv)
		return -1;
	snprintf(p->ca_path, sizeof(p->ca_path), "/tmp/knts-unit-ca.XXXXXX");
	fd = mkstemp(p->ca_path);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f || !PEM_write_X509(f, p->ca)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static void kts_pki_free(struct kts_pki *p)
{
	if (p->ca_path[0])
		unlink(p->ca_path);
	X509_free(p->ca);
	X509_free(p->srv);
	EVP_PKEY_free(p->ca_key);
	EVP_PKEY_free(p->srv_key);
	memset(p, 0, sizeof(*p));
}

enum kts_mode {
	KTS_ANSWER,		/* read the request, send resp */
	KTS_ANSWER_SPLIT,	/* the same, one byte per TLS record */
	KTS_CLOSE,		/* close after the handshake, no answer */
	KTS_SILENT,		/* handshake, then say nothing until the client leaves */
	KTS_NO_TLS,		/* accept TCP, never speak TLS */
};

struct kts_server {
	/* set by the test */
	struct kts_pki *pki;
	enum kts_mode mode;
	bool tls12_only;
	bool no_alpn;
	const uint8_t *resp;
	size_t resp_len;
	/* set by the server */
	int lfd;
	uint16_t port;
	pthread_t thread;
	uint8_t req[1024];
	size_t req_len;
	char sni[256];
	bool handshake_ok;
	uint16_t aead;		/* export keys for this AEAD (from resp) */
	uint8_t c2s[64], s2c[64];
	bool exported;
};

static int kts_alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		       const unsigned char *in, unsigned int inlen, void *arg)
{
	unsigned int i;

	for (i = 0; i + 1 <= inlen && i + 1 + in[i] <= inlen; i += 1 + in[i]) {
		if (in[i] == 7 && !memcmp(in + i + 1, "ntske/1", 7)) {
			*out = in + i + 1;
			*outlen = 7;
			return SSL_TLSEXT_ERR_OK;
		}
	}
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* The AEAD a response carries, for the server's own key export */
static uint16_t kts_resp_aead(const uint8_t *m, size_t len)
{
	size_t off = 0;

	while (off + 4 <= len) {
		uint16_t type = (uint16_t)((m[off] & 0x7f) << 8 | m[off + 1]);
		size_t bl = (size_t)(m[off + 2] << 8 | m[off + 3]);

		if (type == KNTS_KE_REC_AEAD && bl == 2 && off + 6 <= len)
			return (uint16_t)(m[off + 4] << 8 | m[off + 5]);
		off += 4 + bl;
	}
	return 0;
}

static void kts_serve(struct kts_server *s, SSL *ssl)
{
	struct knts_ke_framer fr;
	const char *sni;
	size_t i;
	int n;

	if (SSL_accept(ssl) != 1)
		return;
	s->handshake_ok = true;
	sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	if (sni)
		snprintf(s->sni, sizeof(s->sni), "%s", sni);
	if (s->mode == KTS_CLOSE)
		return;
	knts_ke_framer_init(&fr, sizeof(s->req));
	while (knts_ke_framer_feed(&fr, s->req, s->req_len) == 0) {
		n = SSL_read(ssl, s->req + s->req_len, (int)(sizeof(s->req) - s->req_len));
		if (n <= 0)
			return;
		s->req_len += (size_t)n;
	}
	if (s->mode == KTS_SILENT) {
		char c;

		SSL_read(ssl, &c, 1);	/* returns when the client gives up */
		return;
	}
	s->aead = kts_resp_aead(s->resp, s->resp_len);
	if (s->aead && knts_ke_aead_key_len(s->aead) &&
	    knts_export_keys(ssl, s->aead, s->c2s, s->s2c,
			     knts_ke_aead_key_len(s->aead)) == 0)
		s->exported = true;
	if (s->mode == KTS_ANSWER_SPLIT) {
		for (i = 0; i < s->resp_len; i++)
			if (SSL_write(ssl, s->resp + i, 1) != 1)
				return;
	} else if (s->resp_len) {
		SSL_write(ssl, s->resp, (int)s->resp_len);
	}
	SSL_shutdown(ssl);
}

static void *kts_thread(void *arg)
{
	struct kts_server *s = arg;
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	SSL *ssl = NULL;
	int fd;

	fd = accept(s->lfd, NULL, NULL);
	if (fd < 0 || !ctx)
		goto out;
	if (s->mode == KTS_NO_TLS) {
		char c;

		while (read(fd, &c, 1) > 0)
			;
		goto out;
	}
	SSL_CTX_use_certificate(ctx, s->pki->srv);
	SSL_CTX_use_PrivateKey(ctx, s->pki->srv_key);
	if (s->tls12_only) {
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	}
	if (!s->no_alpn)
		SSL_CTX_set_alpn_select_cb(ctx, kts_alpn_cb, NULL);
	ssl = SSL_new(ctx);
	if (ssl && SSL_set_fd(ssl, fd))
		kts_serve(s, ssl);
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
	ERR_clear_error();
	return NULL;
}

/* Listen on 127.0.0.1:<ephemeral> and serve one connection in a thread */
static int kts_start(struct kts_server *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(s->lfd, 4) || getsockname(s->lfd, (struct sockaddr *)&a, &al))
		return -1;
	s->port = ntohs(a.sin_port);
	return pthread_create(&s->thread, NULL, kts_thread, s) ? -1 : 0;
}

static void kts_stop(struct kts_server *s)
{
	pthread_join(s->thread, NULL);
	close(s->lfd);
}

#endif /* KNTS_KE_TEST_SERVER_H */
