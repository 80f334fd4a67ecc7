// SPDX-License-Identifier: GPL-2.0
/*
 * ntskd master keys (userspace/ntskd/masterkeys.c): chrony's slot scheme,
 * rotation, and the NKS0 file, byte for byte as chrony 4.3 writes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "masterkeys.h"

static void expect_slots_ok(const struct ntskd_masterkeys *mk)
{
	unsigned int i, j;

	EXPECT(mk->current < NTSKD_MK_SLOTS);
	for (i = 0; i < NTSKD_MK_SLOTS; i++) {
		EXPECT_EQ(mk->slot[i].id & 3, i);
		EXPECT_EQ(mk->slot[i].alg, 15);
		EXPECT_EQ(mk->slot[i].len, 32);
		for (j = 0; j < i; j++)
			EXPECT(memcmp(mk->slot[i].key, mk->slot[j].key, 32));
	}
}

static void test_generate_rotate(void)
{
	struct ntskd_masterkeys mk, old;
	unsigned int c;

	EXPECT_EQ(ntskd_mk_generate(&mk, 5000), 0);
	expect_slots_ok(&mk);
	EXPECT_EQ(mk.newest_ms, 5000);
	EXPECT(ntskd_mk_age(&mk, 7500) == 2.5);
	EXPECT(ntskd_mk_age(&mk, 1000) == 0.0);
	EXPECT(ntskd_mk_current(&mk) == &mk.slot[mk.current]);

	old = mk;
	c = mk.current;
	EXPECT_EQ(ntskd_mk_rotate(&mk, 9000), 0);
	expect_slots_ok(&mk);
	/* the next key is now current; the two before it stay */
	EXPECT_EQ(mk.current, (c + 1) % 4);
	EXPECT_EQ(ntskd_mk_current(&mk)->id, old.slot[(c + 1) % 4].id);
	EXPECT_MEM(mk.slot[c].key, old.slot[c].key, 32);
	EXPECT_EQ(mk.slot[(c + 3) % 4].id, old.slot[(c + 3) % 4].id);
	/* the oldest key gave its slot to a fresh next key */
	EXPECT(memcmp(mk.slot[(c + 2) % 4].key, old.slot[(c + 2) % 4].key, 32));
	EXPECT_EQ(mk.newest_ms, 9000);
	EXPECT(!ntskd_mk_equal(&mk, &old));
	old = mk;
	EXPECT(ntskd_mk_equal(&mk, &old));
	old.slot[1].key[31] ^= 1;
	EXPECT(!ntskd_mk_equal(&mk, &old));
	/* four rotations later every key has been replaced */
	old = mk;
	for (c = 0; c < 4; c++)
		EXPECT_EQ(ntskd_mk_rotate(&mk, 10000 + c), 0);
	EXPECT_EQ(mk.current, old.current);
	for (c = 0; c < 4; c++)
		EXPECT(memcmp(mk.slot[c].key, old.slot[c].key, 32));
	ntskd_mk_wipe(&mk);
	EXPECT_EQ(mk.slot[0].id, 0);
}

