// SPDX-License-Identifier: GPL-2.0
/* Real NTS requests and reply checks for the robustness tools (ntsgen.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ktypes.h"
#include "keyfile.h"
#include "ntsgen.h"
#include "siv.h"

void ntsgen_fill_random(void *p, size_t n)
{
	/* Test traffic, not keys: a fast generator seeded once is enough. */
	static uint64_t s;
	uint8_t *b = p;

	if (!s && getrandom(&s, sizeof(s), 0) != sizeof(s))
		s = 0x9e3779b97f4a7c15ull;
	s |= 1;
	while (n) {
		uint64_t x;
		size_t k = n < 8 ? n : 8;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		x = s * 0x2545f4914f6cdd1dull;
		memcpy(b, &x, k);
		b += k;
		n -= k;
	}
}

int ntsgen_init(struct ntsgen *g, const char *path, unsigned int aead)
{
	struct knts_keyfile kf;
	uint8_t nonce[KNTS_COOKIE_NONCE_LEN];
	const struct knts_master_key *mk;
	int ret;

	memset(g, 0, sizeof(*g));
	ret = knts_keyfile_load(path, &kf);
	if (ret)
		return ret;
	mk = &kf.keys[kf.current];
	g->key_id = mk->id;
	g->keys.aead = (uint16_t)aead;
	g->keys.key_len = (uint16_t)knts_aead_key_len(aead);
	if (!g->keys.key_len) {
		knts_keyfile_wipe(&kf);
		return -EINVAL;
	}
	if (getrandom(g->keys.key, 2u * g->keys.key_len, 0) !=
	    (ssize_t)(2u * g->keys.key_len) ||
	    getrandom(nonce, sizeof(nonce), 0) != sizeof(nonce)) {
		knts_keyfile_wipe(&kf);
		return -EIO;
	}
	ret = knts_cookie_seal(mk->key, mk->id, nonce, &g->keys, g->cookie,
			       sizeof(g->cookie));
	knts_keyfile_wipe(&kf);
	if (ret < 0)
		return ret;
	g->cookie_len = (uint32_t)ret;
	return 0;
}

static uint16_t mark_check(const uint8_t *m)
{
	uint32_t a = 1, b = 0;
	int i;

	for (i = 0; i < 6; i++) {
		a = (a + m[i]) % 251;
		b = (b + a) % 251;
	}
	return (uint16_t)(b << 8 | a);
}

void ntsgen_mark(uint8_t *pkt, uint8_t cat, uint16_t len, uint8_t seq)
{
	uint8_t *m = pkt + NTSGEN_MARK_OFF;

	m[0] = 'k';
	m[1] = cat;
	m[2] = len >> 8;
	m[3] = len & 0xff;
	m[4] = seq;
	m[5] = 'N';
	knts_put_be16(m + 6, mark_check(m));
}

int ntsgen_marker(const uint8_t *pkt, size_t len, uint8_t *cat,
		  uint16_t *mlen)
{
	const uint8_t *m = pkt + NTSGEN_MARK_OFF;

	if (len < NTSGEN_MARK_OFF + 8 || m[0] != 'k' || m[5] != 'N' ||
	    knts_get_be16(m + 6) != mark_check(m))
		return -1;
	*cat = m[1];
	*mlen = knts_get_be16(m + 2);
	return 0;
}

int ntsgen_sign(const struct ntsgen *g, uint8_t *pkt, uint32_t auth_off)
{
	uint8_t *p = pkt + auth_off;
	uint32_t n_len = knts_get_be16(p + 4);
	struct knts_siv_ad ad[2] = {
		{ pkt, auth_off },
		{ p + KNTS_EF_AUTH_FIXED, n_len },
	};
	uint8_t *tag = p + KNTS_EF_AUTH_FIXED + knts_pad4(n_len);

	return knts_siv_seal(g->keys.key, g->keys.key_len, ad, 2, tag, 0,
			     tag, tag + KNTS_SIV_TAG_LEN);
}

