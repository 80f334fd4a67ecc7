// SPDX-License-Identifier: GPL-2.0
/* A generic netlink family's appearance (see genl_watch.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/genetlink.h>

#include "genl_watch.h"
#include "log.h"

struct ntskd_genl_watch {
	struct nl_sock *sk;
	struct ntskd_io *io;
	const char *family;
	void (*fn)(void *arg);
	void *arg;
	bool seen;		/* in the batch being read */
};

static int genl_watch_msg(struct nl_msg *msg, void *arg)
{
	struct ntskd_genl_watch *w = arg;
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

	/* only what the controller says, and only what parses */
	if (nlmsg_hdr(msg)->nlmsg_type != GENL_ID_CTRL ||
	    gh->cmd != CTRL_CMD_NEWFAMILY ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_NAME])
		return NL_OK;
	if (!nla_strcmp(tb[CTRL_ATTR_FAMILY_NAME], w->family))
		w->seen = true;
	return NL_OK;
}

static void genl_watch_io(struct ntskd_io *io, int fd, uint32_t events,
			  void *arg)
{
	struct ntskd_genl_watch *w = arg;
	int err;

	w->seen = false;
	/* non-blocking: read what is there, then back to the loop */
	do {
		err = nl_recvmsgs_default(w->sk);
	} while (err >= 0);
	if (err != -NLE_AGAIN && err != -NLE_BUSY)
		log_debug("genl notifications: %s", nl_geterror(err));
	if (w->seen) {
		log_info("generic netlink family '%s' registered (module loaded)",
			 w->family);
		w->fn(w->arg);
	}
}

struct ntskd_genl_watch *ntskd_genl_watch_new(struct ntskd_loop *loop,
					      const char *family,
					      void (*fn)(void *arg),
					      void *arg)
{
	struct ntskd_genl_watch *w = calloc(1, sizeof(*w));
	int grp;

	if (!w)
		goto fail;
	w->family = family;
	w->fn = fn;
	w->arg = arg;
	w->sk = nl_socket_alloc();
	if (!w->sk || genl_connect(w->sk))
		goto fail;
	grp = genl_ctrl_resolve_grp(w->sk, "nlctrl", "notify");
	if (grp < 0 || nl_socket_add_membership(w->sk, grp))
		goto fail;
	/* notifications carry no sequence number of ours */
	nl_socket_disable_seq_check(w->sk);
	nl_socket_modify_cb(w->sk, NL_CB_VALID, NL_CB_CUSTOM, genl_watch_msg, w);
	if (nl_socket_set_nonblocking(w->sk))
		goto fail;
	w->io = ntskd_loop_add_fd(loop, nl_socket_get_fd(w->sk), EPOLLIN,
				  genl_watch_io, w);
	if (!w->io)
		goto fail;
	return w;
fail:
	log_warn("cannot watch for the '%s' netlink family to appear: the periodic audit still restores the module's state",
		 family);
	ntskd_genl_watch_free(w);
	return NULL;
}

void ntskd_genl_watch_free(struct ntskd_genl_watch *w)
{
	if (!w)
		return;
	ntskd_io_remove(w->io);
	if (w->sk)
		nl_socket_free(w->sk);
	free(w);
}
