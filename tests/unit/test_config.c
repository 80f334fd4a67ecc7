// SPDX-License-Identifier: GPL-2.0
/* ntskd.conf parser (userspace/ntskd/config.c). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/knts.h>

#include "unit.h"
#include "config.h"

static struct ntskd_config cfg;
static char err[512];

static int parse(const char *text)
{
	ntskd_config_free(&cfg);
	return ntskd_config_parse(&cfg, "t.conf", text, strlen(text), err,
				  sizeof(err));
}

/* @text must fail with exactly @want as the message. */
#define EXPECT_ERR(text, want)						\
	do {								\
		EXPECT_EQ(parse(text), -1);				\
		if (strcmp(err, (want))) {				\
			fprintf(stderr, "# got  '%s'\n# want '%s'\n", err, (want)); \
			unit_checks_failed++;				\
		}							\
	} while (0)

static void test_defaults(void)
{
	EXPECT_EQ(parse(""), 0);
	EXPECT_EQ(cfg.n_listen, 0);
	EXPECT(!strcmp(cfg.keyfile, "/var/lib/knts/ntskeys"));
	EXPECT_EQ(cfg.rotate, 86400);
	EXPECT_EQ(cfg.ntp_port, 123);
	EXPECT_EQ(cfg.policy, KNTS_POLICY_MIXED);
	EXPECT_EQ(cfg.refresh, 2419200);
	EXPECT_EQ(cfg.n_servers, 0);
	EXPECT(!cfg.cert[0] && !cfg.key[0] && !cfg.ntp_server[0]);
	EXPECT(!ntskd_config_server_role(&cfg));
	EXPECT_EQ(err[0], 0);
	/* comments, blank lines, CRLF, tabs, no final newline */
	EXPECT_EQ(parse("# only comments\n\n   \t\r\n  # indented\n# x"), 0);
}

static void test_full(void)
{
	static const char text[] =
		"# ntskd test\n"
		"ke-listen 192.0.2.1\n"
		"ke-listen  2001:db8::1   4461 # v6 on another port\n"
		"ke-listen [2001:db8::2]\r\n"
		"cert /etc/knts/chain.pem\n"
		"\tkey /etc/knts/key.pem\n"
		"keyfile /srv/ntskeys\n"
		"rotate 0\n"
		"ntp-port 11123\n"
		"ntp-server ntp1.example.org\n"
		"policy nts-only\n"
		"server time.example.com\n"
		"server 192.0.2.9 ke-port 1234 ca /etc/ca.pem aead 17,15\n"
		"server ntp.example.net noverify aead 16\n"
		"refresh 3600\n";
	char a[INET6_ADDRSTRLEN];

	EXPECT_EQ(parse(text), 0);
	EXPECT_EQ(cfg.n_listen, 3);
	EXPECT_EQ(cfg.listen[0].family, AF_INET);
	inet_ntop(AF_INET, &cfg.listen[0].addr.v4, a, sizeof(a));
	EXPECT(!strcmp(a, "192.0.2.1"));
	EXPECT_EQ(cfg.listen[0].port, 4460);
	EXPECT_EQ(cfg.listen[0].line, 2);
	EXPECT_EQ(cfg.listen[1].family, AF_INET6);
	inet_ntop(AF_INET6, &cfg.listen[1].addr.v6, a, sizeof(a));
	EXPECT(!strcmp(a, "2001:db8::1"));
	EXPECT_EQ(cfg.listen[1].port, 4461);
	inet_ntop(AF_INET6, &cfg.listen[2].addr.v6, a, sizeof(a));
	EXPECT(!strcmp(a, "2001:db8::2"));
	EXPECT(!strcmp(cfg.cert, "/etc/knts/chain.pem"));
	EXPECT(!strcmp(cfg.key, "/etc/knts/key.pem"));
	EXPECT(!strcmp(cfg.keyfile, "/srv/ntskeys"));
	EXPECT_EQ(cfg.rotate, 0);
	EXPECT_EQ(cfg.ntp_port, 11123);
	EXPECT(!strcmp(cfg.ntp_server, "ntp1.example.org"));
	EXPECT_EQ(cfg.policy, KNTS_POLICY_NTS_ONLY);
	EXPECT(ntskd_config_server_role(&cfg));
	EXPECT_EQ(cfg.refresh, 3600);

	EXPECT_EQ(cfg.n_servers, 3);
	if (cfg.n_servers == 3) {
		EXPECT(!strcmp(cfg.servers[0].host, "time.example.com"));
		EXPECT_EQ(cfg.servers[0].ke_port, 4460);
		EXPECT(!cfg.servers[0].ca[0] && !cfg.servers[0].noverify);
		EXPECT_EQ(cfg.servers[0].n_aeads, 0);
		EXPECT_EQ(cfg.servers[0].line, 12);
		EXPECT(!strcmp(cfg.servers[1].host, "192.0.2.9"));
		EXPECT_EQ(cfg.servers[1].ke_port, 1234);
		EXPECT(!strcmp(cfg.servers[1].ca, "/etc/ca.pem"));
		EXPECT_EQ(cfg.servers[1].n_aeads, 2);
		EXPECT_EQ(cfg.servers[1].aeads[0], 17);
		EXPECT_EQ(cfg.servers[1].aeads[1], 15);
		EXPECT(cfg.servers[2].noverify);
		EXPECT_EQ(cfg.servers[2].n_aeads, 1);
		EXPECT_EQ(cfg.servers[2].aeads[0], 16);
	}
	/* ntp-server may be an address; the policy default is explicit too */
	EXPECT_EQ(parse("cert c\nkey k\nntp-server 2001:db8::7\npolicy mixed\n"),
		  0);
	EXPECT(!strcmp(cfg.ntp_server, "2001:db8::7"));
	EXPECT_EQ(cfg.policy, KNTS_POLICY_MIXED);
	/* boundaries */
	EXPECT_EQ(parse("ntp-port 65535\nrotate 315360000\nrefresh 1\n"), 0);
	EXPECT_EQ(cfg.ntp_port, 65535);
	EXPECT_EQ(cfg.rotate, 315360000);
}

