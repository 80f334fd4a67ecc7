/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: PTR_ALIGN. */
#ifndef _KSHIM_LINUX_ALIGN_H
#define _KSHIM_LINUX_ALIGN_H

#include <stdint.h>

#define PTR_ALIGN(p, a) \
	((__typeof__(p))(((uintptr_t)(p) + (a) - 1) & ~(uintptr_t)((a) - 1)))

#endif
