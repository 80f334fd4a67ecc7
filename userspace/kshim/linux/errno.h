/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: libc's <errno.h> pulls in the real <linux/errno.h>. */
#include_next <linux/errno.h>
#include <errno.h>
