// SPDX-License-Identifier: GPL-2.0
/*
 * keyfile-follow (userspace/ntskd/keyfile_follow.c): reading the ntskeys
 * a rotating chrony rewrites. A rotation is new keys; the same keys again
 * (chronyc dump, a touch) are not; anything chrony would not write -- cut
 * short, garbage, a key knts cannot use -- is refused whole and leaves the
 * keys in use as they were.
 */
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "keyfile.h"
#include "keyfile_follow.h"

static char dir[] = "/tmp/knts-follow-XXXXXX";
static char path[256], err[1024];

/* Write @text to the followed path by a rename, as chrony does. */
static void put(const char *text)
{
	char tmp[300];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	EXPECT(f);
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
	EXPECT_EQ(rename(tmp, path), 0);
}

/* chrony 4.3's file: IDs base|slot, slots first..first+3, keys k0..k3. */
static void nks0(char *buf, size_t cap, uint32_t base, unsigned int first,
		 const char *const key[4], const char *age)
{
	size_t n = (size_t)snprintf(buf, cap, "NKS0\n15 %s\n", age);
	unsigned int i;

	for (i = 0; i < 4; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%08X %s\n",
				      base | ((first + i) & 3), key[i]);
}

#define K(c) c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
	     c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
static const char *const keys_a[4] = { K("1"), K("2"), K("3"), K("4") };
/* one rotation later: the oldest gone, a new next key */
static const char *const keys_b[4] = { K("2"), K("3"), K("4"), K("5") };

static enum ntskd_follow_result rd(const struct ntskd_masterkeys *cur,
				   struct ntskd_masterkeys *next)
{
	err[0] = '\0';
	return ntskd_follow_read(cur, path, 1000, next, err, sizeof(err));
}

static bool wiped(const struct ntskd_masterkeys *mk)
{
	static const struct ntskd_masterkeys zero;

	return !memcmp(mk, &zero, sizeof(zero));
}

static void test_missing(void)
{
	struct ntskd_masterkeys next;

	EXPECT_EQ(rd(NULL, &next), NTSKD_FOLLOW_MISSING);
	EXPECT(strstr(err, "No such file"));
	EXPECT(wiped(&next));
}

static void test_rotation(void)
{
	struct ntskd_masterkeys cur, next, before;
	char text[1024];

	/* first read: 4 keys, the third current, as chrony 4.3 wrote them */
	nks0(text, sizeof(text), 0xABCD0000, 1, keys_a, "12.0");
	put(text);
	EXPECT_EQ(rd(NULL, &cur), NTSKD_FOLLOW_NEW);
	EXPECT_EQ(ntskd_mk_current(&cur)->id, 0xABCD0003);
	EXPECT_EQ(cur.slot[0].id, 0xABCD0000);	/* the next key */
	EXPECT_EQ(cur.slot[0].key[0], 0x44);

	/* chronyc dump, or the same file with another age: not a rotation */
	nks0(text, sizeof(text), 0xABCD0000, 1, keys_a, "300.5");
	put(text);
	EXPECT_EQ(rd(&cur, &next), NTSKD_FOLLOW_SAME);

	/* chrony rotated: the next key is current, a fresh next key */
	nks0(text, sizeof(text), 0xABCD0000, 2, keys_b, "0.0");
	put(text);
	before = cur;
	EXPECT_EQ(rd(&cur, &next), NTSKD_FOLLOW_NEW);
	EXPECT_EQ(ntskd_mk_current(&next)->id, 0xABCD0000);
	EXPECT_EQ(ntskd_mk_current(&next)->key[0], 0x44);
	EXPECT_EQ(next.slot[1].id, 0xABCD0001);	/* the new next key */
	EXPECT_EQ(next.slot[1].key[0], 0x55);
	/* the previous two stay: cookies under them are still accepted */
	EXPECT_EQ(next.slot[3].id, 0xABCD0003);
	EXPECT_EQ(next.slot[2].id, 0xABCD0002);
	/* reading never touches the keys in use */
	EXPECT_MEM(&cur, &before, sizeof(cur));
}

