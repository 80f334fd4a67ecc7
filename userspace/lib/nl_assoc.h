/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client role's association commands (ASSOC_SET, ASSOC_DEL, ASSOC_GET)
 * and the event notification, as ntskd uses them: one place that knows
 * how an association is named and laid out on the wire.
 */
#ifndef KNTS_NL_ASSOC_H
#define KNTS_NL_ASSOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "assoc_id.h"
#include "ke_client.h"
#include "nl.h"

/* What ASSOC_GET reports for one association (never keys or cookies). */
struct knts_assoc_info {
	struct knts_assoc_id id;
	uint16_t aead;
	uint32_t cookies;
	uint32_t cookie_len;
	uint64_t requests;
	uint64_t req_dropped;
	uint64_t good;
	uint64_t bad;
	uint64_t naks;
	uint64_t age;			/* seconds since ASSOC_SET */
	bool has_last_reply;		/* a reply verified since ASSOC_SET */
	uint64_t last_reply;		/* seconds since that reply */
	bool closed;			/* no NTS-KE yet: drops everything */
	bool has_owner;
	uint32_t owner_uid;		/* only its sockets' requests get NTS */
};

/* A KNTS_CMD_EVENT notification. */
struct knts_assoc_event {
	struct knts_assoc_id id;
	unsigned int type;		/* enum knts_event_type */
	uint32_t cookies;
};

/*
 * ASSOC_SET from an NTS-KE result: AEAD, C2S, S2C and its cookies
 * (all of one length). Replaces an association with the same ID. The
 * message buffer is wiped after sending (knts_nl_request does that).
 * @owner_uid: only that user's sockets get NTS (others' requests are
 * dropped); NULL: any local socket's. 0 or -errno; the kernel's reason in
 * knts_nl_errmsg().
 */
int knts_nl_assoc_set(struct knts_nl *nl, const struct knts_assoc_id *id,
		      const struct knts_ke_result *res,
		      const uint32_t *owner_uid);
/*
 * ASSOC_SET of a closed association (no keys: every request to @id and
 * every reply from it is dropped until a keyed ASSOC_SET replaces it).
 */
int knts_nl_assoc_set_closed(struct knts_nl *nl,
			     const struct knts_assoc_id *id,
			     const uint32_t *owner_uid);
int knts_nl_assoc_del(struct knts_nl *nl, const struct knts_assoc_id *id);
/* ASSOC_GET of one association: 0, -ENOENT when there is none, -errno. */
int knts_nl_assoc_get(struct knts_nl *nl, const struct knts_assoc_id *id,
		      struct knts_assoc_info *info);
/* ASSOC_GET dump: @fn for each association; 0 or -errno. */
int knts_nl_assoc_dump(struct knts_nl *nl,
		       int (*fn)(const struct knts_assoc_info *info, void *arg),
		       void *arg);

/* Attribute tables (as knts_nl_reply_fn gets them) to structs; 0 or -1. */
int knts_assoc_info_parse(struct nlattr **tb, struct knts_assoc_info *info);
int knts_assoc_event_parse(struct nlattr **tb, struct knts_assoc_event *ev);

#endif /* KNTS_NL_ASSOC_H */
