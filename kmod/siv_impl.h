/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside kmod/siv.c: the AES backends AES-SIV can run on. Kernel only;
 * the rest of knts sees kmod/siv.h and nothing of this.
 *
 *   api   the crypto API's "cmac(aes)" shash and sync "ctr(aes)"
 *         skcipher. On x86 6.1 both are templates over the single-block
 *         cipher, so every 16-byte block pays an indirect call and, over
 *         aes-aesni, a kernel FPU section. Portable: on arm64 it lands on
 *         the CE drivers.
 *   lib   lib/crypto AES (aes_encrypt, see compat.h): plain C, usable
 *         in any context, no FPU. The fallback of the simd backend.
 *   simd  x86 only: the synchronous AES-NI skciphers that the SIMD
 *         wrappers sit on ("__cbc-aes-aesni" for the CMAC chains,
 *         "__ctr-aes-aesni" for CTR, CRYPTO_ALG_INTERNAL). One FPU
 *         section per call instead of per block. They may only be called
 *         when crypto_simd_usable(), so the dispatcher falls back to lib
 *         otherwise (e.g. in a softirq that interrupted kernel FPU use).
 *
 *   aesni knts's own core (siv_ni.c): on x86-64 with AES-NI
 *         (siv_aesni.c), on arm64 with the Crypto Extensions (siv_ce.c,
 *         named "ce" there). The whole operation in one FPU (NEON)
 *         section, and one section for all the operations of a packet
 *         leg (knts_siv_begin()). The default where the CPU has the
 *         instructions; lib when SIMD is not usable.
 *
 * lib and simd share the mode code in siv.c (S2V by hand over CBC-MAC
 * with the CMAC subkeys, CTR) and differ only in the primitives declared
 * below.
 */
#ifndef _KNTS_SIV_IMPL_H
#define _KNTS_SIV_IMPL_H

#include <crypto/aes.h>
#include <crypto/skcipher.h>
#include <linux/errno.h>
#include <linux/percpu.h>
#include <linux/types.h>

#include "siv.h"
#include "siv_key.h"

enum knts_siv_impl {
	KNTS_SIV_API,
	KNTS_SIV_LIB,
	KNTS_SIV_SIMD,
	KNTS_SIV_AESNI,
	KNTS_SIV_NR_IMPL
};

/* knts_siv_force value: let the dispatcher choose (the normal case). */
#define KNTS_SIV_AUTO		(-1)

/*
 * Testing and benchmarking at load only, before anything else can call
 * the SIV code: run every operation on this backend. A forced simd still
 * falls back to lib when SIMD is not usable at that moment.
 */
extern int knts_siv_force;

/* Multiply by x in GF(2^128) (RFC 5297 dbl), without a secret branch. */
static inline void knts_siv_dbl(u8 b[KNTS_SIV_BLOCK])
{
	u8 carry = b[0] >> 7;
	int i;

	for (i = 0; i < KNTS_SIV_BLOCK - 1; i++)
		b[i] = (b[i] << 1) | (b[i + 1] >> 7);
	b[KNTS_SIV_BLOCK - 1] = (b[KNTS_SIV_BLOCK - 1] << 1) ^ (0x87 & -carry);
}

const char *knts_siv_impl_name(unsigned int impl);
bool knts_siv_impl_ready(unsigned int impl);
/* The backend the dispatcher uses when SIMD is usable / when it is not. */
unsigned int knts_siv_impl_fast(void);
unsigned int knts_siv_impl_fallback(void);
/* Driver names behind the api backend, for the logs of the benchmark. */
const char *knts_siv_api_driver(bool ctr);

/*
 * api backend (siv_api.c): whole SIV operations, bottom halves disabled.
 * @pk is the key prepared (then @key is its raw form), or NULL.
 */
int knts_siv_api_init(void);
void knts_siv_api_exit(void);
int knts_siv_api_seal(const u8 *key, unsigned int key_len,
		      const struct knts_siv_key *pk,
		      const struct knts_siv_ad *ad, unsigned int n_ad,
		      const u8 *pt, size_t len, u8 tag[KNTS_SIV_TAG_LEN],
		      u8 *ct);
