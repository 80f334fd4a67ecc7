// SPDX-License-Identifier: GPL-2.0
/* Configuration checks before start and for ntskd -t (see preflight.h). */
#include <errno.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ke_tls.h"
#include "keyfile_follow.h"
#include "log.h"
#include "masterkeys.h"
#include "preflight.h"

const char *ntskd_secret_mode_problem(mode_t mode, gid_t file_gid,
				      gid_t own_gid)
{
	if (mode & (S_IROTH | S_IWOTH))
		return "world-readable or world-writable";
	if ((mode & (S_IRGRP | S_IWGRP)) && file_gid != own_gid)
		return "readable or writable by a group other than ntskd's";
	return NULL;
}

int ntskd_check_secret_file(const char *path, const char *what)
{
	const char *why;
	struct stat st;

	if (stat(path, &st))
		return 0;
	why = ntskd_secret_mode_problem(st.st_mode, st.st_gid, getegid());
	if (!why)
		return 0;
	log_warn("%s %s is %s (mode %04o, group %u): chmod o-rwx,g-rwx it, or give it to ntskd's group",
		 what, path, why, (unsigned int)(st.st_mode & 07777),
		 (unsigned int)st.st_gid);
	return 1;
}

/*
 * keyfile-follow: the file's directory must exist (it is watched); a file
 * that is there must be what chrony writes. A missing one is only a
 * warning: the role starts closed and waits for it (server_role.c).
 */
static int preflight_follow(const char *path)
{
	struct ntskd_masterkeys mk;
	char dir[NTSKD_PATH_MAX], err[1024];
	struct stat st;
	int ret = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	if (stat(dirname(dir), &st) || !S_ISDIR(st.st_mode)) {
		log_err("keyfile-follow %s: its directory %s is not there, so it cannot be watched",
			path, dir);
		return -1;
	}
	ntskd_check_secret_file(path, "keyfile-follow");
	switch (ntskd_follow_read(NULL, path, 0, &mk, err, sizeof(err))) {
	case NTSKD_FOLLOW_MISSING:
		log_warn("keyfile-follow %s does not exist yet: the server role will wait for it, closed (every NTS request gets a NAK)",
			 path);
		break;
	case NTSKD_FOLLOW_BAD:
		log_err("keyfile-follow %s", err);
		ret = -1;
		break;
	default:
		break;
	}
	ntskd_mk_wipe(&mk);
	return ret;
}

static int preflight_server(const struct ntskd_config *c)
{
	struct ntskd_masterkeys mk = { 0 };
	char err[1024];
	SSL_CTX *ctx;
	int ret;

	ctx = ntskd_ke_tls_ctx(c->cert, c->key, NULL, err, sizeof(err));
	if (!ctx) {
		log_err("%s", err);
		return -1;
	}
	SSL_CTX_free(ctx);
	ntskd_check_secret_file(c->key, "key");
	if (ntskd_config_follows(c))
		return preflight_follow(c->keyfile_follow);
	ntskd_check_secret_file(c->keyfile, "keyfile");
	/* a missing keyfile is created at start; a broken one is an error */
	ret = ntskd_mk_load(&mk, c->keyfile, 0, err, sizeof(err));
	ntskd_mk_wipe(&mk);
	if (ret < 0 && ret != -ENOENT) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

static int preflight_client(const struct ntskd_config *c)
{
	unsigned int i;

	for (i = 0; i < c->n_servers; i++) {
		const struct ntskd_server_conf *sv = &c->servers[i];

		if (sv->ca[0] && access(sv->ca, R_OK)) {
			log_err("server %s (line %u): ca %s: %s", sv->host,
				sv->line, sv->ca, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int ntskd_preflight(const struct ntskd_config *c)
{
	if (c->user[0] && !getpwnam(c->user)) {
		log_err("user %s: no such user", c->user);
		return -1;
	}
	if (ntskd_config_server_role(c) && preflight_server(c))
		return -1;
	if (ntskd_config_client_role(c) && preflight_client(c))
		return -1;
	return 0;
}
