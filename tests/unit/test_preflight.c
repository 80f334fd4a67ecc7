// SPDX-License-Identifier: GPL-2.0
/* ntskd's configuration checks (userspace/ntskd/preflight.c). */
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
/* only its PKI helpers are used here */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ke_test_server.h"
#pragma GCC diagnostic warning "-Wunused-function"
#include "config.h"
#include "ke_tls.h"
#include "preflight.h"

static char dir[] = "/tmp/knts-preflight.XXXXXX";
static char cert[128], key[128], other_key[128], keys[128];

static int write_pem(const char *path, X509 *x, EVP_PKEY *k)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = x ? PEM_write_X509(f, x) :
		 PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	chmod(path, 0600);
	return ok ? 0 : -1;
}

static void test_mode_rules(void)
{
	gid_t g = 1234;

	EXPECT(!ntskd_secret_mode_problem(0100600, g, g));
	EXPECT(!ntskd_secret_mode_problem(0100640, g, g));
	EXPECT(ntskd_secret_mode_problem(0100640, 0, g));
	EXPECT(ntskd_secret_mode_problem(0100604, g, g));
	EXPECT(ntskd_secret_mode_problem(0100602, g, g));
	EXPECT(ntskd_secret_mode_problem(0100620, 0, g));
}

static void test_secret_file(void)
{
	chmod(key, 0644);
	EXPECT_EQ(ntskd_check_secret_file(key, "key"), 1);
	chmod(key, 0600);
	EXPECT_EQ(ntskd_check_secret_file(key, "key"), 0);
	/* a missing file is for whoever opens it to report */
	EXPECT_EQ(ntskd_check_secret_file("/nonexistent/knts", "key"), 0);
}

static int check(const char *k, const char *kf)
{
	struct ntskd_config c;
	int ret;

	ntskd_config_init(&c);
	snprintf(c.cert, sizeof(c.cert), "%s", cert);
	snprintf(c.key, sizeof(c.key), "%s", k);
	snprintf(c.keyfile, sizeof(c.keyfile), "%s", kf);
	ret = ntskd_preflight(&c);
	ntskd_config_free(&c);
	return ret;
}

static void test_server_files(void)
{
	FILE *f;

	EXPECT_EQ(check(key, keys), 0);		/* keyfile missing: fine */
	EXPECT_EQ(check(other_key, keys), -1);	/* key does not match */
	EXPECT_EQ(check("/nonexistent/key", keys), -1);
	f = fopen(keys, "w");
	EXPECT(f);
	if (f) {
		fputs("not a keyfile\n", f);
		fclose(f);
	}
	EXPECT_EQ(check(key, keys), -1);	/* keyfile does not parse */
	unlink(keys);
}

/* never a prompt: a clear error that names the problem */
static struct kts_pki pki, pki2;

static void test_encrypted_key(void)
{
	char enc[160], e[1024] = "";
	SSL_CTX *ctx;
	FILE *f;

	snprintf(enc, sizeof(enc), "%s/enc.pem", dir);
	f = fopen(enc, "w");
	EXPECT(f);
	if (!f)
		return;
	EXPECT(PEM_write_PrivateKey(f, pki.srv_key, EVP_aes_256_cbc(),
				    (unsigned char *)"secret", 6, NULL, NULL));
	fclose(f);
	ctx = ntskd_ke_tls_ctx(cert, enc, NULL, e, sizeof(e));
	EXPECT(!ctx);
	SSL_CTX_free(ctx);
	EXPECT(strstr(e, "is encrypted (has a passphrase)"));
	EXPECT_EQ(check(enc, keys), -1);
	unlink(enc);
}

/* A copy of the server certificate valid from @from to @to (seconds). */
static int write_cert_dated(const char *path, long from, long to)
{
	X509 *x = X509_dup(pki.srv);
	int ret;

	if (!x || !X509_gmtime_adj(X509_getm_notBefore(x), from) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), to) ||
	    X509_sign(x, pki.ca_key, EVP_sha256()) <= 0) {
		X509_free(x);
		return -1;
	}
	ret = write_pem(path, x, NULL);
	X509_free(x);
	return ret;
}

/* Expired: refused with a message that says so. Not yet valid: loads. */
static void test_cert_dates(void)
{
	char path[160], e[1024] = "";
	SSL_CTX *ctx;
	int64_t left = 0;

	snprintf(path, sizeof(path), "%s/dated.pem", dir);
	EXPECT_EQ(write_cert_dated(path, -86400 * 10, -60), 0);
	ctx = ntskd_ke_tls_ctx(path, key, NULL, e, sizeof(e));
	EXPECT(!ctx);
	SSL_CTX_free(ctx);
	EXPECT(strstr(e, "expired on"));
	EXPECT(strstr(e, "refusing to serve an expired certificate"));

	EXPECT_EQ(write_cert_dated(path, 3600, 86400 * 30), 0);
	ctx = ntskd_ke_tls_ctx(path, key, NULL, e, sizeof(e));
	EXPECT(ctx);
	EXPECT_EQ(ntskd_ke_tls_cert_left(ctx, &left), 0);
	EXPECT(left > 86400 * 30 - 600 && left <= 86400 * 30);
	SSL_CTX_free(ctx);
	unlink(path);
}

static void test_user(void)
{
	struct ntskd_config c;
	char e[256];
	const char *conf = "server a.example\nuser no-such-user-knts\n";

	ntskd_config_init(&c);
	EXPECT_EQ(ntskd_config_parse(&c, "t", conf, strlen(conf), e, sizeof(e)), 0);
	EXPECT(!strcmp(c.user, "no-such-user-knts"));
	EXPECT_EQ(ntskd_preflight(&c), -1);
	snprintf(c.user, sizeof(c.user), "root");
	EXPECT_EQ(ntskd_preflight(&c), 0);
	ntskd_config_free(&c);
}

static void test_client_ca(void)
{
	struct ntskd_config c;
	char e[256];
	const char *conf = "server a.example ca /nonexistent/ca.pem\n";

	ntskd_config_init(&c);
	EXPECT_EQ(ntskd_config_parse(&c, "t", conf, strlen(conf), e, sizeof(e)), 0);
	EXPECT_EQ(ntskd_preflight(&c), -1);
	ntskd_config_free(&c);
}

int main(void)
{

	if (!mkdtemp(dir) || kts_pki_make(&pki, "IP:127.0.0.1") ||
	    kts_pki_make(&pki2, "IP:127.0.0.1")) {
		printf("not ok 1 - test PKI\n");
		return 1;
	}
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(other_key, sizeof(other_key), "%s/other.pem", dir);
	snprintf(keys, sizeof(keys), "%s/ntskeys", dir);
	if (write_pem(cert, pki.srv, NULL) || write_pem(key, NULL, pki.srv_key) ||
	    write_pem(other_key, NULL, pki2.srv_key)) {
		printf("not ok 1 - write the PEM files\n");
		return 1;
	}
	RUN(test_mode_rules);
	RUN(test_secret_file);
	RUN(test_server_files);
	RUN(test_client_ca);
	RUN(test_user);
	RUN(test_encrypted_key);
	RUN(test_cert_dates);
	unlink(cert);
	unlink(key);
	unlink(other_key);
	rmdir(dir);
	kts_pki_free(&pki);
	kts_pki_free(&pki2);
	return unit_done();
}