/* Everything chrony would not write: refused, nothing half taken. */
static void test_refused(void)
{
	static const char *const bad[] = {
		"",
		"garbage\n",
		"NKS0\n",
		"NKS0\n15 0.0\n",
		/* cut short after two whole keys: the wrong key would be current */
		"NKS0\n15 0.0\nABCD0001 " K("1") "\nABCD0002 " K("2") "\n",
		/* three keys */
		"NKS0\n15 0.0\nABCD0001 " K("1") "\nABCD0002 " K("2") "\nABCD0003 " K("3") "\n",
		/* cut in the middle of the fourth key */
		"NKS0\n15 0.0\nABCD0001 " K("1") "\nABCD0002 " K("2") "\nABCD0003 " K("3") "\nABCD0000 1111",
		/* slots out of order */
		"NKS0\n15 0.0\nABCD0001 " K("1") "\nABCD0003 " K("2") "\nABCD0002 " K("3") "\nABCD0000 " K("4") "\n",
		/* an algorithm knts has no cookies for (AES-SIV-CMAC-512) */
		"NKS1\n0.0\nABCD0001 " K("1") " 17\nABCD0002 " K("2") " 17\nABCD0003 " K("3") " 17\nABCD0000 " K("4") " 17\n",
	};
	struct ntskd_masterkeys cur, next, before;
	char text[1024];
	unsigned int i;

	nks0(text, sizeof(text), 0x12340000, 0, keys_a, "1.0");
	put(text);
	EXPECT_EQ(rd(NULL, &cur), NTSKD_FOLLOW_NEW);
	before = cur;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(bad[i]);
		if (rd(&cur, &next) != NTSKD_FOLLOW_BAD) {
			fprintf(stderr, "# case %u was not refused\n", i);
			unit_checks_failed++;
		}
		EXPECT(err[0] && strstr(err, path));
		EXPECT(wiped(&next));
		EXPECT_MEM(&cur, &before, sizeof(cur));
	}
	put(bad[4]);
	rd(&cur, &next);
	EXPECT(strstr(err, "2 keys where chrony writes 4"));
	/* a good file again is taken: the same keys as before the mess */
	put(text);
	EXPECT_EQ(rd(&cur, &next), NTSKD_FOLLOW_SAME);
	/* gone: the caller keeps what it has */
	EXPECT_EQ(unlink(path), 0);
	EXPECT_EQ(rd(&cur, &next), NTSKD_FOLLOW_MISSING);
}

/* chrony >= 4.4: NKS1 with GCM-SIV keys (algorithm 30). */
static void test_nks1_gcmsiv(void)
{
	struct ntskd_masterkeys cur, next;
	char text[1024];
	int len;

	len = knts_keyfile_generate(30, text, sizeof(text));
	EXPECT(len > 0);
	if (len <= 0)
		return;
	text[len] = '\0';
	put(text);
	EXPECT_EQ(rd(NULL, &cur), NTSKD_FOLLOW_NEW);
	EXPECT_EQ(ntskd_mk_current(&cur)->alg, 30);
	EXPECT_EQ(ntskd_mk_current(&cur)->len, 16);
	EXPECT_EQ(rd(&cur, &next), NTSKD_FOLLOW_SAME);
	len = knts_keyfile_generate(30, text, sizeof(text));
	text[len > 0 ? len : 0] = '\0';
	put(text);
	EXPECT_EQ(rd(&cur, &next), NTSKD_FOLLOW_NEW);
	EXPECT(ntskd_mk_current(&next)->id != ntskd_mk_current(&cur)->id ||
	       memcmp(ntskd_mk_current(&next)->key,
		      ntskd_mk_current(&cur)->key, 16));
}

int main(void)
{
	EXPECT(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ntskeys", dir);
	RUN(test_missing);
	RUN(test_rotation);
	RUN(test_refused);
	RUN(test_nks1_gcmsiv);
	unlink(path);
	rmdir(dir);
	return unit_done();
}
