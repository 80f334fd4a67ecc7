// SPDX-License-Identifier: GPL-2.0
/*
 * ntskd: the knts key daemon. Reads /etc/knts/ntskd.conf, runs the NTS-KE
 * server role (server_role.c), the NTS-KE client role (client_role.c) or
 * both on one event loop, and daemonizes unless -f.
 * Startup errors reach the caller's terminal and exit code even when
 * daemonizing: the parent waits until the child is serving or failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client_role.h"
#include "config.h"
#include "control.h"
#include "log.h"
#include "loop.h"
#include "ntskd_ctl.h"
#include "preflight.h"
#include "privdrop.h"
#include "server_role.h"

struct ntskd {
	struct ntskd_config cfg;
	struct ntskd_loop *loop;
	struct ntskd_server_role *server;
	struct ntskd_client_role *client;
	struct ntskd_control *control;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ntskd [-c FILE] [-f] [-d] [-t]\n"
		"  -c FILE       configuration (default " NTSKD_CONFIG_FILE ")\n"
		"  -f            stay in the foreground, log to stderr\n"
		"  -d            debug log\n"
		"  -t            check the configuration and the files it names, then exit\n"
		"  -h, --help    print this help\n"
		"  -V, --version print the version\n"
		"Exit status: 0 ok, 1 failure, 2 usage error, %d configuration error\n"
		"Signals: SIGHUP reloads cert, key and keyfile; SIGUSR1 runs NTS-KE\n"
		"for every server line now; SIGUSR2 rotates the master keys now;\n"
		"SIGTERM/SIGINT stop.\n",
		NTSKD_EXIT_CONFIG);
}

/* Make a relative path absolute, so chdir("/") does not change its meaning. */
static int absolutize(char *path, size_t cap)
{
	char cwd[PATH_MAX], abs[NTSKD_PATH_MAX];

	if (!path[0] || path[0] == '/')
		return 0;
	if (!getcwd(cwd, sizeof(cwd)) ||
	    (size_t)snprintf(abs, sizeof(abs), "%s/%s", cwd, path) >= sizeof(abs) ||
	    strlen(abs) >= cap)
		return -1;
	strcpy(path, abs);
	return 0;
}

/*
 * systemd Type=notify: READY=1 on $NOTIFY_SOCKET, if there is one. With
 * the client role, only after its first NTS-KE round (client_role.h), so
 * that an NTP client ordered after ntskd finds cookies at its first poll.
 * Its safety does not depend on it: every server line is closed (requests
 * dropped, never plain) from the role's start until NTS-KE succeeds.
 */
static void notify_ready(void *arg)
{
	const char *sock = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!sock || (sock[0] != '/' && sock[0] != '@'))
		return;
	len = strlen(sock);
	if (len >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, sock, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa,
	       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);
}

/*
 * Fork; the parent waits for one byte on a pipe (the child is serving) or
 * for the child's exit (it failed) and exits accordingly. Returns the
 * write end in the child.
 */
static int daemonize(void)
{
	int p[2], status;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC)) {
		perror("ntskd: pipe");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("ntskd: fork");
		exit(1);
	}
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) == 1)
			exit(0);
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
			exit(WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
		exit(1);
	}
	close(p[0]);
	setsid();
	return p[1];
}

/* The child is serving: release the parent and the terminal. */
static void detach(int ready_fd)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (write(ready_fd, "", 1) != 1)
		log_warn("could not tell the parent process we are ready");
	close(ready_fd);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	ntskd_log_detached();
}

static void on_stop(int signo, void *arg)
{
	struct ntskd *d = arg;

	log_info("%s: stopping", strsignal(signo));
	ntskd_loop_stop(d->loop);
}

static void on_hup(int signo, void *arg)
{
	struct ntskd *d = arg;

	if (d->server)
		ntskd_server_role_reload(d->server);
}

static void on_usr2(int signo, void *arg)
{
	struct ntskd *d = arg;

	if (d->server)
		ntskd_server_role_rotate_now(d->server);
	else
		log_info("SIGUSR2: no NTS-KE server, no master keys to rotate");
}

static void on_usr1(int signo, void *arg)
{
	struct ntskd *d = arg;

	if (!d->client) {
		log_info("SIGUSR1: no server lines, nothing to refresh");
		return;
	}
	log_info("SIGUSR1: NTS-KE for every server");
	ntskd_client_role_refresh(d->client, NULL);
}

/* A request on the control socket (ntskd_ctl.h), for whichever role. */
static void on_control(const char *req, char *reply, size_t len, void *arg)
{
	struct ntskd *d = arg;

	if (!strcmp(req, "ping")) {
		snprintf(reply, len, "ok ntskd " KNTS_VERSION);
	} else if (!strcmp(req, "refresh") || !strncmp(req, "refresh ", 8)) {
		if (d->client)
			ntskd_client_role_control(d->client, req, reply, len);
		else
			snprintf(reply, len, "error this ntskd has no server lines (no NTS-KE client role)");
	} else if (!strcmp(req, "ke-stats")) {
		if (d->server)
			ntskd_server_role_ke_stats(d->server, reply, len);
		else
			snprintf(reply, len, "error this ntskd runs no NTS-KE server (no cert and key)");
	} else {
		snprintf(reply, len, "error unknown request '%.64s'", req);
	}
}