static void test_errors(void)
{
	EXPECT_ERR("foo bar\n", "t.conf:1: unknown directive 'foo'");
	EXPECT_ERR("\n\nrotate\n", "t.conf:3: usage: rotate SECONDS");
	EXPECT_ERR("rotate 1 2\n", "t.conf:1: usage: rotate SECONDS");
	EXPECT_ERR("rotate -1\n",
		   "t.conf:1: rotate '-1' is not a number from 0 to 315360000");
	EXPECT_ERR("rotate 1d\n",
		   "t.conf:1: rotate '1d' is not a number from 0 to 315360000");
	EXPECT_ERR("rotate 99999999999\n",
		   "t.conf:1: rotate '99999999999' is not a number from 0 to 315360000");
	EXPECT_ERR("rotate 315360001\n",
		   "t.conf:1: rotate '315360001' is not a number from 0 to 315360000");
	EXPECT_ERR("rotate 3600\nrotate 7200\n",
		   "t.conf:2: 'rotate' given twice (first on line 1)");
	EXPECT_ERR("user\n", "t.conf:1: usage: user NAME");
	EXPECT_ERR("user a\nuser b\n", "t.conf:2: 'user' given twice (first on line 1)");
	EXPECT_EQ(parse("user _ntskd\n"), 0);
	EXPECT(!strcmp(cfg.user, "_ntskd"));
	EXPECT_ERR("rotate 3599\n",
		   "t.conf:1: rotate 3599 is below the minimum of 3600 s: cookies would expire between a client's polls (0 turns rotation off)");
	EXPECT_ERR("rotate 1\n",
		   "t.conf:1: rotate 1 is below the minimum of 3600 s: cookies would expire between a client's polls (0 turns rotation off)");
	EXPECT_EQ(parse("rotate 3600\n"), 0);
	EXPECT_EQ(cfg.rotate, 3600);
	EXPECT_ERR("ntp-port 0\n",
		   "t.conf:1: ntp-port '0' is not a number from 1 to 65535");
	EXPECT_ERR("ntp-port 65536\n",
		   "t.conf:1: ntp-port '65536' is not a number from 1 to 65535");
	EXPECT_ERR("refresh 0\n",
		   "t.conf:1: refresh '0' is not a number from 1 to 315360000");
	EXPECT_ERR("policy strict\n",
		   "t.conf:1: policy 'strict': use mixed or nts-only");
	EXPECT_ERR("ntp-server bad_name!\n",
		   "t.conf:1: 'bad_name!' is not a host name or IP address");
	EXPECT_ERR("cert a\ncert b\nkey k\n",
		   "t.conf:2: 'cert' given twice (first on line 1)");
	EXPECT_ERR("keyfile\n", "t.conf:1: usage: keyfile FILE");
	EXPECT_ERR("keyfile a b\n", "t.conf:1: usage: keyfile FILE");
	EXPECT_ERR("# c\ncert /c\n",
		   "t.conf:2: 'cert' needs 'key' (the certificate's private key)");
	EXPECT_ERR("key /k\n", "t.conf:1: 'key' needs 'cert' (the certificate chain)");
	EXPECT_ERR("rotate 5000\nke-listen 127.0.0.1\n",
		   "t.conf:2: 'ke-listen' needs 'cert' and 'key' (the NTS-KE server)");
	EXPECT_ERR("cert c\nkey k\nke-listen localhost\n",
		   "t.conf:3: 'localhost' is not an IPv4 or IPv6 address");
	EXPECT_ERR("cert c\nkey k\nke-listen fe80::1%eth0\n",
		   "t.conf:3: 'fe80::1%eth0' is not an IPv4 or IPv6 address");
	EXPECT_ERR("cert c\nkey k\nke-listen 10.0.0.1 0\n",
		   "t.conf:3: port '0' is not a number from 1 to 65535");
	EXPECT_ERR("cert c\nkey k\nke-listen 10.0.0.1 1 2\n",
		   "t.conf:3: usage: ke-listen ADDRESS [PORT]");
	EXPECT_ERR("cert c\nkey k\nke-listen ::1\nke-listen [::1] 4460\n",
		   "t.conf:4: the same address and port as line 3");
	EXPECT_EQ(parse("cert c\nkey k\nke-listen ::1\nke-listen ::1 4461\n"
			"ke-listen 0.0.0.0\n"), 0);
	EXPECT_ERR("server\n",
		   "t.conf:1: usage: server HOST [ke-port PORT] [ca FILE] [noverify] [aead ID,...] [ntp ADDR] [owner USER] [plain-until-nts]");
	EXPECT_ERR("server a..b\n", "t.conf:1: 'a..b' is not a host name or IP address");
	EXPECT_ERR("server h ke-port\n", "t.conf:1: 'ke-port' needs a value");
	EXPECT_ERR("server h ke-port 70000\n",
		   "t.conf:1: ke-port '70000' is not a number from 1 to 65535");
	EXPECT_ERR("server h ke-port 1 ke-port 2\n", "t.conf:1: 'ke-port' given twice");
	EXPECT_ERR("server h ca /a ca /b\n", "t.conf:1: 'ca' given twice");
	EXPECT_ERR("server h noverify noverify\n", "t.conf:1: 'noverify' given twice");
	EXPECT_ERR("server h ca /a noverify\n",
		   "t.conf:1: 'ca' and 'noverify' contradict each other");
	EXPECT_ERR("server h iburst\n",
		   "t.conf:1: unknown server option 'iburst' (ke-port, ca, noverify, aead, ntp, owner, plain-until-nts)");
	EXPECT_ERR("server h aead 31\n",
		   "t.conf:1: AEAD 31 is not supported (use 30, 15, 16 or 17)");
	EXPECT_ERR("server h aead 15,15\n", "t.conf:1: AEAD 15 listed twice");
	EXPECT_ERR("server h aead 15,\n",
		   "t.conf:1: '15,' is not a list of AEAD IDs such as 15,16,17");
	EXPECT_ERR("server h aead ,15\n",
		   "t.conf:1: ',15' is not a list of AEAD IDs such as 15,16,17");
	EXPECT_ERR("server h aead 1x\n",
		   "t.conf:1: '1x' is not a list of AEAD IDs such as 15,16,17");
	EXPECT_ERR("server h aead 15 aead 16\n", "t.conf:1: 'aead' given twice");
	EXPECT_ERR("a b c d e f g h i j k l m n o p q\n", "t.conf:1: too many words on one line");
	/* a failed parse leaves the defaults behind */
	EXPECT_EQ(parse("rotate 7000\nntp-port 99\nbogus\n"), -1);
	EXPECT_EQ(cfg.rotate, 86400);
	EXPECT_EQ(cfg.ntp_port, 123);
	EXPECT_EQ(cfg.n_servers, 0);
}

