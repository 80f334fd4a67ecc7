// SPDX-License-Identifier: GPL-2.0
/*
 * A socket BIO that never raises SIGPIPE. OpenSSL's own socket BIO writes
 * with write(2), so a TLS alert or close_notify sent to a peer that has
 * already gone kills a process that has not ignored SIGPIPE. Servers
 * close NTS-KE connections at will (chrony after refusing TLS 1.2 or a
 * missing ALPN, NTPsec after a bad request), so the library must not
 * depend on every caller remembering signal(SIGPIPE, SIG_IGN).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>

#include "tls_sock.h"

static CRYPTO_ONCE tls_sock_once = CRYPTO_ONCE_STATIC_INIT;
static BIO_METHOD *tls_sock_method;

static int tls_sock_fd(BIO *b)
{
	return (int)(intptr_t)BIO_get_data(b);
}

static int tls_sock_retry(BIO *b, ssize_t n, int is_write)
{
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
		if (is_write)
			BIO_set_retry_write(b);
		else
			BIO_set_retry_read(b);
	}
	return n < 0 ? -1 : 0;
}

static int tls_sock_write(BIO *b, const char *buf, int len)
{
	ssize_t n;

	BIO_clear_retry_flags(b);
	n = send(tls_sock_fd(b), buf, (size_t)len, MSG_NOSIGNAL);
	if (n <= 0)
		return tls_sock_retry(b, n, 1);
	return (int)n;
}

static int tls_sock_read(BIO *b, char *buf, int len)
{
	ssize_t n;

	BIO_clear_retry_flags(b);
	n = recv(tls_sock_fd(b), buf, (size_t)len, 0);
	if (n <= 0)
		return tls_sock_retry(b, n, 0);
	return (int)n;
}

static int tls_sock_puts(BIO *b, const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return tls_sock_write(b, s, (int)n);
}

static long tls_sock_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	switch (cmd) {
	case BIO_C_GET_FD:
		if (ptr)
			*(int *)ptr = tls_sock_fd(b);
		return tls_sock_fd(b);
	case BIO_CTRL_FLUSH:
	case BIO_CTRL_DUP:
		return 1;
	default:
		return 0;
	}
}

static int tls_sock_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static void tls_sock_make(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK |
				     BIO_TYPE_DESCRIPTOR, "knts socket");

	if (!m)
		return;
	if (!BIO_meth_set_write(m, tls_sock_write) ||
	    !BIO_meth_set_read(m, tls_sock_read) ||
	    !BIO_meth_set_puts(m, tls_sock_puts) ||
	    !BIO_meth_set_ctrl(m, tls_sock_ctrl) ||
	    !BIO_meth_set_create(m, tls_sock_create)) {
		BIO_meth_free(m);
		return;
	}
	tls_sock_method = m;
}

BIO *knts_tls_sock_bio(int fd)
{
	BIO *b;

	if (!CRYPTO_THREAD_run_once(&tls_sock_once, tls_sock_make) ||
	    !tls_sock_method)
		return NULL;
	b = BIO_new(tls_sock_method);
	if (b)
		BIO_set_data(b, (void *)(intptr_t)fd);
	return b;
}
