/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NTPv4 header (RFC 5905) and the NTS extension field types (RFC 8915)
 * as knts sees them: byte offsets into a UDP payload, never a struct laid
 * over the packet, because the payload may sit at any alignment in an skb
 * and is attacker-controlled. Shared by the module and the userspace tests.
 */
#ifndef _KNTS_NTP_H
#define _KNTS_NTP_H

#include <linux/types.h>

/* The fixed header; extension fields start right after it. */
#define KNTS_NTP_HDR_LEN		48
#define KNTS_NTP_OFF_LVM		0	/* LI(2) | VN(3) | Mode(3) */
#define KNTS_NTP_OFF_STRATUM		1
#define KNTS_NTP_OFF_POLL		2
#define KNTS_NTP_OFF_PRECISION		3
#define KNTS_NTP_OFF_REFID		12	/* or the kiss code when stratum is 0 */
#define KNTS_NTP_OFF_REF_TS		16
#define KNTS_NTP_OFF_ORIGIN		24
#define KNTS_NTP_OFF_RX			32
#define KNTS_NTP_OFF_TX			40
#define KNTS_NTP_TS_LEN			8

/*
 * A UDP payload never exceeds this; bounding the packet here lets every
 * offset and length computation stay in 32 bits without overflow.
 */
#define KNTS_NTP_MAX_LEN		65535

#define KNTS_NTP_VERSION		4
#define KNTS_NTP_MODE_CLIENT		3
#define KNTS_NTP_MODE_SERVER		4
#define KNTS_NTP_LI_ALARM		3	/* "clock unsynchronised", used by KoD */
#define KNTS_NTP_STRATUM_KOD		0

/* LI=3 VN=4 Mode=4: the first byte of a Kiss-o'-Death such as an NTS NAK. */
#define KNTS_NTP_LVM_KOD \
	((KNTS_NTP_LI_ALARM << 6) | (KNTS_NTP_VERSION << 3) | KNTS_NTP_MODE_SERVER)

/* Kiss code "NTSN" (RFC 8915 s5.7): the server could not use the cookie. */
#define KNTS_NTP_KISS_NTSN		0x4e54534e

/*
 * Extension fields (RFC 7822): Type(16) | Length(16) | body, where the
 * length counts the whole field, header and padding included.
 */
#define KNTS_EF_HDR_LEN			4
#define KNTS_EF_MIN_LEN			16	/* any EF outside the ciphertext */
#define KNTS_EF_LAST_MIN_LEN		28	/* the last EF when no MAC follows */
#define KNTS_EF_MAX_LEN			65532	/* largest multiple of 4 in 16 bits */

#define KNTS_EF_UID			0x0104
#define KNTS_EF_COOKIE			0x0204
#define KNTS_EF_PLACEHOLDER		0x0304
#define KNTS_EF_AUTH			0x0404

/*
 * Byte-wise big-endian access. The compiler turns these into single loads
 * where the architecture allows unaligned access, and nothing here needs
 * <asm/unaligned.h>, which userspace does not have.
 */
static inline u16 knts_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 knts_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline u64 knts_get_be64(const u8 *p)
{
	return (u64)knts_get_be32(p) << 32 | knts_get_be32(p + 4);
}

static inline void knts_put_be16(u8 *p, u16 v)
{
	p[0] = (v >> 8) & 0xff;
	p[1] = v & 0xff;
}

static inline void knts_put_be32(u8 *p, u32 v)
{
	p[0] = (v >> 24) & 0xff;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static inline void knts_put_be64(u8 *p, u64 v)
{
	knts_put_be32(p, v >> 32);
	knts_put_be32(p + 4, v & 0xffffffff);
}

/* Fields of the first header byte. */
static inline unsigned int knts_ntp_li(u8 lvm)
{
	return lvm >> 6;
}

static inline unsigned int knts_ntp_version(u8 lvm)
{
	return (lvm >> 3) & 7;
}

static inline unsigned int knts_ntp_mode(u8 lvm)
{
	return lvm & 7;
}

/* EF bodies are zero-padded to a multiple of 4 (RFC 7822 s3). */
static inline u32 knts_pad4(u32 n)
{
	return (n + 3) & ~3u;
}

#endif /* _KNTS_NTP_H */