int knts_siv_api_open(const u8 *key, unsigned int key_len,
		      const struct knts_siv_key *pk,
		      const struct knts_siv_ad *ad, unsigned int n_ad,
		      const u8 tag[KNTS_SIV_TAG_LEN], const u8 *ct, size_t len,
		      u8 *pt);
/*
 * Forgetting keys (siv_wipe.c): each backend re-keys @cpu's transforms
 * with this many zero bytes (AES-256: the longest schedule), and can tell
 * whether this CPU's transforms hold that key (@e0: E(0^128) under it;
 * @cmac0: its CMAC of one zero block; @buf: two blocks off the stack).
 */
#define KNTS_SIV_WIPE_KEY_LEN	32
void knts_siv_blk_forget(int cpu);
bool knts_siv_blk_forgotten(void);
/* Unload: wait for a wipe in flight, before the transforms are freed. */
void knts_siv_forget_exit(void);
int knts_siv_api_forget(int cpu);
bool knts_siv_api_forgotten(const u8 e0[KNTS_SIV_BLOCK],
			    const u8 cmac0[KNTS_SIV_BLOCK], u8 *buf);

/* CTR on a sync skcipher (api's ctr(aes), simd's __ctr-aes-aesni). */
int knts_siv_skcipher_ctr(struct crypto_sync_skcipher *ctr,
			  const u8 iv[KNTS_SIV_BLOCK], const u8 *in, u8 *out,
			  size_t len);

/*
 * The primitives of the block backends. cbcmac: @state = CBC-MAC
 * continued over @n blocks at @buf, a scratch buffer the backend may
 * overwrite (simd encrypts it in place). ctr: CTR from @iv over @len
 * bytes; for simd @in and @out must not be on the stack (scatterlists).
 */
void knts_siv_lib_cbcmac(const struct compat_aes_key *mac,
			 u8 state[KNTS_SIV_BLOCK], const u8 *buf,
			 unsigned int n);
void knts_siv_lib_ctr(const struct compat_aes_key *ctr,
		      const u8 iv[KNTS_SIV_BLOCK], const u8 *in, u8 *out,
		      size_t len);

struct knts_siv_simd_tfms {
	struct crypto_sync_skcipher *cbc;	/* keyed with K1 */
	struct crypto_sync_skcipher *ctr;	/* keyed with K2 */
	u64 gen;		/* the prepared key they hold, 0: none */
};

#if IS_ENABLED(CONFIG_X86)
int knts_siv_simd_init(void);
void knts_siv_simd_exit(void);
bool knts_siv_simd_ready(void);
bool knts_siv_simd_usable(void);
/*
 * This CPU's transforms for per-packet keys, or (@prepared) the pair that
 * keeps the last prepared key it was given, so that the master keys,
 * which come back packet after packet, are not keyed again each time.
 * Call with bottom halves disabled.
 */
struct knts_siv_simd_tfms *knts_siv_simd_this_cpu(bool prepared);
int knts_siv_simd_setkey(struct crypto_sync_skcipher *tfm, const u8 *key,
			 unsigned int len);
int knts_siv_simd_cbcmac(struct crypto_sync_skcipher *cbc,
			 u8 state[KNTS_SIV_BLOCK], u8 *buf, unsigned int n);
int knts_siv_simd_forget(int cpu);
bool knts_siv_simd_forgotten(const u8 e0[KNTS_SIV_BLOCK], u8 *buf);
#else
static inline int knts_siv_simd_init(void) { return 0; }
static inline void knts_siv_simd_exit(void) { }
static inline bool knts_siv_simd_ready(void) { return false; }
static inline bool knts_siv_simd_usable(void) { return false; }
static inline struct knts_siv_simd_tfms *knts_siv_simd_this_cpu(bool prepared)
{
	return NULL;
}

static inline int knts_siv_simd_setkey(struct crypto_sync_skcipher *tfm,
				       const u8 *key, unsigned int len)
{
	return -EOPNOTSUPP;
}

