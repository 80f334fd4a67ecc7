// SPDX-License-Identifier: GPL-2.0
/*
 * The hostile server's cases against the knts client role: each answers
 * a real request of knts with broken replies and then the valid one.
 * Where the broken part is covered by the authenticator, the reply is
 * sealed again under S2C after the change, so that only knts's parser
 * stands between it and the daemon: a parser bug shows as a reply that
 * reaches the daemon, or as the valid reply finding its request taken.
 */
#include <string.h>

#include "ktypes.h"
#include "hostile_client.h"

#define PT_MAX		HC_PT_MAX
#define AUTH_FIXED	KNTS_EF_AUTH_FIXED

static uint8_t pkt[HC_MAX_PKT], mut[HC_MAX_PKT], pt[PT_MAX];

/* Replies over the UDP socket, one outcome each. */
static void bad(struct hcctx *c, const uint8_t *p, uint32_t len)
{
	hc_send(c, p, len, NULL, 1, 0);
}

/* The valid reply that ends every exchange. */
static void valid(struct hcctx *c, const struct hcreq *q)
{
	uint32_t len = hc_reply(c, q, pkt, c->cat | HC_CAT_VALID);

	hc_send(c, pkt, len, NULL, 1, 1);
}

/* A reply with the marker of the case (not valid), and its plaintext. */
static uint32_t base(struct hcctx *c, const struct hcreq *q, uint32_t *at,
		     uint32_t *pt_len)
{
	*at = hc_head(c, q, pkt, c->cat);
	*pt_len = hc_cookies(pt, q->n_cookies, q->cookie_len);
	return hc_auth(pkt, *at, pt, *pt_len);
}

static void case_valid(struct hcctx *c, const struct hcreq *q, unsigned int i)
{
	valid(c, q);
}

/* The valid reply, then three copies of it: the request is answered. */
static void case_replay(struct hcctx *c, const struct hcreq *q, unsigned int i)
{
	uint32_t len = hc_reply(c, q, pkt, c->cat | HC_CAT_VALID);
	int k;

	hc_send(c, pkt, len, NULL, 1, 1);
	for (k = 0; k < 3; k++) {
		hc_note(HC_NOTE_REPLAY);
		bad(c, pkt, len);
	}
}

/* A forged twin first (one bit of the tag): the real reply still counts. */
static void case_forged_first(struct hcctx *c, const struct hcreq *q,
			      unsigned int i)
{
	uint32_t at, pl, len = base(c, q, &at, &pl);

	pkt[at + AUTH_FIXED + 16 + hc_rand() % 16] ^= (uint8_t)(1u << (hc_rand() % 8));
	bad(c, pkt, len);
	valid(c, q);
}

/* Replies for other requests: another origin, another UID. */
static void case_unmatched(struct hcctx *c, const struct hcreq *q,
			   unsigned int i)
{
	struct hcreq o = *q;
	uint32_t at, len;

	o.tx[hc_rand() % 8] ^= 0x10;
	at = hc_head(c, &o, pkt, c->cat);
	len = hc_auth(pkt, at, pt, hc_cookies(pt, o.n_cookies, o.cookie_len));
	bad(c, pkt, len);
	o = *q;
	o.uid[hc_rand() % o.uid_len] ^= 0x01;
	at = hc_head(c, &o, pkt, c->cat);
	len = hc_auth(pkt, at, pt, hc_cookies(pt, o.n_cookies, o.cookie_len));
	bad(c, pkt, len);
	/* a reply to a request never sent: random origin and UID */
	ntsgen_fill_random(o.tx, 8);
	ntsgen_fill_random(o.uid, o.uid_len);
	at = hc_head(c, &o, pkt, c->cat);
	len = hc_auth(pkt, at, pt, hc_cookies(pt, o.n_cookies, o.cookie_len));
	bad(c, pkt, len);
	valid(c, q);
}

