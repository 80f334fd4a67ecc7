/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replace a small file atomically: write PATH.tmp, fsync it, rename it over
 * PATH, fsync the directory. A crash leaves either the old file or the new
 * one, never a torn one (ntskd's master keys and client state).
 */
#ifndef KNTS_FILE_ATOMIC_H
#define KNTS_FILE_ATOMIC_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Write @len bytes of @data to @path with permissions @mode. A missing
 * parent directory is created (one level, mode 0700: /var/lib/knts on the
 * first start). Returns 0 or a negative errno with a message in @err; on
 * failure @path is untouched and no temporary file is left behind.
 */
int knts_file_write_atomic(const char *path, const void *data, size_t len,
			   mode_t mode, char *err, size_t errlen);

#endif
