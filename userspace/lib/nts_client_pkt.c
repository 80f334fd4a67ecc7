// SPDX-License-Identifier: GPL-2.0
/*
 * NTS client packets: build requests, check replies. See nts_client_pkt.h.
 * The EF layout comes from the shared kmod/ef.c (the code the kernel
 * runs), the crypto from siv_openssl.c behind kmod/siv.h.
 */
#include "ktypes.h"
#include "../../kmod/ef.h"
#include "../../kmod/ntp.h"
#include "../../kmod/siv.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "nts_client_pkt.h"
#include "siv_keyed.h"

/* A key as bytes (one-shot SIV) or as a prepared context (siv_keyed.c) */
struct ntsc_key {
	const uint8_t *key;
	size_t key_len;
	struct knts_siv_key *k;
};

static int ntsc_seal(const struct ntsc_key *key, const struct knts_siv_ad *ad,
		     unsigned int n_ad, u8 tag[KNTS_SIV_TAG_LEN])
{
	if (key->k)
		return knts_siv_key_seal(key->k, ad, n_ad, NULL, 0, tag, NULL);
	return knts_siv_seal(key->key, (unsigned int)key->key_len, ad, n_ad,
			     NULL, 0, tag, NULL);
}

static int ntsc_open(const struct ntsc_key *key, const struct knts_siv_ad *ad,
		     unsigned int n_ad, const u8 *tag, const u8 *ct, size_t len,
		     u8 *pt)
{
	if (key->k)
		return knts_siv_key_open(key->k, ad, n_ad, tag, ct, len, pt);
	return knts_siv_open(key->key, (unsigned int)key->key_len, ad, n_ad,
			     tag, ct, len, pt);
}

/* LI 0, VN 4, mode 3; stratum 0, poll 0, precision 0x20 as chrony sends */
static void ntsc_header(uint8_t *out, uint64_t tx)
{
	memset(out, 0, KNTS_NTP_HDR_LEN);
	out[KNTS_NTP_OFF_LVM] = KNTS_NTP_VERSION << 3 | KNTS_NTP_MODE_CLIENT;
	out[KNTS_NTP_OFF_PRECISION] = 0x20;
	knts_put_be64(out + KNTS_NTP_OFF_TX, tx);
}

int knts_ntsc_build_plain(uint8_t *out, size_t cap, uint64_t tx)
{
	if (!out)
		return -EINVAL;
	if (cap < KNTS_NTSC_PLAIN_LEN)
		return -ENOSPC;
	ntsc_header(out, tx);
	return KNTS_NTSC_PLAIN_LEN;
}

static int ntsc_build(uint8_t *out, size_t cap, uint64_t tx,
		      const uint8_t uid[KNTS_NTSC_UID_LEN],
		      const uint8_t *cookie, size_t cookie_len,
		      unsigned int n_placeholders,
		      const uint8_t nonce[KNTS_NTSC_NONCE_LEN],
		      const struct ntsc_key *key)
{
	u32 total, off;
	struct knts_siv_ad ad[2];
	unsigned int i;
	int ret, ct;

	if (!out || !uid || !cookie || !nonce)
		return -EINVAL;
	/* cookies below 12 bytes would make an EF shorter than RFC 7822's 16 */
	if (cookie_len < 12 || cookie_len > KNTS_EF_MAX_LEN)
		return -EINVAL;
	total = knts_ef_request_len(KNTS_NTSC_UID_LEN, (u32)cookie_len,
				    n_placeholders);
	if (!total)
		return -EINVAL;
	if (cap < total)
		return -ENOSPC;

	ntsc_header(out, tx);
	off = KNTS_NTP_HDR_LEN;
	ret = knts_ef_put_uid(out + off, cap - off, uid, KNTS_NTSC_UID_LEN);
	if (ret < 0)
		return ret;
	off += (u32)ret;
	ret = knts_ef_put_cookie(out + off, cap - off, cookie, (u32)cookie_len);
	if (ret < 0)
		return ret;
	off += (u32)ret;
	for (i = 0; i < n_placeholders; i++) {
		ret = knts_ef_put_placeholder(out + off, cap - off, (u32)cookie_len);
		if (ret < 0)
			return ret;
		off += (u32)ret;
	}
	ct = knts_ef_put_auth(out + off, cap - off, nonce, KNTS_NTSC_NONCE_LEN,
			      KNTS_EF_TAG_LEN);
	if (ct < 0)
		return ct;

	/* tag = S2V(C2S; packet before the authenticator, nonce, "") */
	ad[0].data = out;
	ad[0].len = off;
	ad[1].data = nonce;
	ad[1].len = KNTS_NTSC_NONCE_LEN;
	ret = ntsc_seal(key, ad, 2, out + off + ct);
	return ret ? ret : (int)total;
}