/* NTS NAKs (KoD NTSN, the UID, nothing else): ours, and for others. */
static uint32_t nak(struct hcctx *c, const struct hcreq *q, uint8_t *buf)
{
	uint32_t len = hc_head(c, q, buf, c->cat);

	buf[KNTS_NTP_OFF_STRATUM] = 0;
	memcpy(buf + KNTS_NTP_OFF_REFID, "NTSN", 4);
	return len;
}

static void case_nak(struct hcctx *c, const struct hcreq *q, unsigned int i)
{
	struct hcreq o = *q;
	uint32_t len = nak(c, q, pkt), n;

	/* Unauthenticated: counted, reported, and the request stays open. */
	hc_note(HC_NOTE_NAK);
	bad(c, pkt, len);
	o.uid[0] ^= 0x80;
	bad(c, pkt, nak(c, &o, pkt));
	o = *q;
	o.tx[7] ^= 0x01;
	bad(c, pkt, nak(c, &o, pkt));
	/* a NAK with an authenticator is a reply that fails to verify */
	len = nak(c, q, pkt);
	bad(c, pkt, hc_auth(pkt, len, pt, 0));
	n = hc_auth(pkt, len, pt, 0);
	pkt[len + AUTH_FIXED + 16] ^= 1;
	bad(c, pkt, n);
	valid(c, q);
}

/* Every EF length and N_LEN, C_LEN off by -4..+4. */
static void case_len_off(struct hcctx *c, const struct hcreq *q,
			 unsigned int i)
{
	uint32_t at, pl, len = base(c, q, &at, &pl), f[4];
	unsigned int k;
	int d;

	f[0] = KNTS_NTP_HDR_LEN + 2;	/* UID length */
	f[1] = at + 2;			/* authenticator length */
	f[2] = at + 4;			/* N_LEN */
	f[3] = at + 6;			/* C_LEN */
	for (k = 0; k < 4; k++) {
		for (d = -4; d <= 4; d++) {
			if (!d)
				continue;
			memcpy(mut, pkt, len);
			knts_put_be16(mut + f[k], (uint16_t)(knts_get_be16(pkt + f[k]) + d));
			/* The UID field is under the authenticator: seal again. */
			if (f[k] < at)
				hc_auth(mut, at, pt, pl);
			bad(c, mut, len);
		}
	}
	valid(c, q);
}

/* Cut at every offset, the empty datagram included. */
static void case_truncate(struct hcctx *c, const struct hcreq *q,
			  unsigned int i)
{
	uint32_t at, pl, len = base(c, q, &at, &pl), t;

	for (t = 0; t < len; t++)
		bad(c, pkt, t);
	valid(c, q);
}

/* A 16-byte EF of every type with a lying length, before and after. */
static void case_ef_types(struct hcctx *c, const struct hcreq *q,
			  unsigned int i)
{
	static const uint16_t types[] = {
		0x0104, 0x0204, 0x0304, 0x0404, 0x0000, 0x0001, 0x0105,
		0x8104, 0x2005, 0xffff,
	};
	static const uint16_t lens[] = {
		0, 1, 2, 3, 4, 8, 12, 15, 16, 17, 20, 27, 28, 0x8000, 0xfffc,
		0xffff,
	};
	uint32_t at, pl, len = base(c, q, &at, &pl), pos[3];
	unsigned int t, l, p;

	pos[0] = KNTS_NTP_HDR_LEN;	/* before the UID */
	pos[1] = at;			/* before the authenticator */
	pos[2] = len;			/* after it */
	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			for (p = 0; p < 3; p++) {
				uint8_t *e = mut + pos[p];

				/* A well-formed unknown EF is fine (RFC 7822). */
				if (lens[l] == 16 && p < 2 && types[t] != 0x0104 &&
				    types[t] != 0x0204 && types[t] != 0x0304 &&
				    types[t] != 0x0404)
					continue;
				memcpy(mut, pkt, pos[p]);
				if (p < 2)
					memcpy(e + 16, pkt + pos[p], at - pos[p]);
				knts_put_be16(e, types[t]);
				knts_put_be16(e + 2, lens[l]);
				ntsgen_fill_random(e + 4, 12);
				if (p < 2) {
					bad(c, mut, hc_auth(mut, at + 16, pt, pl));
				} else {
					memcpy(mut, pkt, len);
					bad(c, mut, len + 16);
				}
			}
		}
	}
	valid(c, q);
}

