// SPDX-License-Identifier: GPL-2.0
/*
 * Real chrony 4.6 cookies (tests/vectors/chrony46, made by its
 * make-vectors script): chrony 4.6 NTS servers sealed them under master
 * keys that `ntsctl keygen` wrote, and chrony 4.6 clients dumped them with
 * their session keys. Every cookie must open under its key with the
 * project's code to exactly the client's C2S || S2C, with the session
 * AEAD the client recorded, and sealing those keys again with the
 * cookie's own nonce must give the same bytes (both AEADs are
 * deterministic), which pins the layout down to the last byte.
 */
#include <errno.h>

#include "unit.h"
#include "cookie.h"
#include "keyfile.h"

#define N_COOKIES	8

struct dump {
	int aead;
	size_t key_len;
	u8 keys[64];		/* C2S || S2C */
	u8 cookie[N_COOKIES][KNTS_COOKIE_MAX_LEN];
	size_t len[N_COOKIES];
	int n;
};

/* NNC0: 4 header lines, "<ctx> <aead> <S2C> <C2S>", then the cookies. */
static int load_dump(const char *name, struct dump *d)
{
	char *txt = unit_slurp(unit_vector(name), NULL);
	char *line, *save = NULL, s2c[65], c2s[65];
	int ln = 0, ctx;

	memset(d, 0, sizeof(*d));
	if (!txt)
		return -1;
	for (line = strtok_r(txt, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), ln++) {
		long n;

		if (ln < 4)
			continue;
		if (ln == 4) {
			if (sscanf(line, "%d %d %64s %64s", &ctx, &d->aead, s2c,
				   c2s) != 4)
				break;
			d->key_len = knts_aead_key_len((unsigned int)d->aead);
			if (!d->key_len ||
			    unit_unhex(c2s, d->keys, 32) != (long)d->key_len ||
			    unit_unhex(s2c, d->keys + d->key_len, 32) !=
			    (long)d->key_len)
				break;
			continue;
		}
		if (d->n == N_COOKIES)
			break;
		n = unit_unhex(line, d->cookie[d->n], KNTS_COOKIE_MAX_LEN);
		if (n <= 0)
			break;
		d->len[d->n++] = (size_t)n;
	}
	free(txt);
	return d->n;
}

/* One client: master algorithm, session AEAD and cookie length expected. */
static void check_case(const char *name, unsigned int master_alg, int aead,
		       size_t cookie_len)
{
	char path[64];
	struct knts_keyfile kf;
	struct knts_cookie_keys k;
	struct dump d;
	u8 again[KNTS_COOKIE_MAX_LEN];
	int i, opened = 0, same = 0;

	snprintf(path, sizeof(path), "chrony46/%s.ntskeys", name);
	EXPECT_EQ(knts_keyfile_load(unit_vector(path), &kf), 0);
	snprintf(path, sizeof(path), "chrony46/%s.nts", name);
	EXPECT_EQ(load_dump(path, &d), N_COOKIES);
	EXPECT_EQ(d.aead, aead);
	for (i = 0; i < d.n; i++) {
		const struct knts_master_key *mk;
		u32 id = 0;

		EXPECT_EQ(d.len[i], cookie_len);
		EXPECT_EQ(knts_cookie_key_id(d.cookie[i], d.len[i], &id), 0);
		mk = knts_keyfile_find(&kf, id);
		EXPECT(mk != NULL);
		if (!mk)
			continue;
		/* chrony seals new cookies under the file's current key */
		EXPECT_EQ(mk->id, kf.keys[kf.current].id);
		EXPECT_EQ(mk->alg, master_alg);
		if (knts_cookie_open_alg(mk->alg, mk->key, id, d.cookie[i],
					 d.len[i], &k) == 0 &&
		    k.aead == aead && k.key_len == d.key_len &&
		    !memcmp(k.key, d.keys, 2 * d.key_len))
			opened++;
		/* the nonce follows the key ID; SIV keys take all 16 bytes */
		if (knts_cookie_seal_alg(mk->alg, mk->key, id, d.cookie[i] + 4,
					 &k, again, sizeof(again)) ==
		    (int)d.len[i] && !memcmp(again, d.cookie[i], d.len[i]))
			same++;
		d.cookie[i][d.len[i] - 1] ^= 1;
		EXPECT_EQ(knts_cookie_open_alg(mk->alg, mk->key, id,
					       d.cookie[i], d.len[i], &k),
			  -EBADMSG);
	}
	EXPECT_EQ(opened, N_COOKIES);
	EXPECT_EQ(same, N_COOKIES);
	knts_keyfile_wipe(&kf);
}

/* GCM-SIV master key (chrony >= 4.4's default), session AEAD 30. */
static void test_gcm_master_session_30(void)
{
	check_case("gcm-30", KNTS_AEAD_AES_128_GCM_SIV,
		   KNTS_AEAD_AES_128_GCM_SIV, 64);
}

/* GCM-SIV master key, session AEAD 15 (a client with ntsaeads 15). */
static void test_gcm_master_session_15(void)
{
	check_case("gcm-15", KNTS_AEAD_AES_128_GCM_SIV,
		   KNTS_AEAD_AES_SIV_CMAC_256, 96);
}

/* AES-SIV-CMAC-256 master key, session AEAD 30. */
static void test_siv_master_session_30(void)
{
	check_case("siv-30", KNTS_AEAD_AES_SIV_CMAC_256,
		   KNTS_AEAD_AES_128_GCM_SIV, 68);
}

int main(void)
{
	RUN(test_gcm_master_session_30);
	RUN(test_gcm_master_session_15);
	RUN(test_siv_master_session_30);
	return unit_done();
}
