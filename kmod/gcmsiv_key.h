/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AES-128-GCM-SIV in the kernel (gcmsiv_key.c): the entry points of
 * gcmsiv.h pick a backend per call, and master keys can be prepared once
 * per key set. Kernel only (cookie.c reaches it under __KERNEL__).
 *
 *   aesni  x86-64 with AES-NI and PCLMULQDQ: knts's own core
 *          (gcmsiv_aesni.c) in a kernel FPU section (gcmsiv_ni.c), the
 *          packet leg's when knts_siv_begin() opened one. Taken when the
 *          AES-SIV dispatcher would take its aesni backend (siv.c), so
 *          knts_siv_force and KNTS_BENCH_FORCE_LIB steer both modes.
 *   lib    gcmsiv.c over lib/crypto AES with the bitwise POLYVAL: any
 *          context, every architecture; the fallback when the FPU is
 *          not usable.
 */
#ifndef _KNTS_GCMSIV_KEY_H
#define _KNTS_GCMSIV_KEY_H

#include <linux/types.h>

#include "gcmsiv.h"
#if IS_ENABLED(CONFIG_X86_64)
#include "gcmsiv_aesni.h"
#endif

/* A GCM-SIV master key prepared once, used for many cookies. */
struct knts_gcmsiv_key {
	u8 key[KNTS_GCMSIV_KEY_LEN];
#if IS_ENABLED(CONFIG_X86_64)
	/*
	 * The AES-128 schedule (knts_gni_ks_at(ni)), when the FPU was
	 * usable at prepare. Never copy a prepared key: the aligned part's
	 * offset in @ni depends on the struct's address.
	 */
	u8 ni[KNTS_GNI_KS_BUF];
	bool ni_ok;
#endif
};

/* Any context. */
void knts_gcmsiv_key_prepare(struct knts_gcmsiv_key *k,
			     const u8 key[KNTS_GCMSIV_KEY_LEN]);
void knts_gcmsiv_key_wipe(struct knts_gcmsiv_key *k);

/* knts_gcmsiv_seal() and knts_gcmsiv_open() with a prepared key. */
int knts_gcmsiv_seal_key(const struct knts_gcmsiv_key *k,
			 const u8 *ad, size_t ad_len,
			 const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
			 const u8 *pt, size_t len, u8 *out);
int knts_gcmsiv_open_key(const struct knts_gcmsiv_key *k,
			 const u8 *ad, size_t ad_len,
			 const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
			 const u8 *in, size_t len, u8 *pt);

/* Operations since the load on aesni (@ni) or lib (debugfs siv_ops). */
u64 knts_gcmsiv_ops(bool ni);

#if IS_ENABLED(CONFIG_X86_64)
int knts_gcmsiv_ni_init(void);
void knts_gcmsiv_ni_exit(void);
bool knts_gcmsiv_ni_ready(void);
/*
 * One operation on the core, or -EOPNOTSUPP when it cannot run now (then
 * the caller takes lib). @pk: the prepared master key, or NULL for @key.
 * Lengths checked by the caller. Any context.
 */
int knts_gcmsiv_ni_seal(const struct knts_gcmsiv_key *pk, const u8 *key,
			const u8 *ad, size_t ad_len, const u8 *nonce,
			const u8 *pt, size_t len, u8 *out);
int knts_gcmsiv_ni_open(const struct knts_gcmsiv_key *pk, const u8 *key,
			const u8 *ad, size_t ad_len, const u8 *nonce,
			const u8 *in, size_t len, u8 *pt);
void knts_gcmsiv_ni_prepare(struct knts_gcmsiv_key *k);
/* The core's POLYVAL, for the known answer; -EOPNOTSUPP as above. */
int knts_gcmsiv_ni_polyval(u8 acc[16], const u8 h[16], const u8 *blocks,
			   size_t n);
void knts_gcmsiv_ni_forget(int cpu);
bool knts_gcmsiv_ni_forgotten(void);
#else
static inline int knts_gcmsiv_ni_init(void) { return 0; }
static inline void knts_gcmsiv_ni_exit(void) { }
static inline bool knts_gcmsiv_ni_ready(void) { return false; }

static inline int knts_gcmsiv_ni_seal(const struct knts_gcmsiv_key *pk,
				      const u8 *key, const u8 *ad,
				      size_t ad_len, const u8 *nonce,
				      const u8 *pt, size_t len, u8 *out)
{
	return -EOPNOTSUPP;
}

static inline int knts_gcmsiv_ni_open(const struct knts_gcmsiv_key *pk,
				      const u8 *key, const u8 *ad,
				      size_t ad_len, const u8 *nonce,
				      const u8 *in, size_t len, u8 *pt)
{
	return -EOPNOTSUPP;
}

static inline void knts_gcmsiv_ni_prepare(struct knts_gcmsiv_key *k) { }

static inline int knts_gcmsiv_ni_polyval(u8 acc[16], const u8 h[16],
					 const u8 *blocks, size_t n)
{
	return -EOPNOTSUPP;
}

static inline void knts_gcmsiv_ni_forget(int cpu) { }
static inline bool knts_gcmsiv_ni_forgotten(void) { return true; }
#endif

#endif /* _KNTS_GCMSIV_KEY_H */
