/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels knts builds for (5.10 and later), by
 * feature test rather than version number wherever a macro allows it.
 */
#ifndef _KNTS_COMPAT_H
#define _KNTS_COMPAT_H

#include <net/genetlink.h>

/*
 * Who may join a multicast group: only CAP_NET_ADMIN where the kernel
 * can say so (6.7, and stable backports such as Debian's 6.1); older
 * kernels have no such field and let anyone listen.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define KNTS_GENL_MCGRP(n) { .name = (n), .flags = GENL_MCAST_CAP_NET_ADMIN }
#else
#define KNTS_GENL_MCGRP(n) { .name = (n) }
#endif

/* The missing-attribute report in extack came with 6.0. */
#ifndef NL_SET_ERR_ATTR_MISS
#define NL_SET_ERR_ATTR_MISS(extack, nest, type) do { } while (0)
#endif

#endif /* _KNTS_COMPAT_H */
