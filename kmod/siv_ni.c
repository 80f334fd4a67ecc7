// SPDX-License-Identifier: GPL-2.0
/*
 * The aesni backend of AES-SIV (named "ce" on arm64): knts's own core
 * (siv_aesni.c on x86-64 with AES-NI, siv_ce.c on arm64 with the Crypto
 * Extensions, one interface: siv_aesni.h) and the kernel FPU sections
 * around it (kernel_neon_begin() on arm64: simd_section.h). Built
 * without FPU flags: the vector code is all in the core's file.
 *
 * A packet leg opens one section (knts_siv_begin() in siv.c, which
 * calls knts_siv_ni_begin()) and every AES-SIV operation of the leg runs
 * inside it: the cookie open, the request MAC and the cookie seal at
 * LOCAL_IN, the reply seal at LOCAL_OUT. An operation outside a leg
 * (load-time tests, the client role's single operations) opens its own.
 * kernel_fpu_begin() does not nest, so the section is only opened when
 * crypto_simd_usable() says the FPU is free; otherwise the dispatcher
 * takes lib/crypto AES.
 *
 * The master keys are expanded once, when their set is prepared; the
 * per-packet keys (C2S, S2C) inside the operation, into this CPU's
 * scratch key, which is zeroed again before the section ends.
 */
#include <asm/simd.h>
#include <crypto/algapi.h>
#include <crypto/internal/simd.h>
#include <linux/bottom_half.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "siv_aesni.h"
#include "siv_impl.h"
#include "siv_key.h"
#include "simd_section.h"

struct siv_ni_cpu {
	struct knts_aesni_key *sess;	/* a per-packet key, expanded */
	void *sess_buf;			/* what holds it (kfree) */
};

static DEFINE_PER_CPU(struct siv_ni_cpu, siv_ni_cpu);
/* knts's FPU section is open on this CPU (only ever while ready). */
DEFINE_PER_CPU(bool, knts_siv_ni_section);
#ifdef KNTS_NEON_STATE_ARG
DEFINE_PER_CPU(struct user_fpsimd_state, knts_neon_state);
#endif
static bool siv_ni_ready;

/*
 * knts_nonce()'s generator (nonce.c): a random AES-128 key drawn at load
 * and a 64-bit counter per CPU, enciphered together with the CPU number.
 */
static void *nonce_key_buf;
static struct knts_aesni_key *nonce_key;
static DEFINE_PER_CPU(u64, nonce_ctr);
/* FPU sections knts opened (debugfs siv_ops; the KATs and selftest 09). */
static DEFINE_PER_CPU(u64, siv_ni_sections);

bool knts_siv_ni_ready(void)
{
	return siv_ni_ready;
}

/* Bottom halves disabled. */
bool knts_siv_ni_usable(void)
{
	return siv_ni_ready &&
	       (this_cpu_read(knts_siv_ni_section) || crypto_simd_usable());
}

u64 knts_siv_ni_sections(void)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(siv_ni_sections, cpu);
	return n;
}

/* Bottom halves disabled; true if this call opened the section. */
bool knts_siv_ni_begin(void)
{
	if (!siv_ni_ready || this_cpu_read(knts_siv_ni_section) ||
	    !crypto_simd_usable())
		return false;
	knts_simd_begin();
	this_cpu_write(knts_siv_ni_section, true);
	this_cpu_inc(siv_ni_sections);
	return true;
}

void knts_siv_ni_end(bool opened)
{
	if (!opened)
		return;
	this_cpu_write(knts_siv_ni_section, false);
	knts_simd_end();
}

/*
 * Bottom halves disabled. Only inside a section knts opened (the callers
 * open theirs for the leg around it); false sends the caller to
 * get_random_bytes(). The block numbers a CPU takes are its own, and its
 * number is in every block, so no two blocks are ever the same: the
 * nonces are unique, and without the key they cannot be told from random.
 */
