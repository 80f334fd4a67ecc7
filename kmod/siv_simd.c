// SPDX-License-Identifier: GPL-2.0
/*
 * The simd backend of AES-SIV (x86 only): the synchronous AES-NI
 * skciphers registered by aesni-intel for its SIMD wrappers,
 * "__cbc-aes-aesni" and "__ctr-aes-aesni". They are CRYPTO_ALG_INTERNAL
 * because they use the FPU unconditionally: a caller must first check
 * crypto_simd_usable(), which is what crypto/simd.c does and what
 * knts_siv_simd_usable() is for. Each call runs one kernel FPU section
 * over the whole buffer; the crypto API templates (cmac, ctr over
 * aes-aesni) run one per 16-byte block.
 *
 * The calls cannot share one FPU section per packet: each of them begins
 * and ends its own section, and kernel_fpu_begin() does not nest (with
 * CONFIG_X86_DEBUG_FPU, as Debian builds it, nesting WARNs).
 *
 * Per-CPU transforms, as in the api backend: one pair re-keyed for every
 * per-packet key, one that keeps the master key it last held. The
 * dispatcher disables bottom halves around their use. Like the api
 * backend's, they keep the last schedule they were given until the next
 * key, until a key set is freed (siv_wipe.c keys them with zeros) or the
 * module unload.
 */
#include <asm/cpufeature.h>
#include <asm/simd.h>
#include <crypto/internal/simd.h>
#include <crypto/skcipher.h>
#include <linux/kmod.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/scatterlist.h>

#include "siv_impl.h"

#define KNTS_SIMD_CBC	"__cbc-aes-aesni"
#define KNTS_SIMD_CTR	"__ctr-aes-aesni"

struct knts_simd_cpu {
	struct knts_siv_simd_tfms sess;		/* per-packet keys */
	struct knts_siv_simd_tfms prep;		/* the last prepared key */
};

static DEFINE_PER_CPU(struct knts_simd_cpu, knts_simd_cpu);
static bool knts_simd_ready;

bool knts_siv_simd_ready(void)
{
	return knts_simd_ready;
}

bool knts_siv_simd_usable(void)
{
	return knts_simd_ready && crypto_simd_usable();
}

struct knts_siv_simd_tfms *knts_siv_simd_this_cpu(bool prepared)
{
	struct knts_simd_cpu *c = this_cpu_ptr(&knts_simd_cpu);

	return prepared ? &c->prep : &c->sess;
}

int knts_siv_simd_setkey(struct crypto_sync_skcipher *tfm, const u8 *key,
			 unsigned int len)
{
	return crypto_sync_skcipher_setkey(tfm, key, len);
}

/* CBC encryption in place with @state as IV: the last block is the MAC. */
int knts_siv_simd_cbcmac(struct crypto_sync_skcipher *cbc,
			 u8 state[KNTS_SIV_BLOCK], u8 *buf, unsigned int n)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, cbc);
	struct scatterlist sg;
	int err;

	sg_init_one(&sg, buf, n * KNTS_SIV_BLOCK);
	skcipher_request_set_sync_tfm(req, cbc);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, n * KNTS_SIV_BLOCK, state);
	err = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	if (!err)
		memcpy(state, buf + (n - 1) * KNTS_SIV_BLOCK, KNTS_SIV_BLOCK);
	return err;
}

/* See knts_siv_api_forget(). */
static int knts_simd_forget(struct knts_siv_simd_tfms *t)
{
	static const u8 zero[KNTS_SIV_WIPE_KEY_LEN] __aligned(8);

	t->gen = 0;
	if (IS_ERR_OR_NULL(t->cbc) || IS_ERR_OR_NULL(t->ctr))
		return 0;
	return crypto_sync_skcipher_setkey(t->cbc, zero, sizeof(zero)) ?:
	       crypto_sync_skcipher_setkey(t->ctr, zero, sizeof(zero));
}

int knts_siv_simd_forget(int cpu)
{
	struct knts_simd_cpu *c = per_cpu_ptr(&knts_simd_cpu, cpu);

	return knts_simd_forget(&c->sess) ?: knts_simd_forget(&c->prep);
}

