// SPDX-License-Identifier: GPL-2.0
/* Association IDs: compare, convert, print (see assoc_id.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "assoc_id.h"

bool knts_assoc_id_equal(const struct knts_assoc_id *a,
			 const struct knts_assoc_id *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}

int knts_assoc_id_from_sockaddr(struct knts_assoc_id *id,
				const struct sockaddr *sa)
{
	memset(id, 0, sizeof(*id));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		id->family = AF_INET;
		memcpy(id->addr, &in->sin_addr, 4);
		id->port = ntohs(in->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		id->family = AF_INET6;
		memcpy(id->addr, &in6->sin6_addr, 16);
		id->port = ntohs(in6->sin6_port);
		return 0;
	}
	return -1;
}

int knts_assoc_id_parse(struct knts_assoc_id *id, const char *addr,
			uint16_t port)
{
	char buf[INET6_ADDRSTRLEN];
	size_t n = strlen(addr);

	memset(id, 0, sizeof(*id));
	id->port = port;
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		if (n - 2 >= sizeof(buf))
			return -1;
		memcpy(buf, addr + 1, n - 2);
		buf[n - 2] = '\0';
		addr = buf;
	}
	if (inet_pton(AF_INET, addr, id->addr) == 1) {
		id->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, addr, id->addr) == 1) {
		id->family = AF_INET6;
		return 0;
	}
	return -1;
}

const char *knts_assoc_addr_str(const struct knts_assoc_id *id, char *buf,
				size_t len)
{
	if (!inet_ntop(id->family, id->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}
