// SPDX-License-Identifier: GPL-2.0
/*
 * bench=N, AEAD 30: what an AES-128-GCM-SIV session and a GCM-SIV cookie
 * cost per operation, next to the AES-SIV figures of bench.c, on each
 * backend (gcmsiv_key.h): "lib" (lib AES and the bitwise POLYVAL of
 * gcmsiv.c, what AEAD 30 ran on before knts's core) and "aesni" (the
 * AES-NI + PCLMULQDQ core, one FPU section per operation here). Same
 * shapes as the SIV loops: the request's MAC over its prefix, a reply
 * sealing one 104-byte cookie EF, a cookie for a session of AEAD 30
 * under a 16-byte master key prepared once, as a key set's are.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "aead.h"
#include "bench.h"
#include "cookie.h"
#include "ef.h"
#include "gcmsiv.h"
#include "gcmsiv_key.h"
#include "ntp.h"
#include "siv_impl.h"

enum bench_gcm_op {
	GCM_REQ_SEAL,
	GCM_REQ_OPEN,
	GCM_REPLY_SEAL,
	GCM_REPLY_OPEN,
	GCM_COOKIE_SEAL,
	GCM_COOKIE_OPEN,
	GCM_NR_OPS
};

static const char *const bench_gcm_names[GCM_NR_OPS] = {
	"gcm-request-seal", "gcm-request-open", "gcm-reply-seal",
	"gcm-reply-open", "gcm-cookie-seal", "gcm-cookie-open",
};

#define GCM_REPLY_AD	(KNTS_NTP_HDR_LEN + 36)
#define GCM_REPLY_PT	104
#define GCM_COOKIE_LEN	(KNTS_COOKIE_GCM_HDR_LEN + 32)

/* @k: session keys of AEAD 30, @master: a prepared GCM-SIV master key. */
static int bench_gcm_op(struct knts_bench *b, struct knts_cookie_keys *k,
			const struct knts_gcmsiv_key *master,
			enum bench_gcm_op op)
{
	const u8 *nonce = b->req + b->auth_off + KNTS_EF_AUTH_FIXED;
	u8 *tag = b->out + 2 * GCM_REPLY_PT;
	u8 *cookie = b->out + 3 * GCM_REPLY_PT;

	switch (op) {
	case GCM_REQ_SEAL:
		return knts_aead_seal(KNTS_AEAD_AES_128_GCM_SIV,
				      knts_cookie_c2s(k), 16, b->req,
				      b->auth_off, nonce, 12, b->req, 0, tag);
	case GCM_REQ_OPEN:
		return knts_aead_open(KNTS_AEAD_AES_128_GCM_SIV,
				      knts_cookie_c2s(k), 16, b->req,
				      b->auth_off, nonce, 12, tag, 0, NULL);
	case GCM_REPLY_SEAL:
		return knts_aead_seal(KNTS_AEAD_AES_128_GCM_SIV,
				      knts_cookie_s2c(k), 16, b->req,
				      GCM_REPLY_AD, nonce, 12, b->buf,
				      GCM_REPLY_PT, b->out);
	case GCM_REPLY_OPEN:
		return knts_aead_open(KNTS_AEAD_AES_128_GCM_SIV,
				      knts_cookie_s2c(k), 16, b->req,
				      GCM_REPLY_AD, nonce, 12, b->out,
				      GCM_REPLY_PT, b->buf);
	case GCM_COOKIE_SEAL:
		return knts_cookie_seal_gkey(master, 0x5eed0001, b->req, k,
					     cookie, GCM_COOKIE_LEN) !=
		       GCM_COOKIE_LEN;
	case GCM_COOKIE_OPEN:
		return knts_cookie_open_gkey(master, 0x5eed0001, cookie,
					     GCM_COOKIE_LEN, k);
	default:
		return -EINVAL;
	}
}

/* Every operation on backend @impl (forced), labelled @on. */
static int bench_gcm_on(struct knts_bench *b, struct knts_cookie_keys *k,
			const u8 *raw, int impl, const char *on)
{
	struct knts_gcmsiv_key *master = kzalloc(sizeof(*master), GFP_KERNEL);
	unsigned int i, j, op;
	int err = 0;
	u64 t0;

	if (!master)
		return -ENOMEM;
	knts_siv_force = impl;
	/* Prepared under the same backend, as a key set is at install. */
	knts_gcmsiv_key_prepare(master, raw);
	/* Each open reads what the seal before it wrote. */
	for (op = 0; op < GCM_NR_OPS && !err; op++) {
		if (bench_gcm_op(b, k, master, op)) {
			pr_err("bench: %s failed on %s\n", bench_gcm_names[op],
			       on);
			err = -EINVAL;
			break;
		}
		for (i = 0; i < b->n; i += b->chunk) {
			t0 = ktime_get_ns();
			for (j = 0; j < b->chunk; j++)
				bench_gcm_op(b, k, master, op);
			bench_stat_add(&b->st[0], ktime_get_ns() - t0, b->chunk);
			cond_resched();
		}
		bench_print(bench_gcm_names[op], on, &b->st[0], "");
	}
	knts_siv_force = KNTS_SIV_AUTO;
	kfree_sensitive(master);
	return err;
}

int knts_bench_gcmsiv(struct knts_bench *b)
{
	struct knts_cookie_keys *k = kzalloc(sizeof(*k), GFP_KERNEL);
	u8 master[KNTS_GCMSIV_KEY_LEN];
	int err;

	if (!k)
		return -ENOMEM;
	k->aead = KNTS_AEAD_AES_128_GCM_SIV;
	k->key_len = 16;
	bench_fill(k->key, 32, 0x60);
	bench_fill(master, sizeof(master), 0x70);
	bench_fill(b->buf, GCM_REPLY_PT, 0x40);
	err = bench_gcm_on(b, k, master, KNTS_SIV_LIB, "lib");
	if (!err && knts_gcmsiv_ni_ready())
		err = bench_gcm_on(b, k, master, KNTS_SIV_AESNI, "aesni");
	memzero_explicit(master, sizeof(master));
	kfree_sensitive(k);
	return err;
}