static void test_nul_inside(void)
{
	static const char text[] = "rotate 5000\n#\0\n";

	/* an embedded NUL is an error even inside a comment */
	ntskd_config_free(&cfg);
	EXPECT_EQ(ntskd_config_parse(&cfg, "n.conf", text, sizeof(text) - 1,
				     err, sizeof(err)), -1);
	EXPECT(!strcmp(err, "n.conf:2: NUL byte in the line"));
}

static void test_limits(void)
{
	char *text = malloc(64 * 1024);
	size_t n = 0;
	int i;

	if (!text)
		return;
	n += (size_t)sprintf(text + n, "cert c\nkey k\n");
	for (i = 0; i < NTSKD_MAX_LISTEN; i++)
		n += (size_t)sprintf(text + n, "ke-listen 10.0.0.%d\n", i + 1);
	EXPECT_EQ(parse(text), 0);
	EXPECT_EQ(cfg.n_listen, NTSKD_MAX_LISTEN);
	sprintf(text + n, "ke-listen 10.0.1.1\n");
	EXPECT_EQ(parse(text), -1);
	EXPECT(!strcmp(err, "t.conf:19: too many ke-listen lines (at most 16)"));

	n = 0;
	for (i = 0; i < NTSKD_MAX_SERVERS; i++)
		n += (size_t)sprintf(text + n, "server s%d.example aead 15\n", i);
	EXPECT_EQ(parse(text), 0);
	EXPECT_EQ(cfg.n_servers, NTSKD_MAX_SERVERS);
	if (cfg.n_servers == NTSKD_MAX_SERVERS)
		EXPECT(!strcmp(cfg.servers[63].host, "s63.example"));
	sprintf(text + n, "server one.more\n");
	EXPECT_EQ(parse(text), -1);
	EXPECT(!strcmp(err, "t.conf:65: too many server lines (at most 64)"));

	/* a path of 4095 bytes fits, 4096 does not */
	memcpy(text, "cert /", 6);
	memset(text + 6, 'a', 4094);
	strcpy(text + 4100, "\nkey k\n");
	EXPECT_EQ(parse(text), 0);
	EXPECT_EQ(strlen(cfg.cert), 4095);
	memset(text + 6, 'a', 4095);
	strcpy(text + 4101, "\nkey k\n");
	EXPECT_EQ(parse(text), -1);
	EXPECT(!strcmp(err, "t.conf:1: path is too long (at most 4095 bytes)"));
	free(text);
}