/* Two UIDs (same, different), two authenticators; all sealed. */
static void case_dup(struct hcctx *c, const struct hcreq *q, unsigned int i)
{
	uint32_t at, pl, len = base(c, q, &at, &pl), n;
	uint8_t ef[128];

	n = at - KNTS_NTP_HDR_LEN;		/* the UID field */
	memcpy(ef, pkt + KNTS_NTP_HDR_LEN, n);
	memcpy(mut, pkt, at);
	memcpy(mut + at, ef, n);
	bad(c, mut, hc_auth(mut, at + n, pt, pl));
	ntsgen_fill_random(ef + 4, n - 4);
	memcpy(mut, pkt, KNTS_NTP_HDR_LEN);
	memcpy(mut + KNTS_NTP_HDR_LEN, ef, n);
	memcpy(mut + KNTS_NTP_HDR_LEN + n, pkt + KNTS_NTP_HDR_LEN, n);
	bad(c, mut, hc_auth(mut, at + n, pt, pl));
	/* a second authenticator, sealed over everything before it */
	memcpy(mut, pkt, len);
	bad(c, mut, hc_auth(mut, len, pt, pl));
	valid(c, q);
}

/* The authenticator followed by something. */
static void case_auth_not_last(struct hcctx *c, const struct hcreq *q,
			       unsigned int i)
{
	static const uint16_t tail_len[] = { 4, 8, 16, 20, 24, 28, 36, 104 };
	static const uint16_t tail_type[] = { 0x2000, 0x0104, 0x0204, 0x0304,
					      0x0000 };
	uint32_t at, pl, len = base(c, q, &at, &pl), l;
	unsigned int t, k;

	for (t = 0; t < sizeof(tail_type) / sizeof(tail_type[0]); t++) {
		for (k = 0; k < sizeof(tail_len) / sizeof(tail_len[0]); k++) {
			l = tail_len[k];
			memcpy(mut, pkt, len);
			memset(mut + len, 0, l);
			knts_put_be16(mut + len, tail_type[t]);
			if (l >= 16)
				knts_put_be16(mut + len + 2, (uint16_t)l);
			bad(c, mut, len + l);
		}
	}
	valid(c, q);
}

/* Nonce and ciphertext lengths that do not fit the authenticator. */
static void case_nonce_ct(struct hcctx *c, const struct hcreq *q,
			  unsigned int i)
{
	static const uint16_t nl[] = { 0, 1, 4, 8, 12, 15, 17, 20, 24, 28, 32,
				       0x7fff, 0xffff };
	static const uint16_t cl[] = { 0, 1, 15, 17, 20, 24, 32, 0xffff };
	uint32_t at, pl, len = base(c, q, &at, &pl);
	unsigned int x, y;

	for (x = 0; x < sizeof(nl) / sizeof(nl[0]); x++) {
		for (y = 0; y < sizeof(cl) / sizeof(cl[0]); y++) {
			memcpy(mut, pkt, len);
			knts_put_be16(mut + at + 4, nl[x]);
			knts_put_be16(mut + at + 6, cl[y]);
			bad(c, mut, len);
		}
	}
	valid(c, q);
}

/*
 * Authenticated, but what was sealed is wrong: no cookie, cookies of
 * another length than the jar's, of mixed lengths, empty, too many,
 * inner fields with lying lengths, garbage, and (IPv4: the reply is
 * reassembled before knts) more plaintext than knts's buffer.
 */
