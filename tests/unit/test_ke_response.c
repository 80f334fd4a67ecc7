// SPDX-License-Identifier: GPL-2.0
/*
 * ntskd's NTS-KE answer (userspace/ntskd/ke_response.c) on a real TLS 1.3
 * session held in memory: the response parses as a client parses it, and
 * every cookie opens under the current master key to exactly the keys the
 * client exports on its side.
 */
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "ktypes.h"
#include "../../kmod/cookie.h"
#include "unit.h"
#include "exporter.h"
#include "ke_record.h"
#include "ke_response.h"

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

/* Client and server over a BIO pair, handshake done. */
static int tls_setup(struct tls_pair *t, int max_version)
{
	BIO *bc = NULL, *bs = NULL;
	int i, rc = 0, rs = 0;

	memset(t, 0, sizeof(*t));
	t->pkey = EVP_EC_gen("P-256");
	t->cert = t->pkey ? self_signed(t->pkey) : NULL;
	t->sctx = SSL_CTX_new(TLS_server_method());
	t->cctx = SSL_CTX_new(TLS_client_method());
	if (!t->cert || !t->sctx || !t->cctx ||
	    !SSL_CTX_use_certificate(t->sctx, t->cert) ||
	    !SSL_CTX_use_PrivateKey(t->sctx, t->pkey) ||
	    !SSL_CTX_set_max_proto_version(t->sctx, max_version))
		return 0;
	t->s = SSL_new(t->sctx);
	t->c = SSL_new(t->cctx);
	if (!t->s || !t->c || !BIO_new_bio_pair(&bc, 0, &bs, 0))
		return 0;
	SSL_set_bio(t->c, bc, bc);
	SSL_set_bio(t->s, bs, bs);
	SSL_set_connect_state(t->c);
	SSL_set_accept_state(t->s);
	for (i = 0; i < 50 && (rc != 1 || rs != 1); i++) {
		if (rc != 1)
			rc = SSL_do_handshake(t->c);
		if (rs != 1)
			rs = SSL_do_handshake(t->s);
	}
	return rc == 1 && rs == 1;
}

static struct tls_pair tls;
static struct ntskd_masterkeys keys;
static struct ntskd_config cfg;

static int answer(const char *req_hex, uint8_t *out,
		  struct ntskd_ke_outcome *o)
{
	uint8_t req[256];
	long n = unit_unhex(req_hex, req, sizeof(req));

	EXPECT(n > 0);
	return ntskd_ke_answer(tls.s, req, (size_t)n, &cfg, &keys, out,
			       NTSKD_KE_RESP_MAX, o);
}

/* A full answer for @aead: parse it and open every cookie. */
static void check_cookies(const char *req_hex, uint16_t aead,
			  const uint16_t *offered, size_t n_offered)
{
	uint8_t out[NTSKD_KE_RESP_MAX], c2s[64], s2c[64];
	const struct knts_master_key *mk = ntskd_mk_current(&keys);
	size_t klen = knts_ke_aead_key_len(aead), i;
	struct knts_ke_response resp;
	struct knts_cookie_keys ck;
	struct ntskd_ke_outcome o;
	int n;

	n = answer(req_hex, out, &o);
	EXPECT(n > 0);
	EXPECT_EQ(o.aead, aead);
	EXPECT_EQ(o.n_cookies, 8);
	EXPECT_EQ(o.key_id, mk->id);
	EXPECT(!o.error_sent && !o.internal && !o.no_ntpv4);
	EXPECT_EQ(knts_ke_parse_response(out, (size_t)n, offered, n_offered,
					 &resp), 0);
	EXPECT_EQ(resp.aead, aead);
	EXPECT(resp.aead_critical);
	EXPECT_EQ(resp.n_cookies_seen, 8);
	EXPECT_EQ(resp.cookie_len, knts_cookie_len_alg(mk->alg, aead));
	/* record 1024 comes back exactly when it was asked for with 30 */
	EXPECT_EQ(resp.compliant_gcm,
		  aead == 30 && strstr(req_hex, "04000000") != NULL);
	EXPECT_EQ(knts_export_keys(tls.c, knts_exporter_ctx_aead(aead,
							 resp.compliant_gcm),
				   c2s, s2c, klen), 0);
	for (i = 0; i < resp.n_cookies; i++) {
		uint32_t id = 0;

		EXPECT_EQ(knts_cookie_key_id(resp.cookie[i], resp.cookie_len,
					     &id), 0);
		EXPECT_EQ(id, mk->id);
		EXPECT_EQ(knts_cookie_open(mk->key, mk->id, resp.cookie[i],
					   resp.cookie_len, &ck), 0);
		EXPECT_EQ(ck.aead, aead);
		EXPECT_MEM(knts_cookie_c2s(&ck), c2s, klen);
		EXPECT_MEM(knts_cookie_s2c(&ck), s2c, klen);
		/* a fresh nonce each time: no two cookies alike */
		if (i)
			EXPECT(memcmp(resp.cookie[i], resp.cookie[i - 1],
				      resp.cookie_len));
	}
}

static void test_chrony_request(void)
{
	static const uint16_t off15[] = { 15 };
	uint8_t out[NTSKD_KE_RESP_MAX];
	struct knts_ke_response resp;
	struct ntskd_ke_outcome o;
	int n;

	/* chrony 4.3's request (digest 2.6) */
	check_cookies("800100020000 80040002000f 80000000", 15, off15, 1);
	/* NTPsec's: AEAD record not critical */
	check_cookies("800100020000 00040002000f 80000000", 15, off15, 1);
	/* default ntp-port, no ntp-server: no records 6 and 7, 848 bytes */
	n = answer("800100020000 80040002000f 80000000", out, &o);
	EXPECT_EQ(n, 6 + 6 + 8 * 104 + 4);
	EXPECT_EQ(knts_ke_parse_response(out, (size_t)n, off15, 1, &resp), 0);
	EXPECT(!resp.has_port && !resp.has_server);
}

