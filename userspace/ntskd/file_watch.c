// SPDX-License-Identifier: GPL-2.0
/* Changes of the certificate and key files (see file_watch.h). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "config.h"
#include "file_watch.h"
#include "log.h"

/* a file written, created, renamed in, its symlink replaced, or chmod'ed */
#define WATCH_MASK	(IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | \
			 IN_ATTRIB | IN_DELETE)

struct watch_entry {
	int wd;
	char name[NTSKD_PATH_MAX];	/* basename of the watched path */
};

struct ntskd_file_watch {
	struct ntskd_loop *loop;
	int fd;
	struct ntskd_io *io;
	struct ntskd_timer quiet;
	unsigned int debounce_ms;
	void (*fn)(void *arg);
	void *arg;
	struct watch_entry e[NTSKD_WATCH_MAX];
	unsigned int n;
};

static bool watch_matches(const struct ntskd_file_watch *w, int wd,
			  const char *name)
{
	unsigned int i;

	for (i = 0; i < w->n; i++)
		if (w->e[i].wd == wd && !strcmp(w->e[i].name, name))
			return true;
	return false;
}

static void watch_on_io(struct ntskd_io *io, int fd, uint32_t events,
			void *arg)
{
	struct ntskd_file_watch *w = arg;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool hit = false;
	ssize_t n;

	for (;;) {
		const char *p;

		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;

			/* the queue overflowed: something may have changed */
			if (ev->mask & IN_Q_OVERFLOW ||
			    (ev->len && watch_matches(w, ev->wd, ev->name)))
				hit = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (hit)
		ntskd_timer_arm(w->loop, &w->quiet, w->debounce_ms);
}

static void watch_quiet(struct ntskd_timer *t, void *arg)
{
	struct ntskd_file_watch *w = arg;

	w->fn(w->arg);
}

struct ntskd_file_watch *ntskd_file_watch_new(struct ntskd_loop *loop,
					      const char *const *paths,
					      unsigned int n,
					      unsigned int debounce_ms,
					      void (*fn)(void *arg), void *arg)
{
	struct ntskd_file_watch *w = calloc(1, sizeof(*w));
	char dir[NTSKD_PATH_MAX], base[NTSKD_PATH_MAX];
	unsigned int i;

	if (!w || n > NTSKD_WATCH_MAX) {
		free(w);
		return NULL;
	}
	w->loop = loop;
	w->fn = fn;
	w->arg = arg;
	w->debounce_ms = debounce_ms;
	ntskd_timer_init(&w->quiet, watch_quiet, w);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		struct watch_entry *e = &w->e[w->n];

		snprintf(dir, sizeof(dir), "%s", paths[i]);
		snprintf(base, sizeof(base), "%s", paths[i]);
		/* the same directory gives the same wd: one entry per name */
		e->wd = inotify_add_watch(w->fd, dirname(dir), WATCH_MASK);
		if (e->wd < 0)
			goto fail;
		snprintf(e->name, sizeof(e->name), "%s", basename(base));
		w->n++;
	}
	w->io = ntskd_loop_add_fd(loop, w->fd, EPOLLIN, watch_on_io, w);
	if (!w->io)
		goto fail;
	return w;
fail:
	log_warn("cannot watch %s for changes (%s): send SIGHUP after replacing it",
		 n ? paths[w->n < n ? w->n : 0] : "", strerror(errno));
	if (w->fd >= 0)
		close(w->fd);
	free(w);
	return NULL;
}

void ntskd_file_watch_free(struct ntskd_file_watch *w)
{
	if (!w)
		return;
	ntskd_timer_cancel(w->loop, &w->quiet);
	ntskd_io_remove(w->io);
	close(w->fd);
	free(w);
}
