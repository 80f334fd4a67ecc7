/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tell when files change (inotify), for the certificate and key: a Let's
 * Encrypt renewal replaces them while ntskd runs, and the new ones should
 * be served without anyone sending SIGHUP.
 *
 * The watch is on each file's directory, not on the file: renewals replace
 * files (certbot points the symlinks in live/ at new files in archive/;
 * editors and `install` rename over the old name), and a watch on the old
 * inode would never fire again. A change is reported once things have
 * been quiet for the debounce delay, so a certificate and key written one
 * after the other are reloaded once, together.
 */
#ifndef NTSKD_FILE_WATCH_H
#define NTSKD_FILE_WATCH_H

#include "loop.h"

#define NTSKD_WATCH_MAX		4

struct ntskd_file_watch;

/*
 * Watch @paths (up to NTSKD_WATCH_MAX; absolute). @fn runs @debounce_ms
 * after the last change seen. NULL (logged) when inotify is unavailable:
 * SIGHUP still reloads.
 */
struct ntskd_file_watch *ntskd_file_watch_new(struct ntskd_loop *loop,
					      const char *const *paths,
					      unsigned int n,
					      unsigned int debounce_ms,
					      void (*fn)(void *arg), void *arg);

/* NULL is a no-op. */
void ntskd_file_watch_free(struct ntskd_file_watch *w);

#endif /* NTSKD_FILE_WATCH_H */
