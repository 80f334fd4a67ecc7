/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS key export (RFC 8915 s5.1): the C2S and S2C keys of a finished
 * NTS-KE TLS 1.3 session.
 *
 *   label   "EXPORTER-network-time-security" (30 bytes, no NUL)
 *   context 00 00 || AEAD (big-endian u16) || 00 for C2S, 01 for S2C
 */
#ifndef KNTS_EXPORTER_H
#define KNTS_EXPORTER_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#define KNTS_EXPORTER_LABEL	"EXPORTER-network-time-security"
#define KNTS_EXPORTER_CTX_LEN	5
#define KNTS_EXPORTER_MAX_KEY	64

/*
 * The AEAD ID that goes into the exporter context for the negotiated
 * @aead. chrony 4.4 to 4.6.0 export the keys of AEAD 30 with the context
 * of AEAD 15 (and 30's 16-byte length), and chrony >= 4.6.1 still does
 * unless both sides exchanged the "compliant 128GCM export" record 1024
 * (ke_record.h): so 15 for 30 without it, the AEAD itself otherwise.
 */
static inline uint16_t knts_exporter_ctx_aead(uint16_t aead, int compliant)
{
	return aead == 30 && !compliant ? 15 : aead;
}

/* The 5-byte exporter context for @aead; @s2c selects the direction. */
void knts_exporter_context(uint16_t aead, int s2c,
			   uint8_t ctx[KNTS_EXPORTER_CTX_LEN]);

/*
 * Export @key_len bytes into @c2s and @s2c (key_len is the AEAD's key
 * length, e.g. 32 for AEAD 15; 1..KNTS_EXPORTER_MAX_KEY). Returns 0, or
 *   -EINVAL  NULL buffers or a bad key_len
 *   -EPROTO  the session is not TLS 1.3 (NTS forbids older versions, and
 *            their RFC 5705 exporter would give different keys)
 *   -EIO     OpenSSL failed (e.g. the handshake is not finished)
 * Both outputs are wiped on failure.
 */
int knts_export_keys(SSL *ssl, uint16_t aead, uint8_t *c2s, uint8_t *s2c,
		     size_t key_len);

#endif /* KNTS_EXPORTER_H */
