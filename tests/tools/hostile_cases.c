// SPDX-License-Identifier: GPL-2.0
/*
 * The hostile test cases: each takes real, signed NTS requests and breaks
 * one thing. Where the broken part is covered by the MAC, the packet is
 * signed again after the change, so that only knts's parser stands
 * between it and the daemon: a parser bug would show as a bad request
 * arriving stripped at the sink.
 */
#include <string.h>

#include "ktypes.h"
#include "hostile.h"
#include "sink_state.h"

#define AUTH_LEN	40	/* 16-byte nonce, 16-byte tag */

static uint8_t pkt[NTSGEN_MAX_PKT + 64], mut[NTSGEN_MAX_PKT + 64];

static void send_udp(struct hctx *c, const uint8_t *p, uint32_t len,
		     unsigned int gi)
{
	hsend(c, p, len, gi, NULL, 1);
}

/* Offsets of the EF headers of a request we built, in order. */
static unsigned int ef_offsets(const uint8_t *p, uint32_t len, uint32_t *off,
			       unsigned int max)
{
	uint32_t o = KNTS_NTP_HDR_LEN;
	unsigned int n = 0;

	while (o + 4 <= len && n < max) {
		off[n++] = o;
		o += knts_get_be16(p + o + 2);
	}
	return n;
}

static void case_valid(struct hctx *c, unsigned int rounds)
{
	unsigned int i, gi;
	uint32_t len, a;

	for (i = 0; i < 100 * rounds; i++) {
		len = hbase(c, pkt, 7, &gi, &a);
		send_udp(c, pkt, len, gi);
	}
}

static void case_replay(struct hctx *c, unsigned int rounds)
{
	unsigned int i, k, gi;
	uint32_t len, a;

	for (i = 0; i < 25 * rounds; i++) {
		len = hbase(c, pkt, 3, &gi, &a);
		for (k = 0; k < 4; k++)
			send_udp(c, pkt, len, gi);
	}
}

/*
 * A valid request, then at once a forged copy (one nonce bit changed)
 * from the same client with the same timestamp, as an on-path attacker
 * could send while the first one waits for the daemon. The copy earns a
 * NAK; the real request must still get its signed reply.
 */
static void case_forged_copy(struct hctx *c, unsigned int rounds)
{
	unsigned int i, gi;
	uint32_t len, a;

	for (i = 0; i < 25 * rounds; i++) {
		len = hbase(c, pkt, 3, &gi, &a);
		memcpy(mut, pkt, len);
		mut[a + 8 + hrand() % 16] ^= (uint8_t)(1u << (hrand() % 8));
		send_udp(c, pkt, len, gi);
		send_udp(c, mut, len, gi);
	}
}

/*
 * Two valid requests from one client and port with the same transmit
 * timestamp but their own UIDs and cookies, as an on-path attacker with
 * cookies of its own could send a copy of a victim's request: each keeps
 * its in-flight entry, so the daemon's two answers are both signed, each
 * for its own request (before, the second overwrote the first).
 */
static void case_same_ts(struct hctx *c, unsigned int rounds)
{
	unsigned int i, gi, gi2;
	uint32_t len, len2, a, a2;

	for (i = 0; i < 25 * rounds; i++) {
		len = hbase(c, pkt, 3, &gi, &a);
		len2 = hbase(c, mut, 3, &gi2, &a2);
		memcpy(mut + KNTS_NTP_OFF_TX, pkt + KNTS_NTP_OFF_TX, 8);
		hfinish(c, mut, len2, gi2, a2);
		send_udp(c, pkt, len, gi);
		send_udp(c, mut, len2, gi2);
	}
}

/* Every EF length, N_LEN and C_LEN off by -4..+4. */
static void case_len_off(struct hctx *c, unsigned int rounds)
{
	uint32_t off[16], len, a, f;
	unsigned int i, n, k, gi;
	int d;

	for (i = 0; i < 4 * rounds; i++) {
		len = hbase(c, pkt, 3, &gi, &a);
		n = ef_offsets(pkt, len, off, 12);
		for (k = 0; k < n + 2; k++) {
			f = k < n ? off[k] + 2 : a + 4 + 2 * (k - n);
			for (d = -4; d <= 4; d++) {
				if (!d)
					continue;
				memcpy(mut, pkt, len);
				knts_put_be16(mut + f,
					      (uint16_t)(knts_get_be16(pkt + f) + d));
				/* EF headers before the authenticator are MACed. */
				hfinish(c, mut, len, gi, f < a ? a : 0);
				send_udp(c, mut, len, gi);
			}
		}
	}
}

