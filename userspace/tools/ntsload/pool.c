// SPDX-License-Identifier: GPL-2.0
/* ntsload's pre-signed request pool and reply check; see pool.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "pool.h"

/* Where the UID body sits in our requests: header, then the UID EF */
#define POOL_UID_OFF	(48 + 4)

static int pool_salt(struct pool *p, const struct pool_cfg *cfg)
{
	uint8_t r[8];

	if (cfg->fixed_salt) {
		p->salt_hi = (uint32_t)(cfg->salt >> 32);
		p->salt_lo = (uint32_t)cfg->salt;
		return 0;
	}
	if (RAND_bytes(r, sizeof(r)) != 1)
		return -EIO;
	p->salt_hi = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 |
		     (uint32_t)r[2] << 8 | r[3];
	p->salt_lo = (uint32_t)r[4] << 24 | (uint32_t)r[5] << 16 |
		     (uint32_t)r[6] << 8 | r[7];
	return 0;
}

static int pool_sign_all(struct pool *p, const struct pool_cfg *cfg)
{
	const struct knts_ke_result *ke = cfg->ke;
	uint8_t rnd[KNTS_NTSC_UID_LEN + KNTS_NTSC_NONCE_LEN];
	struct knts_siv_key *c2s;
	size_t i;
	int ret = 0;

	c2s = knts_siv_key_new(ke->c2s, (unsigned int)ke->key_len);
	if (!c2s)
		return -ENOMEM;
	for (i = 0; i < p->n && !ret; i++) {
		size_t c = i % ke->n_cookies;

		if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
			ret = -EIO;
			break;
		}
		ret = knts_ntsc_build_request_k(pool_pkt(p, i), p->stride,
						pool_tx(p, i), rnd, ke->cookie[c],
						ke->cookie_len[c], cfg->placeholders,
						rnd + KNTS_NTSC_UID_LEN, c2s);
		if (ret > 0)
			ret = (size_t)ret == p->len ? 0 : -EINVAL;
	}
	knts_siv_key_free(c2s);
	return ret;
}

int pool_init(struct pool *p, const struct pool_cfg *cfg)
{
	const struct knts_ke_result *ke = cfg->ke;
	size_t i;
	int ret;

	memset(p, 0, sizeof(*p));
	if (!cfg->n || cfg->n > (1u << 30) || cfg->placeholders > 7)
		return -EINVAL;
	p->n = cfg->n;
	p->nts = !!ke;
	if (p->nts) {
		if (!ke->n_cookies)
			return -EINVAL;
		/* 48 + UID 36 + (1 + ph) * (4 + cookie) + auth 40 */
		p->len = 48 + 36 + (1 + cfg->placeholders) *
			 (4 + ((ke->cookie_len[0] + 3) & ~(size_t)3)) + 40;
		p->s2c = knts_siv_key_new(ke->s2c, (unsigned int)ke->key_len);
		if (!p->s2c)
			return -EINVAL;
	} else {
		p->len = KNTS_NTSC_PLAIN_LEN;
	}
	p->stride = (p->len + 63) & ~(size_t)63;
	p->pkts = calloc(p->n, p->stride);
	p->slot = calloc(p->n, sizeof(*p->slot));
	if (!p->pkts || !p->slot) {
		pool_free(p);
		return -ENOMEM;
	}
	ret = pool_salt(p, cfg);
	if (!ret && p->nts)
		ret = pool_sign_all(p, cfg);
	for (i = 0; !ret && !p->nts && i < p->n; i++)
		knts_ntsc_build_plain(pool_pkt(p, i), p->stride, pool_tx(p, i));
	if (ret)
		pool_free(p);
	return ret;
}

void pool_free(struct pool *p)
{
	knts_siv_key_free(p->s2c);
	free(p->pkts);
	free(p->slot);
	OPENSSL_cleanse(p, sizeof(*p));
}

long pool_lookup(const struct pool *p, uint64_t origin)
{
	uint32_t i;

	if ((uint32_t)(origin >> 32) != p->salt_hi)
		return -1;
	i = (uint32_t)origin ^ p->salt_lo;
	return i < p->n ? (long)i : -1;
}

int pool_check(struct pool *p, const uint8_t *pkt, size_t len,
	       uint64_t now_ns, long *slot, uint64_t *latency_ns,
	       struct knts_ntsc_info *info)
{
	struct pool_slot *s;
	uint64_t origin;
	long i;
	int v;

	*slot = -1;
	*latency_ns = 0;
	memset(info, 0, sizeof(*info));
	if (len < 48)
		return KNTS_NTSC_E_SHORT;
	origin = (uint64_t)pkt[24] << 56 | (uint64_t)pkt[25] << 48 |
		 (uint64_t)pkt[26] << 40 | (uint64_t)pkt[27] << 32 |
		 (uint64_t)pkt[28] << 24 | (uint64_t)pkt[29] << 16 |
		 (uint64_t)pkt[30] << 8 | pkt[31];
	i = pool_lookup(p, origin);
	if (i < 0)
		return POOL_E_UNKNOWN;
	*slot = i;
	s = &p->slot[i];
	if (!s->outstanding)
		return POOL_E_LATE;
	s->outstanding = false;

	if (p->nts)
		v = knts_ntsc_check_reply_k(pkt, len, pool_tx(p, (size_t)i),
					    pool_pkt(p, (size_t)i) + POOL_UID_OFF,
					    KNTS_NTSC_UID_LEN, p->s2c, info);
	else
		v = knts_ntsc_check_plain(pkt, len, pool_tx(p, (size_t)i), info);
	if (v >= 0 && now_ns >= s->sent_ns)
		*latency_ns = now_ns - s->sent_ns;
	return v;
}
