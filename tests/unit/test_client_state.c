// SPDX-License-Identifier: GPL-2.0
/* ntskd's client-state file (userspace/ntskd/client_state.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "client_state.h"

static struct ntskd_client_state st, st2;

static void test_parse(void)
{
	static const char text[] =
		"# comment\n"
		"\n"
		"time.example.net 4460 192.0.2.1 123\n"
		"  ntp.example.org\t4461 2001:db8::5 11123\r\n"
		"bad line\n"
		"x.example 4460 192.0.2.300 123\n"	/* not an address */
		"y.example 0 192.0.2.3 123\n"		/* KE port 0 */
		"z.example 4460 192.0.2.3 65536\n"	/* NTP port too big */
		"w.example 4460 192.0.2.3 123 extra\n"
		"v.example +4460 192.0.2.3 123\n"
		"TIME.example.net 4460 192.0.2.7 123";	/* replaces line 3, no newline */
	const struct knts_assoc_id *id;
	char a[INET6_ADDRSTRLEN];

	EXPECT_EQ(ntskd_client_state_parse(text, sizeof(text) - 1, &st), 6);
	EXPECT_EQ(st.n, 2);
	id = ntskd_client_state_find(&st, "time.example.net", 4460);
	EXPECT(id && id->family == AF_INET && id->port == 123);
	if (id)
		EXPECT(!strcmp(knts_assoc_addr_str(id, a, sizeof(a)), "192.0.2.7"));
	id = ntskd_client_state_find(&st, "NTP.example.org", 4461);
	EXPECT(id && id->family == AF_INET6 && id->port == 11123);
	if (id)
		EXPECT(!strcmp(knts_assoc_addr_str(id, a, sizeof(a)), "2001:db8::5"));
	EXPECT(!ntskd_client_state_find(&st, "ntp.example.org", 4460));
	EXPECT(!ntskd_client_state_find(&st, "x.example", 4460));
	/* NUL bytes and overlong lines are skipped, not trusted */
	EXPECT_EQ(ntskd_client_state_parse("a 1 192.0.2.1 1\0x\n", 18, &st), 1);
	EXPECT_EQ(st.n, 0);
}

static void test_round_trip(void)
{
	struct knts_assoc_id id;
	char buf[8192];
	int len, i;

	memset(&st, 0, sizeof(st));
	EXPECT_EQ(knts_assoc_id_parse(&id, "[fd77::1]", 123), 0);
	EXPECT_EQ(ntskd_client_state_put(&st, "fd77::1", 4460, &id), 0);
	EXPECT_EQ(knts_assoc_id_parse(&id, "10.77.0.1", 4123), 0);
	EXPECT_EQ(ntskd_client_state_put(&st, "ntsa.test", 14460, &id), 0);
	len = ntskd_client_state_format(&st, buf, sizeof(buf));
	EXPECT(len > 0);
	EXPECT(strstr(buf, "\nfd77::1 4460 fd77::1 123\nntsa.test 14460 10.77.0.1 4123\n"));
	EXPECT_EQ(ntskd_client_state_parse(buf, (size_t)len, &st2), 0);
	EXPECT_EQ(st2.n, 2);
	EXPECT(knts_assoc_id_equal(&st.e[1].id, &st2.e[1].id));
	EXPECT(!knts_assoc_id_equal(&st.e[0].id, &st2.e[1].id));
	/* too small a buffer is an error, never a truncated file */
	EXPECT_EQ(ntskd_client_state_format(&st, buf, 100), -1);
	/* full at NTSKD_MAX_SERVERS */
	memset(&st, 0, sizeof(st));
	for (i = 0; i < NTSKD_MAX_SERVERS; i++) {
		char h[32];

		snprintf(h, sizeof(h), "s%d.example", i);
		EXPECT_EQ(ntskd_client_state_put(&st, h, 4460, &id), 0);
	}
	EXPECT_EQ(ntskd_client_state_put(&st, "one.more", 4460, &id), -1);
	EXPECT_EQ(ntskd_client_state_put(&st, "s5.example", 4460, &id), 0);
}

static void test_files(void)
{
	char dir[] = "/tmp/knts-cs.XXXXXX", path[128], err[256];
	struct knts_assoc_id id;
	unsigned int skipped = 9;
	struct stat sb;

	if (!mkdtemp(dir)) {
		EXPECT(0);
		return;
	}
	/* the directory is made on the first save, mode 0700 */
	snprintf(path, sizeof(path), "%s/sub/client-state", dir);
	EXPECT_EQ(ntskd_client_state_load(path, &st, &skipped, err, sizeof(err)),
		  -ENOENT);
	memset(&st, 0, sizeof(st));
	knts_assoc_id_parse(&id, "192.0.2.1", 123);
	ntskd_client_state_put(&st, "a.example", 4460, &id);
	EXPECT_EQ(ntskd_client_state_save(path, &st, err, sizeof(err)), 0);
	snprintf(err, sizeof(err), "%s/sub", dir);
	EXPECT(!stat(err, &sb) && (sb.st_mode & 0777) == 0700);
	EXPECT_EQ(ntskd_client_state_load(path, &st2, &skipped, err, sizeof(err)), 0);
	EXPECT_EQ(skipped, 0);
	EXPECT(st2.n == 1 && !strcmp(st2.e[0].host, "a.example"));
	/* no leftover temporary file */
	snprintf(err, sizeof(err), "%s.tmp", path);
	EXPECT(access(err, F_OK) != 0);
	unlink(path);
	snprintf(err, sizeof(err), "%s/sub", dir);
	rmdir(err);
	rmdir(dir);
}

/* A link-local address is one per link: the interface is in the ID. */
static void test_link_local(void)
{
	struct knts_assoc_id a, b;
	char buf[64];

	EXPECT_EQ(knts_assoc_id_parse(&a, "fe80::1%1", 123), 0);
	EXPECT_EQ(a.ifindex, 1);
	EXPECT_EQ(knts_assoc_id_parse(&b, "[fe80::1%lo]", 123), 0);
	EXPECT_EQ(b.ifindex, 1);
	EXPECT(knts_assoc_id_equal(&a, &b));
	EXPECT_EQ(knts_assoc_id_parse(&b, "fe80::1%2", 123), 0);
	EXPECT(!knts_assoc_id_equal(&a, &b));
	EXPECT(!strcmp(knts_assoc_addr_str(&a, buf, sizeof(buf)), "fe80::1%lo"));
	/* no link, or a link where none belongs, or one that does not exist */
	EXPECT_EQ(knts_assoc_id_parse(&a, "fe80::1", 123), -1);
	EXPECT_EQ(knts_assoc_id_parse(&a, "2001:db8::1%1", 123), -1);
	EXPECT_EQ(knts_assoc_id_parse(&a, "fe80::1%no-such-if0", 123), -1);
	EXPECT_EQ(knts_assoc_id_parse(&a, "192.0.2.1%1", 123), -1);
	EXPECT_EQ(knts_assoc_id_parse(&a, "2001:db8::1", 123), 0);
	EXPECT_EQ(a.ifindex, 0);
	EXPECT(knts_assoc_id_linklocal(&b) && !knts_assoc_id_linklocal(&a));
}

int main(void)
{
	RUN(test_link_local);
	RUN(test_parse);
	RUN(test_round_trip);
	RUN(test_files);
	return unit_done();
}
