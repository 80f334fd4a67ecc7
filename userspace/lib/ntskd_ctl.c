// SPDX-License-Identifier: GPL-2.0
/* The ntsctl side of ntskd's control socket (see ntskd_ctl.h). */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ntskd_ctl.h"

int ntskd_ctl_request(const char *req, char *reply, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				   strlen(NTSKD_CTL_NAME));
	sa_family_t af = AF_UNIX;
	struct pollfd pfd;
	ssize_t n;
	int fd, ret;

	memcpy(sa.sun_path + 1, NTSKD_CTL_NAME, strlen(NTSKD_CTL_NAME));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* autobind: an abstract address of our own for the answer */
	if (bind(fd, (struct sockaddr *)&af, sizeof(af)) ||
	    sendto(fd, req, strlen(req), 0, (struct sockaddr *)&sa, sl) < 0) {
		ret = -errno;
		goto out;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	ret = poll(&pfd, 1, NTSKD_CTL_TIMEOUT_MS);
	if (ret <= 0) {
		ret = ret ? -errno : -ETIMEDOUT;
		goto out;
	}
	n = recv(fd, reply, len - 1, 0);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	reply[n] = '\0';
	ret = 0;
out:
	close(fd);
	return ret;
}
