// SPDX-License-Identifier: GPL-2.0
/*
 * The AES block function of GCM-SIV (gcmsiv.h) in the kernel: the AES
 * library (lib/crypto, plain C, any context, no FPU) on a per-CPU key
 * schedule, so that no packet puts ~500 bytes of schedule on the stack.
 * Bottom halves stay disabled from begin() to end(): the packet hooks
 * run in softirq and the netlink and load paths in process context, and
 * neither may find the other's schedule half written.
 */
#include <crypto/aes.h>
#include <linux/bottom_half.h>
#include <linux/percpu.h>
#include <linux/string.h>

#include "compat.h"
#include "gcmsiv.h"

struct knts_gcmsiv_aes {
	struct compat_aes_key key;
};

static DEFINE_PER_CPU(struct knts_gcmsiv_aes, knts_gcmsiv_pcpu);

struct knts_gcmsiv_aes *knts_gcmsiv_aes_begin(void)
{
	local_bh_disable();
	return this_cpu_ptr(&knts_gcmsiv_pcpu);
}

int knts_gcmsiv_aes_setkey(struct knts_gcmsiv_aes *a,
			   const u8 key[KNTS_GCMSIV_KEY_LEN])
{
	return compat_aes_prepare(&a->key, key, KNTS_GCMSIV_KEY_LEN);
}

int knts_gcmsiv_aes_encrypt(struct knts_gcmsiv_aes *a, u8 out[16],
			    const u8 in[16])
{
	aes_encrypt(&a->key, out, in);
	return 0;
}

void knts_gcmsiv_aes_end(struct knts_gcmsiv_aes *a)
{
	memzero_explicit(&a->key, sizeof(a->key));
	local_bh_enable();
}
