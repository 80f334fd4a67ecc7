/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small single-threaded event loop for ntskd: file descriptors (epoll,
 * level-triggered), one-shot timers on the monotonic clock, and signals
 * delivered as events (signalfd), so no code runs in a signal handler.
 *
 * Ownership rules, which keep callbacks simple:
 *  - fd watches are handles owned by the loop. ntskd_io_remove() may be
 *    called from any callback, also for a watch whose event is still
 *    pending in the current batch: that event is then dropped, and the
 *    handle is freed once the batch is done. The fd is never closed by
 *    the loop.
 *  - timers are structs owned by the caller (embed them in the object
 *    they time out). Cancel a timer before freeing its memory. A timer
 *    callback may re-arm its own timer or cancel and free others.
 *  - signals registered with ntskd_loop_on_signal() are blocked for the
 *    process and read from one signalfd; each arrival calls the handler
 *    from the loop, like any other event.
 */
#ifndef NTSKD_LOOP_H
#define NTSKD_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

struct ntskd_loop;
struct ntskd_io;
struct ntskd_timer;

/* @events: EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP as epoll reports them */
typedef void (*ntskd_io_fn)(struct ntskd_io *io, int fd, uint32_t events,
			    void *arg);
typedef void (*ntskd_timer_fn)(struct ntskd_timer *t, void *arg);
typedef void (*ntskd_signal_fn)(int signo, void *arg);

/* Caller-owned timer; set up with ntskd_timer_init(), fields private. */
struct ntskd_timer {
	uint64_t expires;		/* ntskd_now_ms() time */
	ntskd_timer_fn fn;
	void *arg;
	struct ntskd_timer *next;	/* in the loop's sorted list */
	bool armed;
};

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t ntskd_now_ms(void);

/* NULL on failure (errno set). */
struct ntskd_loop *ntskd_loop_new(void);
/* Frees watches and the signalfd; armed timers are simply forgotten. */
void ntskd_loop_free(struct ntskd_loop *l);

/* Watch @fd for @events; NULL on failure (errno set). */
struct ntskd_io *ntskd_loop_add_fd(struct ntskd_loop *l, int fd,
				   uint32_t events, ntskd_io_fn fn, void *arg);
/* Change the events watched; 0 or -errno. */
int ntskd_io_set_events(struct ntskd_io *io, uint32_t events);
/* Stop watching (see the ownership rules above). NULL is a no-op. */
void ntskd_io_remove(struct ntskd_io *io);

void ntskd_timer_init(struct ntskd_timer *t, ntskd_timer_fn fn, void *arg);
/* (Re)arm @t to fire once, @delay_ms from now. */
void ntskd_timer_arm(struct ntskd_loop *l, struct ntskd_timer *t,
		     uint64_t delay_ms);
/* Disarm; harmless when not armed. */
void ntskd_timer_cancel(struct ntskd_loop *l, struct ntskd_timer *t);

/*
 * Call @fn from the loop whenever @signo arrives (one handler per
 * signal; registering again replaces it). Blocks @signo. 0 or -errno.
 */
int ntskd_loop_on_signal(struct ntskd_loop *l, int signo, ntskd_signal_fn fn,
			 void *arg);

/* Dispatch events until ntskd_loop_stop(). 0, or -errno if epoll fails. */
int ntskd_loop_run(struct ntskd_loop *l);
/* Make ntskd_loop_run() return after the current callback. */
void ntskd_loop_stop(struct ntskd_loop *l);

#endif /* NTSKD_LOOP_H */
