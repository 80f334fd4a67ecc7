// SPDX-License-Identifier: GPL-2.0
/* ntskd's control socket (see control.h and lib/ntskd_ctl.h). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "log.h"
#include "ntskd_ctl.h"

struct ntskd_control {
	int fd;
	struct ntskd_io *io;
	ntskd_control_fn fn;
	void *arg;
};

static void control_on_io(struct ntskd_io *io, int fd, uint32_t events,
			  void *arg)
{
	struct ntskd_control *c = arg;
	static char req[NTSKD_CTL_MAX + 1], reply[NTSKD_CTL_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} cmsg;
	struct sockaddr_un from;
	struct iovec iov = { .iov_base = req, .iov_len = NTSKD_CTL_MAX };
	struct msghdr mh = {
		.msg_name = &from, .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cmsg.buf,
	};
	const struct ucred *cred;
	ssize_t n;

	for (;;) {
		mh.msg_namelen = sizeof(from);
		mh.msg_controllen = sizeof(cmsg.buf);
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0)
			return;
		req[n] = '\0';
		while (n > 0 && (req[n - 1] == '\n' || req[n - 1] == '\r'))
			req[--n] = '\0';
		cred = ntskd_ctl_creds(&mh);
		if (!cred || (cred->uid != 0 && cred->uid != geteuid())) {
			log_warn("control: refused a request from uid %d",
				 cred ? (int)cred->uid : -1);
			snprintf(reply, sizeof(reply),
				 "denied only root or ntskd's user may ask ntskd");
		} else if (mh.msg_flags & MSG_TRUNC || strlen(req) != (size_t)n) {
			snprintf(reply, sizeof(reply), "error malformed request");
		} else {
			log_debug("control: '%s' from pid %d", req, (int)cred->pid);
			c->fn(req, reply, sizeof(reply), c->arg);
		}
		/* the sender waits for this; if it is gone, so be it */
		if (mh.msg_namelen > offsetof(struct sockaddr_un, sun_path))
			sendto(fd, reply, strlen(reply), MSG_DONTWAIT,
			       (struct sockaddr *)&from, mh.msg_namelen);
	}
}

/*
 * The name is taken. By another ntskd, or by someone squatting it so that
 * ntsctl talks to them: ask the holder, the kernel says who answers.
 */
static void control_name_taken(void)
{
	char reply[NTSKD_CTL_MAX];
	struct ucred peer = { .pid = 0 };
	int err;

	err = ntskd_ctl_request_from("ping", reply, sizeof(reply), 1000, &peer);
	if (!err && !strncmp(reply, "ok ntskd", 8))
		log_warn("control socket @%s: another ntskd (pid %d) runs in this network namespace; ntsctl reaches that one",
			 NTSKD_CTL_NAME, (int)peer.pid);
	else if (err == -ENOTUNIQ)
		log_err("control socket @%s is held by pid %d, uid %u, which is neither root nor ntskd's user: someone is squatting it. ntsctl refuses to talk to it; stop that process ('ss -xlp | grep %s') and restart ntskd",
			NTSKD_CTL_NAME, (int)peer.pid, (unsigned int)peer.uid,
			NTSKD_CTL_NAME);
	else
		log_err("control socket @%s is held by a process that does not answer as ntskd (%s); ntsctl cannot reach this ntskd ('ss -xlp | grep %s' shows the holder)",
			NTSKD_CTL_NAME, err ? strerror(-err) : reply,
			NTSKD_CTL_NAME);
}

struct ntskd_control *ntskd_control_open(struct ntskd_loop *loop,
					 ntskd_control_fn fn, void *arg)
{
	struct ntskd_control *c = calloc(1, sizeof(*c));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				   strlen(NTSKD_CTL_NAME));
	int one = 1, e;

	if (!c)
		return NULL;
	c->fn = fn;
	c->arg = arg;
	memcpy(sa.sun_path + 1, NTSKD_CTL_NAME, strlen(NTSKD_CTL_NAME));
	c->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	if (setsockopt(c->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
		goto fail;
	if (bind(c->fd, (struct sockaddr *)&sa, sl)) {
		if (errno == EADDRINUSE)
			control_name_taken();
		else
			log_warn("control socket @%s: %s", NTSKD_CTL_NAME,
				 strerror(errno));
		errno = EADDRINUSE;
		goto fail;
	}
	c->io = ntskd_loop_add_fd(loop, c->fd, EPOLLIN, control_on_io, c);
	if (!c->io)
		goto fail;
	return c;
fail:
	e = errno;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	errno = e;
	return NULL;
}

void ntskd_control_close(struct ntskd_control *c)
{
	if (!c)
		return;
	ntskd_io_remove(c->io);
	close(c->fd);
	free(c);
}
