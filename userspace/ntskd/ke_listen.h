/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NTS-KE listening sockets: one per ke-listen line (IPv6 ones are
 * IPv6-only), or 0.0.0.0 and :: on 4460 when there are none. Accepted
 * connections are non-blocking and handed to a callback with the peer's
 * address as text; running out of descriptors pauses accepting for a
 * second instead of spinning. Several NTS-KE workers accept from the
 * same sockets, each on its own loop (ntskd_ke_listen_join()).
 */
#ifndef NTSKD_KE_LISTEN_H
#define NTSKD_KE_LISTEN_H

#include <sys/socket.h>

#include "config.h"
#include "loop.h"

/* "192.0.2.1:4460" or "[2001:db8::1]:4460" */
#define NTSKD_PEER_LEN	(INET6_ADDRSTRLEN + 10)

struct ntskd_ke_listeners;

/* Takes over @fd (connected, non-blocking); @sa is the peer's address. */
typedef void (*ntskd_ke_accept_fn)(int fd, const struct sockaddr *sa,
				   const char *peer, void *arg);

/* Open the listeners of @cfg; NULL after logging why. */
struct ntskd_ke_listeners *ntskd_ke_listen(struct ntskd_loop *loop,
					   const struct ntskd_config *cfg,
					   ntskd_ke_accept_fn fn, void *arg);

/*
 * The same listening sockets (duplicated descriptors) watched from
 * another loop, for another NTS-KE worker; NULL after logging why.
 */
struct ntskd_ke_listeners *ntskd_ke_listen_join(struct ntskd_loop *loop,
						const struct ntskd_ke_listeners *src,
						ntskd_ke_accept_fn fn, void *arg);

/* Close them all. NULL is a no-op. */
void ntskd_ke_listeners_close(struct ntskd_ke_listeners *ls);

#endif /* NTSKD_KE_LISTEN_H */
