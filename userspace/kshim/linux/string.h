/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: memcpy/memset/memcmp and the kernel's secure wipe. */
#ifndef _KSHIM_LINUX_STRING_H
#define _KSHIM_LINUX_STRING_H

#include <string.h>

static inline void memzero_explicit(void *p, size_t n)
{
	explicit_bzero(p, n);
}

#endif