static inline int knts_siv_simd_cbcmac(struct crypto_sync_skcipher *cbc,
				       u8 state[KNTS_SIV_BLOCK], u8 *buf,
				       unsigned int n)
{
	return -EOPNOTSUPP;
}

static inline int knts_siv_simd_forget(int cpu)
{
	return 0;
}

static inline bool knts_siv_simd_forgotten(const u8 e0[KNTS_SIV_BLOCK],
					   u8 *buf)
{
	return true;
}
#endif

/*
 * Bottom halves disabled: the dispatcher would take aesni now (then the
 * FPU section is open or may be opened). AES-128-GCM-SIV follows it.
 */
bool knts_siv_pick_aesni(void);

/* Operations per backend, FPU sections knts opened (all CPUs). */
u64 knts_siv_impl_ops(unsigned int impl);

#if KNTS_HAVE_AES_CORE
int knts_siv_ni_init(void);
void knts_siv_ni_exit(void);
bool knts_siv_ni_ready(void);
bool knts_siv_ni_usable(void);
bool knts_siv_ni_begin(void);
void knts_siv_ni_end(bool opened);
/*
 * Inside a section knts opened on this CPU? Only its opener can be
 * running here then (the section keeps preemption off), so the answer
 * is the caller's own even from preemptible context, where it is false.
 * Inline: every AES-SIV operation asks.
 */
DECLARE_PER_CPU(bool, knts_siv_ni_section);
static inline bool knts_siv_ni_in_section(void)
{
	return this_cpu_read(knts_siv_ni_section);
}

void knts_siv_ni_prepare(struct knts_siv_key *k);
void knts_siv_ni_forget(int cpu);
bool knts_siv_ni_forgotten(void);
u64 knts_siv_ni_sections(void);
bool knts_siv_ni_nonce(u8 *out, unsigned int len);
int knts_siv_ni_nonce_selftest(void);
/* As siv_blk_seal/open, on AES-NI: bottom halves disabled, usable. */
int knts_siv_ni_seal(const struct knts_siv_key *pk, const u8 *key,
		     unsigned int key_len, const struct knts_siv_ad *ad,
		     unsigned int n_ad, const u8 *pt, size_t len,
		     u8 v[KNTS_SIV_BLOCK], u8 *ct);
int knts_siv_ni_open(const struct knts_siv_key *pk, const u8 *key,
		     unsigned int key_len, const struct knts_siv_ad *ad,
		     unsigned int n_ad, const u8 want[KNTS_SIV_BLOCK],
		     const u8 *ct, size_t len, u8 *pt);
#else
static inline int knts_siv_ni_init(void) { return 0; }
static inline void knts_siv_ni_exit(void) { }
static inline bool knts_siv_ni_ready(void) { return false; }
static inline bool knts_siv_ni_usable(void) { return false; }
static inline bool knts_siv_ni_begin(void) { return false; }
static inline bool knts_siv_ni_in_section(void) { return false; }
static inline void knts_siv_ni_end(bool opened) { }
static inline void knts_siv_ni_prepare(struct knts_siv_key *k) { }
static inline void knts_siv_ni_forget(int cpu) { }
static inline bool knts_siv_ni_forgotten(void) { return true; }
static inline u64 knts_siv_ni_sections(void) { return 0; }
static inline bool knts_siv_ni_nonce(u8 *out, unsigned int len)
{
	return false;
}

static inline int knts_siv_ni_nonce_selftest(void) { return 0; }

static inline int knts_siv_ni_seal(const struct knts_siv_key *pk,
				   const u8 *key, unsigned int key_len,
				   const struct knts_siv_ad *ad,
				   unsigned int n_ad, const u8 *pt, size_t len,
				   u8 v[KNTS_SIV_BLOCK], u8 *ct)
{
	return -EOPNOTSUPP;
}

static inline int knts_siv_ni_open(const struct knts_siv_key *pk,
				   const u8 *key, unsigned int key_len,
				   const struct knts_siv_ad *ad,
				   unsigned int n_ad,
				   const u8 want[KNTS_SIV_BLOCK],
				   const u8 *ct, size_t len, u8 *pt)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* _KNTS_SIV_IMPL_H */