int knts_ntsc_build_request(uint8_t *out, size_t cap, uint64_t tx,
			    const uint8_t uid[KNTS_NTSC_UID_LEN],
			    const uint8_t *cookie, size_t cookie_len,
			    unsigned int n_placeholders,
			    const uint8_t nonce[KNTS_NTSC_NONCE_LEN],
			    const uint8_t *c2s, size_t key_len)
{
	struct ntsc_key key = { .key = c2s, .key_len = key_len };

	if (!c2s || (key_len != 32 && key_len != 48 && key_len != 64))
		return -EINVAL;
	return ntsc_build(out, cap, tx, uid, cookie, cookie_len, n_placeholders,
			  nonce, &key);
}

int knts_ntsc_build_request_k(uint8_t *out, size_t cap, uint64_t tx,
			      const uint8_t uid[KNTS_NTSC_UID_LEN],
			      const uint8_t *cookie, size_t cookie_len,
			      unsigned int n_placeholders,
			      const uint8_t nonce[KNTS_NTSC_NONCE_LEN],
			      struct knts_siv_key *c2s)
{
	struct ntsc_key key = { .k = c2s };

	if (!c2s)
		return -EINVAL;
	return ntsc_build(out, cap, tx, uid, cookie, cookie_len, n_placeholders,
			  nonce, &key);
}

/* Header checks shared by both reply kinds */
static int ntsc_check_header(const uint8_t *pkt, size_t len, uint64_t tx)
{
	if (len < KNTS_NTP_HDR_LEN || len > KNTS_NTSC_MAX_REPLY)
		return KNTS_NTSC_E_SHORT;
	if (knts_ntp_version(pkt[KNTS_NTP_OFF_LVM]) != KNTS_NTP_VERSION ||
	    knts_ntp_mode(pkt[KNTS_NTP_OFF_LVM]) != KNTS_NTP_MODE_SERVER)
		return KNTS_NTSC_E_MODE;
	/* Compared in full: with a random TX it is the first anti-spoof check */
	if (knts_get_be64(pkt + KNTS_NTP_OFF_ORIGIN) != tx)
		return KNTS_NTSC_E_ORIGIN;
	return KNTS_NTSC_OK;
}

/*
 * What the header says about the server, once the reply is known to be
 * ours: a refusal (KoD), no time to give (unsynchronised), or fine.
 */
static int ntsc_status(const uint8_t *pkt, struct knts_ntsc_info *info)
{
	uint8_t stratum = pkt[KNTS_NTP_OFF_STRATUM];

	if (stratum == KNTS_NTP_STRATUM_KOD) {
		info->kiss = knts_get_be32(pkt + KNTS_NTP_OFF_REFID);
		switch (info->kiss) {
		case 0x52415445:	/* RATE */
		case 0x44454e59:	/* DENY */
		case 0x52535452:	/* RSTR */
		case KNTS_NTP_KISS_NTSN:
			return KNTS_NTSC_E_KOD;
		}
		return KNTS_NTSC_UNSYNC;
	}
	if (knts_ntp_li(pkt[KNTS_NTP_OFF_LVM]) == KNTS_NTP_LI_ALARM || stratum >= 16)
		return KNTS_NTSC_UNSYNC;
	return KNTS_NTSC_OK;
}

int knts_ntsc_check_plain(const uint8_t *pkt, size_t len, uint64_t tx,
			  struct knts_ntsc_info *info)
{
	struct knts_ntsc_info dummy;
	int ret;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	ret = ntsc_check_header(pkt, len, tx);
	if (ret)
		return ret;
	return ntsc_status(pkt, info);
}