/* Cut at every offset, the empty datagram included. */
static void case_truncate(struct hctx *c, unsigned int rounds)
{
	unsigned int i, gi;
	uint32_t len, a, t;

	for (i = 0; i < 2 * rounds; i++) {
		len = hbase(c, pkt, 2, &gi, &a);
		for (t = 0; t < len; t++) {
			memcpy(mut, pkt, len);
			if (t >= NTSGEN_MARK_OFF + 8)
				ntsgen_mark(mut, c->cat, (uint16_t)t, 0);
			send_udp(c, mut, t, gi);
		}
	}
}

/* Insert a 16-byte EF of every type with a lying length field. */
static void case_ef_types(struct hctx *c, unsigned int rounds)
{
	static const uint16_t types[] = {
		0x0104, 0x0204, 0x0304, 0x0404, 0x0000, 0x0001, 0x0105,
		0x8104, 0x2005, 0xffff,
	};
	static const uint16_t lens[] = {
		0, 1, 2, 3, 4, 8, 12, 15, 16, 17, 20, 27, 28, 0x8000, 0xfffc,
		0xffff,
	};
	uint32_t off[16], len, a, pos[5];
	unsigned int i, t, l, p, n, gi;

	for (i = 0; i < rounds; i++) {
		len = hbase(c, pkt, 2, &gi, &a);
		n = ef_offsets(pkt, len, off, 12);
		pos[0] = KNTS_NTP_HDR_LEN;
		pos[1] = off[1];		/* after the UID */
		pos[2] = n > 2 ? off[2] : a;	/* after the cookie */
		pos[3] = a;			/* before the authenticator */
		pos[4] = len;			/* after it */
		for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
			for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
				for (p = 0; p < 5; p++) {
					uint8_t *e = mut + pos[p];

					/* A well-formed unknown EF is fine. */
					if (lens[l] == 16 && p < 4 &&
					    types[t] != 0x0104 && types[t] != 0x0204 &&
					    types[t] != 0x0304 && types[t] != 0x0404)
						continue;
					memcpy(mut, pkt, pos[p]);
					memcpy(e + 16, pkt + pos[p], len - pos[p]);
					knts_put_be16(e, types[t]);
					knts_put_be16(e + 2, lens[l]);
					ntsgen_fill_random(e + 4, 12);
					hfinish(c, mut, len + 16, gi,
						p < 4 ? a + 16 : a);
					send_udp(c, mut, len + 16, gi);
				}
			}
		}
	}
}

/* Insert @n bytes copied from @src at @at, keep the rest after them. */
static uint32_t insert(uint8_t *dst, const uint8_t *p, uint32_t len,
		       uint32_t at, const uint8_t *src, uint32_t n)
{
	memcpy(dst, p, at);
	memcpy(dst + at, src, n);
	memcpy(dst + at + n, p + at, len - at);
	return len + n;
}

/* Two UIDs, two cookies, two authenticators; all signed. */
static void case_dup(struct hctx *c, unsigned int rounds)
{
	static uint8_t ef[512];
	uint32_t off[16], len, a, n, l;
	unsigned int i, gi;

	for (i = 0; i < 10 * rounds; i++) {
		len = hbase(c, pkt, 2, &gi, &a);
		ef_offsets(pkt, len, off, 12);
		/* the UID again, right before the authenticator */
		n = knts_get_be16(pkt + off[0] + 2);
		memcpy(ef, pkt + off[0], n);
		l = insert(mut, pkt, len, a, ef, n);
		hfinish(c, mut, l, gi, a + n);
		send_udp(c, mut, l, gi);
		/* a different UID first */
		ntsgen_fill_random(ef + 4, n - 4);
		l = insert(mut, pkt, len, KNTS_NTP_HDR_LEN, ef, n);
		hfinish(c, mut, l, gi, a + n);
		send_udp(c, mut, l, gi);
		/* the cookie twice */
		n = knts_get_be16(pkt + off[1] + 2);
		memcpy(ef, pkt + off[1], n);
		l = insert(mut, pkt, len, a, ef, n);
		hfinish(c, mut, l, gi, a + n);
		send_udp(c, mut, l, gi);
		/* two authenticators, each correctly signed over what precedes it */
		memcpy(mut, pkt, len);
		memcpy(mut + len, pkt + a, AUTH_LEN);
		hfinish(c, mut, len + AUTH_LEN, gi, a);
		ntsgen_sign(&c->g[gi], mut, len);
		send_udp(c, mut, len + AUTH_LEN, gi);
	}
}

