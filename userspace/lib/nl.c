// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/knts.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct knts_nl {
	struct nl_sock *sk;
	int family;
	char errmsg[256];
};

struct knts_nl_call {
	struct knts_nl *nl;
	knts_nl_reply_fn reply;
	void *arg;
	int err;
	int done;
};

struct knts_nl *knts_nl_open(int *err)
{
	struct knts_nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	if (!nl) {
		*err = -ENOMEM;
		return NULL;
	}
	nl->sk = nl_socket_alloc();
	if (!nl->sk || genl_connect(nl->sk)) {
		*err = -errno ? -errno : -EIO;
		goto fail;
	}
	/* libnl 3.7 has no helper for this; the kernel's messages are worth it. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, KNTS_FAMILY_NAME);
	if (nl->family < 0) {
		*err = nl->family == -NLE_OBJ_NOTFOUND ? -KNTS_NL_ENOFAMILY : -EIO;
		goto fail;
	}
	return nl;
fail:
	knts_nl_close(nl);
	return NULL;
}

void knts_nl_close(struct knts_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

const char *knts_nl_errmsg(const struct knts_nl *nl)
{
	return nl->errmsg[0] ? nl->errmsg : NULL;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct knts_nl_call *call = arg;
	struct nlattr *tb[KNTS_A_MAX + 1];
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, KNTS_A_MAX, NULL);
	if (err < 0) {
		call->err = -EPROTO;
		return NL_STOP;
	}
	if (call->reply) {
		err = call->reply(tb, call->arg);
		if (err < 0) {
			call->err = err;
			return NL_STOP;
		}
	}
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct knts_nl_call *call = arg;
	struct nlmsghdr *h = (struct nlmsghdr *)e - 1;
	int len = h->nlmsg_len;
	struct nlattr *attrs, *a;
	int ack_len = sizeof(*h) + sizeof(*e);
	int rem;

	call->err = e->error;
	call->done = 1;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		ack_len += e->msg.nlmsg_len - sizeof(*h);
	if (len <= ack_len)
		return NL_STOP;
	attrs = (struct nlattr *)((char *)h + ack_len);
	nla_for_each_attr(a, attrs, len - ack_len, rem) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(call->nl->errmsg, sizeof(call->nl->errmsg),
				 "%.*s", nla_len(a), (const char *)nla_data(a));
	}
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct knts_nl_call *call = arg;

	call->done = 1;
	return NL_STOP;
}

int knts_nl_request(struct knts_nl *nl, int cmd, int flags,
		    int (*fill)(struct nl_msg *msg, void *arg), void *fill_arg,
		    knts_nl_reply_fn reply, void *reply_arg)
{
	struct knts_nl_call call = { .nl = nl, .reply = reply, .arg = reply_arg };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int err;

	nl->errmsg[0] = 0;
	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb) {
		err = -ENOMEM;
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 flags | NLM_F_ACK, cmd, KNTS_FAMILY_VERSION)) {
		err = -ENOMEM;
		goto out;
	}
	if (fill) {
		err = fill(msg, fill_arg);
		if (err < 0)
			goto out;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &call);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &call);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_finish, &call);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &call);
	err = nl_send_auto(nl->sk, msg);
	/* Requests may carry keys: do not leave them in freed memory. */
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	if (err < 0) {
		err = -EIO;
		goto out;
	}
	while (!call.done) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err < 0 && !call.done) {
			err = err == -NLE_PERM ? -EPERM : -EIO;
			goto out;
		}
	}
	err = call.err;
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return err;
}

int knts_nl_subscribe(struct knts_nl *nl, const char *group)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, KNTS_FAMILY_NAME, group);

	if (grp < 0)
		return grp == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
	if (nl_socket_add_membership(nl->sk, grp))
		return -EPERM;
	return 0;
}

struct knts_nl_events {
	knts_nl_reply_fn fn;
	void *arg;
	int n;
	int err;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct knts_nl_events *ev = arg;
	struct nlattr *tb[KNTS_A_MAX + 1];
	int err;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KNTS_A_MAX, NULL) < 0) {
		ev->err = -EPROTO;
		return NL_STOP;
	}
	ev->n++;
	err = ev->fn(tb, ev->arg);
	if (err < 0) {
		ev->err = err;
		return NL_STOP;
	}
	return NL_OK;
}

static int any_seq(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

int knts_nl_wait(struct knts_nl *nl, int timeout_ms, knts_nl_reply_fn fn,
		 void *arg)
{
	struct knts_nl_events ev = { .fn = fn, .arg = arg };
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	struct nl_cb *cb;
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return 0;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	/* Notifications carry sequence number 0: accept any. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &ev);
	ret = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (ev.err)
		return ev.err;
	if (ret < 0)
		return -EIO;
	return ev.n;
}

int knts_nl_fd(const struct knts_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

const char *knts_nl_strerror(int err)
{
	switch (-err) {
	case KNTS_NL_ENOFAMILY:
		return "the knts kernel module is not loaded (try: modprobe knts)";
	case EPERM:
		return "permission denied: knts needs CAP_NET_ADMIN in this network namespace";
	}
	return strerror(-err);
}
