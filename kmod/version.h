/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNTS_VERSION_H
#define _KNTS_VERSION_H

/* The Makefile passes the git version; this is the fallback for tarballs. */
#ifndef KNTS_VERSION
#define KNTS_VERSION "0.1.0"
#endif

#endif /* _KNTS_VERSION_H */
