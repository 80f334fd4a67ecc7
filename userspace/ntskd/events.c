// SPDX-License-Identifier: GPL-2.0
/* Kernel events on the loop (see events.h). */
#include <errno.h>
#include <stdlib.h>

#include <linux/knts.h>

#include "events.h"
#include "log.h"

struct ntskd_events {
	struct knts_nl *nl;
	struct ntskd_io *io;
	ntskd_event_fn fn;
	void *arg;
};

static int events_one(struct nlattr **tb, void *arg)
{
	struct ntskd_events *e = arg;
	struct knts_assoc_event ev;

	/* a newer module's notification we cannot read: not ours to judge */
	if (knts_assoc_event_parse(tb, &ev))
		return 0;
	e->fn(&ev, e->arg);
	return 0;
}

static void events_on_io(struct ntskd_io *io, int fd, uint32_t events,
			 void *arg)
{
	struct ntskd_events *e = arg;
	int n = knts_nl_wait(e->nl, 0, events_one, e);

	if (n < 0) {
		/* ENOBUFS: the kernel dropped some; nothing to read is fine */
		log_debug("knts events: %s; checking every association",
			  knts_nl_strerror(n));
		e->fn(NULL, e->arg);
	}
}

struct ntskd_events *ntskd_events_open(struct ntskd_loop *loop,
				       ntskd_event_fn fn, void *arg, int *err)
{
	struct ntskd_events *e = calloc(1, sizeof(*e));

	if (!e) {
		*err = -ENOMEM;
		return NULL;
	}
	e->fn = fn;
	e->arg = arg;
	e->nl = knts_nl_open(err);
	if (!e->nl)
		goto fail;
	*err = knts_nl_subscribe(e->nl, KNTS_MCGRP_EVENTS);
	if (*err)
		goto fail;
	e->io = ntskd_loop_add_fd(loop, knts_nl_fd(e->nl), EPOLLIN,
				  events_on_io, e);
	if (!e->io) {
		*err = -errno;
		goto fail;
	}
	return e;
fail:
	ntskd_events_close(e);
	return NULL;
}

void ntskd_events_close(struct ntskd_events *e)
{
	if (!e)
		return;
	ntskd_io_remove(e->io);
	knts_nl_close(e->nl);
	free(e);
}