/* Formatting and the keyfile parser agree; the current key is line 3. */
static void test_format_roundtrip(void)
{
	struct ntskd_masterkeys mk, back;
	struct knts_keyfile kf;
	char text[NTSKD_MK_FILE_MAX], err[256];
	unsigned int i, r;
	int n;

	EXPECT_EQ(ntskd_mk_generate(&mk, 0), 0);
	for (r = 0; r < 4; r++) {
		n = ntskd_mk_format(&mk, 123456, text, sizeof(text));
		EXPECT_EQ(n, 5 + 9 + 4 * 74);	/* "NKS0\n" "15 123.5\n" 4 lines */
		EXPECT(!strncmp(text, "NKS0\n15 123.5\n", 14) ||
		       !strncmp(text, "NKS0\n15 123.4\n", 14));
		EXPECT_EQ(knts_keyfile_parse(text, (size_t)n, &kf), 0);
		EXPECT_EQ(kf.version, 0);
		EXPECT_EQ(kf.n, 4);
		EXPECT_EQ(kf.keys[kf.current].id, ntskd_mk_current(&mk)->id);
		EXPECT_EQ(kf.keys[3].id, mk.slot[(mk.current + 1) % 4].id);
		for (i = 0; i < 4; i++)
			EXPECT_MEM(kf.keys[i].key,
				   mk.slot[kf.keys[i].id & 3].key, 32);
		EXPECT_EQ(ntskd_mk_from_keyfile(&back, &kf, 200000, err,
						sizeof(err)), 0);
		EXPECT(ntskd_mk_equal(&back, &mk));
		/* the age survives the trip */
		EXPECT(ntskd_mk_age(&back, 200000) > 123.3 &&
		       ntskd_mk_age(&back, 200000) < 123.6);
		EXPECT_EQ(ntskd_mk_rotate(&mk, 0), 0);
	}
	EXPECT_EQ(ntskd_mk_format(&mk, 0, text, 100), -ENOSPC);
}

/* chrony 4.3's own file: loaded and written back identically. */
static void test_chrony_file(void)
{
	struct ntskd_masterkeys mk;
	struct knts_keyfile kf;
	char text[NTSKD_MK_FILE_MAX], err[256];
	size_t len = 0;
	char *orig = unit_slurp(unit_vector("chrony-cookies/ntskeys"), &len);
	int n;

	EXPECT(orig != NULL);
	if (!orig)
		return;
	/* parsed, not loaded: the checkout's mtime would age the keys */
	EXPECT_EQ(knts_keyfile_parse(orig, len, &kf), 0);
	EXPECT_EQ(ntskd_mk_from_keyfile(&mk, &kf, 1000, err, sizeof(err)), 0);
	EXPECT_EQ(ntskd_mk_current(&mk)->id, 0x89FC3BB3);
	EXPECT_EQ(mk.slot[(mk.current + 1) % 4].id, 0x5B52AE38);
	EXPECT_EQ(mk.newest_ms, 1000);
	n = ntskd_mk_format(&mk, 1000, text, sizeof(text));
	EXPECT_EQ(n, (int)len);
	EXPECT_MEM(text, orig, len);
	free(orig);
}

static void test_partial_and_foreign(void)
{
	static const char two[] =
		"NKS0\n15 30.0\n"
		"00000002 00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\n"
		"00000003 FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100\n";
	static const char gcm[] =
		"NKS1\n0.0\n"
		"00000001 00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF 15\n"
		"00000002 00112233445566778899AABBCCDDEEFF 30\n"
		"00000003 00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF 15\n"
		"00000000 00112233445566778899AABBCCDDEEFF 30\n";
	struct ntskd_masterkeys mk;
	struct knts_keyfile kf;
	char err[256];

	EXPECT_EQ(knts_keyfile_parse(two, strlen(two), &kf), 0);
	EXPECT_EQ(ntskd_mk_from_keyfile(&mk, &kf, 100000, err, sizeof(err)), 2);
	expect_slots_ok(&mk);
	EXPECT_EQ(mk.current, 2);
	EXPECT_EQ(mk.slot[2].id, 2);
	EXPECT_EQ(mk.slot[3].id, 3);
	EXPECT_EQ(mk.slot[2].key[0], 0x00);
	EXPECT_EQ(mk.slot[3].key[0], 0xff);
	EXPECT_EQ(mk.newest_ms, 100000 - 30000);

	/* chrony >= 4.4's GCM-SIV keys are taken, and written back as NKS1 */
	EXPECT_EQ(knts_keyfile_parse(gcm, strlen(gcm), &kf), 0);
	EXPECT(ntskd_mk_from_keyfile(&mk, &kf, 0, err, sizeof(err)) >= 0);
	{
		char text[NTSKD_MK_FILE_MAX];
		struct knts_keyfile back;
		int n = ntskd_mk_format(&mk, 0, text, sizeof(text));

		EXPECT(n > 0 && !strncmp(text, "NKS1\n", 5));
		EXPECT_EQ(knts_keyfile_parse(text, (size_t)n, &back), 0);
		EXPECT_EQ(back.keys[back.current].id,
			  ntskd_mk_current(&mk)->id);
		EXPECT_EQ(back.keys[back.current].alg,
			  ntskd_mk_current(&mk)->alg);
		knts_keyfile_wipe(&back);
	}
}

