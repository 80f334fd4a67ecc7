// SPDX-License-Identifier: GPL-2.0
/* Atomic replacement of a small file (see file_atomic.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_atomic.h"

/* fsync the directory holding @path, so that the rename survives a crash */
static int sync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd, ret = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

static int open_tmp(const char *tmp, mode_t mode)
{
	int fd, flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC;
	char dir[PATH_MAX];

	fd = open(tmp, flags, mode);
	if (fd < 0 && errno == ENOENT) {
		snprintf(dir, sizeof(dir), "%s", tmp);
		if (mkdir(dirname(dir), 0700) && errno != EEXIST)
			return -errno;
		fd = open(tmp, flags, mode);
	}
	if (fd < 0)
		return -errno;
	/* a stale temporary file keeps its old permissions through O_CREAT */
	if (fchmod(fd, mode)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int knts_file_write_atomic(const char *path, const void *data, size_t len,
			   mode_t mode, char *err, size_t errlen)
{
	const char *what = "write";
	char tmp[PATH_MAX];
	int fd, ret;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	fd = open_tmp(tmp, mode);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", tmp,
			 strerror(-fd));
		return fd;
	}
	ret = write_all(fd, data, len);
	if (!ret) {
		what = "fsync";
		if (fsync(fd))
			ret = -errno;
	}
	if (close(fd) && !ret) {
		what = "close";
		ret = -errno;
	}
	if (!ret) {
		what = "rename";
		if (rename(tmp, path))
			ret = -errno;
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s failed: %s", tmp, what,
			 strerror(-ret));
		unlink(tmp);
		return ret;
	}
	ret = sync_dir(path);
	if (ret)
		snprintf(err, errlen, "%s: fsync of the directory: %s", path,
			 strerror(-ret));
	return ret;
}
