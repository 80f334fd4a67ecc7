/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the client role names an association: the NTP server's address and
 * UDP port, as NTS-KE negotiated them. No netlink here, so that pure code
 * (ntskd's state file, unit tests) can use it.
 */
#ifndef KNTS_ASSOC_ID_H
#define KNTS_ASSOC_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct knts_assoc_id {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];		/* network order; 4 bytes used for v4 */
	uint16_t port;			/* host order */
};

bool knts_assoc_id_equal(const struct knts_assoc_id *a,
			 const struct knts_assoc_id *b);
/* From a sockaddr_in/in6 (its port); -1 for other families. */
int knts_assoc_id_from_sockaddr(struct knts_assoc_id *id,
				const struct sockaddr *sa);
/* An address literal (v4, v6, "[v6]") and a port; -1 if not one. */
int knts_assoc_id_parse(struct knts_assoc_id *id, const char *addr,
			uint16_t port);
/* The address alone as text ("192.0.2.1", "2001:db8::1"). */
const char *knts_assoc_addr_str(const struct knts_assoc_id *id, char *buf,
				size_t len);

#endif /* KNTS_ASSOC_ID_H */
