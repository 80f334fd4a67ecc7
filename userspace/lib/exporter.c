// SPDX-License-Identifier: GPL-2.0
/* NTS key export from a TLS 1.3 session (RFC 8915 s5.1, RFC 8446 s7.5). */
#include "exporter.h"

#include <errno.h>

#include <openssl/crypto.h>
#include <openssl/ssl.h>

void knts_exporter_context(uint16_t aead, int s2c,
			   uint8_t ctx[KNTS_EXPORTER_CTX_LEN])
{
	ctx[0] = 0;		/* Protocol ID 0 = NTPv4, big-endian */
	ctx[1] = 0;
	ctx[2] = (uint8_t)(aead >> 8);
	ctx[3] = (uint8_t)aead;
	ctx[4] = s2c ? 1 : 0;
}

static int export_one(SSL *ssl, uint16_t aead, int s2c, uint8_t *out,
		      size_t len)
{
	uint8_t ctx[KNTS_EXPORTER_CTX_LEN];

	knts_exporter_context(aead, s2c, ctx);
	/* use_context = 1: the context is present (and hashed) */
	if (SSL_export_keying_material(ssl, out, len, KNTS_EXPORTER_LABEL,
				       sizeof(KNTS_EXPORTER_LABEL) - 1,
				       ctx, sizeof(ctx), 1) != 1)
		return -EIO;
	return 0;
}

int knts_export_keys(SSL *ssl, uint16_t aead, uint8_t *c2s, uint8_t *s2c,
		     size_t key_len)
{
	int err;

	if (!ssl || !c2s || !s2c || !key_len || key_len > KNTS_EXPORTER_MAX_KEY)
		return -EINVAL;
	if (!SSL_is_init_finished(ssl)) {
		err = -EIO;
		goto fail;
	}
	if (SSL_version(ssl) != TLS1_3_VERSION) {
		err = -EPROTO;
		goto fail;
	}
	err = export_one(ssl, aead, 0, c2s, key_len);
	if (!err)
		err = export_one(ssl, aead, 1, s2c, key_len);
	if (!err)
		return 0;
fail:
	OPENSSL_cleanse(c2s, key_len);
	OPENSSL_cleanse(s2c, key_len);
	return err;
}