static bool knts_simd_forgotten(struct knts_siv_simd_tfms *t,
				const u8 e0[KNTS_SIV_BLOCK], u8 *buf)
{
	static const u8 iv0[KNTS_SIV_BLOCK];
	u8 state[KNTS_SIV_BLOCK] = { };
	bool ok;

	/*
	 * CBC-MAC of one zero block from a zero IV is E(0); so is the first
	 * block of CTR key stream from a zero counter.
	 */
	memset(buf, 0, 2 * KNTS_SIV_BLOCK);
	ok = !t->gen && !knts_siv_simd_cbcmac(t->cbc, state, buf, 1) &&
	     !memcmp(state, e0, KNTS_SIV_BLOCK);
	memset(buf, 0, 2 * KNTS_SIV_BLOCK);
	return ok && !knts_siv_skcipher_ctr(t->ctr, iv0, buf,
					    buf + KNTS_SIV_BLOCK,
					    KNTS_SIV_BLOCK) &&
	       !memcmp(buf + KNTS_SIV_BLOCK, e0, KNTS_SIV_BLOCK);
}

/* Bottom halves disabled, SIMD usable. */
bool knts_siv_simd_forgotten(const u8 e0[KNTS_SIV_BLOCK], u8 *buf)
{
	struct knts_simd_cpu *c = this_cpu_ptr(&knts_simd_cpu);

	return knts_simd_forgotten(&c->sess, e0, buf) &&
	       knts_simd_forgotten(&c->prep, e0, buf);
}

/* Freeing a transform wipes its context, the key schedule with it. */
static void knts_simd_free(struct knts_siv_simd_tfms *t)
{
	if (!IS_ERR_OR_NULL(t->cbc))
		crypto_free_sync_skcipher(t->cbc);
	if (!IS_ERR_OR_NULL(t->ctr))
		crypto_free_sync_skcipher(t->ctr);
	t->cbc = NULL;
	t->ctr = NULL;
	t->gen = 0;
}

void knts_siv_simd_exit(void)
{
	int cpu;

	knts_simd_ready = false;
	for_each_possible_cpu(cpu) {
		struct knts_simd_cpu *c = per_cpu_ptr(&knts_simd_cpu, cpu);

		knts_simd_free(&c->sess);
		knts_simd_free(&c->prep);
	}
}

static struct crypto_sync_skcipher *knts_simd_alloc(const char *driver)
{
	return crypto_alloc_sync_skcipher(driver, CRYPTO_ALG_INTERNAL,
					  CRYPTO_ALG_INTERNAL);
}

static long knts_simd_alloc_pair(struct knts_siv_simd_tfms *t)
{
	t->cbc = knts_simd_alloc(KNTS_SIMD_CBC);
	t->ctr = knts_simd_alloc(KNTS_SIMD_CTR);
	if (IS_ERR(t->cbc))
		return PTR_ERR(t->cbc);
	return IS_ERR(t->ctr) ? PTR_ERR(t->ctr) : 0;
}

/*
 * Not having the fast path is not an error: without AES-NI (or with a
 * kernel whose aesni-intel no longer registers these) knts runs on the
 * api backend, as before.
 */
int knts_siv_simd_init(void)
{
	struct crypto_sync_skcipher *probe;
	int cpu;

	if (!boot_cpu_has(X86_FEATURE_AES))
		return 0;
	/*
	 * The internal algorithms have no module alias of their own; udev
	 * loads aesni-intel at boot by CPU feature, but not everywhere.
	 */
	probe = knts_simd_alloc(KNTS_SIMD_CBC);
	if (IS_ERR(probe)) {
		request_module("aesni-intel");
		probe = knts_simd_alloc(KNTS_SIMD_CBC);
	}
	if (IS_ERR(probe)) {
		pr_info("no %s (%ld): AES-SIV stays on the crypto API templates\n",
			KNTS_SIMD_CBC, PTR_ERR(probe));
		return 0;
	}
	crypto_free_sync_skcipher(probe);

	for_each_possible_cpu(cpu) {
		struct knts_simd_cpu *c = per_cpu_ptr(&knts_simd_cpu, cpu);
		long err;

		err = knts_simd_alloc_pair(&c->sess) ?:
		      knts_simd_alloc_pair(&c->prep);
		if (err) {
			knts_siv_simd_exit();
			pr_info("cannot allocate the AES-NI skciphers (%ld): AES-SIV stays on the crypto API templates\n",
				err);
			return 0;
		}
	}
	knts_simd_ready = true;
	return 0;
}
