// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel micro benchmark, client path (testing only, bench=N): four
 * associations to the benchmark's own server, and per batch, one request
 * of each
 *
 *   client-out  the daemon's bare 48-byte request to the server, as UDP
 *               allocates it, gets UID, cookie, placeholders and the C2S
 *               MAC (knts_client_out(), AES-SIV seal, MAC only);
 *   (untimed)   the server path of bench.c opens that request, the daemon
 *               answers and the server signs the reply;
 *   client-in   the signed reply is matched, verified under S2C, its
 *               cookies go into the jar and it is stripped
 *               (knts_client_in(), AES-SIV open of the new cookies).
 *
 * So the client is measured against the real server and every reply must
 * verify: a refusal fails the load. Each request finds its association's
 * jar full (8 cookies), so it sends no placeholder and its reply brings
 * one cookie back: a client's steady state, and the shape of the server
 * figures (one cookie in, one out). Until issue 15's last round one
 * association took all 4 requests of a batch, which then carried 0 to 3
 * placeholders (1.5 on average) and got 1 to 4 cookies back.
 */
#include <linux/ip.h>
#include <linux/ktime.h>
#include <linux/netfilter.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "assoc.h"
#include "bench.h"
#include "client.h"
#include "knts.h"
#include "skb.h"

#define BENCH_CLI_PORT		30000

static int bench_client_setup(struct knts_bench *b)
{
	struct knts_assoc_id id = { .port = htons(BENCH_PORT) };
	unsigned int i, j;

	ipv6_addr_set_v4mapped(htonl(BENCH_SERVER_IP), &id.addr);
	for (i = 0; i < BENCH_CLI_BATCH; i++) {
		struct knts_assoc *a;

		a = knts_assoc_new(&id, b->keys.aead,
				   knts_cookie_c2s(&b->keys),
				   knts_cookie_s2c(&b->keys), b->cookie_len);
		if (!a)
			return -ENOMEM;
		spin_lock_bh(&a->lock);
		for (j = 0; j < KNTS_ASSOC_MAX_COOKIES; j++)
			knts_assoc_put_cookie(a, b->cookie);
		spin_unlock_bh(&a->lock);
		b->assoc[i] = a;
	}
	return 0;
}

void knts_bench_client_free(struct knts_bench *b)
{
	unsigned int i;

	for (i = 0; i < BENCH_CLI_BATCH; i++) {
		if (b->assoc[i])
			knts_assoc_free(b->assoc[i]);
		b->assoc[i] = NULL;
	}
}

/* What knts_hook() does for a packet of an association. */
static unsigned int bench_client_hook(struct knts_bench *b, unsigned int i,
				      struct sk_buff *skb, bool in)
{
	unsigned int verdict;
	struct knts_udp u;

	if (!knts_skb_udp(skb, false, &u))
		return NF_DROP;
	local_bh_disable();
	rcu_read_lock();
	verdict = in ? knts_client_in(b->kn, b->assoc[i], skb, &u) :
		       knts_client_out(b->kn, b->assoc[i], skb, &u);
	rcu_read_unlock();
	local_bh_enable();
	return verdict;
}

static bool bench_bare_ntp(const struct sk_buff *skb)
{
	return skb->len == sizeof(struct iphdr) + sizeof(struct udphdr) +
			   KNTS_NTP_HDR_LEN;
}

/* A NTPv4 header in mode @mode; @ts goes to transmit (3) or origin (4). */
static void bench_ntp(u8 *pkt, u8 mode, unsigned int i)
{
	memset(pkt, 0, KNTS_NTP_HDR_LEN);
	pkt[KNTS_NTP_OFF_LVM] = (KNTS_NTP_VERSION << 3) | mode;
	bench_fill(pkt + (mode == KNTS_NTP_MODE_CLIENT ? KNTS_NTP_OFF_TX :
			  KNTS_NTP_OFF_ORIGIN), KNTS_NTP_TS_LEN, 0x61 + i);
}

