// SPDX-License-Identifier: GPL-2.0
/*
 * AES-128-GCM-SIV (RFC 8452), see gcmsiv.h. Built into knts.ko and,
 * through userspace/kshim, into the userspace library and the tests, so
 * both run the same mode code over their own AES block function.
 *
 * POLYVAL is computed bit by bit with masks instead of branches or
 * tables indexed by secret data: no timing depends on the key or the
 * message. It costs about 128 shift-and-xor steps per 16-byte block,
 * which is little next to a packet's other work at NTS sizes.
 */
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>

#include "gcmsiv.h"

#define GS_BLOCK	16

/* Field elements as two little-endian 64-bit halves (RFC 8452 s3). */
struct gs_elem {
	u64 lo;
	u64 hi;
};

static u64 gs_le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void gs_put_le64(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (u8)v;
}

static void gs_load(struct gs_elem *e, const u8 *b)
{
	e->lo = gs_le64(b);
	e->hi = gs_le64(b + 8);
}

static void gs_store(u8 *b, const struct gs_elem *e)
{
	gs_put_le64(b, e->lo);
	gs_put_le64(b + 8, e->hi);
}

/*
 * @x = @x * @h * x^-128 in GF(2^128) mod x^128 + x^127 + x^126 + x^121 + 1
 * (RFC 8452 "dot"). Horner over the bits of @h from the lowest: add @x
 * when the bit is set, then multiply by x^-1; after 128 steps bit i of @h
 * has been scaled by x^(i-128). Multiplying by x^-1: when bit 0 is set,
 * add the polynomial (clearing bit 0), then shift right; x^128, x^127,
 * x^126 and x^121 become bits 127, 126, 125 and 120 (0xe1 << 56).
 */
static void gs_dot(struct gs_elem *x, const struct gs_elem *h)
{
	u64 rl = 0, rh = 0, m, c;
	int i;

	for (i = 0; i < 128; i++) {
		m = 0 - ((i < 64 ? h->lo >> i : h->hi >> (i - 64)) & 1);
		rl ^= x->lo & m;
		rh ^= x->hi & m;
		c = 0 - (rl & 1);
		rl = rl >> 1 | rh << 63;
		rh = rh >> 1 ^ (c & 0xe100000000000000ULL);
	}
	x->lo = rl;
	x->hi = rh;
}

static void gs_absorb(struct gs_elem *acc, const struct gs_elem *h,
		      const u8 *blk)
{
	struct gs_elem b;

	gs_load(&b, blk);
	acc->lo ^= b.lo;
	acc->hi ^= b.hi;
	gs_dot(acc, h);
}

void knts_polyval(u8 acc[16], const u8 h[16], const u8 *blocks,
		  size_t n_blocks)
{
	struct gs_elem a, hh;

	gs_load(&a, acc);
	gs_load(&hh, h);
	for (; n_blocks; n_blocks--, blocks += GS_BLOCK)
		gs_absorb(&a, &hh, blocks);
	gs_store(acc, &a);
	memzero_explicit(&hh, sizeof(hh));
	memzero_explicit(&a, sizeof(a));
}

/* POLYVAL over @len bytes, the last block zero-padded. */
static void gs_absorb_padded(struct gs_elem *acc, const struct gs_elem *h,
			     const u8 *p, size_t len)
{
	u8 last[GS_BLOCK];

	for (; len >= GS_BLOCK; len -= GS_BLOCK, p += GS_BLOCK)
		gs_absorb(acc, h, p);
	if (!len)
		return;
	memset(last, 0, sizeof(last));
	memcpy(last, p, len);
	gs_absorb(acc, h, last);
	memzero_explicit(last, sizeof(last));
}

/*
 * Per-nonce keys (RFC 8452 s4): block i of AES(K, LE32(i) || N), first 8
 * bytes each; blocks 0-1 make the POLYVAL key, 2-3 the encryption key,
 * with which @a is keyed on return.
 */
static int gs_derive(struct knts_gcmsiv_aes *a, const u8 *key,
		     const u8 *nonce, struct gs_elem *auth)
{
	u8 in[GS_BLOCK], out[GS_BLOCK], k[2 * GS_BLOCK];
	int i, err;

	err = knts_gcmsiv_aes_setkey(a, key);
	memset(in, 0, sizeof(in));
	memcpy(in + 4, nonce, KNTS_GCMSIV_NONCE_LEN);
	for (i = 0; i < 4 && !err; i++) {
		in[0] = (u8)i;
		err = knts_gcmsiv_aes_encrypt(a, out, in);
		memcpy(k + 8 * i, out, 8);
	}
	if (!err) {
		gs_load(auth, k);
		err = knts_gcmsiv_aes_setkey(a, k + GS_BLOCK);
	}
	memzero_explicit(out, sizeof(out));
	memzero_explicit(k, sizeof(k));
	return err;
}

