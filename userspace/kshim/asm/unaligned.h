/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: unaligned little-endian loads (x86 hosts only). */
#ifndef _KSHIM_ASM_UNALIGNED_H
#define _KSHIM_ASM_UNALIGNED_H

#include <string.h>
#include <linux/types.h>

static inline u32 get_unaligned_le32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#endif
