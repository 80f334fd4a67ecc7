// SPDX-License-Identifier: GPL-2.0
/*
 * Nonces and UIDs for the packet path.
 *
 * get_random_bytes() costs about 3,200 instructions a call (a ChaCha20
 * block to set up a fresh key, then the output block), and the batched
 * get_random_u64() about 500 a nonce on average: together more than the
 * AES-SIV work of a request. What the fields need is less than a CSPRNG
 * gives: an AEAD or cookie nonce must never repeat under one key (for
 * AES-SIV a repeat only shows that two plaintexts were equal; for
 * AES-GCM-SIV likewise), and a UID, like every nonce that goes out, must
 * be unguessable for anyone off path and unlinkable to the packets
 * before it.
 *
 * So inside knts's FPU section the nonce is AES-128 of a per-CPU block
 * counter and the CPU number, under a key get_random_bytes() drew at load
 * (siv_ni.c), like a CTR_DRBG (NIST SP 800-90A) without reseeding: AES is
 * a permutation, so distinct blocks give distinct nonces, and without the
 * key the outputs cannot be told from random. It costs about 20
 * instructions a block. Outside a section (no AES-NI, or the FPU taken
 * by whoever knts interrupted) get_random_bytes() it is, as before.
 */
#include <linux/random.h>

#include "nonce.h"
#include "siv_impl.h"

void knts_nonce(u8 *out, unsigned int len)
{
	if (!knts_siv_ni_nonce(out, len))
		get_random_bytes(out, len);
}
