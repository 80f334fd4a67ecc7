// SPDX-License-Identifier: GPL-2.0
/* ntskd's seccomp filter (userspace/ntskd/privdrop.c), in a child. */
#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "privdrop.h"

/* In the child: 0 when the filter refuses what it must and no more. */
static int child(void)
{
	/* /bin/false: were it to run, the child would exit 1 */
	char *argv[] = { "/bin/false", NULL }, *envp[] = { NULL };

	if (ntskd_seccomp_install())
		return 10;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 11;
	execve(argv[0], argv, envp);
	if (errno != EPERM)
		return 12;
	if (setuid(getuid()) != -1 || errno != EPERM)
		return 13;
	if (unshare(0) != -1 || errno != EPERM)
		return 14;
	/* what ntskd does all day still works */
	if (getpid() <= 0 || close(dup(1)))
		return 15;
	return 0;
}

static void test_filter(void)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(child());
	EXPECT(pid > 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
}

int main(void)
{
	RUN(test_filter);
	return unit_done();
}
