/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntsctl -> ntskd requests. ntskd listens (with either role) on a Unix
 * datagram socket in the abstract namespace, named NTSKD_CTL_NAME.
 * Abstract names belong to the network namespace, like knts's own state,
 * so `ip netns exec NS ntsctl refresh` reaches the ntskd of NS and no
 * other; no file to create, clean up or go stale after a crash.
 *
 * Both ends prove who they are. Each side sets SO_PASSCRED, so the kernel
 * attaches the sender's real pid, uid and gid to every datagram (an
 * unprivileged process cannot claim another's):
 *  - ntskd answers only root and its own user;
 *  - ntsctl believes only an answer from root, from the user NTSKD_USER or
 *    from its own user. Anyone can bind an abstract name first; such a
 *    squatter gets nothing from ntsctl but a refusal (-ENOTUNIQ), and a
 *    starting ntskd that finds the name taken says by whom.
 *
 * One request per datagram, one answer back:
 *	"ping"           "ok ntskd VERSION"
 *	"refresh"        every server line (client role)
 *	"refresh HOST"   the server line for HOST, or the one whose
 *	                 association has that NTP address
 *	"ke-stats"       the NTS-KE server's counters (server role):
 *	                 "ok" then one "NAME VALUE" line each
 * Answers: "ok ...", "error TEXT", or "denied TEXT" (the sender may not
 * ask).
 */
#ifndef KNTS_NTSKD_CTL_H
#define KNTS_NTSKD_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define NTSKD_CTL_NAME		"knts-ntskd"
#define NTSKD_CTL_MAX		4096	/* bytes in a request or an answer */
#define NTSKD_CTL_TIMEOUT_MS	5000
/* the user the packaged ntskd runs as (sysusers.d/knts.conf) */
#define NTSKD_USER		"_ntskd"

/*
 * Send @req and wait up to @timeout_ms for the answer (NUL-terminated in
 * @reply). The answering process's credentials go to @peer (may be NULL).
 * 0; -ECONNREFUSED/-ENOENT when no one listens; -ETIMEDOUT; -ENOTUNIQ
 * when the answer came from a process ntskd_ctl_trusted() refuses (the
 * reply is then not passed on); -EPROTO when it came without credentials;
 * another -errno.
 */
int ntskd_ctl_request_from(const char *req, char *reply, size_t len,
			   int timeout_ms, struct ucred *peer);

/* The same with NTSKD_CTL_TIMEOUT_MS, for ntsctl. */
int ntskd_ctl_request(const char *req, char *reply, size_t len,
		      struct ucred *peer);

/* May a process with @uid be ntskd? root, NTSKD_USER or our own user. */
bool ntskd_ctl_trusted(unsigned int uid);

/* The credentials the kernel attached to @mh (SO_PASSCRED), or NULL. */
struct msghdr;
struct ucred;
const struct ucred *ntskd_ctl_creds(struct msghdr *mh);

#endif /* KNTS_NTSKD_CTL_H */
