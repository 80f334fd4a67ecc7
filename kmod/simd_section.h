/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's SIMD section, per architecture, for knts's own AES-SIV
 * core (siv_ni.c): kernel_fpu_begin() on x86-64, kernel_neon_begin() on
 * arm64. Neither nests; open one only when crypto_simd_usable(). Inside
 * one, bottom halves and preemption are off and crypto_simd_usable() is
 * false, which the self-tests use to reach the lib fallback.
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

static inline void knts_simd_begin(void)
{
	kernel_neon_begin();
}

static inline void knts_simd_end(void)
{
	kernel_neon_end();
}
#else
/* No core here (KNTS_HAVE_AES_CORE is 0): the backend is never ready. */
#define KNTS_AES_CORE_NAME	"aesni"
#endif

#endif /* _KNTS_SIMD_SECTION_H */
