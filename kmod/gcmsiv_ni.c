// SPDX-License-Identifier: GPL-2.0
/*
 * The aesni backend of AES-128-GCM-SIV (x86-64 only): knts's own core
 * (gcmsiv_aesni.c) inside the kernel FPU section of siv_ni.c. Built
 * without FPU flags: the vector code is all in gcmsiv_aesni.c.
 *
 * An operation in a packet leg runs in the leg's section (knts_siv_begin()
 * opened it), so a request of AEAD 30 pays for one section per leg as
 * AES-SIV does; an operation outside a leg opens its own. The core runs
 * exactly when the AES-SIV dispatcher would pick aesni (siv.c), so it is
 * never asked to run where kernel_fpu_begin() may not be called.
 *
 * A prepared master key brings its schedule; a raw one (the per-packet
 * C2S and S2C keys) is expanded into this CPU's scratch, next to the
 * per-nonce encryption schedule, and both are zeroed before the section
 * ends.
 */
#include <asm/cpufeature.h>
#include <crypto/algapi.h>
#include <linux/bottom_half.h>
#include <linux/errno.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "gcmsiv_aesni.h"
#include "gcmsiv_key.h"
#include "siv_impl.h"

struct gni_scratch {
	struct knts_gni_ks master;	/* a raw key, expanded */
	struct knts_gni_ks ek;		/* the per-nonce encryption key */
};

struct gni_cpu {
	struct gni_scratch *s;		/* 16-byte aligned, in @buf */
	void *buf;			/* what holds it (kfree) */
};

static DEFINE_PER_CPU(struct gni_cpu, gni_cpu);
static bool gni_ready;

bool knts_gcmsiv_ni_ready(void)
{
	return gni_ready;
}

/*
 * Bottom halves off and, if the core may run now, knts's FPU section
 * open (the leg's, or *@opened says this call opened it). False: bottom
 * halves are on again, take lib.
 */
static bool gni_enter(bool *opened)
{
	local_bh_disable();
	if (!knts_siv_pick_aesni()) {
		local_bh_enable();
		return false;
	}
	*opened = knts_siv_ni_begin();
	return true;
}

static void gni_leave(bool opened)
{
	knts_siv_ni_end(opened);
	local_bh_enable();
}

/* The master schedule: the prepared one, or @key expanded into @s. */
static const struct knts_gni_ks *gni_master(const struct knts_gcmsiv_key *pk,
					    const u8 *key,
					    struct gni_scratch *s)
{
	if (pk && pk->ni_ok)
		return knts_gni_ks_at(pk->ni);
	knts_gni_expand(&s->master, key);
	return &s->master;
}

int knts_gcmsiv_ni_seal(const struct knts_gcmsiv_key *pk, const u8 *key,
			const u8 *ad, size_t ad_len, const u8 *nonce,
			const u8 *pt, size_t len, u8 *out)
{
	const struct knts_gni_ks *m;
	struct gni_scratch *s;
	bool opened;

	if (!gni_ready || !gni_enter(&opened))
		return -EOPNOTSUPP;
	s = this_cpu_read(gni_cpu.s);
	m = gni_master(pk, key, s);
	knts_gni_seal(m, &s->ek, ad, ad_len, nonce, pt, len, out);
	if (m == &s->master)
		knts_gni_wipe(&s->master);
	gni_leave(opened);
	return 0;
}

int knts_gcmsiv_ni_open(const struct knts_gcmsiv_key *pk, const u8 *key,
			const u8 *ad, size_t ad_len, const u8 *nonce,
			const u8 *in, size_t len, u8 *pt)
{
	u8 tag[KNTS_GCMSIV_TAG_LEN], want[KNTS_GCMSIV_TAG_LEN];
	const struct knts_gni_ks *m;
	struct gni_scratch *s;
	bool opened;
	int err = 0;

	if (!gni_ready)
		return -EOPNOTSUPP;
	/* Read the tag first: @pt may overwrite @in. */
	memcpy(tag, in + len, sizeof(tag));
	if (!gni_enter(&opened))
		return -EOPNOTSUPP;
	s = this_cpu_read(gni_cpu.s);
	m = gni_master(pk, key, s);
	knts_gni_open(m, &s->ek, ad, ad_len, nonce, in, len, pt, want);
	if (m == &s->master)
		knts_gni_wipe(&s->master);
	gni_leave(opened);
	if (crypto_memneq(tag, want, sizeof(tag))) {
		/* No unauthenticated plaintext leaves. */
		memzero_explicit(pt, len);
		err = -EBADMSG;
	}
	memzero_explicit(want, sizeof(want));
	return err;
}

int knts_gcmsiv_ni_polyval(u8 acc[16], const u8 h[16], const u8 *blocks,
			   size_t n)
{
	bool opened;

	if (!gni_ready || !gni_enter(&opened))
		return -EOPNOTSUPP;
	knts_gni_polyval(acc, h, blocks, n);
	gni_leave(opened);
	return 0;
}

/*
 * At key preparation: expand the master key once, when the FPU may be
 * used here; otherwise every operation expands it (correct, slower).
 */
void knts_gcmsiv_ni_prepare(struct knts_gcmsiv_key *k)
{
	bool opened;

	k->ni_ok = false;
	if (!gni_ready)
		return;
	local_bh_disable();
	if (knts_siv_ni_usable()) {
		opened = knts_siv_ni_begin();
		knts_gni_expand(knts_gni_ks_at(k->ni), k->key);
		k->ni_ok = true;
		knts_siv_ni_end(opened);
	}
	local_bh_enable();
}

/* Each operation wipes the scratch already; make sure of it. */
void knts_gcmsiv_ni_forget(int cpu)
{
	struct gni_scratch *s = per_cpu(gni_cpu.s, cpu);

	if (s)
		memzero_explicit(s, sizeof(*s));
}

bool knts_gcmsiv_ni_forgotten(void)
{
	struct gni_scratch *s = this_cpu_read(gni_cpu.s);

	return !s || !memchr_inv(s, 0, sizeof(*s));
}

void knts_gcmsiv_ni_exit(void)
{
	int cpu;

	gni_ready = false;
	for_each_possible_cpu(cpu) {
		kfree_sensitive(per_cpu(gni_cpu.buf, cpu));
		per_cpu(gni_cpu.buf, cpu) = NULL;
		per_cpu(gni_cpu.s, cpu) = NULL;
	}
}

/*
 * After knts_siv_ni_init(): the core needs what AES-SIV's does (AES-NI,
 * SSSE3, its FPU sections) and PCLMULQDQ for POLYVAL. Without them AEAD
 * 30 stays on lib.
 */
int knts_gcmsiv_ni_init(void)
{
	int cpu;

	if (!knts_siv_ni_ready() || !boot_cpu_has(X86_FEATURE_PCLMULQDQ))
		return 0;
	for_each_possible_cpu(cpu) {
		/* + 15: room to align the scratch (gni_cpu.s) */
		void *buf = kzalloc(sizeof(*per_cpu(gni_cpu.s, cpu)) + 15,
				    GFP_KERNEL);

		if (!buf) {
			knts_gcmsiv_ni_exit();
			return -ENOMEM;
		}
		per_cpu(gni_cpu.buf, cpu) = buf;
		per_cpu(gni_cpu.s, cpu) = (struct gni_scratch *)knts_gni_ks_at(buf);
	}
	gni_ready = true;
	return 0;
}
