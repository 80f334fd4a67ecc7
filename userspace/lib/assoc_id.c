// SPDX-License-Identifier: GPL-2.0
/* Association IDs: compare, convert, print (see assoc_id.h). */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assoc_id.h"

bool knts_assoc_id_linklocal(const struct knts_assoc_id *id)
{
	return id->family == AF_INET6 && id->addr[0] == 0xfe &&
	       (id->addr[1] & 0xc0) == 0x80;
}

bool knts_assoc_id_equal(const struct knts_assoc_id *a,
			 const struct knts_assoc_id *b)
{
	return a->family == b->family && a->port == b->port &&
	       a->ifindex == b->ifindex &&
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
		if (knts_assoc_id_linklocal(id))
			id->ifindex = in6->sin6_scope_id;
		return 0;
	}
	return -1;
}

/* "%eth0" or "%2": the interface's index, 0 if there is none. */
static uint32_t scope_index(const char *s)
{
	char *end;
	unsigned long n;

	if (!*s)
		return 0;
	n = strtoul(s, &end, 10);
	if (!*end && n > 0 && n <= 0x7fffffff)
		return (uint32_t)n;
	return if_nametoindex(s);
}

int knts_assoc_id_parse(struct knts_assoc_id *id, const char *addr,
			uint16_t port)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
	size_t n = strlen(addr);
	char *pct;

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
	if (strlen(addr) >= sizeof(buf))
		return -1;
	if (addr != buf)
		strcpy(buf, addr);
	pct = strchr(buf, '%');
	if (pct)
		*pct++ = '\0';
	if (inet_pton(AF_INET6, buf, id->addr) != 1)
		return -1;
	id->family = AF_INET6;
	if (pct)
		id->ifindex = scope_index(pct);
	/* A link-local address is nothing without its link, and vice versa. */
	if (knts_assoc_id_linklocal(id) != (id->ifindex != 0)) {
		memset(id, 0, sizeof(*id));
		return -1;
	}
	return 0;
}

const char *knts_assoc_addr_str(const struct knts_assoc_id *id, char *buf,
				size_t len)
{
	char ifname[IF_NAMESIZE];
	size_t n;

	if (!inet_ntop(id->family, id->addr, buf, (socklen_t)len)) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (!id->ifindex)
		return buf;
	n = strlen(buf);
	if (if_indextoname(id->ifindex, ifname))
		snprintf(buf + n, len - n, "%%%s", ifname);
	else
		snprintf(buf + n, len - n, "%%%u", id->ifindex);
	return buf;
}
