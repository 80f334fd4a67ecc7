// SPDX-License-Identifier: GPL-2.0
/* NTS-KE listeners (userspace/ntskd/ke_listen.c). */
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"
#include "config.h"
#include "ke_listen.h"
#include "loop.h"

static void on_accept(int fd, const struct sockaddr *sa, const char *peer,
		      void *arg)
{
	close(fd);
}

static struct ntskd_ke_listeners *listen_on(struct ntskd_loop *loop,
					    int family, const char *addr)
{
	static struct ntskd_config c;

	ntskd_config_init(&c);
	c.n_listen = 1;
	c.listen[0].family = family;
	c.listen[0].port = 0;	/* any free port */
	inet_pton(family, addr, &c.listen[0].addr);
	return ntskd_ke_listen(loop, &c, on_accept, NULL);
}

/*
 * An address this host does not have (yet): documentation prefixes, never
 * configured anywhere. Without IP_FREEBIND, bind() fails EADDRNOTAVAIL.
 */
static void test_freebind(void)
{
	struct ntskd_loop *loop = ntskd_loop_new();
	struct ntskd_ke_listeners *ls;
	int fd6 = socket(AF_INET6, SOCK_STREAM, 0);

	EXPECT(loop);
	ls = listen_on(loop, AF_INET, "192.0.2.77");
	EXPECT(ls);
	ntskd_ke_listeners_close(ls);
	if (fd6 >= 0) {
		/* only where the host has IPv6 at all */
		close(fd6);
		ls = listen_on(loop, AF_INET6, "2001:db8::77");
		EXPECT(ls);
		ntskd_ke_listeners_close(ls);
	}
	ls = listen_on(loop, AF_INET, "127.0.0.1");
	EXPECT(ls);
	ntskd_ke_listeners_close(ls);
	ntskd_loop_free(loop);
}

int main(void)
{
	RUN(test_freebind);
	return unit_done();
}
