/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS client packets in userspace (RFC 8915 s5): build a request with the
 * keys and a cookie from NTS-KE, and check a reply the way a careful
 * client does (digest 3.8): origin timestamp, then the EF layout, the
 * echoed UID, the authenticator under S2C and the cookies inside it; NTS
 * NAKs are told apart from forgeries by their UID. Used by the ntsload
 * load generator; the kernel client role does the same on skbs.
 *
 * Requests have the shape every server accepts (digest P3):
 *   header(48) | UID(36) | Cookie | n x Placeholder | Auth(40: nonce 16, tag 16)
 * with the header chrony sends: 23 00 00 20, zeroes, TX timestamp.
 */
#ifndef KNTS_NTS_CLIENT_PKT_H
#define KNTS_NTS_CLIENT_PKT_H

#include <stddef.h>
#include <stdint.h>

#define KNTS_NTSC_UID_LEN	32
#define KNTS_NTSC_NONCE_LEN	16
/* Replies longer than this are refused before any work (we never send more) */
#define KNTS_NTSC_MAX_REPLY	4096
#define KNTS_NTSC_PLAIN_LEN	48

/* Verdicts of the reply checks; the names are in knts_ntsc_verdict_name() */
enum knts_ntsc_verdict {
	KNTS_NTSC_OK		= 0,	/* authentic reply (or plain reply) */
	KNTS_NTSC_NAK		= 1,	/* NTS NAK echoing our UID */
	/*
	 * Authentic (or, for plain, well-formed) but from a server that says
	 * it is not synchronised: LI 3, stratum 0 with a status kiss code such
	 * as INIT or STEP (NTPsec before its first sync), or stratum >= 16.
	 * The server did all the work of an answer; it has no time to give.
	 */
	KNTS_NTSC_UNSYNC	= 2,
	KNTS_NTSC_E_SHORT	= -1,	/* < 48 bytes or > KNTS_NTSC_MAX_REPLY */
	KNTS_NTSC_E_MODE	= -2,	/* not NTPv4 mode 4 */
	KNTS_NTSC_E_ORIGIN	= -3,	/* origin timestamp is not our TX */
	KNTS_NTSC_E_FORMAT	= -4,	/* EF layout; info.ef_reason says why */
	KNTS_NTSC_E_UID		= -5,	/* UID missing or not ours */
	KNTS_NTSC_E_AUTH	= -6,	/* authenticator does not verify */
	KNTS_NTSC_E_COOKIES	= -7,	/* no usable cookie inside */
	KNTS_NTSC_E_KOD		= -8,	/* KoD RATE, DENY, RSTR (or NTSN) */
	KNTS_NTSC_E_INTERNAL	= -9,	/* crypto library failure */
};

struct knts_ntsc_info {
	unsigned int n_cookies;		/* new cookies in an authentic reply */
	unsigned int cookie_len;
	unsigned int ef_reason;		/* enum knts_ef_reason for E_FORMAT */
	uint32_t kiss;			/* refid when the stratum is 0 */
};

/*
 * Build an NTS request into out. key_len is 32/48/64 (the AEAD's); the
 * nonce is 16 random bytes the caller draws (tests pass fixed ones).
 * Returns the length, or -EINVAL / -ENOSPC / a crypto -errno.
 */
int knts_ntsc_build_request(uint8_t *out, size_t cap, uint64_t tx,
			    const uint8_t uid[KNTS_NTSC_UID_LEN],
			    const uint8_t *cookie, size_t cookie_len,
			    unsigned int n_placeholders,
			    const uint8_t nonce[KNTS_NTSC_NONCE_LEN],
			    const uint8_t *c2s, size_t key_len);

/* The same with a prepared C2S context (siv_keyed.h): for many requests */
struct knts_siv_key;
int knts_ntsc_build_request_k(uint8_t *out, size_t cap, uint64_t tx,
			      const uint8_t uid[KNTS_NTSC_UID_LEN],
			      const uint8_t *cookie, size_t cookie_len,
			      unsigned int n_placeholders,
			      const uint8_t nonce[KNTS_NTSC_NONCE_LEN],
			      struct knts_siv_key *c2s);

/* A 48-byte plain NTPv4 client request with this TX timestamp. */
int knts_ntsc_build_plain(uint8_t *out, size_t cap, uint64_t tx);

/*
 * Check a reply to the request with transmit timestamp tx and this UID.
 * Returns KNTS_NTSC_OK, KNTS_NTSC_NAK, KNTS_NTSC_UNSYNC or a negative
 * verdict; info (may be NULL) tells more.
 */
int knts_ntsc_check_reply(const uint8_t *pkt, size_t len, uint64_t tx,
			  const uint8_t *uid, size_t uid_len,
			  const uint8_t *s2c, size_t key_len,
			  struct knts_ntsc_info *info);

/* The same with a prepared S2C context: what a load generator wants */
int knts_ntsc_check_reply_k(const uint8_t *pkt, size_t len, uint64_t tx,
			    const uint8_t *uid, size_t uid_len,
			    struct knts_siv_key *s2c, struct knts_ntsc_info *info);

/* The same for a plain request: mode, origin, KoD or unsynchronised. */
int knts_ntsc_check_plain(const uint8_t *pkt, size_t len, uint64_t tx,
			  struct knts_ntsc_info *info);

/* "ok", "nak", "origin", ...; never NULL */
const char *knts_ntsc_verdict_name(int verdict);

#endif /* KNTS_NTS_CLIENT_PKT_H */
