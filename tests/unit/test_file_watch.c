// SPDX-License-Identifier: GPL-2.0
/* Certificate file changes (userspace/ntskd/file_watch.c). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "file_watch.h"
#include "loop.h"

static struct ntskd_loop *loop;
static int changes;
static bool timed_out;
static char dir[] = "/tmp/knts-watch.XXXXXX";
static char cert[128], key[128], other[128];

static void on_change(void *arg)
{
	changes++;
	ntskd_loop_stop(loop);
}

static void on_deadline(struct ntskd_timer *t, void *arg)
{
	timed_out = true;
	ntskd_loop_stop(loop);
}

/* Run the loop until a change is reported or @ms pass; the changes seen. */
static int wait_change(unsigned int ms)
{
	struct ntskd_timer deadline;
	int before = changes;

	ntskd_timer_init(&deadline, on_deadline, NULL);
	ntskd_timer_arm(loop, &deadline, ms);
	timed_out = false;
	while (!timed_out && changes == before)
		ntskd_loop_run(loop);
	ntskd_timer_cancel(loop, &deadline);
	return changes - before;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_changes(void)
{
	const char *paths[] = { cert, key };
	struct ntskd_file_watch *w;
	char tmp[160], link_tmp[160];

	put(cert, "one");
	put(key, "one");
	w = ntskd_file_watch_new(loop, paths, 2, 100, on_change, NULL);
	EXPECT(w);
	if (!w)
		return;
	/* nothing happened: nothing reported */
	EXPECT_EQ(wait_change(300), 0);
	/* rewritten in place */
	put(cert, "two");
	EXPECT_EQ(wait_change(3000), 1);
	/* cert and key one after the other: one report */
	put(cert, "three");
	put(key, "three");
	EXPECT_EQ(wait_change(3000), 1);
	EXPECT_EQ(wait_change(300), 0);
	/* replaced by a rename, as install(1) and editors do */
	snprintf(tmp, sizeof(tmp), "%s/.new", dir);
	put(tmp, "four");
	EXPECT_EQ(rename(tmp, key), 0);
	EXPECT_EQ(wait_change(3000), 1);
	/* a symlink swung to a new file, as certbot does in live/ */
	snprintf(link_tmp, sizeof(link_tmp), "%s/.link", dir);
	put(other, "five");
	EXPECT_EQ(symlink(other, link_tmp), 0);
	EXPECT_EQ(rename(link_tmp, cert), 0);
	EXPECT_EQ(wait_change(3000), 1);
	/* another file in the same directory: not ours */
	put(other, "six");
	EXPECT_EQ(wait_change(500), 0);
	ntskd_file_watch_free(w);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(other, sizeof(other), "%s/other.pem", dir);
	loop = ntskd_loop_new();
	if (!loop) {
		printf("not ok 1 - loop\n1..1\n");
		return 1;
	}
	RUN(test_changes);
	ntskd_loop_free(loop);
	unlink(cert);
	unlink(key);
	unlink(other);
	rmdir(dir);
	return unit_done();
}
