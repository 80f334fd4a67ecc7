/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntskd's client role: for every `server` line, NTS-KE (client_ke.c) and
 * a knts association keyed by the NTP address and port it negotiated,
 * kept alive on the event loop.
 *
 * Start: read the associations the kernel holds and the client-state file;
 * a server line whose association still holds cookies keeps it (NTS-KE
 * when its `refresh` is due), the others run NTS-KE at once, all in
 * parallel. Before that, each of the others gets a closed association
 * (no keys: the kernel drops every request to it and every reply from
 * it) at its NTP address, unless `plain-until-nts`: fail closed before
 * the first NTS-KE. A server given by name whose NTP address is not
 * known gets one at every address the name resolves to (resolution
 * retried while it fails); after NTS-KE the name's other addresses stay
 * closed, and the keyed association follows the NTP client to the one
 * it uses (see cr_keep_guesses() and ntskd.conf(5)). Every association carries the line's socket owner. NTS-KE again on the kernel's events (cookies low, jar empty,
 * NAK not followed by a verified reply), every `refresh` seconds, when
 * ntsctl refresh or SIGUSR1 asks, and when an association has gone;
 * client_policy.h says when exactly, and how failures back off. A check
 * every minute catches what events may have missed. Exit leaves the
 * associations in the kernel: the NTP client keeps its protection while
 * ntskd restarts.
 */
#ifndef NTSKD_CLIENT_ROLE_H
#define NTSKD_CLIENT_ROLE_H

#include <stddef.h>

#include "config.h"
#include "loop.h"

struct ntskd_client_role;

/*
 * NULL after logging why; @cfg must outlive the role. @ready(@ready_arg)
 * is called once, when every server line has had its first NTS-KE (its
 * association installed, or a failure) or kept its association from
 * before, or after 30 s at the latest: ntskd tells systemd it is ready
 * then, so that an NTP client ordered after it finds cookies at once
 * (it is protected before that too: closed associations). It may
 * be called before this function returns.
 */
struct ntskd_client_role *ntskd_client_role_start(struct ntskd_loop *loop,
						  const struct ntskd_config *cfg,
						  void (*ready)(void *arg),
						  void *ready_arg);
/*
 * NTS-KE now for the server line @host (its host, or the NTP address of
 * its association), or every line when @host is NULL. Returns how many
 * started, -1 when no line matches.
 */
int ntskd_client_role_refresh(struct ntskd_client_role *r, const char *host);

/* A "refresh [HOST]" request from the control socket (ntskd_ctl.h). */
void ntskd_client_role_control(struct ntskd_client_role *r, const char *req,
			       char *reply, size_t len);
/* Stop; the kernel keeps the associations. NULL is a no-op. */
void ntskd_client_role_stop(struct ntskd_client_role *r);

#endif /* NTSKD_CLIENT_ROLE_H */
