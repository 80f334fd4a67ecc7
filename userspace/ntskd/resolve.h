/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Name resolution that never blocks the event loop. getaddrinfo() can
 * wait for seconds on a slow or dead DNS server; one server line with
 * such a name must not hold up the NTS-KE of the others (nor the NTS-KE
 * server role). Each lookup runs getaddrinfo() in a short-lived thread
 * that touches nothing but its own request; the result comes back to the
 * loop through a pipe and the callback runs there, like any other event.
 */
#ifndef NTSKD_RESOLVE_H
#define NTSKD_RESOLVE_H

#include <netdb.h>
#include <stdint.h>

#include "loop.h"

struct ntskd_resolver;
struct ntskd_lookup;

/*
 * @gai: 0 or a getaddrinfo() error (EAI_*); @ai: the addresses, owned by
 * the callback (freeaddrinfo() it). The lookup is gone after the call.
 */
typedef void (*ntskd_lookup_fn)(int gai, struct addrinfo *ai, void *arg);

/* NULL on failure (errno set). */
struct ntskd_resolver *ntskd_resolver_new(struct ntskd_loop *loop);
/* Lookups still running are abandoned: their callbacks never run. */
void ntskd_resolver_free(struct ntskd_resolver *r);

/*
 * Resolve @host (a name; @socktype SOCK_STREAM or SOCK_DGRAM, @port set
 * in the addresses). NULL if no thread could be started (errno set).
 */
struct ntskd_lookup *ntskd_resolve(struct ntskd_resolver *r, const char *host,
				   uint16_t port, int socktype,
				   ntskd_lookup_fn fn, void *arg);
/* The callback will not run. */
void ntskd_lookup_cancel(struct ntskd_lookup *lk);

#endif /* NTSKD_RESOLVE_H */