/* The authenticator followed by something: never acceptable. */
static void case_auth_not_last(struct hctx *c, unsigned int rounds)
{
	static const uint16_t tail_len[] = { 4, 8, 16, 20, 24, 28, 36, 104 };
	static const uint16_t tail_type[] = { 0x2000, 0x0104, 0x0204, 0x0304,
					      0x0000 };
	uint32_t len, a, l;
	unsigned int i, t, k, gi;

	for (i = 0; i < 2 * rounds; i++) {
		len = hbase(c, pkt, 2, &gi, &a);
		for (t = 0; t < sizeof(tail_type) / sizeof(tail_type[0]); t++) {
			for (k = 0; k < sizeof(tail_len) / sizeof(tail_len[0]); k++) {
				l = tail_len[k];
				memcpy(mut, pkt, len);
				memset(mut + len, 0, l);
				knts_put_be16(mut + len, tail_type[t]);
				if (l >= 16)
					knts_put_be16(mut + len + 2, (uint16_t)l);
				hfinish(c, mut, len + l, gi, a);
				send_udp(c, mut, len + l, gi);
			}
		}
	}
}

/* Placeholders of the wrong size, of mixed sizes, and too many. */
static void case_placeholders(struct hctx *c, unsigned int rounds)
{
	static const int deltas[] = { -88, -84, -8, -4, 4, 8, 60 };
	uint32_t len, a, l, cl, at;
	unsigned int i, k, n, j, gi;
	uint8_t ph[512];

	for (i = 0; i < 4 * rounds; i++) {
		len = hbase(c, pkt, 0, &gi, &a);
		cl = c->g[gi].cookie_len;
		for (k = 0; k < sizeof(deltas) / sizeof(deltas[0]); k++) {
			uint32_t body = (uint32_t)((int)cl + deltas[k]);

			for (n = 1; n <= 3; n++) {
				/* n placeholders, the last one (or all) wrong */
				memcpy(mut, pkt, len);
				l = len;
				at = a;
				for (j = 0; j < n; j++) {
					uint32_t b = (j == n - 1 || n == 3) ? body : cl;
					int e = knts_ef_put_placeholder(ph, sizeof(ph), b);

					if (e < 0)
						continue;
					memmove(mut + at + (uint32_t)e, mut + at, l - at);
					memcpy(mut + at, ph, (size_t)e);
					at += (uint32_t)e;
					l += (uint32_t)e;
				}
				hfinish(c, mut, l, gi, at);
				send_udp(c, mut, l, gi);
			}
		}
		/* 8 to 10 placeholders of the right size */
		for (n = 8; n <= 10; n++) {
			int e = knts_ef_put_placeholder(ph, sizeof(ph), cl);

			memcpy(mut, pkt, len);
			l = len;
			at = a;
			for (j = 0; j < n && l + (uint32_t)e <= max_unfragmented(c); j++) {
				memmove(mut + at + (uint32_t)e, mut + at, l - at);
				memcpy(mut + at, ph, (size_t)e);
				at += (uint32_t)e;
				l += (uint32_t)e;
			}
			/* Fewer would be a valid request; big cookies may not fit. */
			if (j < 8)
				continue;
			hfinish(c, mut, l, gi, at);
			send_udp(c, mut, l, gi);
		}
	}
}

/* Nonce and ciphertext lengths that do not fit the authenticator. */
static void case_nonce_ct(struct hctx *c, unsigned int rounds)
{
	static const uint16_t nl[] = { 0, 1, 4, 8, 12, 15, 17, 20, 24, 28, 32,
				       0x7fff, 0xffff };
	static const uint16_t cl[] = { 0, 1, 15, 17, 20, 24, 32, 0xffff };
	uint32_t len, a;
	unsigned int i, x, y, gi;

	for (i = 0; i < rounds; i++) {
		len = hbase(c, pkt, 2, &gi, &a);
		for (x = 0; x < sizeof(nl) / sizeof(nl[0]); x++) {
			for (y = 0; y < sizeof(cl) / sizeof(cl[0]); y++) {
				memcpy(mut, pkt, len);
				knts_put_be16(mut + a + 4, nl[x]);
				knts_put_be16(mut + a + 6, cl[y]);
				hfinish(c, mut, len, gi, 0);
				send_udp(c, mut, len, gi);
			}
		}
	}
}