/* The tag over AD and plaintext @pt, with @a keyed for encryption. */
static int gs_tag(struct knts_gcmsiv_aes *a, const struct gs_elem *auth,
		  const u8 *ad, size_t ad_len, const u8 *nonce, const u8 *pt,
		  size_t len, u8 tag[GS_BLOCK])
{
	struct gs_elem s = { 0, 0 };
	u8 blk[GS_BLOCK];
	int i, err;

	gs_absorb_padded(&s, auth, ad, ad_len);
	gs_absorb_padded(&s, auth, pt, len);
	gs_put_le64(blk, (u64)ad_len * 8);
	gs_put_le64(blk + 8, (u64)len * 8);
	gs_absorb(&s, auth, blk);
	gs_store(blk, &s);
	for (i = 0; i < KNTS_GCMSIV_NONCE_LEN; i++)
		blk[i] ^= nonce[i];
	blk[15] &= 0x7f;
	err = knts_gcmsiv_aes_encrypt(a, tag, blk);
	memzero_explicit(blk, sizeof(blk));
	memzero_explicit(&s, sizeof(s));
	return err;
}

/* CTR from the tag with its top bit set; the counter is LE32 at byte 0. */
static int gs_ctr(struct knts_gcmsiv_aes *a, const u8 tag[GS_BLOCK],
		  const u8 *in, u8 *out, size_t len)
{
	u8 ctr[GS_BLOCK], ks[GS_BLOCK];
	size_t i, n;
	u32 c;
	int err = 0;

	memcpy(ctr, tag, GS_BLOCK);
	ctr[15] |= 0x80;
	c = (u32)ctr[0] | (u32)ctr[1] << 8 | (u32)ctr[2] << 16 |
	    (u32)ctr[3] << 24;
	while (len && !err) {
		err = knts_gcmsiv_aes_encrypt(a, ks, ctr);
		n = len < GS_BLOCK ? len : GS_BLOCK;
		for (i = 0; i < n; i++)
			out[i] = in[i] ^ ks[i];
		in += n;
		out += n;
		len -= n;
		c++;
		ctr[0] = (u8)c;
		ctr[1] = (u8)(c >> 8);
		ctr[2] = (u8)(c >> 16);
		ctr[3] = (u8)(c >> 24);
	}
	memzero_explicit(ks, sizeof(ks));
	return err;
}

int knts_gcmsiv_blk_seal(const u8 key[KNTS_GCMSIV_KEY_LEN],
			 const u8 *ad, size_t ad_len,
			 const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
			 const u8 *pt, size_t len, u8 *out)
{
	struct knts_gcmsiv_aes *a;
	struct gs_elem auth;
	u8 tag[GS_BLOCK];
	int err;

	if (ad_len > KNTS_GCMSIV_MAX_LEN || len > KNTS_GCMSIV_MAX_LEN)
		return -EINVAL;
	a = knts_gcmsiv_aes_begin();
	if (!a)
		return -ENOMEM;
	err = gs_derive(a, key, nonce, &auth) ?:
	      gs_tag(a, &auth, ad, ad_len, nonce, pt, len, tag) ?:
	      gs_ctr(a, tag, pt, out, len);
	knts_gcmsiv_aes_end(a);
	if (err)
		memzero_explicit(out, len + GS_BLOCK);
	else
		memcpy(out + len, tag, GS_BLOCK);
	memzero_explicit(&auth, sizeof(auth));
	return err;
}

int knts_gcmsiv_blk_open(const u8 key[KNTS_GCMSIV_KEY_LEN],
			 const u8 *ad, size_t ad_len,
			 const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
			 const u8 *in, size_t len, u8 *pt)
{
	struct knts_gcmsiv_aes *a;
	u8 tag[GS_BLOCK], want[GS_BLOCK] = { 0 };
	struct gs_elem auth;
	u8 diff = 0;
	int i, err;

	if (ad_len > KNTS_GCMSIV_MAX_LEN || len > KNTS_GCMSIV_MAX_LEN)
		return -EINVAL;
	/* Read the tag first: @pt may overwrite @in. */
	memcpy(tag, in + len, GS_BLOCK);
	a = knts_gcmsiv_aes_begin();
	if (!a) {
		memzero_explicit(pt, len);
		return -ENOMEM;
	}
	err = gs_derive(a, key, nonce, &auth) ?:
	      gs_ctr(a, tag, in, pt, len) ?:
	      gs_tag(a, &auth, ad, ad_len, nonce, pt, len, want);
	knts_gcmsiv_aes_end(a);
	for (i = 0; i < GS_BLOCK; i++)
		diff |= tag[i] ^ want[i];
	if (!err && diff)
		err = -EBADMSG;
	if (err)
		memzero_explicit(pt, len);
	memzero_explicit(want, sizeof(want));
	memzero_explicit(&auth, sizeof(auth));
	return err;
}

/*
 * Userspace has this one implementation. The kernel's entry points are
 * in gcmsiv_key.c: knts's AES-NI core where it can run, this otherwise.
 */
#ifndef __KERNEL__
int knts_gcmsiv_seal(const u8 key[KNTS_GCMSIV_KEY_LEN],
		     const u8 *ad, size_t ad_len,
		     const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
		     const u8 *pt, size_t len, u8 *out)
{
	return knts_gcmsiv_blk_seal(key, ad, ad_len, nonce, pt, len, out);
}

int knts_gcmsiv_open(const u8 key[KNTS_GCMSIV_KEY_LEN],
		     const u8 *ad, size_t ad_len,
		     const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
		     const u8 *in, size_t len, u8 *pt)
{
	return knts_gcmsiv_blk_open(key, ad, ad_len, nonce, in, len, pt);
}
#endif
