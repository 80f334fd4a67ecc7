// SPDX-License-Identifier: GPL-2.0
/*
 * Forgetting keys: the per-CPU AES transforms of the api and simd
 * backends keep the schedule of the last key they were given (a client's
 * C2S or S2C, or a master key) until the next packet re-keys them. When a
 * key set is freed (a rotation, `load-keys`, server disable) the master
 * keys it held, and the session keys of the cookies sealed under them,
 * must not survive in those schedules. So every CPU's transforms are
 * re-keyed with the all-zero key and the simd "last prepared key" cache
 * is emptied.
 *
 * Another CPU's transforms cannot be touched from here: a softirq on that
 * CPU may be using them (the dispatcher only disables bottom halves, so an
 * IPI could land in the middle of an operation). Instead a work item runs
 * on each online CPU, in process context, with bottom halves disabled;
 * offline CPUs are wiped directly, with CPU hotplug held off meanwhile.
 */
#include <crypto/aes.h>
#include <linux/bottom_half.h>
#include <linux/cpu.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "siv_impl.h"
#include "siv_key.h"

static DEFINE_PER_CPU(struct work_struct, siv_forget_cpu_work);

static void siv_forget_cpu(int cpu)
{
	/* A failed setkey leaves the old schedule: say so, loudly. */
	if (knts_siv_api_forget(cpu) || knts_siv_simd_forget(cpu))
		pr_err_ratelimited("cpu %d: cannot re-key an AES transform to forget a key\n",
				   cpu);
	knts_siv_blk_forget(cpu);
}

static void siv_forget_this_cpu(struct work_struct *work)
{
	local_bh_disable();
	siv_forget_cpu(smp_processor_id());
	local_bh_enable();
}

static void siv_forget_all(struct work_struct *work)
{
	int cpu;

	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		struct work_struct *w = per_cpu_ptr(&siv_forget_cpu_work, cpu);

		INIT_WORK(w, siv_forget_this_cpu);
		if (cpu_online(cpu))
			queue_work_on(cpu, system_highpri_wq, w);
		else
			siv_forget_cpu(cpu);
	}
	for_each_online_cpu(cpu)
		flush_work(per_cpu_ptr(&siv_forget_cpu_work, cpu));
	cpus_read_unlock();
}

/* Not reentrant (a work item never is): one pass at a time. */
static DECLARE_WORK(siv_forget_work, siv_forget_all);

void knts_siv_forget(void)
{
	schedule_work(&siv_forget_work);
}

void knts_siv_forget_exit(void)
{
	flush_work(&siv_forget_work);
}

/*
 * E(0^128) and the CMAC of one zero block under the all-zero key, with
 * lib AES: what a transform that forgot its key computes.
 */
static int siv_zero_key_answers(u8 e0[KNTS_SIV_BLOCK],
				u8 cmac0[KNTS_SIV_BLOCK])
{
	static const u8 zero[KNTS_SIV_WIPE_KEY_LEN];
	struct compat_aes_key *k = kzalloc(sizeof(*k), GFP_KERNEL);
	u8 l[KNTS_SIV_BLOCK] = { };
	int err;

	if (!k)
		return -ENOMEM;
	err = compat_aes_prepare(k, zero, sizeof(zero));
	if (!err) {
		memset(e0, 0, KNTS_SIV_BLOCK);
		aes_encrypt(k, e0, e0);
		/* CMAC of a full block M: E(M ^ K1), K1 = dbl(E(0)). */
		memcpy(l, e0, KNTS_SIV_BLOCK);
		knts_siv_dbl(l);
		aes_encrypt(k, cmac0, l);
	}
	kfree(k);
	return err;
}

int knts_siv_forget_test(bool skip_wipe)
{
	u8 e0[KNTS_SIV_BLOCK], cmac0[KNTS_SIV_BLOCK];
	bool api, simd = true, blk;
	u8 *buf;
	int err;

	buf = kzalloc(2 * KNTS_SIV_BLOCK, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = siv_zero_key_answers(e0, cmac0);
	if (err)
		goto out;
	if (!skip_wipe) {
		knts_siv_forget();
		flush_work(&siv_forget_work);
	}
	local_bh_disable();
	api = knts_siv_api_forgotten(e0, cmac0, buf);
	if (knts_siv_simd_usable())
		simd = knts_siv_simd_forgotten(e0, buf);
	blk = knts_siv_blk_forgotten();
	local_bh_enable();
	if (!api || !simd || !blk) {
		pr_err("self-test: a key survived its wipe (api transforms %s, simd transforms %s, session state %s)\n",
		       api ? "wiped" : "NOT wiped", simd ? "wiped" : "NOT wiped",
		       blk ? "wiped" : "NOT wiped");
		err = -EIO;
	}
out:
	kfree(buf);
	return err;
}
