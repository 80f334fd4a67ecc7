/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests: an IPv4 or IPv6 address in text as a struct sockaddr_storage. */
#ifndef KNTS_UNIT_SOCKADDR_TEXT_H
#define KNTS_UNIT_SOCKADDR_TEXT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static inline struct sockaddr_storage sockaddr_text(const char *text)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6 = (void *)&ss;

		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, text, &s6->sin6_addr);
	} else {
		struct sockaddr_in *s4 = (void *)&ss;

		s4->sin_family = AF_INET;
		inet_pton(AF_INET, text, &s4->sin_addr);
	}
	return ss;
}

#endif /* KNTS_UNIT_SOCKADDR_TEXT_H */
