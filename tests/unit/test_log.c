// SPDX-License-Identifier: GPL-2.0
/* ntskd's log lines (userspace/ntskd/log.c): journald priorities. */
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "log.h"

static char path[] = "/tmp/knts-log.XXXXXX";

static char *run_lines(void)
{
	size_t len;

	log_err("an error");
	log_warn("a warning");
	log_info("some news");
	log_debug("a detail");
	fflush(stderr);
	return unit_slurp(path, &len);
}

static void test_journal(void)
{
	struct stat st;
	char env[64], *text;

	EXPECT_EQ(fstat(STDERR_FILENO, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	ntskd_log_open(false, false);
	text = run_lines();
	EXPECT(text && !strcmp(text, "<3>an error\n<4>a warning\n<6>some news\n"));
	if (text && strcmp(text, "<3>an error\n<4>a warning\n<6>some news\n"))
		fprintf(stdout, "# got: %s\n", text);
	free(text);
}

static void test_not_journal(void)
{
	char *text;

	EXPECT_EQ(ftruncate(STDERR_FILENO, 0), 0);
	rewind(stderr);
	/* inherited, but names another stream: plain lines */
	setenv("JOURNAL_STREAM", "1:1", 1);
	ntskd_log_open(false, true);
	text = run_lines();
	EXPECT(text && strstr(text, " ntskd: error: an error\n") &&
	       strstr(text, " ntskd: debug: a detail\n") && !strstr(text, "<3>"));
	free(text);
}

int main(void)
{
	int fd = mkstemp(path), out = dup(STDOUT_FILENO);

	if (fd < 0 || out < 0 || !freopen(path, "w", stderr)) {
		printf("not ok 1 - setup\n1..1\n");
		return 1;
	}
	close(fd);
	setvbuf(stderr, NULL, _IONBF, 0);
	RUN(test_journal);
	RUN(test_not_journal);
	unlink(path);
	return unit_done();
}
