/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client role's state file (`client-state`, default
 * /var/lib/knts/client-state): for each server line, the association its
 * last NTS-KE installed. An association is keyed by the NTP address and
 * port NTS-KE negotiated, which the server line does not tell, so a
 * restarted ntskd needs this file to recognise its associations in the
 * kernel and keep using their cookies instead of running NTS-KE at once.
 *
 * Text, one line per server, written atomically:
 *
 *	# comment
 *	HOST KE-PORT NTP-ADDRESS NTP-PORT
 *
 * No secrets: keys and cookies live in the kernel only. Lines that do not
 * parse are skipped (and counted), so a damaged file costs one NTS-KE per
 * server, nothing more.
 */
#ifndef NTSKD_CLIENT_STATE_H
#define NTSKD_CLIENT_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "assoc_id.h"
#include "config.h"

struct ntskd_client_state_entry {
	char host[NTSKD_NAME_MAX + 1];
	uint16_t ke_port;
	struct knts_assoc_id id;
};

struct ntskd_client_state {
	struct ntskd_client_state_entry e[NTSKD_MAX_SERVERS];
	unsigned int n;
};

/* Parse @len bytes; returns the number of lines skipped as malformed. */
unsigned int ntskd_client_state_parse(const char *text, size_t len,
				      struct ntskd_client_state *st);
/* Format into @buf; the length, or -1 if @cap is too small. */
int ntskd_client_state_format(const struct ntskd_client_state *st, char *buf,
			      size_t cap);
/* Add or replace the entry of (@host, @ke_port); -1 when full. */
int ntskd_client_state_put(struct ntskd_client_state *st, const char *host,
			   uint16_t ke_port, const struct knts_assoc_id *id);
/* The association of (@host, @ke_port) (host compared ignoring case). */
const struct knts_assoc_id *
ntskd_client_state_find(const struct ntskd_client_state *st, const char *host,
			uint16_t ke_port);

/*
 * Read @path: 0, -ENOENT when it does not exist (a first start), or
 * -errno with a message in @err. Malformed lines: see parse.
 */
int ntskd_client_state_load(const char *path, struct ntskd_client_state *st,
			    unsigned int *skipped, char *err, size_t errlen);
/* Write @path atomically (temporary file, fsync, rename); 0 or -errno. */
int ntskd_client_state_save(const char *path,
			    const struct ntskd_client_state *st, char *err,
			    size_t errlen);

#endif /* NTSKD_CLIENT_STATE_H */