/* Relative paths would change meaning after chdir("/"). */
static int absolutize_all(struct ntskd_config *c)
{
	unsigned int i;

	if (absolutize(c->cert, sizeof(c->cert)) ||
	    absolutize(c->key, sizeof(c->key)) ||
	    absolutize(c->keyfile, sizeof(c->keyfile)) ||
	    absolutize(c->keyfile_follow, sizeof(c->keyfile_follow)) ||
	    absolutize(c->client_state, sizeof(c->client_state)))
		return -1;
	for (i = 0; i < c->n_servers; i++)
		if (absolutize(c->servers[i].ca, sizeof(c->servers[i].ca)))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *conf = NTSKD_CONFIG_FILE;
	bool foreground = false, debug = false, test_only = false;
	struct ntskd d = { 0 };
	char err[1024];
	int i, ready_fd = -1, rc = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf("ntskd " KNTS_VERSION "\n");
			return 0;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-c")) {
			if (i + 1 == argc) {
				fprintf(stderr, "ntskd: -c needs a FILE argument\n");
				usage(stderr);
				return 2;
			}
			conf = argv[++i];
		} else if (!strcmp(argv[i], "-t")) {
			test_only = true;
		} else if (!strcmp(argv[i], "-f")) {
			foreground = true;
		} else if (!strcmp(argv[i], "-d")) {
			debug = true;
		} else {
			fprintf(stderr, "ntskd: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}

	/* a configuration error is final: restarting cannot fix it */
	rc = NTSKD_EXIT_CONFIG;
	ntskd_config_init(&d.cfg);
	if (ntskd_config_load(&d.cfg, conf, err, sizeof(err))) {
		fprintf(stderr, "ntskd: %s\n", err);
		return rc;
	}
	if (!ntskd_config_server_role(&d.cfg) && !ntskd_config_client_role(&d.cfg)) {
		fprintf(stderr, "ntskd: %s: nothing to do: set 'cert' and 'key' to run the NTS-KE server, or add 'server' lines for the NTS-KE client\n",
			conf);
		goto out;
	}
	if (absolutize_all(&d.cfg)) {
		fprintf(stderr, "ntskd: %s: a path is too long\n", conf);
		goto out;
	}
	if (ntskd_preflight(&d.cfg))
		goto out;
	if (test_only) {
		printf("ntskd: %s: configuration OK\n", conf);
		rc = 0;
		goto out;
	}
	rc = 1;

	/* a client that hangs up must not kill us through SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	if (!foreground)
		ready_fd = daemonize();
	ntskd_log_open(!foreground, debug);
	d.loop = ntskd_loop_new();
	if (!d.loop) {
		log_err("cannot create the event loop: %s", strerror(errno));
		goto out;
	}
	if (ntskd_loop_on_signal(d.loop, SIGTERM, on_stop, &d) ||
	    ntskd_loop_on_signal(d.loop, SIGINT, on_stop, &d) ||
	    ntskd_loop_on_signal(d.loop, SIGHUP, on_hup, &d) ||
	    ntskd_loop_on_signal(d.loop, SIGUSR1, on_usr1, &d) ||
	    ntskd_loop_on_signal(d.loop, SIGUSR2, on_usr2, &d)) {
		log_err("cannot set up signal handling");
		goto out;
	}
	if (ntskd_config_server_role(&d.cfg)) {
		d.server = ntskd_server_role_start(d.loop, &d.cfg);
		if (!d.server)
			goto out;
	}
	if (ntskd_config_client_role(&d.cfg)) {
		d.client = ntskd_client_role_start(d.loop, &d.cfg, notify_ready,
						   NULL);
		if (!d.client)
			goto out;
	}
	/* without it ntsctl cannot reach us; SIGHUP and SIGUSR1 still can */
	d.control = ntskd_control_open(d.loop, on_control, &d);
	/* all that needs privilege is open: keep CAP_NET_ADMIN alone */
	if (ntskd_drop_privileges(d.cfg.user))
		goto out;
	/* the NTS-KE worker threads inherit the dropped privileges */
	if (d.server && ntskd_server_role_run_workers(d.server))
		goto out;
	log_info("ntskd " KNTS_VERSION " running (config %s)", conf);
	if (!foreground) {
		detach(ready_fd);
		ready_fd = -1;
		if (chdir("/"))
			log_warn("chdir /: %s", strerror(errno));
	}
	if (!d.client)
		notify_ready(NULL);
	i = ntskd_loop_run(d.loop);
	if (i)
		log_err("event loop: %s", strerror(-i));
	rc = i ? 1 : 0;
out:
	ntskd_control_close(d.control);
	ntskd_client_role_stop(d.client);
	ntskd_server_role_stop(d.server);
	ntskd_loop_free(d.loop);
	ntskd_config_free(&d.cfg);
	ntskd_log_close();
	return rc;
}
