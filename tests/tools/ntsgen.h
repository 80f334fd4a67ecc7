/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building real NTS requests for the robustness tools, from a master key
 * file the server also loaded: a cookie sealed with the shared cookie code
 * (kmod/cookie.c, as the kernel runs it), a request MAC made with the
 * userspace AES-SIV, and the check of the server's answer (signed reply or
 * NAK). Every packet carries a marker in its reference timestamp so that
 * the receiving end (ntp_sink) can tell which test case sent it.
 */
#ifndef KNTS_NTSGEN_H
#define KNTS_NTSGEN_H

#include <stdint.h>

/* kmod headers in userspace: kernel integer names first (ktypes.h). */
#include "ktypes.h"

#include "cookie.h"
#include "ef.h"

/* Largest request we build: a cookie of 164 bytes and 7 placeholders. */
#define NTSGEN_MAX_PKT		2048

/*
 * Marker, bytes 16..23 (reference timestamp) of every packet we send:
 * 'k' 'N' category, length (2 bytes, the UDP payload length as sent),
 * sequence (1 byte), check (2 bytes over the first 6).
 */
#define NTSGEN_MARK_OFF		KNTS_NTP_OFF_REF_TS
#define NTSGEN_MARK_NONE	0xff

struct ntsgen {
	uint32_t key_id;
	struct knts_cookie_keys keys;	/* C2S || S2C of our cookie */
	uint8_t cookie[KNTS_COOKIE_MAX_LEN];
	uint32_t cookie_len;
};

/* The shape of a request. */
struct ntsgen_req {
	uint8_t cat;		/* marker category */
	uint32_t uid_len;	/* 32..64 */
	uint32_t n_ph;		/* placeholders, 0..7 */
	uint8_t lvm;		/* first byte; 0 = 0x23 */
};

/*
 * Seal a cookie with the current key of chrony key file @path for session
 * AEAD @aead (15/16/17) and random C2S/S2C. 0 or -errno.
 */
int ntsgen_init(struct ntsgen *g, const char *path, unsigned int aead);

/*
 * Write a signed request with a fresh random UID and transmit timestamp
 * into @buf (NTSGEN_MAX_PKT bytes). Returns its length.
 */
uint32_t ntsgen_request(const struct ntsgen *g, uint8_t *buf,
			const struct ntsgen_req *r);

/*
 * (Re)compute the tag of the authenticator at @auth_off (N_LEN, C_LEN and
 * nonce in place, C_LEN == 16: nothing encrypted) under our C2S.
 */
int ntsgen_sign(const struct ntsgen *g, uint8_t *pkt, uint32_t auth_off);

/* Put / read the marker; read returns 0 when it is intact. */
void ntsgen_mark(uint8_t *pkt, uint8_t cat, uint16_t len, uint8_t seq);
int ntsgen_marker(const uint8_t *pkt, size_t len, uint8_t *cat,
		  uint16_t *mlen);

/* What a reply to one of our requests turned out to be. */
enum ntsgen_reply {
	NTSGEN_REPLY_SIGNED,	/* authenticated under S2C, UID and origin match */
	NTSGEN_REPLY_NAK,	/* a well-formed NTS NAK */
	NTSGEN_REPLY_PLAIN,	/* no NTS at all */
	NTSGEN_REPLY_BAD,	/* NTS-looking but wrong: a finding */
};

/* What a reply is checked against: the request as it was sent. */
struct ntsgen_sent {
	uint8_t tx[KNTS_NTP_TS_LEN];
	uint16_t len;
	uint8_t uid_len;	/* 0: the request did not parse as NTS */
	uint8_t n_cookies;	/* a signed reply must carry this many */
	uint8_t uid[KNTS_EF_UID_MAX];
};

/* Fill @s from a request about to be sent. */
void ntsgen_sent_init(struct ntsgen_sent *s, const uint8_t *req,
		      uint32_t len);

/*
 * Classify @pkt, a reply to request @req. A signed reply or a NAK must
 * echo its UID and transmit timestamp and be no larger than it; a signed
 * one must verify under S2C and carry one cookie per cookie and
 * placeholder of the request, as many as fit (*@cookies), each as long as
 * the request's.
 */
enum ntsgen_reply ntsgen_check_reply(const struct ntsgen *g,
				     const uint8_t *pkt, size_t len,
				     const struct ntsgen_sent *req,
				     unsigned int *cookies);

/* UID offset/length of a request we built (for matching replies). */
void ntsgen_fill_random(void *p, size_t n);

#endif
