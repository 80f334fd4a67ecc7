/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A BIO over a connected socket that sends with MSG_NOSIGNAL, so TLS
 * never raises SIGPIPE in the caller's process. The BIO does not own the
 * fd: closing it is the caller's job. Attach it once for both directions
 * with SSL_set_bio(ssl, b, b), which takes over the one reference.
 */
#ifndef KNTS_TLS_SOCK_H
#define KNTS_TLS_SOCK_H

#include <openssl/bio.h>

/* NULL if OpenSSL cannot make the method or the BIO. */
BIO *knts_tls_sock_bio(int fd);

#endif /* KNTS_TLS_SOCK_H */
