/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the kernels knts builds on, 5.10 to
 * 6.12 and later (make compat-check builds them all). Every version shim
 * of the module lives here and nowhere else.
 *
 * Rules, because Debian and Raspberry Pi stable kernels backport APIs:
 * include the real header first, then test for the feature (is the macro
 * defined?) rather than compare LINUX_VERSION_CODE (checkpatch rejects
 * that too); when a function is renamed, give the call a compat_ name
 * that maps to the old name on old kernels, never define the new name.
 */
#ifndef _KNTS_COMPAT_H
#define _KNTS_COMPAT_H

#include <crypto/aes.h>
#include <linux/netlink.h>
#include <linux/timer.h>
#include <net/genetlink.h>

/*
 * 6.1 added required-attribute checks that also tell userspace which
 * attribute is missing (extack->miss_type). Before that the check is a
 * plain NULL test; the caller's own extack message still goes out.
 */
#ifndef NL_REQ_ATTR_CHECK
#define NL_REQ_ATTR_CHECK(extack, nest, tb, type) (!(tb)[(type)])
#endif
#ifndef GENL_REQ_ATTR_CHECK
#define GENL_REQ_ATTR_CHECK(info, attr) (!(info)->attrs[(attr)])
#endif

/*
 * Who may join a multicast group: only CAP_NET_ADMIN over the network
 * namespace (in the user namespace owning it, as for the commands) where
 * the kernel can say so (6.7, and stable backports such as Debian's
 * 6.1.1xx); older kernels have no such field and let anyone listen.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define KNTS_GENL_MCGRP(n) { .name = (n), .flags = GENL_MCAST_CAP_NET_ADMIN }
#else
#define KNTS_GENL_MCGRP(n) { .name = (n) }
#endif

/* 6.16 renamed from_timer() to timer_container_of() and dropped the old name. */
#ifndef timer_container_of
#define timer_container_of(var, t, field) from_timer(var, t, field)
#endif

/*
 * 7.0 reworked the AES library: aes_encrypt() takes a struct aes_enckey
 * made by aes_prepareenckey() (encryption round keys only); before, a
 * struct crypto_aes_ctx made by aes_expandkey(). No macro tells them
 * apart, so kmod/Kbuild looks for aes_prepareenckey in the kernel's
 * <crypto/aes.h> and defines KNTS_HAVE_AES_ENCKEY.
 */
#ifdef KNTS_HAVE_AES_ENCKEY
#define compat_aes_key		aes_enckey
#define compat_aes_prepare	aes_prepareenckey
#else
#define compat_aes_key		crypto_aes_ctx
#define compat_aes_prepare	aes_expandkey
#endif

#endif /* _KNTS_COMPAT_H */
