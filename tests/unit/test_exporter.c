// SPDX-License-Identifier: GPL-2.0
/*
 * NTS key export (userspace/lib/exporter.c): the RFC 8446 exporter done by
 * hand reproduces the chrony 4.3 session of digest 2.5, and on a live
 * in-memory TLS 1.3 handshake knts_export_keys() agrees on both sides and
 * with the hand computation from the session's exporter secret.
 */
#include <errno.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "unit.h"
#include "exporter.h"

/* HKDF-Expand-Label (RFC 8446 s7.1) with EVP_KDF "HKDF", EXPAND_ONLY. */
static int expand_label(const char *md, const uint8_t *secret, size_t slen,
			const char *label, const uint8_t *ctx, size_t clen,
			uint8_t *out, size_t olen)
{
	uint8_t info[2 + 1 + 255 + 1 + 255];
	size_t ll = 6 + strlen(label), n = 0;
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY, ok;
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *k = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM p[5];

	info[n++] = (uint8_t)(olen >> 8);
	info[n++] = (uint8_t)olen;
	info[n++] = (uint8_t)ll;
	memcpy(info + n, "tls13 ", 6);
	memcpy(info + n + 6, label, ll - 6);
	n += ll;
	info[n++] = (uint8_t)clen;
	memcpy(info + n, ctx, clen);
	n += clen;

	p[0] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	p[1] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)md, 0);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)secret, slen);
	p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n);
	p[4] = OSSL_PARAM_construct_end();
	ok = k && EVP_KDF_derive(k, out, olen, p) == 1;
	EVP_KDF_CTX_free(k);
	EVP_KDF_free(kdf);
	return ok;
}

/* The NTS exporter from an exporter_master_secret, by hand. */
static int nts_keys_by_hand(const char *md, const uint8_t *secret,
			    size_t slen, uint16_t aead, uint8_t *c2s,
			    uint8_t *s2c, size_t klen)
{
	uint8_t empty_hash[64], derived[64], ch[64], ctx[5];
	unsigned int hl = 0;
	int dir;

	/* Derive-Secret(secret, label, "") */
	if (!EVP_Digest("", 0, empty_hash, &hl, EVP_get_digestbyname(md),
			NULL) || hl != slen)
		return 0;
	if (!expand_label(md, secret, slen, KNTS_EXPORTER_LABEL, empty_hash,
			  hl, derived, slen))
		return 0;
	for (dir = 0; dir < 2; dir++) {
		/* RFC 8915 s5.1, spelled out (not knts_exporter_context()) */
		ctx[0] = 0;
		ctx[1] = 0;
		ctx[2] = (uint8_t)(aead >> 8);
		ctx[3] = (uint8_t)(aead & 0xff);
		ctx[4] = (uint8_t)dir;
		if (!EVP_Digest(ctx, 5, ch, &hl, EVP_get_digestbyname(md),
				NULL))
			return 0;
		if (!expand_label(md, derived, slen, "exporter", ch, hl,
				  dir ? s2c : c2s, klen))
			return 0;
	}
	return 1;
}

static const char exp_secret_hex[] =
	"58760894a85080cd0a5d0e44e6e179dcd6a63ec3dff73ad86d8b090d49f49d35"
	"0e875484d96fcce59aea34cd2630641e";

static void test_context(void)
{
	uint8_t c[5];
	static const uint8_t c2s15[5] = { 0, 0, 0, 0x0f, 0 };
	static const uint8_t s2c17[5] = { 0, 0, 0, 0x11, 1 };
	static const uint8_t big[5] = { 0, 0, 0x12, 0x34, 1 };

	knts_exporter_context(15, 0, c);
	EXPECT_MEM(c, c2s15, 5);
	knts_exporter_context(17, 1, c);
	EXPECT_MEM(c, s2c17, 5);
	knts_exporter_context(0x1234, 1, c);
	EXPECT_MEM(c, big, 5);
	EXPECT_EQ(strlen(KNTS_EXPORTER_LABEL), 30);
}

