/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hostile server against the knts client role: the driver
 * (hostile_client.c) plays the NTP daemon on the client side (bare NTPv4
 * requests, and a count of what reaches its socket) and a hostile NTS
 * server on the other side. For each request knts sends, a case
 * (hostile_client_cases.c) throws broken replies to it, built from the
 * real request (UID, origin, cookie length, placeholders) and sealed
 * under the association's S2C, and then the one valid reply. The driver
 * checks that knts counted every reply exactly once, that the daemon got
 * only the valid replies, each once, and that the jar never ran dry.
 */
#ifndef KNTS_HOSTILE_CLIENT_H
#define KNTS_HOSTILE_CLIENT_H

#include <stdint.h>

#include "ntsgen.h"
#include "rawsend.h"

/* Marker categories (reference timestamp of the replies). */
#define HC_CAT_VALID	0x80	/* a reply the daemon may get */
#define HC_CAT_PLAIN	0x40	/* a request (mode 3) knts leaves alone */

/* Reply plaintexts and replies: room for more than knts takes (4096). */
#define HC_PT_MAX	8192
#define HC_MAX_PKT	(HC_PT_MAX + 512)

/* What a case expects beyond the common rules. */
enum hc_kind {
	HC_BAD,		/* only each exchange's final valid reply verifies */
	HC_REPLAY,	/* and every copy of it is a replay */
	HC_MODES,	/* and mode-3 packets pass untouched */
};

/* The request knts sent, as the hostile server saw it. */
struct hcreq {
	uint8_t tx[KNTS_NTP_TS_LEN];
	uint8_t uid[KNTS_EF_UID_MAX];
	uint32_t uid_len;
	uint32_t cookie_len;
	uint32_t n_cookies;	/* what a reply should carry: 1 + placeholders */
};

struct hcctx;

struct hccase {
	const char *name;
	uint8_t cat;
	enum hc_kind kind;
	int only_v4, only_v6;
	unsigned int exchanges;	/* requests per round */
	/* Emits the replies to one request; ends with a valid one. */
	void (*run)(struct hcctx *c, const struct hcreq *q, unsigned int i);
};

extern const struct hccase hccases[];
extern const unsigned int n_hccases;

struct hcctx {
	int v6;
	uint8_t cat;		/* of the case being run */
	uint64_t plain;		/* HC_MODES: mode-3 packets sent */
};

/*
 * Reply building. hc_head writes the header (marker @cat, origin and UID
 * echoed) and the UID field, and returns where the authenticator goes;
 * hc_auth seals @pt (@pt_len bytes) under S2C over everything before
 * @at and returns the reply's length. hc_cookies writes @n cookie fields
 * of @body bytes into @pt.
 */
uint32_t hc_head(struct hcctx *c, const struct hcreq *q, uint8_t *buf,
		 uint8_t cat);
uint32_t hc_auth(uint8_t *buf, uint32_t at, const uint8_t *pt,
		 uint32_t pt_len);
uint32_t hc_cookies(uint8_t *pt, unsigned int n, uint32_t body);
/* A valid reply of category @cat (pt = the cookies asked for). */
uint32_t hc_reply(struct hcctx *c, const struct hcreq *q, uint8_t *buf,
		  uint8_t cat);

/*
 * Send @len bytes from the server's address and port to the daemon: over
 * a UDP socket, or raw when @o is set. @acct: how many outcomes knts
 * counts for it (0 or 1). @valid: the reply must verify and reach the
 * daemon (each exchange sends exactly one).
 */
void hc_send(struct hcctx *c, const uint8_t *pkt, uint32_t len,
	     const struct raw_opt *o, unsigned int acct, int valid);
/* Send @len bytes raw to another port of the daemon's host (counted once). */
void hc_send_other_port(struct hcctx *c, const uint8_t *pkt, uint32_t len);

/* What the counters must show beyond the rest: a copy of a verified
 * reply sent (a replay), a NAK that names our request. */
enum hc_note { HC_NOTE_REPLAY, HC_NOTE_NAK };
void hc_note(enum hc_note what);

uint32_t hc_rand(void);

#endif