static void test_load(void)
{
	char path[] = "/tmp/knts-conf-XXXXXX";
	int fd = mkstemp(path);

	EXPECT(fd >= 0);
	if (fd < 0)
		return;
	EXPECT_EQ(write(fd, "cert c\nkey k\nrotate 6000\nfoo\n", 29), 29);
	close(fd);
	ntskd_config_free(&cfg);
	EXPECT_EQ(ntskd_config_load(&cfg, path, err, sizeof(err)), -1);
	EXPECT(!strncmp(err, path, strlen(path)));
	EXPECT(!strcmp(err + strlen(path), ":4: unknown directive 'foo'"));
	unlink(path);
	EXPECT_EQ(ntskd_config_load(&cfg, path, err, sizeof(err)), -1);
	EXPECT(strstr(err, "No such file") != NULL);
	/* a tiny error buffer is never overrun */
	EXPECT_EQ(parse("bogus"), -1);
	ntskd_config_free(&cfg);
	EXPECT_EQ(ntskd_config_parse(&cfg, "t", "bogus", 5, err, 4), -1);
	EXPECT(!strcmp(err, "t:1"));
}

/* Directives of the client role beyond server and refresh. */
static void test_client_role(void)
{
	EXPECT_EQ(parse(""), 0);
	EXPECT_EQ(cfg.ke_retry, 10);
	EXPECT_EQ(cfg.ke_retry_max, 7200);
	EXPECT(!strcmp(cfg.client_state, "/var/lib/knts/client-state"));
	EXPECT(!ntskd_config_client_role(&cfg));
	EXPECT_EQ(parse("server a.example\nke-retry 2 60\nclient-state /run/cs\n"), 0);
	EXPECT(ntskd_config_client_role(&cfg) && !ntskd_config_server_role(&cfg));
	EXPECT_EQ(cfg.ke_retry, 2);
	EXPECT_EQ(cfg.ke_retry_max, 60);
	EXPECT(!strcmp(cfg.client_state, "/run/cs"));
	/* without MAX, the cap stays 2 hours unless the first delay is longer */
	EXPECT_EQ(parse("ke-retry 30\n"), 0);
	EXPECT_EQ(cfg.ke_retry_max, 7200);
	EXPECT_EQ(parse("ke-retry 9000\n"), 0);
	EXPECT_EQ(cfg.ke_retry_max, 9000);
	/* both roles in one file */
	EXPECT_EQ(parse("cert c\nkey k\nserver 192.0.2.1\n"), 0);
	EXPECT(ntskd_config_client_role(&cfg) && ntskd_config_server_role(&cfg));
	/* the same server twice (names ignore case), another KE port is fine */
	EXPECT_EQ(parse("server a.example\nserver a.example ke-port 4461\n"), 0);
	EXPECT_ERR("server a.example\n\nserver A.Example ca /x\n",
		   "t.conf:3: the same server as line 1");
	EXPECT_ERR("ke-retry 0\n",
		   "t.conf:1: ke-retry '0' is not a number from 1 to 86400");
	EXPECT_ERR("ke-retry 20 10\n",
		   "t.conf:1: ke-retry MAX 10 is below the first delay 20");
	EXPECT_ERR("ke-retry 1 2 3\n", "t.conf:1: usage: ke-retry SECONDS [MAX]");
	EXPECT_ERR("ke-retry 1\nke-retry 2\n",
		   "t.conf:2: 'ke-retry' given twice (first on line 1)");
	EXPECT_ERR("client-state\n", "t.conf:1: usage: client-state FILE");
}