/* Random bytes; half of them shaped like NTPv4 mode 3 with random EFs. */
static void case_random(struct hctx *c, unsigned int rounds)
{
	static const uint16_t types[] = { 0x0104, 0x0204, 0x0304, 0x0404 };
	unsigned int i;
	uint32_t len, o, l;

	for (i = 0; i < 1000 * rounds; i++) {
		len = hrand() % 1200;
		ntsgen_fill_random(mut, len);
		if (i & 1 && len >= 64) {
			len &= ~3u;
			mut[0] = 0x23;
			for (o = KNTS_NTP_HDR_LEN; o + 16 <= len; o += l) {
				l = 16 + 4 * (hrand() % 40);
				if (o + l > len || hrand() % 8 == 0)
					l = len - o;
				knts_put_be16(mut + o, types[hrand() % 4]);
				knts_put_be16(mut + o + 2, (uint16_t)l);
			}
			ntsgen_mark(mut, c->cat, (uint16_t)len, 0);
		}
		hsend(c, mut, len, 0, NULL, 1);
	}
}

/* Every single-bit change of a valid request. */
static void case_bit_flip(struct hctx *c, unsigned int rounds)
{
	uint32_t len, a, b;
	unsigned int i, gi;

	for (i = 0; i < rounds; i++) {
		len = hbase(c, pkt, i & 1 ? 7 : 1, &gi, &a);
		for (b = 0; b < len * 8; b++) {
			memcpy(mut, pkt, len);
			mut[b / 8] ^= (uint8_t)(1u << (b % 8));
			send_udp(c, mut, len, gi);
		}
	}
}

/* NTP versions 0-7 and modes 0-7, bare and with an NTS body. */
static void case_modes(struct hctx *c, unsigned int rounds)
{
	uint32_t len, a;
	unsigned int i, v, m, gi;

	for (i = 0; i < rounds; i++) {
		for (v = 0; v < 8; v++) {
			for (m = 0; m < 8; m++) {
				uint8_t lvm = (uint8_t)(v << 3 | m);

				memset(mut, 0, KNTS_NTP_HDR_LEN);
				mut[0] = lvm;
				ntsgen_fill_random(mut + KNTS_NTP_OFF_TX, 8);
				hfinish(c, mut, KNTS_NTP_HDR_LEN, 0, 0);
				c->mode3 += m == 3;
				send_udp(c, mut, KNTS_NTP_HDR_LEN, 0);
				if (v == 4 && m == 3)
					continue;	/* that one is valid */
				len = hbase(c, pkt, 1, &gi, &a);
				pkt[0] = lvm;
				hfinish(c, pkt, len, gi, a);
				c->mode3 += m == 3;
				send_udp(c, pkt, len, gi);
			}
		}
	}
}

static void case_frag4(struct hctx *c, unsigned int rounds)
{
	struct raw_opt o = { 0 };
	unsigned int i, gi;
	uint32_t len, a;

	for (i = 0; i < 25 * rounds; i++) {
		len = hbase(c, pkt, 7, &gi, &a);
		o.frags = 2 + i % 3;
		hsend(c, pkt, len, gi, &o, 1);
	}
}

static void case_frag4_bad(struct hctx *c, unsigned int rounds)
{
	struct raw_opt o = { 0 };
	unsigned int i, gi;
	uint32_t len, a;

	for (i = 0; i < 25 * rounds; i++) {
		len = hbase(c, pkt, 7, &gi, &a);
		pkt[hrand() % len] ^= (uint8_t)(1u << (hrand() % 8));
		o.frags = 2 + i % 3;
		hsend(c, pkt, len, gi, &o, 1);
	}
}

static void case_frag6(struct hctx *c, unsigned int rounds)
{
	struct raw_opt o = { 0 };
	unsigned int i, gi;
	uint32_t len, a;

	for (i = 0; i < 25 * rounds; i++) {
		len = hbase(c, pkt, 7, &gi, &a);
		o.frags = 2 + i % 3;
		o.tiny_first = 0;
		hsend(c, pkt, len, gi, &o, 1);
		/* The UDP header not in the first fragment: the kernel drops it. */
		len = hbase(c, pkt, 3, &gi, &a);
		o.tiny_first = 1;
		hsend(c, pkt, len, gi, &o, 0);
	}
}

