/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntskd's server role: the master keys (loaded, created, rotated, saved),
 * the kernel's server role (keys and settings pushed over netlink) and the
 * NTS-KE server, tied together on the event loop.
 *
 * Start: load the keyfile (or create it with fresh keys when it does not
 * exist), push the keys to knts, enable the kernel server role on ntp-port
 * with the policy, then open the NTS-KE listeners. Every `rotate` seconds
 * (counted from the newest key's age in the file): rotate, push, save.
 * SIGHUP: reload cert and key, re-read the keyfile (the file wins when it
 * differs: a pool member's keys are replaced by its distributor), push the
 * keys and settings again.
 */
#ifndef NTSKD_SERVER_ROLE_H
#define NTSKD_SERVER_ROLE_H

#include <stddef.h>

#include "config.h"
#include "loop.h"

struct ntskd_server_role;

/* NULL after logging why; @cfg must outlive the role. */
struct ntskd_server_role *ntskd_server_role_start(struct ntskd_loop *loop,
						  const struct ntskd_config *cfg);
/*
 * Start the NTS-KE worker threads (ke_workers.h); called once privileges
 * are dropped, so that they inherit that. 0 or -1 (logged).
 */
int ntskd_server_role_run_workers(struct ntskd_server_role *r);

/* SIGHUP */
void ntskd_server_role_reload(struct ntskd_server_role *r);
/* Stop serving; the kernel keeps its keys and settings. NULL is a no-op. */
void ntskd_server_role_stop(struct ntskd_server_role *r);

/*
 * Rotate the master keys now (SIGUSR2), as the rotation timer would: e.g.
 * after a key may have leaked. With rotate 0 too. The timer restarts.
 */
void ntskd_server_role_rotate_now(struct ntskd_server_role *r);

/*
 * The NTS-KE server's counters for the control socket's "ke-stats": "ok"
 * and one "NAME VALUE" line each (ntskd_ctl.h).
 */
void ntskd_server_role_ke_stats(const struct ntskd_server_role *r,
				char *reply, size_t len);

#endif /* NTSKD_SERVER_ROLE_H */