static void test_aead_choice(void)
{
	static const uint16_t off[] = { 30, 17, 16, 15 };

	/*
	 * The client's first supported choice wins: 30 as chrony >= 4.4
	 * offers it, without record 1024 (chrony 4.4-4.6.0: keys under
	 * the context of 15) and with it (RFC context, 1024 echoed).
	 */
	check_cookies("800100020000 80040008001e00110010000f 80000000", 30, off,
		      4);
	check_cookies("800100020000 80040004001e000f 04000000 80000000", 30,
		      off, 4);
	check_cookies("800100020000 800400040011000f 80000000", 17, off, 4);
	EXPECT_EQ(knts_exporter_ctx_aead(30, 0), 15);
	EXPECT_EQ(knts_exporter_ctx_aead(30, 1), 30);
	EXPECT_EQ(knts_exporter_ctx_aead(15, 0), 15);
	check_cookies("800100020000 80040004000f0011 80000000", 15, off, 4);
}

static void test_port_and_server(void)
{
	static const uint16_t off15[] = { 15 };
	uint8_t out[NTSKD_KE_RESP_MAX];
	struct knts_ke_response resp;
	struct ntskd_ke_outcome o;
	int n;

	cfg.ntp_port = 11123;
	strcpy(cfg.ntp_server, "ntp.example.org");
	n = answer("800100020000 80040002000f 80000000", out, &o);
	EXPECT(n > 0);
	EXPECT_EQ(knts_ke_parse_response(out, (size_t)n, off15, 1, &resp), 0);
	EXPECT(resp.has_port && resp.port == 11123);
	EXPECT(resp.has_server && !strcmp(resp.server, "ntp.example.org"));
	EXPECT_EQ(resp.n_cookies, 8);
	cfg.ntp_port = 123;
	cfg.ntp_server[0] = '\0';
}

static void test_refusals(void)
{
	static const uint16_t off15[] = { 15 };
	uint8_t out[NTSKD_KE_RESP_MAX], want[32];
	struct knts_ke_response resp;
	struct ntskd_ke_outcome o;
	int n;

	/* no AEAD we know: NP{0}, AEAD{}, EOM */
	n = answer("800100020000 80040002001f 80000000", out, &o);
	EXPECT_EQ(n, unit_unhex("800100020000 80040000 80000000", want,
				sizeof(want)));
	EXPECT_MEM(out, want, 14);
	EXPECT_EQ(o.aead, KNTS_KE_AEAD_NONE);
	EXPECT(!o.error_sent);
	/* no NTPv4: NP{}, EOM */
	n = answer("800100020001 80040002000f 80000000", out, &o);
	EXPECT_EQ(n, 8);
	EXPECT(o.no_ntpv4);
	EXPECT_EQ(knts_ke_parse_response(out, (size_t)n, off15, 1, &resp),
		  KNTS_KE_E_NP_EMPTY);
	/* no AEAD record: Error 1 */
	n = answer("800100020000 80000000", out, &o);
	EXPECT_EQ(n, 10);
	EXPECT(o.error_sent && o.error_code == 1 &&
	       o.reason == KNTS_KE_E_AEAD_MISSING);
	EXPECT_EQ(knts_ke_parse_response(out, (size_t)n, off15, 1, &resp),
		  KNTS_KE_E_RESP_ERROR);
	EXPECT_EQ(resp.error_code, 1);
	/* unknown critical record: Error 0 */
	n = answer("800100020000 80040002000f c0000000 80000000", out, &o);
	EXPECT_EQ(n, 10);
	EXPECT(o.error_sent && o.error_code == 0);
	/* a cookie from the client: Error 1 */
	n = answer("800100020000 80040002000f 00050004deadbeef 80000000", out,
		   &o);
	EXPECT(o.error_sent && o.error_code == 1 &&
	       o.reason == KNTS_KE_E_REQ_COOKIE_REC);
	/* bytes after End of Message: Error 1 */
	n = answer("800100020000 80040002000f 80000000 00", out, &o);
	EXPECT(o.error_sent && o.reason == KNTS_KE_E_TRAILING);
	/* too small an output buffer is the caller's bug, reported */
	EXPECT(ntskd_ke_answer(tls.s, want, 0, &cfg, &keys, out, 4, &o) < 0);
}

/* Keys cannot be exported from TLS 1.2: Error 2, no cookies. */
static void test_not_tls13(void)
{
	struct tls_pair t12;
	uint8_t out[NTSKD_KE_RESP_MAX], req[16];
	struct ntskd_ke_outcome o;
	int n;

	EXPECT(tls_setup(&t12, TLS1_2_VERSION));
	unit_unhex("800100020000 80040002000f 80000000", req, sizeof(req));
	n = ntskd_ke_answer(t12.s, req, 16, &cfg, &keys, out, sizeof(out), &o);
	EXPECT_EQ(n, 10);
	EXPECT(o.error_sent && o.error_code == 2 && o.internal);
	EXPECT_EQ(o.n_cookies, 0);
	tls_free(&t12);
}

int main(void)
{
	ntskd_config_init(&cfg);
	if (!tls_setup(&tls, TLS1_3_VERSION) ||
	    ntskd_mk_generate(&keys, 0)) {
		printf("not ok 1 - TLS or key setup\n1..1\n");
		return 1;
	}
	RUN(test_chrony_request);
	RUN(test_aead_choice);
	RUN(test_port_and_server);
	RUN(test_refusals);
	RUN(test_not_tls13);
	tls_free(&tls);
	return unit_done();
}
