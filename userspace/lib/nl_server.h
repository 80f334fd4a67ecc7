/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The server role's commands, shared by ntsctl (load-keys, server) and
 * ntskd (start, rotation, SIGHUP, its audit): one place that knows how a
 * key set and the role's settings are laid out on the wire.
 */
#ifndef KNTS_NL_SERVER_H
#define KNTS_NL_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/knts.h>

#include "keyfile.h"
#include "nl.h"

/*
 * KNTS_CMD_KEYS_SET: replace the kernel's master keys with @keys[0..n-1]
 * (32-byte AES-SIV-CMAC-256 keys; alg/len are checked: -EINVAL otherwise)
 * and seal new cookies with @current_id. Returns 0 or -errno; the kernel's
 * reason is in knts_nl_errmsg(). The message buffer is wiped after sending.
 */
int knts_nl_keys_set(struct knts_nl *nl, const struct knts_master_key *keys,
		     unsigned int n, uint32_t current_id);

/*
 * KNTS_CMD_SERVER_SET: enable the server role on UDP @port with @policy
 * (enum knts_policy), or disable it (@port and @policy are then ignored).
 */
int knts_nl_server_set(struct knts_nl *nl, bool enable, uint16_t port,
		       uint8_t policy);

/* What KNTS_CMD_SERVER_GET reports (never key bytes). */
#define KNTS_SERVER_STATE_KEYS	KNTS_MAX_KEYS
struct knts_server_state {
	bool enabled;
	uint16_t port;
	uint8_t policy;
	bool has_current;
	uint32_t current_id;
	unsigned int n_keys;
	uint32_t ids[KNTS_SERVER_STATE_KEYS];
};

/* KNTS_CMD_SERVER_GET into @st: 0 or -errno (-EPROTO: a reply we cannot read). */
int knts_nl_server_get(struct knts_nl *nl, struct knts_server_state *st);

#endif /* KNTS_NL_SERVER_H */