bool knts_siv_ni_nonce(u8 *out, unsigned int len)
{
	u64 n;

	if (!nonce_key || !this_cpu_read(knts_siv_ni_section))
		return false;
	n = this_cpu_read(nonce_ctr);
	this_cpu_write(nonce_ctr, n + DIV_ROUND_UP(len, 16));
	knts_aesni_counter(&nonce_key->mac, smp_processor_id(), n, out, len);
	return true;
}

/* Process context: the key is drawn and expanded once, at load. */
static int siv_ni_nonce_init(void)
{
	u8 key[32] = { 0 };	/* an AES-SIV key's MAC half: the first 16 */

	nonce_key_buf = kzalloc(KNTS_AESNI_KEY_BUF, GFP_KERNEL);
	if (!nonce_key_buf)
		return -ENOMEM;
	get_random_bytes(key, 16);
	local_bh_disable();	/* every section: simd_section.h */
	if (!crypto_simd_usable()) {
		local_bh_enable();
		memzero_explicit(key, sizeof(key));
		return 0;		/* get_random_bytes() then */
	}
	knts_simd_begin();
	knts_aesni_prepare(knts_aesni_key_at(nonce_key_buf), key, sizeof(key),
			   false, false);
	knts_simd_end();
	local_bh_enable();
	memzero_explicit(key, sizeof(key));
	nonce_key = knts_aesni_key_at(nonce_key_buf);
	return 0;
}

/*
 * At load: the counter core against FIPS-197's AES-128 example (C.1),
 * a partial block against the full one, and two nonces of one section
 * that differ and came from the generator, not from the fallback.
 */
int knts_siv_ni_nonce_selftest(void)
{
	static const u8 want[16] = {
		0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
		0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a };
	u8 key[32] = { 0 }, out[2][36];
	void *buf;
	bool ok;
	int i;

	if (!nonce_key)
		return 0;
	buf = kzalloc(KNTS_AESNI_KEY_BUF, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < 16; i++)
		key[i] = i;
	local_bh_disable();
	ok = knts_siv_ni_begin();
	if (ok) {
		struct knts_aesni_key *k = knts_aesni_key_at(buf);

		knts_aesni_prepare(k, key, sizeof(key), false, false);
		knts_aesni_counter(&k->mac, 0xffeeddccbbaa9988ULL,
				   0x7766554433221100ULL, out[0], 20);
		knts_aesni_counter(&k->mac, 0xffeeddccbbaa9988ULL,
				   0x7766554433221101ULL, out[1], 16);
		ok = !memcmp(out[0], want, 16) && !memcmp(out[0] + 16, out[1], 4);
		ok = ok && knts_siv_ni_nonce(out[0], sizeof(out[0])) &&
		     knts_siv_ni_nonce(out[1], sizeof(out[1])) &&
		     memcmp(out[0], out[1], sizeof(out[0]));
		knts_siv_ni_end(true);
	}
	local_bh_enable();
	kfree_sensitive(buf);
	if (!ok) {
		pr_err("self-test: the nonce generator failed\n");
		return -EBADMSG;
	}
	pr_info("self-test: nonces from %s (FIPS-197 C.1 and uniqueness)\n",
		KNTS_AES_CORE_INSNS);
	return 0;
}

/*
 * The key of one operation: the prepared one, or @key expanded into this
 * CPU's scratch key (then *@sess is set, to wipe it afterwards).
 */
static const struct knts_aesni_key *
siv_ni_key(const struct knts_siv_key *pk, const u8 *key, unsigned int key_len,
	   bool need_ctr, struct knts_aesni_key **sess)
{
	struct knts_aesni_key *k;

	*sess = NULL;
	if (pk && pk->ni_ok)
		return knts_aesni_key_at(pk->ni);
	k = this_cpu_read(siv_ni_cpu.sess);
	knts_aesni_prepare(k, key, key_len, need_ctr, false);
	*sess = k;
	return k;
}