uint32_t ntsgen_request(const struct ntsgen *g, uint8_t *buf,
			const struct ntsgen_req *r)
{
	uint8_t uid[KNTS_EF_UID_MAX], nonce[KNTS_EF_NONCE_LEN];
	uint32_t off = KNTS_NTP_HDR_LEN, i, auth_off;
	uint32_t uid_len = r->uid_len ? r->uid_len : 32;

	memset(buf, 0, KNTS_NTP_HDR_LEN);
	buf[KNTS_NTP_OFF_LVM] = r->lvm ? r->lvm : 0x23;
	buf[KNTS_NTP_OFF_PRECISION] = 0x20;
	ntsgen_fill_random(buf + KNTS_NTP_OFF_TX, KNTS_NTP_TS_LEN);
	ntsgen_fill_random(uid, uid_len);
	ntsgen_fill_random(nonce, sizeof(nonce));
	off += knts_ef_put_uid(buf + off, NTSGEN_MAX_PKT - off, uid, uid_len);
	off += knts_ef_put_cookie(buf + off, NTSGEN_MAX_PKT - off, g->cookie,
				  g->cookie_len);
	for (i = 0; i < r->n_ph; i++)
		off += knts_ef_put_placeholder(buf + off, NTSGEN_MAX_PKT - off,
					       g->cookie_len);
	auth_off = off;
	off += knts_ef_auth_len(sizeof(nonce), KNTS_SIV_TAG_LEN);
	knts_ef_put_auth(buf + auth_off, NTSGEN_MAX_PKT - auth_off, nonce,
			 sizeof(nonce), KNTS_SIV_TAG_LEN);
	ntsgen_mark(buf, r->cat, (uint16_t)off, 0);
	if (ntsgen_sign(g, buf, auth_off))
		return 0;
	return off;
}

void ntsgen_sent_init(struct ntsgen_sent *s, const uint8_t *req,
		      uint32_t len)
{
	struct knts_ef_req r;

	memset(s, 0, sizeof(*s));
	s->len = (uint16_t)len;
	if (len >= KNTS_NTP_HDR_LEN)
		memcpy(s->tx, req + KNTS_NTP_OFF_TX, KNTS_NTP_TS_LEN);
	if (!knts_ef_parse_request(req, len, &r)) {
		s->uid_len = (uint8_t)r.uid_len;
		memcpy(s->uid, req + r.uid_off, r.uid_len);
		/* The server mints cookies as long as ours (same AEAD). */
		s->n_cookies = (uint8_t)knts_ef_response_cookies(len, &r,
								 r.cookie_len);
	}
}

enum ntsgen_reply ntsgen_check_reply(const struct ntsgen *g,
				     const uint8_t *pkt, size_t len,
				     const struct ntsgen_sent *req,
				     unsigned int *cookies)
{
	static uint8_t pt[NTSGEN_MAX_PKT];
	struct knts_ef_cookies c;
	struct knts_ef_resp s;
	struct knts_siv_ad ad[2];
	struct knts_cookie_keys k = g->keys;
	int ret;

	*cookies = 0;
	ret = knts_ef_parse_response(pkt, len, &s);
	if (ret == -KNTS_EF_E_NOT_NTS || ret == -KNTS_EF_E_NOT_V4)
		return NTSGEN_REPLY_PLAIN;
	if (ret < 0 || len > req->len ||
	    memcmp(pkt + KNTS_NTP_OFF_ORIGIN, req->tx, KNTS_NTP_TS_LEN) ||
	    s.uid_len != req->uid_len ||
	    memcmp(pkt + s.uid_off, req->uid, s.uid_len))
		return NTSGEN_REPLY_BAD;
	if (ret == KNTS_EF_NAK)
		return len == KNTS_NTP_HDR_LEN + 4 + s.uid_len ?
		       NTSGEN_REPLY_NAK : NTSGEN_REPLY_BAD;
	ad[0].data = pkt;
	ad[0].len = s.auth.off;
	ad[1].data = pkt + s.auth.nonce_off;
	ad[1].len = s.auth.nonce_len;
	if (s.auth.ct_len - KNTS_SIV_TAG_LEN > sizeof(pt) ||
	    knts_siv_open(knts_cookie_s2c(&k), k.key_len, ad, 2,
			  pkt + s.auth.ct_off,
			  pkt + s.auth.ct_off + KNTS_SIV_TAG_LEN,
			  s.auth.ct_len - KNTS_SIV_TAG_LEN, pt) ||
	    knts_ef_parse_cookies(pt, s.auth.ct_len - KNTS_SIV_TAG_LEN, &c))
		return NTSGEN_REPLY_BAD;
	/* knts must never sign its own NAK (it would steal a real reply). */
	if (pkt[KNTS_NTP_OFF_STRATUM] == KNTS_NTP_STRATUM_KOD &&
	    knts_get_be32(pkt + KNTS_NTP_OFF_REFID) == KNTS_NTP_KISS_NTSN)
		return NTSGEN_REPLY_BAD;
	/*
	 * Every cookie the request asked for, the ones knts mints only at
	 * reply time included, each the length of the one it replaces.
	 */
	if (c.count != req->n_cookies || (c.count && c.len != g->cookie_len))
		return NTSGEN_REPLY_BAD;
	*cookies = c.count;
	return NTSGEN_REPLY_SIGNED;
}