static void case_inner(struct hcctx *c, const struct hcreq *q, unsigned int i)
{
	static uint8_t in[PT_MAX];
	uint32_t at = hc_head(c, q, pkt, c->cat), cl = q->cookie_len, n;
	static const int deltas[] = { -8, -4, 4, 8 };
	unsigned int k;

	bad(c, pkt, hc_auth(pkt, at, in, 0));		/* nothing */
	for (k = 0; k < 4; k++) {
		n = hc_cookies(in, 2, (uint32_t)((int)cl + deltas[k]));
		bad(c, pkt, hc_auth(pkt, at, in, n));
		n = hc_cookies(in, 1, cl);
		n += hc_cookies(in + n, 1, (uint32_t)((int)cl + deltas[k]));
		bad(c, pkt, hc_auth(pkt, at, in, n));
	}
	knts_put_be16(in, 0x0204);			/* empty cookie */
	knts_put_be16(in + 2, 4);
	bad(c, pkt, hc_auth(pkt, at, in, 4));
	n = hc_cookies(in, 1, cl);			/* inner lengths */
	for (k = 0; k < 6; k++) {
		static const uint16_t l[] = { 0, 3, 5, 8, 0x1000, 0xffff };

		knts_put_be16(in + 2, l[k]);
		bad(c, pkt, hc_auth(pkt, at, in, n));
	}
	n = hc_cookies(in, 1, cl);			/* a trailing fragment */
	in[n] = 0x02;
	in[n + 1] = 0x04;
	bad(c, pkt, hc_auth(pkt, at, in, n + 2));
	n = hc_cookies(in, 1, cl);			/* cookie, then unknown */
	knts_put_be16(in + n, 0x2005);
	knts_put_be16(in + n + 2, 3);
	bad(c, pkt, hc_auth(pkt, at, in, n + 4));
	knts_put_be16(in, 0x0304);			/* a placeholder only */
	knts_put_be16(in + 2, (uint16_t)(cl + 4));
	bad(c, pkt, hc_auth(pkt, at, in, cl + 4));
	ntsgen_fill_random(in, 200);			/* garbage */
	bad(c, pkt, hc_auth(pkt, at, in, 200));
	if (q->cookie_len <= 104) {			/* 9..12 cookies */
		for (k = 9; k <= 12; k++)
			bad(c, pkt, hc_auth(pkt, at, in, hc_cookies(in, k, cl)));
	}
	if (!c->v6)					/* > 4096 bytes */
		bad(c, pkt, hc_auth(pkt, at, in,
				    hc_cookies(in, 4400 / (cl + 4), cl)));
	valid(c, q);
}

/* Random bytes, always mode 4; half start like a reply to our request. */
static void case_random(struct hcctx *c, const struct hcreq *q, unsigned int i)
{
	static const uint16_t types[] = { 0x0104, 0x0204, 0x0304, 0x0404 };
	unsigned int k;
	uint32_t len, o, l;

	for (k = 0; k < 400; k++) {
		len = hc_rand() % 1200;
		ntsgen_fill_random(mut, len);
		if (len && k & 1 && len >= 64) {
			len &= ~3u;
			o = hc_head(c, q, mut, c->cat);
			for (; o + 16 <= len; o += l) {
				l = 16 + 4 * (hc_rand() % 40);
				if (o + l > len || hc_rand() % 8 == 0)
					l = len - o;
				knts_put_be16(mut + o, types[hc_rand() % 4]);
				knts_put_be16(mut + o + 2, (uint16_t)l);
			}
		}
		/* Mode 3 would be a request: not the client role's. */
		if (len)
			mut[0] = (uint8_t)((mut[0] & ~7u) | 4);
		bad(c, mut, len);
	}
	valid(c, q);
}

/* Every single-bit change of a sealed reply. */
static void case_bit_flip(struct hcctx *c, const struct hcreq *q,
			  unsigned int i)
{
	uint32_t at, pl, len = base(c, q, &at, &pl), b;

	for (b = 0; b < len * 8; b++) {
		memcpy(mut, pkt, len);
		mut[b / 8] ^= (uint8_t)(1u << (b % 8));
		bad(c, mut, len);
	}
	valid(c, q);
}