/* ke-workers N|auto, ke-max-conns N */
static void test_ke_workers(void)
{
	EXPECT_EQ(parse("cert /c\nkey /k\n"), 0);
	EXPECT_EQ(cfg.ke_workers, 0);		/* auto */
	EXPECT_EQ(cfg.ke_max_conns, 128);
	EXPECT_EQ(parse("cert /c\nkey /k\nke-workers 4\nke-max-conns 1024\n"), 0);
	EXPECT_EQ(cfg.ke_workers, 4);
	EXPECT_EQ(cfg.ke_max_conns, 1024);
	EXPECT_EQ(parse("cert /c\nkey /k\nke-workers auto\n"), 0);
	EXPECT_EQ(cfg.ke_workers, 0);
	EXPECT_ERR("cert /c\nkey /k\nke-workers 0\n",
		   "t.conf:3: ke-workers '0' is not a number from 1 to 64");
	EXPECT_ERR("cert /c\nkey /k\nke-workers 65\n",
		   "t.conf:3: ke-workers '65' is not a number from 1 to 64");
	EXPECT_ERR("cert /c\nkey /k\nke-workers\n",
		   "t.conf:3: usage: ke-workers N|auto");
	EXPECT_ERR("cert /c\nkey /k\nke-workers 2\nke-workers 2\n",
		   "t.conf:4: 'ke-workers' given twice (first on line 3)");
	EXPECT_ERR("cert /c\nkey /k\nke-max-conns 1025\n",
		   "t.conf:3: ke-max-conns '1025' is not a number from 1 to 1024");
	EXPECT_ERR("cert /c\nkey /k\nke-max-conns 8 9\n",
		   "t.conf:3: usage: ke-max-conns N");
	EXPECT_ERR("ke-workers 2\n",
		   "t.conf:1: 'ke-workers' needs 'cert' and 'key' (the NTS-KE server)");
	EXPECT_ERR("ke-max-conns 2\n",
		   "t.conf:1: 'ke-max-conns' needs 'cert' and 'key' (the NTS-KE server)");
}

