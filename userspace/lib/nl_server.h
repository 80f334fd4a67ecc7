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
 * The server role's per-namespace settings; 0 leaves the kernel's value
 * (KNTS_PENDING_SLOTS_DEFAULT and KNTS_NAK_RATE_DEFAULT in a namespace
 * nobody changed). The kernel refuses values out of range (-ERANGE).
 */
struct knts_server_tune {
	uint32_t pending_slots;
	uint32_t nak_rate;
};

/*
 * KNTS_CMD_SERVER_SET: enable the server role on UDP @port with @policy
 * (enum knts_policy), or disable it (@port and @policy are then ignored),
 * with the settings of @tune (NULL: none).
 */
int knts_nl_server_set(struct knts_nl *nl, bool enable, uint16_t port,
		       uint8_t policy, const struct knts_server_tune *tune);

/* KNTS_CMD_SERVER_SET of @tune alone (one setting at least, -EINVAL). */
int knts_nl_server_tune(struct knts_nl *nl, const struct knts_server_tune *tune);

/* What KNTS_CMD_SERVER_GET reports (never key bytes). */
#define KNTS_SERVER_STATE_KEYS	KNTS_MAX_KEYS
struct knts_server_state {
	bool enabled;
	uint16_t port;
	uint8_t policy;
	struct knts_server_tune tune;	/* 0: not reported (older module) */
	bool has_current;
	uint32_t current_id;
	unsigned int n_keys;
	uint32_t ids[KNTS_SERVER_STATE_KEYS];
};

/* KNTS_CMD_SERVER_GET into @st: 0 or -errno (-EPROTO: a reply we cannot read). */
int knts_nl_server_get(struct knts_nl *nl, struct knts_server_state *st);

/* KNTS_CMD_CLIENT_SET: report associations idle after @secs (0: never). */
int knts_nl_client_set(struct knts_nl *nl, uint32_t idle_secs);

/* KNTS_CMD_CLIENT_GET: the client role's idle time into @idle_secs. */
int knts_nl_client_get(struct knts_nl *nl, uint32_t *idle_secs);

#endif /* KNTS_NL_SERVER_H */