/* Bottom halves disabled, knts_siv_ni_usable(). */
int knts_siv_ni_seal(const struct knts_siv_key *pk, const u8 *key,
		     unsigned int key_len, const struct knts_siv_ad *ad,
		     unsigned int n_ad, const u8 *pt, size_t len,
		     u8 v[KNTS_SIV_BLOCK], u8 *ct)
{
	const struct knts_aesni_key *k;
	struct knts_aesni_key *sess;
	bool opened = knts_siv_ni_begin();

	k = siv_ni_key(pk, key, key_len, len != 0, &sess);
	knts_aesni_s2v(k, ad, n_ad, pt, len, v);
	knts_aesni_ctr(k, v, pt, ct, len);
	if (sess)
		knts_aesni_wipe(sess);
	knts_siv_ni_end(opened);
	return 0;
}

int knts_siv_ni_open(const struct knts_siv_key *pk, const u8 *key,
		     unsigned int key_len, const struct knts_siv_ad *ad,
		     unsigned int n_ad, const u8 want[KNTS_SIV_BLOCK],
		     const u8 *ct, size_t len, u8 *pt)
{
	const struct knts_aesni_key *k;
	struct knts_aesni_key *sess;
	bool opened = knts_siv_ni_begin();
	u8 v[KNTS_SIV_BLOCK];
	int err = 0;

	k = siv_ni_key(pk, key, key_len, len != 0, &sess);
	knts_aesni_ctr(k, want, ct, pt, len);
	knts_aesni_s2v(k, ad, n_ad, pt, len, v);
	if (sess)
		knts_aesni_wipe(sess);
	knts_siv_ni_end(opened);
	if (crypto_memneq(v, want, KNTS_SIV_BLOCK))
		err = -EBADMSG;
	memzero_explicit(v, sizeof(v));
	return err;
}

/*
 * At key preparation: expand the master key once, when the FPU may be
 * used here. Otherwise the key stays unprepared for this backend and
 * every operation expands it (correct, only slower).
 */
void knts_siv_ni_prepare(struct knts_siv_key *k)
{
	bool opened;

	k->ni_ok = false;
	if (!siv_ni_ready)
		return;
	local_bh_disable();	/* every section: simd_section.h */
	if (this_cpu_read(knts_siv_ni_section)) {
		opened = false;
	} else {
		if (!crypto_simd_usable()) {
			local_bh_enable();
			return;
		}
		knts_simd_begin();
		opened = true;
	}
	knts_aesni_prepare(knts_aesni_key_at(k->ni), k->key, k->key_len, true,
			   true);
	k->ni_ok = true;
	if (opened)
		knts_simd_end();
	local_bh_enable();
}

void knts_siv_ni_forget(int cpu)
{
	struct knts_aesni_key *k = per_cpu(siv_ni_cpu.sess, cpu);

	if (k)
		memzero_explicit(k, sizeof(*k));
}

bool knts_siv_ni_forgotten(void)
{
	struct knts_aesni_key *k = this_cpu_read(siv_ni_cpu.sess);

	return !k || !memchr_inv(k, 0, sizeof(*k));
}

void knts_siv_ni_exit(void)
{
	int cpu;

	siv_ni_ready = false;
	nonce_key = NULL;
	kfree_sensitive(nonce_key_buf);
	nonce_key_buf = NULL;
	for_each_possible_cpu(cpu) {
		kfree_sensitive(per_cpu(siv_ni_cpu.sess_buf, cpu));
		per_cpu(siv_ni_cpu.sess_buf, cpu) = NULL;
		per_cpu(siv_ni_cpu.sess, cpu) = NULL;
	}
}

/*
 * Where the CPU has the instructions (simd_section.h). Without them knts
 * runs as before: the crypto API, or lib.
 */
int knts_siv_ni_init(void)
{
	int cpu;

	if (!knts_simd_has_aes())
		return 0;
	for_each_possible_cpu(cpu) {
		void *buf = kzalloc(KNTS_AESNI_KEY_BUF, GFP_KERNEL);

		if (!buf) {
			knts_siv_ni_exit();
			return -ENOMEM;
		}
		per_cpu(siv_ni_cpu.sess_buf, cpu) = buf;
		per_cpu(siv_ni_cpu.sess, cpu) = knts_aesni_key_at(buf);
	}
	if (siv_ni_nonce_init()) {
		knts_siv_ni_exit();
		return -ENOMEM;
	}
	siv_ni_ready = true;
	return 0;
}
