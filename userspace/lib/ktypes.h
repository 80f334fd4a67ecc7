/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel integer names for userspace/lib sources that include a kmod/
 * header (siv.h, cookie.h) without the kernel shim.
 *
 * userspace/lib is built with -Iinclude/uapi -Iuserspace/lib only, so the
 * <linux/types.h> that kmod headers include is the system uapi one: it has
 * __u8 and friends but no u8 and no size_t. Include this header first:
 *
 *	#include "ktypes.h"
 *	#include "../../kmod/siv.h"
 *
 * When the userspace shim (userspace/kshim/linux/types.h) is already in,
 * it has done the job; the reverse order is fine too, because C11 allows
 * repeating a typedef of the same type.
 */
#ifndef _KNTS_KTYPES_H
#define _KNTS_KTYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef _KSHIM_LINUX_TYPES_H
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#endif /* _KNTS_KTYPES_H */
