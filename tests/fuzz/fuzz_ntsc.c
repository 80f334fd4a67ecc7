// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the NTS client reply check
 * (userspace/lib/nts_client_pkt.c over kmod/ef.c and both SIV codes).
 * Each input is a reply; its own origin timestamp and UID are taken as
 * "ours" so the fuzzer gets past those checks to the EF walk, the
 * authenticator and the cookie parse. The key is the real chrony S2C of
 * the seed reply (tests/vectors/vec_resp.hex), so the seed verifies.
 * Invariants: known verdicts only, the one-shot and prepared-key SIV
 * codes always agree, and an accepted reply carries 1..8 cookies.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nts_client_pkt.h"
#include "siv_keyed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_ntsc: %s:%d: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static const uint8_t s2c[32] = {
	0x87, 0x92, 0xc3, 0xb9, 0x92, 0x5b, 0xf6, 0x06,
	0xea, 0xc3, 0xcb, 0x7d, 0xb7, 0x10, 0xa9, 0xde,
	0x74, 0xf7, 0x4e, 0x09, 0x53, 0x43, 0x17, 0xa7,
	0x0e, 0x75, 0xe6, 0x90, 0x68, 0xa6, 0xb2, 0xd6,
};

static struct knts_siv_key *key;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t no_uid[32];
	struct knts_ntsc_info a, b;
	const uint8_t *uid = size >= 84 ? data + 52 : no_uid;
	uint64_t tx = 0;
	size_t i;
	int v1, v2;

	if (!key)
		key = knts_siv_key_new(s2c, sizeof(s2c));
	CHECK(key);
	for (i = 24; i < 32 && i < size; i++)
		tx = tx << 8 | data[i];

	v1 = knts_ntsc_check_reply(data, size, tx, uid, 32, s2c, 32, &a);
	v2 = knts_ntsc_check_reply_k(data, size, tx, uid, 32, key, &b);
	CHECK(v1 == v2);
	CHECK(strcmp(knts_ntsc_verdict_name(v1), "unknown") != 0);
	CHECK(v1 != KNTS_NTSC_E_INTERNAL);
	CHECK(a.n_cookies == b.n_cookies && a.cookie_len == b.cookie_len);
	if (v1 == KNTS_NTSC_OK || v1 == KNTS_NTSC_UNSYNC)
		CHECK(a.n_cookies >= 1 && a.n_cookies <= 8 && a.cookie_len);
	if (v1 == KNTS_NTSC_NAK)
		CHECK(a.n_cookies == 0);

	v1 = knts_ntsc_check_plain(data, size, tx, &a);
	CHECK(strcmp(knts_ntsc_verdict_name(v1), "unknown") != 0);
	CHECK(v1 == KNTS_NTSC_OK || v1 == KNTS_NTSC_UNSYNC || v1 < 0);
	return 0;
}
