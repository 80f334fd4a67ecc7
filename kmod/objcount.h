/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live knts objects, counted for leak tests: the lifecycle selftests read
 * /sys/kernel/debug/knts/live_{tables,keysets,assocs} before and after tearing
 * namespaces and key sets down under load. Root only; nothing secret.
 * Built only with KNTS_DEBUG (the selftests' module, kmod/Kbuild).
 */
#ifndef _KNTS_OBJCOUNT_H
#define _KNTS_OBJCOUNT_H

#include <linux/atomic.h>

#ifdef KNTS_DEBUG
extern atomic_t knts_live_tables;	/* in-flight tables (pending.c) */
extern atomic_t knts_live_keysets;	/* master key sets (keys.c, netlink.c) */
extern atomic_t knts_live_assocs;	/* client associations (assoc.c) */

#define knts_objcount_inc(c)	atomic_inc(&knts_live_##c)
#define knts_objcount_dec(c)	atomic_dec(&knts_live_##c)
void knts_objcount_init(void);
void knts_objcount_exit(void);
#else
/* The shipped module (no KNTS_DEBUG) counts nothing. */
#define knts_objcount_inc(c)	do { } while (0)
#define knts_objcount_dec(c)	do { } while (0)
static inline void knts_objcount_init(void) { }
static inline void knts_objcount_exit(void) { }
#endif

#endif /* _KNTS_OBJCOUNT_H */