static int bench_client_batch(struct knts_bench *b, u64 *ns_out, u64 *ns_in)
{
	struct sk_buff **skb = b->skbs;
	unsigned int i, refused = 0;
	u8 pkt[KNTS_NTP_HDR_LEN];
	u64 t0;

	for (i = 0; i < BENCH_CLI_BATCH; i++) {
		bench_ntp(pkt, KNTS_NTP_MODE_CLIENT, i);
		skb[i] = bench_udp4(pkt, sizeof(pkt), true,
				    htons(BENCH_CLI_PORT + i), BENCH_HH_LEN, 15);
		if (!skb[i])
			return -ENOMEM;
		bench_tx_offload(skb[i]);
	}
	t0 = ktime_get_ns();
	for (i = 0; i < BENCH_CLI_BATCH; i++)
		refused += bench_client_hook(b, i, skb[i], false) != NF_ACCEPT;
	*ns_out = ktime_get_ns() - t0;
	/* The server takes the requests and the daemon answers them. */
	for (i = 0; !refused && i < BENCH_CLI_BATCH; i++) {
		if (bench_wire(skb[i]))
			return -ENOMEM;
		refused += bench_hook(b->kn, skb[i], true) != NF_ACCEPT ||
			   !bench_bare_ntp(skb[i]);
		kfree_skb(skb[i]);
		bench_ntp(pkt, KNTS_NTP_MODE_SERVER, i);
		skb[i] = bench_udp4(pkt, sizeof(pkt), false,
				    htons(BENCH_CLI_PORT + i), BENCH_HH_LEN, 15);
		if (!skb[i])
			return -ENOMEM;
		bench_tx_offload(skb[i]);
		refused += bench_hook(b->kn, skb[i], false) != NF_ACCEPT;
		/*
		 * The signed reply may hold its NTS part in a page fragment
		 * (skb.c); the client's host gets it from its NIC, modelled
		 * as a linear copy. Over loopback or a veth the same skb
		 * arrives and client-in pulls the fragment into its head.
		 */
		if (skb_is_nonlinear(skb[i])) {
			struct sk_buff *lin = skb_copy(skb[i], GFP_KERNEL);

			kfree_skb(skb[i]);
			skb[i] = lin;
			if (!lin)
				return -ENOMEM;
		}
		if (bench_wire(skb[i]))
			return -ENOMEM;
	}
	if (refused)
		return -EPROTO;
	t0 = ktime_get_ns();
	for (i = 0; i < BENCH_CLI_BATCH; i++)
		refused += bench_client_hook(b, i, skb[i], true) != NF_ACCEPT ||
			   !bench_bare_ntp(skb[i]);
	*ns_in = ktime_get_ns() - t0;
	return refused ? -EPROTO : 0;
}

int knts_bench_client(struct knts_bench *b, const char *on)
{
	u64 ns_out, ns_in;
	unsigned int i, n;
	int err = 0;

	if (!b->assoc[0])
		err = bench_client_setup(b);
	for (n = 0; !err && n < b->n; n += BENCH_CLI_BATCH) {
		err = bench_client_batch(b, &ns_out, &ns_in);
		for (i = 0; i < BENCH_CLI_BATCH; i++) {
			kfree_skb(b->skbs[i]);
			b->skbs[i] = NULL;
		}
		if (err)
			break;
		bench_stat_add(&b->st[0], ns_out, BENCH_CLI_BATCH);
		bench_stat_add(&b->st[1], ns_in, BENCH_CLI_BATCH);
		bench_stat_add(&b->st[2], ns_out + ns_in, BENCH_CLI_BATCH);
		if (!(n % BENCH_BATCH))
			cond_resched();
	}
	if (err) {
		pr_err("bench: client path failed on %s (%d)\n", on, err);
		bench_explain(b);
		return err;
	}
	bench_print("client-out", on, &b->st[0], "");
	bench_print("client-in", on, &b->st[1], "");
	bench_print("client-request", on, &b->st[2], "");
	return 0;
}
