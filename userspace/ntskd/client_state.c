// SPDX-License-Identifier: GPL-2.0
/* The client role's state file (see client_state.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "client_state.h"
#include "file_atomic.h"

#define STATE_FILE_MAX	(NTSKD_MAX_SERVERS * (NTSKD_NAME_MAX + 80) + 256)

/* "HOST KE-PORT ADDR PORT" -> @e; 0 or -1. @line is NUL-terminated. */
static int state_line(char *line, struct ntskd_client_state_entry *e)
{
	char *host, *ke_port, *addr, *port, *extra, *end, *save = NULL;
	unsigned long kp, np;

	host = strtok_r(line, " \t\r", &save);
	ke_port = strtok_r(NULL, " \t\r", &save);
	addr = strtok_r(NULL, " \t\r", &save);
	port = strtok_r(NULL, " \t\r", &save);
	extra = strtok_r(NULL, " \t\r", &save);
	if (!port || extra || strlen(host) > NTSKD_NAME_MAX)
		return -1;
	kp = strtoul(ke_port, &end, 10);
	if (*end || *ke_port < '0' || *ke_port > '9' || !kp || kp > 65535)
		return -1;
	np = strtoul(port, &end, 10);
	if (*end || *port < '0' || *port > '9' || !np || np > 65535)
		return -1;
	if (knts_assoc_id_parse(&e->id, addr, (uint16_t)np))
		return -1;
	strcpy(e->host, host);
	e->ke_port = (uint16_t)kp;
	return 0;
}

unsigned int ntskd_client_state_parse(const char *text, size_t len,
				      struct ntskd_client_state *st)
{
	char line[NTSKD_NAME_MAX + 128];
	unsigned int bad = 0;
	size_t off = 0;

	memset(st, 0, sizeof(*st));
	while (off < len) {
		const char *s = text + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off;
		struct ntskd_client_state_entry e;
		size_t i = 0;

		off += n + (nl ? 1 : 0);
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i == n || s[i] == '#')
			continue;
		if (n >= sizeof(line) || memchr(s, '\0', n)) {
			bad++;
			continue;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		memset(&e, 0, sizeof(e));
		if (state_line(line, &e) ||
		    ntskd_client_state_put(st, e.host, e.ke_port, &e.id))
			bad++;
	}
	return bad;
}

int ntskd_client_state_format(const struct ntskd_client_state *st, char *buf,
			      size_t cap)
{
	size_t off = 0;
	unsigned int i;
	int n;

	n = snprintf(buf, cap, "# ntskd client state: the association each server line installed\n"
			       "# (HOST KE-PORT NTP-ADDRESS NTP-PORT); written by ntskd, no secrets\n");
	if (n < 0 || (size_t)n >= cap)
		return -1;
	off = (size_t)n;
	for (i = 0; i < st->n; i++) {
		const struct ntskd_client_state_entry *e = &st->e[i];
		char a[INET6_ADDRSTRLEN];

		n = snprintf(buf + off, cap - off, "%s %u %s %u\n", e->host,
			     e->ke_port, knts_assoc_addr_str(&e->id, a, sizeof(a)),
			     e->id.port);
		if (n < 0 || (size_t)n >= cap - off)
			return -1;
		off += (size_t)n;
	}
	return (int)off;
}

int ntskd_client_state_put(struct ntskd_client_state *st, const char *host,
			   uint16_t ke_port, const struct knts_assoc_id *id)
{
	struct ntskd_client_state_entry *e = NULL;
	unsigned int i;

	if (strlen(host) > NTSKD_NAME_MAX)
		return -1;
	for (i = 0; i < st->n && !e; i++)
		if (!strcasecmp(st->e[i].host, host) && st->e[i].ke_port == ke_port)
			e = &st->e[i];
	if (!e) {
		if (st->n == NTSKD_MAX_SERVERS)
			return -1;
		e = &st->e[st->n++];
	}
	memset(e, 0, sizeof(*e));
	strcpy(e->host, host);
	e->ke_port = ke_port;
	e->id = *id;
	return 0;
}

const struct knts_assoc_id *
ntskd_client_state_find(const struct ntskd_client_state *st, const char *host,
			uint16_t ke_port)
{
	unsigned int i;

	for (i = 0; i < st->n; i++)
		if (!strcasecmp(st->e[i].host, host) && st->e[i].ke_port == ke_port)
			return &st->e[i].id;
	return NULL;
}

int ntskd_client_state_load(const char *path, struct ntskd_client_state *st,
			    unsigned int *skipped, char *err, size_t errlen)
{
	char *buf = malloc(STATE_FILE_MAX);
	size_t len = 0;
	ssize_t r;
	int fd, ret = 0;

	memset(st, 0, sizeof(*st));
	*skipped = 0;
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(buf);
		return ret;
	}
	while (len < STATE_FILE_MAX) {
		r = read(fd, buf + len, STATE_FILE_MAX - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			break;
		}
		if (!r)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (!ret)
		*skipped = ntskd_client_state_parse(buf, len, st);
	free(buf);
	return ret;
}

int ntskd_client_state_save(const char *path,
			    const struct ntskd_client_state *st, char *err,
			    size_t errlen)
{
	char *buf = malloc(STATE_FILE_MAX);
	int len, ret;

	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	len = ntskd_client_state_format(st, buf, STATE_FILE_MAX);
	if (len < 0) {
		snprintf(err, errlen, "%s: content too long", path);
		free(buf);
		return -ENAMETOOLONG;
	}
	/* hosts and addresses only, no secrets: readable like a config */
	ret = knts_file_write_atomic(path, buf, (size_t)len, 0644, err, errlen);
	free(buf);
	return ret;
}
