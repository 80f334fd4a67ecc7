/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: the compiler helpers kmod/siv_aesni.c uses. */
#ifndef _KSHIM_LINUX_COMPILER_H
#define _KSHIM_LINUX_COMPILER_H

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define __aligned(x) __attribute__((__aligned__(x)))
/* As the kernel's: the compiler must assume @ptr's memory is read. */
#define barrier_data(ptr) __asm__ __volatile__("" : : "r"(ptr) : "memory")

#endif
