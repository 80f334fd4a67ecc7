// SPDX-License-Identifier: GPL-2.0
/* One NTS-KE answer: request -> keys -> cookies -> response (ke_response.h). */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ktypes.h"
#include "../../kmod/cookie.h"
#include "exporter.h"
#include "ke_record.h"
#include "ke_response.h"

/* The client's order decides (chrony's clients offer 30 first). */
static const uint16_t ke_aeads[] = {
	KNTS_AEAD_AES_SIV_CMAC_256,
	KNTS_AEAD_AES_SIV_CMAC_384,
	KNTS_AEAD_AES_SIV_CMAC_512,
	KNTS_AEAD_AES_128_GCM_SIV,
};

static int ke_error(uint8_t *out, size_t cap, uint16_t code,
		    struct ntskd_ke_outcome *o)
{
	o->error_sent = true;
	o->error_code = code;
	return knts_ke_build_error(out, cap, code);
}

static int ke_internal(uint8_t *out, size_t cap, const char *why,
		       struct ntskd_ke_outcome *o)
{
	o->internal = why;
	return ke_error(out, cap, KNTS_KE_ERR_INTERNAL, o);
}

/* Seal @n cookies for @ck into @cookies, @clen bytes each. */
static int ke_cookies(const struct knts_master_key *mk,
		      const struct knts_cookie_keys *ck, uint8_t *cookies,
		      size_t clen, unsigned int n)
{
	uint8_t nonce[KNTS_COOKIE_NONCE_LEN];
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (RAND_bytes(nonce, sizeof(nonce)) != 1)
			return -1;
		if (knts_cookie_seal_alg(mk->alg, mk->key, mk->id, nonce, ck,
					 cookies + i * clen, clen) != (int)clen)
			return -1;
	}
	return 0;
}

int ntskd_ke_answer(SSL *ssl, const uint8_t *req, size_t len,
		    const struct ntskd_config *cfg,
		    const struct ntskd_masterkeys *keys, uint8_t *out,
		    size_t cap, struct ntskd_ke_outcome *o)
{
	uint8_t cookies[NTSKD_KE_COOKIES_MAX * KNTS_COOKIE_MAX_LEN];
	const struct knts_master_key *mk = ntskd_mk_current(keys);
	struct knts_ke_resp_params p = { .ntpv4 = true };
	struct knts_cookie_keys ck;
	struct knts_ke_request r;
	size_t key_len, clen;
	int rc;

	memset(o, 0, sizeof(*o));
	o->aead = KNTS_KE_AEAD_NONE;
	rc = knts_ke_parse_request(req, len, &r);
	if (rc < 0) {
		o->reason = rc;
		return ke_error(out, cap, r.error_code, o);
	}
	if (rc == KNTS_KE_REQ_NO_NTPV4) {
		/* NP{} and nothing else: we speak NTPv4 only */
		o->no_ntpv4 = true;
		p.ntpv4 = false;
		return knts_ke_build_response(out, cap, &p);
	}
	o->aead = knts_ke_choose_aead(&r, ke_aeads,
				      sizeof(ke_aeads) / sizeof(ke_aeads[0]));
	p.aead = o->aead;
	if (o->aead == KNTS_KE_AEAD_NONE)
		return knts_ke_build_response(out, cap, &p);	/* AEAD{} */

	key_len = knts_ke_aead_key_len(o->aead);
	clen = knts_cookie_len_alg(mk->alg, (unsigned int)o->aead);
	memset(&ck, 0, sizeof(ck));
	ck.aead = (u16)o->aead;
	ck.key_len = (u16)key_len;
	/* chrony's record 1024: echoed, and it selects the exporter context */
	p.compliant_gcm = r.compliant_gcm;
	if (knts_export_keys(ssl, knts_exporter_ctx_aead((uint16_t)o->aead,
							 r.compliant_gcm),
			     knts_cookie_c2s(&ck), knts_cookie_s2c(&ck),
			     key_len)) {
		rc = ke_internal(out, cap, "key export failed", o);
		goto out;
	}
	if (ke_cookies(mk, &ck, cookies, clen, NTSKD_KE_COOKIES_MAX)) {
		rc = ke_internal(out, cap, "cookie sealing failed", o);
		goto out;
	}
	p.port = cfg->ntp_port;
	p.server = cfg->ntp_server[0] ? cfg->ntp_server : NULL;
	p.cookies = cookies;
	p.cookie_len = clen;
	p.n_cookies = NTSKD_KE_COOKIES_MAX;
	rc = knts_ke_build_response(out, cap, &p);
	if (rc < 0) {
		rc = ke_internal(out, cap, "response does not fit", o);
		goto out;
	}
	o->n_cookies = NTSKD_KE_COOKIES_MAX;
	o->key_id = mk->id;
out:
	OPENSSL_cleanse(&ck, sizeof(ck));
	OPENSSL_cleanse(cookies, sizeof(cookies));
	return rc;
}
