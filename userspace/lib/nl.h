/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the knts generic netlink family (libnl-genl-3): one socket,
 * one request at a time, the kernel's extended-ack message kept for the
 * caller's error text.
 */
#ifndef KNTS_NL_H
#define KNTS_NL_H

#include <netlink/attr.h>
#include <netlink/msg.h>

struct knts_nl;

/* Errors beyond -errno that callers tell the user apart. */
#define KNTS_NL_ENOFAMILY 10000	/* family not registered: module not loaded */

/* Open a socket and resolve the family; NULL and *err (negative) on failure. */
struct knts_nl *knts_nl_open(int *err);
void knts_nl_close(struct knts_nl *nl);

/* Callback over each reply's top-level attributes (index KNTS_A_*). */
typedef int (*knts_nl_reply_fn)(struct nlattr **tb, void *arg);

/*
 * Send command @cmd with the attributes @fill adds (may be NULL); call
 * @reply for each answer. Returns 0 or -errno (the kernel's error), with
 * the kernel's extack text, if any, in knts_nl_errmsg().
 */
int knts_nl_request(struct knts_nl *nl, int cmd, int flags,
		    int (*fill)(struct nl_msg *msg, void *arg), void *fill_arg,
		    knts_nl_reply_fn reply, void *reply_arg);
const char *knts_nl_errmsg(const struct knts_nl *nl);

/*
 * Events: join the family's multicast group @group (e.g. KNTS_MCGRP_EVENTS)
 * on this socket, then wait up to @timeout_ms (-1: forever) for messages
 * and call @fn for each. knts_nl_wait returns the number of messages
 * handled (0 on timeout) or -errno. Use a socket for events only.
 */
int knts_nl_subscribe(struct knts_nl *nl, const char *group);
int knts_nl_wait(struct knts_nl *nl, int timeout_ms, knts_nl_reply_fn fn,
		 void *arg);

/* The socket's file descriptor, for an event loop (events sockets). */
int knts_nl_fd(const struct knts_nl *nl);

/* A one-line explanation of an error from knts_nl_open/knts_nl_request. */
const char *knts_nl_strerror(int err);

#endif