/* ke-rate-limit RATE [burst N] [max-conns N] */
static void test_ke_rate_limit(void)
{
	const char *pki = "cert /c.pem\nkey /k.pem\n";
	char text[256];

	EXPECT_EQ(parse(pki), 0);
	EXPECT_EQ(cfg.ke_rate_milli, 1000);	/* on unless turned off */
	EXPECT_EQ(cfg.ke_burst, 8);
	EXPECT_EQ(cfg.ke_addr_conns, 8);
	snprintf(text, sizeof(text), "%ske-rate-limit off\n", pki);
	EXPECT_EQ(parse(text), 0);
	EXPECT_EQ(cfg.ke_rate_milli, 0);
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit off burst 2\n",
		   "t.conf:3: usage: ke-rate-limit off (nothing after it)");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit off\nke-rate-limit 1\n",
		   "t.conf:4: 'ke-rate-limit' given twice (first on line 3)");
	EXPECT_ERR("ke-rate-limit off\n",
		   "t.conf:1: 'ke-rate-limit' needs 'cert' and 'key' (the NTS-KE server)");
	/* the client role alone has no NTS-KE server to limit */
	EXPECT_EQ(parse("server a.example\n"), 0);
	EXPECT_EQ(cfg.ke_rate_milli, 0);
	snprintf(text, sizeof(text), "%ske-rate-limit 2\n", pki);
	EXPECT_EQ(parse(text), 0);
	EXPECT_EQ(cfg.ke_rate_milli, 2000);
	EXPECT_EQ(cfg.ke_burst, 8);
	snprintf(text, sizeof(text), "%ske-rate-limit 0.125 max-conns 2 burst 20\n", pki);
	EXPECT_EQ(parse(text), 0);
	EXPECT_EQ(cfg.ke_rate_milli, 125);
	EXPECT_EQ(cfg.ke_burst, 20);
	EXPECT_EQ(cfg.ke_addr_conns, 2);
	snprintf(text, sizeof(text), "%ske-rate-limit 10000.0\n", pki);
	EXPECT_EQ(parse(text), 0);
	EXPECT_EQ(cfg.ke_rate_milli, 10000000);

	EXPECT_ERR("ke-rate-limit 1\n",
		   "t.conf:1: 'ke-rate-limit' needs 'cert' and 'key' (the NTS-KE server)");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit\n",
		   "t.conf:3: usage: ke-rate-limit RATE [burst N] [max-conns N] | off");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 1 burst\n",
		   "t.conf:3: usage: ke-rate-limit RATE [burst N] [max-conns N] | off");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 0\n",
		   "t.conf:3: ke-rate-limit '0' is not a number from 0.001 to 10000 (at most 3 decimals)");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 0.0001\n",
		   "t.conf:3: ke-rate-limit '0.0001' is not a number from 0.001 to 10000 (at most 3 decimals)");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 10000.001\n",
		   "t.conf:3: ke-rate-limit '10000.001' is not a number from 0.001 to 10000 (at most 3 decimals)");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 1.\n",
		   "t.conf:3: ke-rate-limit '1.' is not a number from 0.001 to 10000 (at most 3 decimals)");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit .5\n",
		   "t.conf:3: ke-rate-limit '.5' is not a number from 0.001 to 10000 (at most 3 decimals)");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 1.2.3\n",
		   "t.conf:3: ke-rate-limit '1.2.3' is not a number from 0.001 to 10000 (at most 3 decimals)");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit -1\n",
		   "t.conf:3: ke-rate-limit '-1' is not a number from 0.001 to 10000 (at most 3 decimals)");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 1 burst 0\n",
		   "t.conf:3: burst '0' is not a number from 1 to 10000");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 1 max-conns 1025\n",
		   "t.conf:3: max-conns '1025' is not a number from 1 to 1024");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 1 burst 2 burst 3\n",
		   "t.conf:3: 'burst' given twice");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 1 max-conns 2 max-conns 3\n",
		   "t.conf:3: 'max-conns' given twice");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 1 leak 2\n",
		   "t.conf:3: unknown ke-rate-limit option 'leak' (burst, max-conns)");
	EXPECT_ERR("cert /c\nkey /k\nke-rate-limit 1\nke-rate-limit 2\n",
		   "t.conf:4: 'ke-rate-limit' given twice (first on line 3)");
}