static bool ntsc_uid_is(const uint8_t *pkt, const struct knts_ef_resp *r,
			const uint8_t *uid, size_t uid_len)
{
	return r->uid_len == uid_len &&
	       CRYPTO_memcmp(pkt + r->uid_off, uid, uid_len) == 0;
}

static int ntsc_check(const uint8_t *pkt, size_t len, uint64_t tx,
		      const uint8_t *uid, size_t uid_len,
		      const struct ntsc_key *key, struct knts_ntsc_info *info)
{
	uint8_t pt[KNTS_NTSC_MAX_REPLY];
	struct knts_ef_cookies ck;
	struct knts_ef_resp r;
	struct knts_siv_ad ad[2];
	struct knts_ntsc_info dummy;
	int ret;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	ret = ntsc_check_header(pkt, len, tx);
	if (ret)
		return ret;

	ret = knts_ef_parse_response(pkt, len, &r);
	if (ret < 0) {
		info->ef_reason = (unsigned int)-ret;
		return KNTS_NTSC_E_FORMAT;
	}
	/* A NAK is unauthenticated: only our UID makes it worth counting */
	if (!ntsc_uid_is(pkt, &r, uid, uid_len))
		return KNTS_NTSC_E_UID;
	if (ret == KNTS_EF_NAK) {
		info->kiss = knts_get_be32(pkt + KNTS_NTP_OFF_REFID);
		return KNTS_NTSC_NAK;
	}

	/* ct_len >= 16 and ct_off + ct_len <= len: checked by the parser */
	ad[0].data = pkt;
	ad[0].len = r.auth.off;
	ad[1].data = pkt + r.auth.nonce_off;
	ad[1].len = r.auth.nonce_len;
	ret = ntsc_open(key, ad, 2, pkt + r.auth.ct_off,
			pkt + r.auth.ct_off + KNTS_EF_TAG_LEN,
			r.auth.ct_len - KNTS_EF_TAG_LEN, pt);
	if (ret == -EBADMSG)
		return KNTS_NTSC_E_AUTH;
	if (ret)
		return KNTS_NTSC_E_INTERNAL;

	ret = knts_ef_parse_cookies(pt, r.auth.ct_len - KNTS_EF_TAG_LEN, &ck);
	OPENSSL_cleanse(pt, r.auth.ct_len - KNTS_EF_TAG_LEN);
	if (ret < 0) {
		info->ef_reason = (unsigned int)-ret;
		return KNTS_NTSC_E_COOKIES;
	}
	info->n_cookies = ck.count;
	info->cookie_len = ck.len;
	return ntsc_status(pkt, info);
}

int knts_ntsc_check_reply(const uint8_t *pkt, size_t len, uint64_t tx,
			  const uint8_t *uid, size_t uid_len,
			  const uint8_t *s2c, size_t key_len,
			  struct knts_ntsc_info *info)
{
	struct ntsc_key key = { .key = s2c, .key_len = key_len };

	return ntsc_check(pkt, len, tx, uid, uid_len, &key, info);
}

int knts_ntsc_check_reply_k(const uint8_t *pkt, size_t len, uint64_t tx,
			    const uint8_t *uid, size_t uid_len,
			    struct knts_siv_key *s2c, struct knts_ntsc_info *info)
{
	struct ntsc_key key = { .k = s2c };

	return ntsc_check(pkt, len, tx, uid, uid_len, &key, info);
}

const char *knts_ntsc_verdict_name(int verdict)
{
	switch (verdict) {
	case KNTS_NTSC_OK:		return "ok";
	case KNTS_NTSC_NAK:		return "nak";
	case KNTS_NTSC_UNSYNC:		return "unsync";
	case KNTS_NTSC_E_SHORT:		return "length";
	case KNTS_NTSC_E_MODE:		return "mode";
	case KNTS_NTSC_E_ORIGIN:	return "origin";
	case KNTS_NTSC_E_FORMAT:	return "format";
	case KNTS_NTSC_E_UID:		return "uid";
	case KNTS_NTSC_E_AUTH:		return "auth";
	case KNTS_NTSC_E_COOKIES:	return "cookies";
	case KNTS_NTSC_E_KOD:		return "kod";
	case KNTS_NTSC_E_INTERNAL:	return "internal";
	}
	return "unknown";
}