static void case_bad_csum(struct hctx *c, unsigned int rounds)
{
	struct raw_opt o = { .bad_csum = 1 };
	unsigned int i, gi;
	uint32_t len, a;

	for (i = 0; i < 25 * rounds; i++) {
		len = hbase(c, pkt, 3, &gi, &a);
		hsend(c, pkt, len, gi, &o, 1);
	}
}

/* IPv4 "no checksum" is legal: those verify. */
static void case_csum_zero(struct hctx *c, unsigned int rounds)
{
	struct raw_opt o = { .csum_zero = 1 };
	unsigned int i, gi;
	uint32_t len, a;

	for (i = 0; i < 25 * rounds; i++) {
		len = hbase(c, pkt, 3, &gi, &a);
		hsend(c, pkt, len, gi, &o, 1);
	}
}

/* The UDP length field off by -4..+4 while the IP length is right. */
static void case_udp_len(struct hctx *c, unsigned int rounds)
{
	struct raw_opt o = { 0 };
	unsigned int i, gi;
	uint32_t len, a;
	int d;

	for (i = 0; i < 4 * rounds; i++) {
		len = hbase(c, pkt, 3, &gi, &a);
		for (d = -4; d <= 4; d++) {
			if (!d)
				continue;
			o.ulen_delta = d;
			/* Longer than the packet: UDP drops it, knts never looks. */
			hsend(c, pkt, len, gi, &o, d < 0);
		}
	}
}

/* Bytes after the UDP datagram: knts must trim them, and verify. */
static void case_trailer(struct hctx *c, unsigned int rounds)
{
	static const unsigned int t[] = { 1, 4, 8, 13 };
	struct raw_opt o = { 0 };
	unsigned int i, gi;
	uint32_t len, a;

	for (i = 0; i < 8 * rounds; i++) {
		len = hbase(c, pkt, 3, &gi, &a);
		o.trailer = t[i % 4];
		hsend(c, pkt, len, gi, &o, 1);
	}
}

const struct hcase hcases[] = {
	{ "valid", SINK_CAT_VALID | 1, HK_VALID, 0, 0, case_valid },
	{ "replay", SINK_CAT_VALID | 2, HK_REPLAY, 0, 0, case_replay },
	{ "forged-copy", SINK_CAT_VALID | 20, HK_PAIR, 0, 0, case_forged_copy },
	{ "len-off", 3, HK_BAD, 0, 0, case_len_off },
	{ "truncate", 4, HK_BAD, 0, 0, case_truncate },
	{ "ef-types", 5, HK_BAD, 0, 0, case_ef_types },
	{ "duplicates", 6, HK_BAD, 0, 0, case_dup },
	{ "auth-not-last", 7, HK_BAD, 0, 0, case_auth_not_last },
	{ "placeholders", 8, HK_BAD, 0, 0, case_placeholders },
	{ "nonce-ct-len", 9, HK_BAD, 0, 0, case_nonce_ct },
	{ "random", 10, HK_BAD, 0, 0, case_random },
	{ "bit-flip", 11, HK_BAD, 0, 0, case_bit_flip },
	{ "versions-modes", 12, HK_MODES, 0, 0, case_modes },
	{ "frag4-valid", SINK_CAT_VALID | 13, HK_VALID, 1, 0, case_frag4 },
	{ "frag4-flipped", 14, HK_BAD, 1, 0, case_frag4_bad },
	{ "frag6", 15, HK_FRAG6, 0, 1, case_frag6 },
	{ "bad-csum", 16, HK_CSUM, 0, 0, case_bad_csum },
	{ "csum-zero", SINK_CAT_VALID | 17, HK_VALID, 1, 0, case_csum_zero },
	{ "udp-len-off", 18, HK_BAD, 0, 0, case_udp_len },
	{ "trailer", SINK_CAT_VALID | 19, HK_VALID, 0, 0, case_trailer },
	{ "same-ts-uids", SINK_CAT_VALID | 21, HK_VALID, 0, 0, case_same_ts },
};

const unsigned int n_hcases = sizeof(hcases) / sizeof(hcases[0]);
