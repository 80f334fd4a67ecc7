/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's SIMD section, per architecture, for knts's own AES-SIV
 * core (siv_ni.c): kernel_fpu_begin() on x86-64, kernel_neon_begin() on
 * arm64. Neither nests; open one only when crypto_simd_usable(), and
 * only with bottom halves disabled (arm64 since 6.19 keeps a per-CPU
 * state buffer for it). Inside one crypto_simd_usable() is false on x86
 * and on arm64 before 6.8, which the self-tests use to reach the lib
 * fallback.
 */
#ifndef _KNTS_SIMD_SECTION_H
#define _KNTS_SIMD_SECTION_H

#include <linux/types.h>

#if IS_ENABLED(CONFIG_X86_64)
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>

/* What the x86 core needs: AES-NI, and SSSE3 for the byte shuffles. */
#define KNTS_AES_CORE_NAME	"aesni"
#define KNTS_AES_CORE_INSNS	"AES-NI"

static inline bool knts_simd_has_aes(void)
{
	return boot_cpu_has(X86_FEATURE_AES) &&
	       boot_cpu_has(X86_FEATURE_SSSE3) &&
	       boot_cpu_has(X86_FEATURE_XMM2);
}

static inline void knts_simd_begin(void)
{
	kernel_fpu_begin();
}

static inline void knts_simd_end(void)
{
	kernel_fpu_end();
}
#elif IS_ENABLED(CONFIG_ARM64)
#include <asm/cpufeature.h>
#include <asm/neon.h>

/* Armv8 Crypto Extensions' AES instructions: a Pi 5 has them, a Pi 4 not. */
#define KNTS_AES_CORE_NAME	"ce"
#define KNTS_AES_CORE_INSNS	"the Crypto Extensions"

static inline bool knts_simd_has_aes(void)
{
	return cpu_have_named_feature(AES);
}

#ifdef KNTS_NEON_STATE_ARG
/*
 * Since 6.19 the caller lends the buffer that keeps its kernel NEON state
 * if a softirq or the scheduler needs the unit. knts's sections run with
 * bottom halves off, so one buffer per CPU is enough (siv_ni.c).
 */
DECLARE_PER_CPU(struct user_fpsimd_state, knts_neon_state);

static inline void knts_simd_begin(void)
{
	kernel_neon_begin(this_cpu_ptr(&knts_neon_state));
}

static inline void knts_simd_end(void)
{
	kernel_neon_end(this_cpu_ptr(&knts_neon_state));
}
#else
static inline void knts_simd_begin(void)
{
	kernel_neon_begin();
}

static inline void knts_simd_end(void)
{
	kernel_neon_end();
}
#endif
#else
/* No core here (KNTS_HAVE_AES_CORE is 0): the backend is never ready. */
#define KNTS_AES_CORE_NAME	"aesni"
#endif

#endif /* _KNTS_SIMD_SECTION_H */
