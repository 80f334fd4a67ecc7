// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's AES-128-GCM-SIV entry points (gcmsiv.h, gcmsiv_key.h):
 * knts's AES-NI core when it can run now, gcmsiv.c on lib AES otherwise.
 * Both give the same bytes (the load-time KATs check it); the choice is
 * per call, so a packet in a softirq that interrupted kernel FPU use
 * still gets its answer, on lib.
 */
#include <linux/errno.h>
#include <linux/percpu.h>
#include <linux/string.h>

#include "gcmsiv.h"
#include "gcmsiv_key.h"

/* Operations per backend, per CPU: [0] lib, [1] aesni. */
static DEFINE_PER_CPU(u64 [2], gcmsiv_ops);

u64 knts_gcmsiv_ops(bool ni)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(gcmsiv_ops, cpu)[ni];
	return n;
}

static bool gcmsiv_len_ok(size_t ad_len, size_t len)
{
	return ad_len <= KNTS_GCMSIV_MAX_LEN && len <= KNTS_GCMSIV_MAX_LEN;
}

static int gcmsiv_seal(const struct knts_gcmsiv_key *pk, const u8 *key,
		       const u8 *ad, size_t ad_len, const u8 *nonce,
		       const u8 *pt, size_t len, u8 *out)
{
	int err;

	if (!gcmsiv_len_ok(ad_len, len))
		return -EINVAL;
	err = knts_gcmsiv_ni_seal(pk, key, ad, ad_len, nonce, pt, len, out);
	if (err != -EOPNOTSUPP) {
		this_cpu_inc(gcmsiv_ops[1]);
		return err;
	}
	this_cpu_inc(gcmsiv_ops[0]);
	return knts_gcmsiv_blk_seal(key, ad, ad_len, nonce, pt, len, out);
}

static int gcmsiv_open(const struct knts_gcmsiv_key *pk, const u8 *key,
		       const u8 *ad, size_t ad_len, const u8 *nonce,
		       const u8 *in, size_t len, u8 *pt)
{
	int err;

	if (!gcmsiv_len_ok(ad_len, len))
		return -EINVAL;
	err = knts_gcmsiv_ni_open(pk, key, ad, ad_len, nonce, in, len, pt);
	if (err != -EOPNOTSUPP) {
		this_cpu_inc(gcmsiv_ops[1]);
		return err;
	}
	this_cpu_inc(gcmsiv_ops[0]);
	return knts_gcmsiv_blk_open(key, ad, ad_len, nonce, in, len, pt);
}

int knts_gcmsiv_seal(const u8 key[KNTS_GCMSIV_KEY_LEN],
		     const u8 *ad, size_t ad_len,
		     const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
		     const u8 *pt, size_t len, u8 *out)
{
	return gcmsiv_seal(NULL, key, ad, ad_len, nonce, pt, len, out);
}

int knts_gcmsiv_open(const u8 key[KNTS_GCMSIV_KEY_LEN],
		     const u8 *ad, size_t ad_len,
		     const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
		     const u8 *in, size_t len, u8 *pt)
{
	return gcmsiv_open(NULL, key, ad, ad_len, nonce, in, len, pt);
}

int knts_gcmsiv_seal_key(const struct knts_gcmsiv_key *k,
			 const u8 *ad, size_t ad_len,
			 const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
			 const u8 *pt, size_t len, u8 *out)
{
	return gcmsiv_seal(k, k->key, ad, ad_len, nonce, pt, len, out);
}

int knts_gcmsiv_open_key(const struct knts_gcmsiv_key *k,
			 const u8 *ad, size_t ad_len,
			 const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
			 const u8 *in, size_t len, u8 *pt)
{
	return gcmsiv_open(k, k->key, ad, ad_len, nonce, in, len, pt);
}

/*
 * The raw key serves lib (which expands it per operation: its schedule
 * lives per CPU, wiped after each use); the core's schedule is made here
 * once, when the FPU is usable (else each operation expands it).
 */
void knts_gcmsiv_key_prepare(struct knts_gcmsiv_key *k,
			     const u8 key[KNTS_GCMSIV_KEY_LEN])
{
	memset(k, 0, sizeof(*k));
	memcpy(k->key, key, KNTS_GCMSIV_KEY_LEN);
	knts_gcmsiv_ni_prepare(k);
}

void knts_gcmsiv_key_wipe(struct knts_gcmsiv_key *k)
{
	memzero_explicit(k, sizeof(*k));
}
