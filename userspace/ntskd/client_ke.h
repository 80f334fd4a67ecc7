/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One NTS-KE of the client role on the event loop: resolve the server
 * line's host (resolve.c, never blocking), try its addresses in turn with
 * the non-blocking state machine of lib/ke_client (only connect failures
 * and connect timeouts move on to the next address: a TLS, certificate or
 * protocol failure is the server's answer), then find the NTP address the
 * association is keyed by: the Server record (record 6, resolved when it
 * is a name) or the NTS-KE server's address, with the Port record
 * (record 7) or 123.
 *
 * Many run at once, each with its own socket and timers.
 */
#ifndef NTSKD_CLIENT_KE_H
#define NTSKD_CLIENT_KE_H

#include "assoc_id.h"
#include "config.h"
#include "ke_client.h"
#include "loop.h"
#include "resolve.h"

struct ntskd_client_ke;

/*
 * Called once from the loop. @err: 0 on success, else a KNTS_KE_CERR_*
 * class and @msg says what failed. On success @res holds the keys and
 * cookies and @ntp the association's address and port. Both are wiped
 * after the call; the exchange object is freed after it too.
 */
typedef void (*ntskd_client_ke_fn)(int err, const char *msg,
				   const struct knts_ke_result *res,
				   const struct knts_assoc_id *ntp, void *arg);

/*
 * NULL when out of memory; otherwise @fn will be called (or cancel).
 * @prefer (or NULL): when the host is a name, its address to try first
 * (the port is ignored): the one the NTP client uses.
 */
struct ntskd_client_ke *ntskd_client_ke_start(struct ntskd_loop *loop,
					      struct ntskd_resolver *resolver,
					      const struct ntskd_server_conf *sc,
					      const struct knts_assoc_id *prefer,
					      ntskd_client_ke_fn fn, void *arg);
/* Stop it; the callback does not run. */
void ntskd_client_ke_cancel(struct ntskd_client_ke *ke);

#endif /* NTSKD_CLIENT_KE_H */