/* Fail closed before NTS-KE, the owner binding (issue 13). */
static void test_fail_closed_owner(void)
{
	EXPECT_EQ(parse("server a.example\n"), 0);
	EXPECT(!cfg.servers[0].ntp[0] && !cfg.servers[0].owner[0]);
	EXPECT(!cfg.servers[0].plain_until_nts);
	EXPECT(!strcmp(cfg.owner, "auto"));
	EXPECT_EQ(parse("owner _chrony\nserver a.example ntp 192.0.2.1 owner 0 plain-until-nts\n"
			"server b.example ntp fe80::1%eth0 owner ntpsec ca /x aead 15\n"
			"server c.example ntp 2001:db8::1 owner any\n"), 0);
	EXPECT(!strcmp(cfg.owner, "_chrony"));
	EXPECT(!strcmp(cfg.servers[0].ntp, "192.0.2.1"));
	EXPECT(!strcmp(cfg.servers[0].owner, "0"));
	EXPECT(cfg.servers[0].plain_until_nts);
	EXPECT(!strcmp(cfg.servers[1].ntp, "fe80::1%eth0"));
	EXPECT(!strcmp(cfg.servers[1].owner, "ntpsec"));
	EXPECT(!cfg.servers[1].plain_until_nts);
	EXPECT(!strcmp(cfg.servers[2].owner, "any"));
	EXPECT_ERR("server a ntp fe80::1\n",
		   "t.conf:1: ntp 'fe80::1': not an IP address (a link-local one with its interface: fe80::1%eth0)");
	EXPECT_ERR("server a ntp 2001:db8::1%eth0\n",
		   "t.conf:1: ntp '2001:db8::1%eth0': not an IP address (a link-local one with its interface: fe80::1%eth0)");
	EXPECT_ERR("server a ntp 192.0.2.1%eth0\n",
		   "t.conf:1: ntp '192.0.2.1%eth0': not an IP address (a link-local one with its interface: fe80::1%eth0)");
	EXPECT_ERR("server a ntp fe80::1%\n",
		   "t.conf:1: ntp 'fe80::1%': not an IP address (a link-local one with its interface: fe80::1%eth0)");
	EXPECT_ERR("server a ntp ntp.example\n",
		   "t.conf:1: ntp 'ntp.example': not an IP address (a link-local one with its interface: fe80::1%eth0)");
	EXPECT_ERR("server a ntp 192.0.2.1 ntp 192.0.2.2\n", "t.conf:1: 'ntp' given twice");
	EXPECT_ERR("server a owner x/y\n", "t.conf:1: owner 'x/y': not a user name or uid");
	EXPECT_ERR("server a owner -r\n", "t.conf:1: owner '-r': not a user name or uid");
	EXPECT_ERR("server a owner abcdefghijklmnopqrstuvwxyz0123456\n",
		   "t.conf:1: owner 'abcdefghijklmnopqrstuvwxyz0123456': not a user name or uid");
	EXPECT_ERR("server a owner 0 owner 1\n", "t.conf:1: 'owner' given twice");
	EXPECT_ERR("server a plain-until-nts plain-until-nts\n",
		   "t.conf:1: 'plain-until-nts' given twice");
	EXPECT_ERR("owner a\nowner b\n", "t.conf:2: 'owner' given twice (first on line 1)");
	EXPECT_ERR("server a owner\n", "t.conf:1: 'owner' needs a value");
}

/* keyfile-follow: chrony's keys, so no keyfile or rotation of our own */
static void test_keyfile_follow(void)
{
	EXPECT_EQ(parse("cert /c\nkey /k\nkeyfile-follow /var/lib/chrony/ntskeys\n"), 0);
	EXPECT(ntskd_config_follows(&cfg));
	EXPECT(!strcmp(cfg.keyfile_follow, "/var/lib/chrony/ntskeys"));
	EXPECT_EQ(cfg.rotate, 0);
	EXPECT_EQ(cfg.keyfile[0], 0);
	EXPECT(ntskd_config_server_role(&cfg));
	/* the defaults do not follow */
	EXPECT_EQ(parse("cert /c\nkey /k\n"), 0);
	EXPECT(!ntskd_config_follows(&cfg));
	EXPECT(!strcmp(cfg.keyfile, "/var/lib/knts/ntskeys"));
	EXPECT_ERR("cert /c\nkey /k\nkeyfile /a\nkeyfile-follow /b\n",
		   "t.conf:4: 'keyfile-follow' and 'keyfile' (line 3) exclude each other: the followed file is the keyfile, and ntskd never writes it");
	EXPECT_ERR("keyfile-follow /b\ncert /c\nkey /k\nrotate 0\n",
		   "t.conf:1: 'keyfile-follow' and 'rotate' (line 4) exclude each other: the keys are rotated by the server that writes the followed file");
	EXPECT_ERR("keyfile-follow /b\nrotate 86400\ncert /c\nkey /k\n",
		   "t.conf:1: 'keyfile-follow' and 'rotate' (line 2) exclude each other: the keys are rotated by the server that writes the followed file");
	EXPECT_ERR("keyfile-follow /b\n",
		   "t.conf:1: 'keyfile-follow' needs 'cert' and 'key' (the server role)");
	EXPECT_ERR("keyfile-follow\n", "t.conf:1: usage: keyfile-follow FILE");
	EXPECT_ERR("keyfile-follow /a /b\n",
		   "t.conf:1: usage: keyfile-follow FILE");
	EXPECT_ERR("keyfile-follow /a\nkeyfile-follow /b\n",
		   "t.conf:2: 'keyfile-follow' given twice (first on line 1)");
}

