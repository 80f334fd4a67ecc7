/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntskd's control socket (protocol in lib/ntskd_ctl.h): requests from
 * ntsctl, answered from the loop, with either role. Only root and ntskd's
 * own user may ask; the answers carry ntskd's credentials for ntsctl to
 * check (ntskd_ctl.h).
 */
#ifndef NTSKD_CONTROL_H
#define NTSKD_CONTROL_H

#include <stddef.h>

#include "loop.h"

struct ntskd_control;

/* Handle @req (NUL-terminated); write the answer into @reply. */
typedef void (*ntskd_control_fn)(const char *req, char *reply, size_t len,
				 void *arg);

/*
 * NULL and errno on failure. EADDRINUSE: the name is taken; who holds it
 * (another ntskd, or a squatter that ntsctl will refuse) is logged.
 */
struct ntskd_control *ntskd_control_open(struct ntskd_loop *loop,
					 ntskd_control_fn fn, void *arg);
void ntskd_control_close(struct ntskd_control *c);

#endif /* NTSKD_CONTROL_H */
