/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live knts objects, counted for leak tests: the lifecycle selftests read
 * /sys/kernel/debug/knts/live_{tables,keysets,assocs} before and after tearing
 * namespaces and key sets down under load. Root only; nothing secret.
 */
#ifndef _KNTS_OBJCOUNT_H
#define _KNTS_OBJCOUNT_H

#include <linux/atomic.h>

extern atomic_t knts_live_tables;	/* in-flight tables (pending.c) */
extern atomic_t knts_live_keysets;	/* master key sets (keys.c, netlink.c) */
extern atomic_t knts_live_assocs;	/* client associations (assoc.c) */

void knts_objcount_init(void);
void knts_objcount_exit(void);

#endif /* _KNTS_OBJCOUNT_H */