/* pending-slots, nak-rate, client-idle: knts's per-namespace settings */
static void test_kernel_settings(void)
{
	EXPECT_EQ(parse(""), 0);
	EXPECT_EQ(cfg.pending_slots, 1024);	/* the kernel's defaults */
	EXPECT_EQ(cfg.nak_rate, 1000);
	EXPECT_EQ(cfg.client_idle, 3600);
	EXPECT_EQ(parse("cert /c\nkey /k\npending-slots 8192\nnak-rate 5000\n"
			"server a\nclient-idle 0\n"), 0);
	EXPECT_EQ(cfg.pending_slots, 8192);
	EXPECT_EQ(cfg.nak_rate, 5000);
	EXPECT_EQ(cfg.client_idle, 0);
	/* the bounds are the kernel policy's */
	EXPECT_EQ(parse("cert /c\nkey /k\npending-slots 8\nnak-rate 1\n"
			"server a\nclient-idle 604800\n"), 0);
	EXPECT_EQ(cfg.pending_slots, KNTS_PENDING_SLOTS_MIN);
	EXPECT_EQ(cfg.nak_rate, KNTS_NAK_RATE_MIN);
	EXPECT_EQ(cfg.client_idle, KNTS_CLIENT_IDLE_MAX);
	EXPECT_EQ(parse("cert /c\nkey /k\npending-slots 1048576\nnak-rate 1000000\n"), 0);
	EXPECT_EQ(cfg.pending_slots, KNTS_PENDING_SLOTS_MAX);
	EXPECT_EQ(cfg.nak_rate, KNTS_NAK_RATE_MAX);
	EXPECT_ERR("cert /c\nkey /k\npending-slots 7\n",
		   "t.conf:3: pending-slots '7' is not a number from 8 to 1048576");
	EXPECT_ERR("cert /c\nkey /k\npending-slots 1048577\n",
		   "t.conf:3: pending-slots '1048577' is not a number from 8 to 1048576");
	EXPECT_ERR("cert /c\nkey /k\nnak-rate 0\n",
		   "t.conf:3: nak-rate '0' is not a number from 1 to 1000000");
	EXPECT_ERR("cert /c\nkey /k\nnak-rate 1000001\n",
		   "t.conf:3: nak-rate '1000001' is not a number from 1 to 1000000");
	EXPECT_ERR("cert /c\nkey /k\nnak-rate -5\n",
		   "t.conf:3: nak-rate '-5' is not a number from 1 to 1000000");
	EXPECT_ERR("server a\nclient-idle 604801\n",
		   "t.conf:2: client-idle '604801' is not a number from 0 to 604800");
	EXPECT_ERR("server a\nclient-idle 1h\n",
		   "t.conf:2: client-idle '1h' is not a number from 0 to 604800");
	EXPECT_ERR("cert /c\nkey /k\nnak-rate\n", "t.conf:3: usage: nak-rate PER-SECOND");
	EXPECT_ERR("cert /c\nkey /k\npending-slots 8 16\n", "t.conf:3: usage: pending-slots N");
	EXPECT_ERR("server a\nclient-idle\n", "t.conf:2: usage: client-idle SECONDS");
	EXPECT_ERR("cert /c\nkey /k\nnak-rate 5\nnak-rate 6\n",
		   "t.conf:4: 'nak-rate' given twice (first on line 3)");
	EXPECT_ERR("cert /c\nkey /k\npending-slots 8\npending-slots 8\n",
		   "t.conf:4: 'pending-slots' given twice (first on line 3)");
	EXPECT_ERR("server a\nclient-idle 5\nclient-idle 6\n",
		   "t.conf:3: 'client-idle' given twice (first on line 2)");
	/* each belongs to its role */
	EXPECT_ERR("pending-slots 2048\n",
		   "t.conf:1: 'pending-slots' needs 'cert' and 'key' (the server role)");
	EXPECT_ERR("server a\nnak-rate 20\n",
		   "t.conf:2: 'nak-rate' needs 'cert' and 'key' (the server role)");
	EXPECT_ERR("cert /c\nkey /k\nclient-idle 60\n",
		   "t.conf:3: 'client-idle' needs 'server' lines (the client role)");
}

int main(void)
{
	ntskd_config_init(&cfg);
	RUN(test_fail_closed_owner);
	RUN(test_defaults);
	RUN(test_full);
	RUN(test_errors);
	RUN(test_nul_inside);
	RUN(test_limits);
	RUN(test_load);
	RUN(test_client_role);
	RUN(test_ke_rate_limit);
	RUN(test_ke_workers);
	RUN(test_keyfile_follow);
	RUN(test_kernel_settings);
	ntskd_config_free(&cfg);
	return unit_done();
}