static void test_chrony_vector(void)
{
	uint8_t secret[48], derived[48], want_d[48], eh[48];
	uint8_t c2s[32], s2c[32], want_c[32], want_s[32];
	unsigned int hl;

	EXPECT_EQ(unit_unhex(exp_secret_hex, secret, sizeof(secret)), 48);
	unit_unhex("28c4c1214326f50657cb677080528919ef0fad78068f41911169c166"
		   "9464f937eb557923cf5f0a394374d6d3d8d1036f", want_d, 48);
	unit_unhex("52ad3b6e86e8fabb2cab8c7af26b740cde546544acc194691884062f"
		   "1f66e2ca", want_c, 32);
	unit_unhex("8792c3b9925bf606eac3cb7db710a9de74f74e09534317a70e75e690"
		   "68a6b2d6", want_s, 32);

	/* the intermediate Derive-Secret value */
	EXPECT(EVP_Digest("", 0, eh, &hl, EVP_sha384(), NULL));
	EXPECT(expand_label("SHA384", secret, 48, KNTS_EXPORTER_LABEL, eh, 48,
			    derived, 48));
	EXPECT_MEM(derived, want_d, 48);

	EXPECT(nts_keys_by_hand("SHA384", secret, 48, 15, c2s, s2c, 32));
	EXPECT_MEM(c2s, want_c, 32);
	EXPECT_MEM(s2c, want_s, 32);
}

/* Same vector through OpenSSL's own TLS13-KDF, as a second opinion. */
static void test_chrony_vector_tls13kdf(void)
{
	uint8_t secret[48], derived[48], eh[48], ch[48], c2s[32], want[32];
	uint8_t ctx[5];
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
	unsigned int hl;
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS13-KDF", NULL);
	EVP_KDF_CTX *k = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM p[7];

	EXPECT(k != NULL);
	if (!k)
		goto out;
	unit_unhex(exp_secret_hex, secret, sizeof(secret));
	unit_unhex("52ad3b6e86e8fabb2cab8c7af26b740cde546544acc194691884062f"
		   "1f66e2ca", want, 32);
	EVP_Digest("", 0, eh, &hl, EVP_sha384(), NULL);
	p[0] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	p[1] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						"SHA384", 0);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, secret,
						 48);
	p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX,
						 "tls13 ", 6);
	p[4] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL,
						 KNTS_EXPORTER_LABEL, 30);
	p[5] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA, eh, 48);
	p[6] = OSSL_PARAM_construct_end();
	EXPECT_EQ(EVP_KDF_derive(k, derived, 48, p), 1);

	memcpy(ctx, "\0\0\0\x0f\0", 5);
	EVP_Digest(ctx, 5, ch, &hl, EVP_sha384(), NULL);
	EVP_KDF_CTX_reset(k);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, derived,
						 48);
	p[4] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL,
						 "exporter", 8);
	p[5] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA, ch, 48);
	EXPECT_EQ(EVP_KDF_derive(k, c2s, 32, p), 1);
	EXPECT_MEM(c2s, want, 32);
out:
	EVP_KDF_CTX_free(k);
	EVP_KDF_free(kdf);
}

/* ---- an in-memory TLS handshake ---- */

static uint8_t keylog_secret[2][64];	/* [is_server] */
static size_t keylog_len[2];

static void keylog_cb(const SSL *ssl, const char *line)
{
	static const char tag[] = "EXPORTER_SECRET ";
	const char *sp;
	int srv = SSL_is_server((SSL *)ssl);
	long n;

	if (strncmp(line, tag, sizeof(tag) - 1))
		return;
	sp = strchr(line + sizeof(tag) - 1, ' ');	/* after client_random */
	if (!sp)
		return;
	n = unit_unhex(sp + 1, keylog_secret[srv], sizeof(keylog_secret[0]));
	keylog_len[srv] = n > 0 ? (size_t)n : 0;
}

