/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the client role names an association: the NTP server's address and
 * UDP port, as NTS-KE negotiated them, and for a link-local IPv6 address
 * its interface (fe80::1 on two links is two servers; the kernel wants
 * the interface for those addresses and refuses it for others). No netlink here, so that pure code
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
	uint32_t ifindex;		/* link-local IPv6 only, else 0 */
};

/* fe80::/10: an address that needs its interface. */
bool knts_assoc_id_linklocal(const struct knts_assoc_id *id);

bool knts_assoc_id_equal(const struct knts_assoc_id *a,
			 const struct knts_assoc_id *b);
/*
 * From a sockaddr_in/in6 (its port, and its scope id if link-local); -1
 * for other families.
 */
int knts_assoc_id_from_sockaddr(struct knts_assoc_id *id,
				const struct sockaddr *sa);
/*
 * An address literal (v4, v6, "[v6]", link-local with its interface:
 * "fe80::1%eth0", "[fe80::1%2]") and a port; -1 if not one, or if a
 * link-local address names no interface that exists, or another address
 * names one.
 */
int knts_assoc_id_parse(struct knts_assoc_id *id, const char *addr,
			uint16_t port);
/* The address alone as text ("192.0.2.1", "2001:db8::1", "fe80::1%eth0"). */
const char *knts_assoc_addr_str(const struct knts_assoc_id *id, char *buf,
				size_t len);

#endif /* KNTS_ASSOC_ID_H */