static void test_save_load(void)
{
	char dir[] = "/tmp/knts-mk-XXXXXX", path[256], tmp[300], err[512];
	char text[NTSKD_MK_FILE_MAX];
	struct ntskd_masterkeys mk, back;
	struct timeval times[2];
	struct stat st;
	size_t len;
	char *got;
	int n;

	EXPECT(mkdtemp(dir) != NULL);
	/* the state directory itself is created when missing */
	snprintf(path, sizeof(path), "%s/state/ntskeys", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	EXPECT_EQ(ntskd_mk_load(&back, path, 0, err, sizeof(err)), -ENOENT);
	EXPECT(strstr(err, "No such file") != NULL);
	EXPECT_EQ(ntskd_mk_generate(&mk, 0), 0);
	EXPECT_EQ(ntskd_mk_save(&mk, path, 42000, err, sizeof(err)), 0);
	EXPECT_EQ(stat(path, &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0600);
	EXPECT_EQ(access(tmp, F_OK), -1);
	got = unit_slurp(path, &len);
	n = ntskd_mk_format(&mk, 42000, text, sizeof(text));
	EXPECT(got && n == (int)len && !memcmp(got, text, len));
	free(got);
	EXPECT_EQ(ntskd_mk_load(&back, path, 50000, err, sizeof(err)), 0);
	EXPECT(ntskd_mk_equal(&back, &mk));
	EXPECT(back.newest_ms <= 50000 - 42000 && back.newest_ms > 50000 - 44000);
	/* a file that lay on disk for an hour: its keys are an hour older */
	times[0].tv_sec = times[1].tv_sec = time(NULL) - 3600;
	times[0].tv_usec = times[1].tv_usec = 0;
	EXPECT_EQ(utimes(path, times), 0);
	EXPECT_EQ(ntskd_mk_load(&back, path, 50000, err, sizeof(err)), 0);
	EXPECT(ntskd_mk_age(&back, 50000) >= 3642.0 &&
	       ntskd_mk_age(&back, 50000) < 3645.0);

	/* replaced atomically, a stale temp file and loose mode corrected */
	EXPECT_EQ(ntskd_mk_rotate(&mk, 0), 0);
	EXPECT_EQ(close(open(tmp, O_CREAT | O_WRONLY, 0644)), 0);
	chmod(tmp, 0644);
	EXPECT_EQ(ntskd_mk_save(&mk, path, 0, err, sizeof(err)), 0);
	EXPECT_EQ(stat(path, &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0600);
	EXPECT_EQ(ntskd_mk_load(&back, path, 0, err, sizeof(err)), 0);
	EXPECT(ntskd_mk_equal(&back, &mk));

	/* a garbled file is refused, not replaced */
	EXPECT_EQ(truncate(path, 20), 0);
	EXPECT_EQ(ntskd_mk_load(&back, path, 0, err, sizeof(err)), -EINVAL);
	/* named with the line and the reason */
	EXPECT(strstr(err, "ntskeys:3: expected 'ID KEY'") != NULL);

	/* a directory that cannot be created is reported */
	snprintf(path, sizeof(path), "%s/no/such/dir/ntskeys", dir);
	EXPECT(ntskd_mk_save(&mk, path, 0, err, sizeof(err)) < 0);
	EXPECT(strstr(err, "cannot create") != NULL);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	EXPECT_EQ(system(path), 0);
}

int main(void)
{
	RUN(test_generate_rotate);
	RUN(test_format_roundtrip);
	RUN(test_chrony_file);
	RUN(test_partial_and_foreign);
	RUN(test_save_load);
	return unit_done();
}
