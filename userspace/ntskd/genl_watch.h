/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tell when a generic netlink family appears: the kernel's genl controller
 * announces every family it registers (CTRL_CMD_NEWFAMILY on its "notify"
 * group, in every network namespace). ntskd watches for "knts", so that
 * after `rmmod knts; modprobe knts` the fresh module gets the server
 * role's settings and keys at once, not at the next audit.
 */
#ifndef NTSKD_GENL_WATCH_H
#define NTSKD_GENL_WATCH_H

#include "loop.h"

struct ntskd_genl_watch;

/* NULL (logged) on failure: the periodic audit still catches up. */
struct ntskd_genl_watch *ntskd_genl_watch_new(struct ntskd_loop *loop,
					      const char *family,
					      void (*fn)(void *arg),
					      void *arg);
void ntskd_genl_watch_free(struct ntskd_genl_watch *w);

#endif /* NTSKD_GENL_WATCH_H */