struct tls_pair {
	EVP_PKEY *pkey;
	X509 *cert;
	SSL_CTX *sctx, *cctx;
	SSL *s, *c;
};

static X509 *self_signed(EVP_PKEY *pkey)
{
	X509 *x = X509_new();
	X509_NAME *name;

	if (!x)
		return NULL;
	name = X509_get_subject_name(x);
	if (!X509_set_version(x, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), 1) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -60) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 3600) ||
	    !X509_set_pubkey(x, pkey) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)"knts-test",
					-1, -1, 0) ||
	    !X509_set_issuer_name(x, name) ||
	    !X509_sign(x, pkey, EVP_sha256())) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static void tls_free(struct tls_pair *t)
{
	SSL_free(t->c);
	SSL_free(t->s);
	SSL_CTX_free(t->cctx);
	SSL_CTX_free(t->sctx);
	X509_free(t->cert);
	EVP_PKEY_free(t->pkey);
	memset(t, 0, sizeof(*t));
}

/* Set up client and server over a BIO pair; handshake if @run. */
static int tls_setup(struct tls_pair *t, int max_version,
		     const char *suites, int run)
{
	BIO *bc = NULL, *bs = NULL;
	int i, rc = 0, rs = 0;

	memset(t, 0, sizeof(*t));
	memset(keylog_len, 0, sizeof(keylog_len));
	t->pkey = EVP_EC_gen("P-256");
	t->cert = t->pkey ? self_signed(t->pkey) : NULL;
	t->sctx = SSL_CTX_new(TLS_server_method());
	t->cctx = SSL_CTX_new(TLS_client_method());
	if (!t->cert || !t->sctx || !t->cctx)
		return 0;
	if (!SSL_CTX_use_certificate(t->sctx, t->cert) ||
	    !SSL_CTX_use_PrivateKey(t->sctx, t->pkey) ||
	    !SSL_CTX_set_max_proto_version(t->sctx, max_version) ||
	    !X509_STORE_add_cert(SSL_CTX_get_cert_store(t->cctx), t->cert))
		return 0;
	if (suites && (!SSL_CTX_set_ciphersuites(t->sctx, suites) ||
		       !SSL_CTX_set_ciphersuites(t->cctx, suites)))
		return 0;
	SSL_CTX_set_verify(t->cctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_keylog_callback(t->sctx, keylog_cb);
	SSL_CTX_set_keylog_callback(t->cctx, keylog_cb);
	t->s = SSL_new(t->sctx);
	t->c = SSL_new(t->cctx);
	if (!t->s || !t->c || !BIO_new_bio_pair(&bc, 0, &bs, 0))
		return 0;
	SSL_set_bio(t->c, bc, bc);
	SSL_set_bio(t->s, bs, bs);
	SSL_set_connect_state(t->c);
	SSL_set_accept_state(t->s);
	if (!run)
		return 1;
	for (i = 0; i < 50 && (rc != 1 || rs != 1); i++) {
		if (rc != 1)
			rc = SSL_do_handshake(t->c);
		if (rs != 1)
			rs = SSL_do_handshake(t->s);
	}
	return rc == 1 && rs == 1;
}

static void handshake_case(const char *suites, const char *md)
{
	struct tls_pair t;
	uint8_t c2s[2][64], s2c[2][64], hc[64], hs[64];
	const EVP_MD *hmd;

	EXPECT(tls_setup(&t, TLS1_3_VERSION, suites, 1));
	if (!t.c)
		goto out;
	EXPECT_EQ(SSL_version(t.c), TLS1_3_VERSION);
	hmd = SSL_CIPHER_get_handshake_digest(SSL_get_current_cipher(t.c));
	EXPECT(hmd && !strcmp(EVP_MD_get0_name(hmd), md));

	/* both sides agree; c2s != s2c */
	EXPECT_EQ(knts_export_keys(t.c, 15, c2s[0], s2c[0], 32), 0);
	EXPECT_EQ(knts_export_keys(t.s, 15, c2s[1], s2c[1], 32), 0);
	EXPECT_MEM(c2s[0], c2s[1], 32);
	EXPECT_MEM(s2c[0], s2c[1], 32);
	EXPECT(memcmp(c2s[0], s2c[0], 32) != 0);

	/* the RFC 8446 exporter by hand, from the keylog's secret */
	EXPECT_EQ(keylog_len[0], (size_t)EVP_MD_get_size(hmd));
	EXPECT_EQ(keylog_len[1], keylog_len[0]);
	EXPECT_MEM(keylog_secret[0], keylog_secret[1], keylog_len[0]);
	EXPECT(nts_keys_by_hand(md, keylog_secret[0], keylog_len[0], 15, hc,
				hs, 32));
	EXPECT_MEM(hc, c2s[0], 32);
	EXPECT_MEM(hs, s2c[0], 32);

	/* another AEAD gives other keys (also where the lengths overlap) */
	EXPECT_EQ(knts_export_keys(t.c, 17, c2s[1], s2c[1], 64), 0);
	EXPECT(memcmp(c2s[0], c2s[1], 32) != 0);
	EXPECT(memcmp(s2c[0], s2c[1], 32) != 0);
	EXPECT(nts_keys_by_hand(md, keylog_secret[0], keylog_len[0], 17, hc,
				hs, 64));
	EXPECT_MEM(hc, c2s[1], 64);
	EXPECT_MEM(hs, s2c[1], 64);
	EXPECT_EQ(knts_export_keys(t.s, 16, c2s[1], s2c[1], 48), 0);
	EXPECT(memcmp(c2s[0], c2s[1], 32) != 0);

	/* bad arguments */
	EXPECT_EQ(knts_export_keys(t.c, 15, NULL, s2c[0], 32), -EINVAL);
	EXPECT_EQ(knts_export_keys(t.c, 15, c2s[0], s2c[0], 0), -EINVAL);
	EXPECT_EQ(knts_export_keys(t.c, 15, c2s[0], s2c[0], 65), -EINVAL);
	EXPECT_EQ(knts_export_keys(NULL, 15, c2s[0], s2c[0], 32), -EINVAL);
out:
	tls_free(&t);
}

static void test_handshake_sha384(void)
{
	handshake_case("TLS_AES_256_GCM_SHA384", "SHA384");
}

static void test_handshake_sha256(void)
{
	handshake_case("TLS_AES_128_GCM_SHA256", "SHA256");
}

static void test_not_tls13(void)
{
	struct tls_pair t;
	uint8_t c2s[32], s2c[32];
	static const uint8_t zero[32];

	/* before the handshake */
	EXPECT(tls_setup(&t, TLS1_3_VERSION, NULL, 0));
	memset(c2s, 1, sizeof(c2s));
	memset(s2c, 1, sizeof(s2c));
	if (t.c)
		EXPECT_EQ(knts_export_keys(t.c, 15, c2s, s2c, 32), -EIO);
	EXPECT_MEM(c2s, zero, 32);
	EXPECT_MEM(s2c, zero, 32);
	tls_free(&t);

	/* a TLS 1.2 session */
	EXPECT(tls_setup(&t, TLS1_2_VERSION, NULL, 1));
	if (t.c) {
		EXPECT_EQ(SSL_version(t.c), TLS1_2_VERSION);
		memset(c2s, 1, sizeof(c2s));
		EXPECT_EQ(knts_export_keys(t.c, 15, c2s, s2c, 32), -EPROTO);
		EXPECT_EQ(knts_export_keys(t.s, 15, c2s, s2c, 32), -EPROTO);
		EXPECT_MEM(c2s, zero, 32);
	}
	tls_free(&t);
}

int main(void)
{
	RUN(test_context);
	RUN(test_chrony_vector);
	RUN(test_chrony_vector_tls13kdf);
	RUN(test_handshake_sha384);
	RUN(test_handshake_sha256);
	RUN(test_not_tls13);
	return unit_done();
}