/*
 * NTP versions 0-7 and modes 0-7, bare and with a sealed NTS body. Only
 * requests (mode 3) pass: knts leaves them to the server role.
 */
static void case_modes(struct hcctx *c, const struct hcreq *q, unsigned int i)
{
	unsigned int v, m;
	uint32_t at, pl, len;

	for (v = 0; v < 8; v++) {
		for (m = 0; m < 8; m++) {
			uint8_t lvm = (uint8_t)(v << 3 | m);
			uint8_t cat = c->cat | (m == 3 ? HC_CAT_PLAIN : 0);

			hc_head(c, q, mut, cat);
			mut[0] = lvm;
			ntsgen_mark(mut, cat, KNTS_NTP_HDR_LEN, 0);
			c->plain += m == 3;
			hc_send(c, mut, KNTS_NTP_HDR_LEN, NULL, m != 3, 0);
			if (v == 4 && m == 4)
				continue;	/* that one is valid */
			at = hc_head(c, q, pkt, cat);
			pkt[0] = lvm;
			pl = hc_cookies(pt, q->n_cookies, q->cookie_len);
			len = at + knts_ef_auth_len(KNTS_EF_NONCE_LEN,
						    KNTS_SIV_TAG_LEN + pl);
			ntsgen_mark(pkt, cat, (uint16_t)len, 0);
			hc_auth(pkt, at, pt, pl);
			c->plain += m == 3;
			hc_send(c, pkt, len, NULL, m != 3, 0);
		}
	}
	valid(c, q);
}

/* An empty datagram from the server's port. */
static void case_empty(struct hcctx *c, const struct hcreq *q, unsigned int i)
{
	unsigned int k;

	for (k = 0; k < 4; k++)
		bad(c, pkt, 0);
	valid(c, q);
}

/* IPv4 fragments are reassembled before knts: the valid reply, in pieces. */
static void case_frag4(struct hcctx *c, const struct hcreq *q, unsigned int i)
{
	struct raw_opt o = { .frags = 2 + i % 3 };
	uint32_t len = hc_reply(c, q, pkt, c->cat | HC_CAT_VALID);

	hc_send(c, pkt, len, &o, 1, 1);
}

static void case_frag4_flipped(struct hcctx *c, const struct hcreq *q,
			       unsigned int i)
{
	struct raw_opt o = { .frags = 2 + i % 3 };
	uint32_t at, pl, len = base(c, q, &at, &pl);

	pkt[hc_rand() % len] ^= (uint8_t)(1u << (hc_rand() % 8));
	hc_send(c, pkt, len, &o, 1, 0);
	valid(c, q);
}

/*
 * IPv6 fragments are reassembled after LOCAL_IN: knts must drop the
 * first one, or the whole reply would reach the daemon unverified. A
 * valid reply and a plain one, both fragmented; a first fragment without
 * the UDP header (the kernel drops it).
 */
static void case_frag6(struct hcctx *c, const struct hcreq *q, unsigned int i)
{
	struct raw_opt o = { .frags = 2 + i % 3 };
	uint32_t len = hc_reply(c, q, pkt, c->cat);

	hc_send(c, pkt, len, &o, 1, 0);
	memset(mut, 0, 512);
	hc_head(c, q, mut, c->cat);
	hc_send(c, mut, 512, &o, 1, 0);
	o.tiny_first = 1;
	hc_send(c, pkt, len, &o, 0, 0);
	valid(c, q);
}

/* A sound reply with a bad UDP checksum: udp_rcv() would drop it. */
static void case_bad_csum(struct hcctx *c, const struct hcreq *q,
			  unsigned int i)
{
	struct raw_opt o = { .bad_csum = 1 };
	uint32_t len = hc_reply(c, q, pkt, c->cat);

	hc_send(c, pkt, len, &o, 1, 0);
	valid(c, q);
}

