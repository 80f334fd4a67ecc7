/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ntskd checks of its configuration before it touches the kernel or
 * the network, and all that `ntskd -t` does: the files the configuration
 * names can be read and make sense (certificate and key load and match,
 * the keyfile parses, CA files exist), and secrets are not readable by
 * others (a warning, not an error). A failure here is a configuration
 * error: ntskd exits with NTSKD_EXIT_CONFIG, which the systemd unit does
 * not restart (RestartPreventExitStatus=), so a bad configuration stops
 * at one clear message instead of a restart loop.
 */
#ifndef NTSKD_PREFLIGHT_H
#define NTSKD_PREFLIGHT_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"

/* EX_CONFIG of sysexits.h: "something was found in an unconfigured state" */
#define NTSKD_EXIT_CONFIG	78

/*
 * Why a secret file with @mode, group @file_gid is too open for a daemon
 * whose group is @own_gid, or NULL. World-readable is always too open;
 * group-readable only when the group is not ntskd's own (the documented
 * "0640 root:_ntskd" for the TLS key is fine).
 */
const char *ntskd_secret_mode_problem(mode_t mode, gid_t file_gid,
				      gid_t own_gid);

/*
 * Warn (log) when the secret file @path (@what: "key", "keyfile") is
 * readable by others than ntskd. 1 if it warned, 0 if not (also when the
 * file cannot be examined: opening it reports that).
 */
int ntskd_check_secret_file(const char *path, const char *what);

/* The checks above for @c; errors are logged. 0 or -1. */
int ntskd_preflight(const struct ntskd_config *c);

#endif /* NTSKD_PREFLIGHT_H */
