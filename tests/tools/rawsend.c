// SPDX-License-Identifier: GPL-2.0
/* Raw UDP over IPv4/IPv6 with fragments and broken fields (rawsend.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ntsgen.h"
#include "rawsend.h"

#define MAX_DGRAM	4096

int raw_open(int v6)
{
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW, IPPROTO_RAW);
	int big = 16 << 20;

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	return fd;
}

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* UDP checksum over @ulen bytes at @udp with the pseudo header. */
static uint16_t udp_csum(const struct raw_ep *ep, const uint8_t *udp,
			 size_t ulen)
{
	uint8_t ph[40];
	size_t n;
	uint16_t c;

	memset(ph, 0, sizeof(ph));
	if (ep->v6) {
		memcpy(ph, &ep->src6, 16);
		memcpy(ph + 16, &ep->dst6, 16);
		knts_put_be32(ph + 32, (uint32_t)ulen);
		ph[39] = IPPROTO_UDP;
		n = 40;
	} else {
		memcpy(ph, &ep->src4, 4);
		memcpy(ph + 4, &ep->dst4, 4);
		ph[9] = IPPROTO_UDP;
		knts_put_be16(ph + 10, (uint16_t)ulen);
		n = 12;
	}
	c = fold(sum16(sum16(0, ph, n), udp, ulen));
	return c ? c : 0xffff;
}

static int send_ip(int fd, const struct raw_ep *ep, const uint8_t *pkt,
		   size_t len)
{
	ssize_t r;

	if (ep->v6) {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6,
					  .sin6_addr = ep->dst6 };

		r = sendto(fd, pkt, len, 0, (struct sockaddr *)&a, sizeof(a));
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_addr = ep->dst4 };

		r = sendto(fd, pkt, len, 0, (struct sockaddr *)&a, sizeof(a));
	}
	return r == (ssize_t)len ? 0 : -errno;
}

/* IP header for bytes [off, off + n) of the datagram; returns its size. */
static size_t ip_hdr(const struct raw_ep *ep, uint8_t *h, uint32_t id,
		     size_t off, size_t n, int more, int frag_hdr)
{
	if (!ep->v6) {
		memset(h, 0, 20);
		h[0] = 0x45;
		knts_put_be16(h + 2, (uint16_t)(20 + n));
		knts_put_be16(h + 4, (uint16_t)id);
		knts_put_be16(h + 6, (uint16_t)((more ? 0x2000 : 0) |
						 (off / 8)));
		h[8] = 64;
		h[9] = IPPROTO_UDP;
		memcpy(h + 12, &ep->src4, 4);
		memcpy(h + 16, &ep->dst4, 4);
		return 20;	/* the kernel fills the header checksum */
	}
	memset(h, 0, 48);
	h[0] = 0x60;
	knts_put_be16(h + 4, (uint16_t)(n + (frag_hdr ? 8 : 0)));
	h[6] = frag_hdr ? 44 : IPPROTO_UDP;
	h[7] = 64;
	memcpy(h + 8, &ep->src6, 16);
	memcpy(h + 24, &ep->dst6, 16);
	if (!frag_hdr)
		return 40;
	h[40] = IPPROTO_UDP;
	knts_put_be16(h + 42, (uint16_t)(off | (more ? 1 : 0)));
	knts_put_be32(h + 44, id);
	return 48;
}

int raw_send(int fd, const struct raw_ep *ep, const uint8_t *payload,
	     size_t len, const struct raw_opt *o)
{
	static uint8_t dg[MAX_DGRAM], pkt[MAX_DGRAM + 64];
	size_t ulen = 8 + len, total = ulen + o->trailer, off, n, piece, h;
	unsigned int frags = o->frags ? o->frags : 1, i;
	uint32_t id;
	int err, sent = 0;

	if (total > MAX_DGRAM)
		return -EMSGSIZE;
	knts_put_be16(dg, ep->sport);
	knts_put_be16(dg + 2, ep->dport);
	knts_put_be16(dg + 4, (uint16_t)(ulen + (size_t)(long)o->ulen_delta));
	knts_put_be16(dg + 6, 0);
	memcpy(dg + 8, payload, len);
	ntsgen_fill_random(dg + ulen, o->trailer);
	if (!o->csum_zero) {
		/* As the receiver will compute it: over the declared length. */
		size_t clen = ulen + (size_t)(long)o->ulen_delta;

		if (clen > total)
			clen = ulen;
		knts_put_be16(dg + 6, udp_csum(ep, dg, clen));
		if (o->bad_csum)
			dg[6] ^= 0x5a;
	}
	ntsgen_fill_random(&id, sizeof(id));
	/* IPv4: the kernel replaces ID 0 per packet, splitting our fragments. */
	id |= 1;
	if (frags == 1 && !o->tiny_first) {
		h = ip_hdr(ep, pkt, id, 0, total, 0, 0);
		memcpy(pkt + h, dg, total);
		err = send_ip(fd, ep, pkt, h + total);
		return err ? err : 1;
	}
	if (o->tiny_first && ep->v6) {
		/*
		 * RFC 7112's case: the first fragment holds a destination
		 * options header only, the UDP header is in the second.
		 */
		h = ip_hdr(ep, pkt, id, 0, 8, 1, 1);
		pkt[40] = 60;
		memset(pkt + h, 0, 8);
		pkt[h] = IPPROTO_UDP;
		pkt[h + 2] = 1;		/* PadN of 4 bytes */
		pkt[h + 3] = 4;
		err = send_ip(fd, ep, pkt, h + 8);
		if (err)
			return err;
		h = ip_hdr(ep, pkt, id, 8, total, 0, 1);
		pkt[40] = 60;
		memcpy(pkt + h, dg, total);
		err = send_ip(fd, ep, pkt, h + total);
		return err ? err : 2;
	}
	piece = (total / frags + 7) & ~(size_t)7;
	if (!piece)
		piece = 8;
	for (i = 0, off = 0; off < total; i++, off += n) {
		n = total - off > piece ? piece : total - off;
		h = ip_hdr(ep, pkt, id, off, n, off + n < total, 1);
		memcpy(pkt + h, dg + off, n);
		err = send_ip(fd, ep, pkt, h + n);
		if (err)
			return err;
		sent++;
	}
	return sent;
}