/* IPv4 "no checksum" is legal: the reply verifies. */
static void case_csum_zero(struct hcctx *c, const struct hcreq *q,
			   unsigned int i)
{
	struct raw_opt o = { .csum_zero = 1 };
	uint32_t len = hc_reply(c, q, pkt, c->cat | HC_CAT_VALID);

	hc_send(c, pkt, len, &o, 1, 1);
}

/* The UDP length off by -4..+4 while the IP length is right. */
static void case_udp_len(struct hcctx *c, const struct hcreq *q,
			 unsigned int i)
{
	struct raw_opt o = { 0 };
	uint32_t len = hc_reply(c, q, pkt, c->cat);
	int d;

	for (d = -4; d <= 4; d++) {
		if (!d)
			continue;
		o.ulen_delta = d;
		/* Longer than the packet: UDP drops it, knts never looks. */
		hc_send(c, pkt, len, &o, d < 0, 0);
	}
	valid(c, q);
}

/* Bytes after the datagram: knts trims them; the reply verifies. */
static void case_trailer(struct hcctx *c, const struct hcreq *q,
			 unsigned int i)
{
	static const unsigned int t[] = { 1, 4, 8, 13 };
	struct raw_opt o = { .trailer = t[i % 4] };
	uint32_t len = hc_reply(c, q, pkt, c->cat | HC_CAT_VALID);

	hc_send(c, pkt, len, &o, 1, 1);
}

/*
 * The sound reply, but to another local port first: only the socket the
 * request left from may get it. Were it taken there, its request would be
 * answered and the real reply dropped as a replay.
 */
static void case_other_port(struct hcctx *c, const struct hcreq *q,
			    unsigned int i)
{
	uint32_t len = hc_reply(c, q, pkt, c->cat);

	hc_send_other_port(c, pkt, len);
	valid(c, q);
}

const struct hccase hccases[] = {
	{ "valid", 1, HC_BAD, 0, 0, 100, case_valid },
	{ "replay", 2, HC_REPLAY, 0, 0, 25, case_replay },
	{ "forged-first", 3, HC_BAD, 0, 0, 25, case_forged_first },
	{ "unmatched", 4, HC_BAD, 0, 0, 25, case_unmatched },
	{ "nak", 5, HC_BAD, 0, 0, 25, case_nak },
	{ "len-off", 6, HC_BAD, 0, 0, 4, case_len_off },
	{ "truncate", 7, HC_BAD, 0, 0, 2, case_truncate },
	{ "ef-types", 8, HC_BAD, 0, 0, 1, case_ef_types },
	{ "duplicates", 9, HC_BAD, 0, 0, 10, case_dup },
	{ "auth-not-last", 10, HC_BAD, 0, 0, 2, case_auth_not_last },
	{ "nonce-ct-len", 11, HC_BAD, 0, 0, 1, case_nonce_ct },
	{ "inner", 12, HC_BAD, 0, 0, 4, case_inner },
	{ "random", 13, HC_BAD, 0, 0, 2, case_random },
	{ "bit-flip", 14, HC_BAD, 0, 0, 1, case_bit_flip },
	{ "versions-modes", 15, HC_MODES, 0, 0, 1, case_modes },
	{ "empty", 16, HC_BAD, 0, 0, 4, case_empty },
	{ "frag4-valid", 17, HC_BAD, 1, 0, 25, case_frag4 },
	{ "frag4-flipped", 18, HC_BAD, 1, 0, 25, case_frag4_flipped },
	{ "frag6", 19, HC_BAD, 0, 1, 25, case_frag6 },
	{ "bad-csum", 22, HC_BAD, 0, 0, 25, case_bad_csum },
	{ "csum-zero", 23, HC_BAD, 1, 0, 25, case_csum_zero },
	{ "udp-len-off", 20, HC_BAD, 0, 0, 4, case_udp_len },
	{ "trailer", 21, HC_BAD, 0, 0, 8, case_trailer },
	{ "other-port", 24, HC_BAD, 0, 0, 25, case_other_port },
};

const unsigned int n_hccases = sizeof(hccases) / sizeof(hccases[0]);
