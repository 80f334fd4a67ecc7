/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sending UDP datagrams the normal socket API cannot: IPv4 and IPv6
 * fragments, wrong checksums, UDP lengths that disagree with the IP
 * length, bytes after the datagram, and any source address (floods from
 * many clients). Raw IPPROTO_RAW sockets: we write every header.
 */
#ifndef KNTS_RAWSEND_H
#define KNTS_RAWSEND_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct raw_ep {
	int v6;
	struct in_addr src4, dst4;
	struct in6_addr src6, dst6;
	uint16_t sport, dport;
};

struct raw_opt {
	unsigned int frags;	/* 0/1: whole; n: n fragments of 8k bytes */
	int tiny_first;		/* IPv6: a first fragment with no UDP header */
	int bad_csum;		/* UDP checksum off by one bit pattern */
	int csum_zero;		/* IPv4: "no checksum" */
	int ulen_delta;		/* UDP length field = real + this */
	unsigned int trailer;	/* junk bytes after the datagram */
};

/* One raw socket per family; -1 on failure. */
int raw_open(int v6);

/*
 * Send @len bytes of UDP payload as described by @o. Returns the number
 * of IP packets written, or -errno.
 */
int raw_send(int fd, const struct raw_ep *ep, const uint8_t *payload,
	     size_t len, const struct raw_opt *o);

#endif
