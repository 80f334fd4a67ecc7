// SPDX-License-Identifier: GPL-2.0
/* The ntsctl side of ntskd's control socket (see ntskd_ctl.h). */
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ntskd_ctl.h"

bool ntskd_ctl_trusted(unsigned int uid)
{
	const struct passwd *pw;

	if (uid == 0 || uid == geteuid())
		return true;
	pw = getpwnam(NTSKD_USER);
	return pw && pw->pw_uid == uid;
}

const struct ucred *ntskd_ctl_creds(struct msghdr *mh)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
			return (const struct ucred *)CMSG_DATA(cm);
	return NULL;
}

int ntskd_ctl_request_from(const char *req, char *reply, size_t len,
			   int timeout_ms, struct ucred *peer)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				   strlen(NTSKD_CTL_NAME));
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} cmsg;
	struct iovec iov = { .iov_base = reply, .iov_len = len - 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cmsg.buf, .msg_controllen = sizeof(cmsg.buf),
	};
	const struct ucred *cred;
	sa_family_t af = AF_UNIX;
	struct pollfd pfd;
	int fd, ret, one = 1;
	ssize_t n;

	reply[0] = '\0';
	memcpy(sa.sun_path + 1, NTSKD_CTL_NAME, strlen(NTSKD_CTL_NAME));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* autobind: an abstract address of our own for the answer */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&af, sizeof(af)) ||
	    sendto(fd, req, strlen(req), 0, (struct sockaddr *)&sa, sl) < 0) {
		ret = -errno;
		goto out;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	ret = poll(&pfd, 1, timeout_ms);
	if (ret <= 0) {
		ret = ret ? -errno : -ETIMEDOUT;
		goto out;
	}
	n = recvmsg(fd, &mh, 0);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	reply[n] = '\0';
	cred = ntskd_ctl_creds(&mh);
	if (!cred) {
		reply[0] = '\0';
		ret = -EPROTO;
		goto out;
	}
	if (peer)
		*peer = *cred;
	/* whoever holds the name may not be ntskd: believe nothing it says */
	if (!ntskd_ctl_trusted(cred->uid)) {
		reply[0] = '\0';
		ret = -ENOTUNIQ;
		goto out;
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

int ntskd_ctl_request(const char *req, char *reply, size_t len,
		      struct ucred *peer)
{
	return ntskd_ctl_request_from(req, reply, len, NTSKD_CTL_TIMEOUT_MS,
				      peer);
}
