/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntsctl -> ntskd requests (`ntsctl refresh`). ntskd's client role listens
 * on a Unix datagram socket in the abstract namespace, named
 * NTSKD_CTL_NAME. Abstract names belong to the network namespace, like
 * knts's own state, so `ip netns exec NS ntsctl refresh` reaches the ntskd
 * of NS and no other; no file to create, clean up or go stale after a
 * crash. ntskd answers only root and its own user (SO_PASSCRED).
 *
 * One request per datagram, one answer back:
 *	"refresh"        every server line
 *	"refresh HOST"   the server line for HOST, or the one whose
 *	                 association has that NTP address
 * Answers: "ok N" (N servers whose NTS-KE starts now), "error TEXT", or
 * "denied TEXT" (the sender may not ask).
 */
#ifndef KNTS_NTSKD_CTL_H
#define KNTS_NTSKD_CTL_H

#include <stddef.h>

#define NTSKD_CTL_NAME		"knts-ntskd"
#define NTSKD_CTL_MAX		512	/* bytes in a request or an answer */
#define NTSKD_CTL_TIMEOUT_MS	5000

/*
 * Send @req and wait for the answer (NUL-terminated in @reply).
 * 0, -ECONNREFUSED/-ENOENT when no ntskd listens, -ETIMEDOUT, -errno.
 */
int ntskd_ctl_request(const char *req, char *reply, size_t len);

#endif /* KNTS_NTSKD_CTL_H */
