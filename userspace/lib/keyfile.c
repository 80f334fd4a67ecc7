// SPDX-License-Identifier: GPL-2.0
/* chrony "ntskeys" master key files, NKS0 and NKS1 (see keyfile.h). */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KF_MAX_TOKENS	4

struct kf_cursor {
	const char *p;
	const char *end;
};

/* The next line without its '\n' (the last may lack one); 0 at the end. */
static int kf_line(struct kf_cursor *c, const char **line, size_t *n)
{
	const char *nl;

	if (c->p >= c->end)
		return 0;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	*line = c->p;
	*n = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
	c->p = nl ? nl + 1 : c->end;
	return 1;
}

/* Split on single spaces; -1 on an empty token or too many tokens. */
static int kf_split(const char *s, size_t n, const char *tok[KF_MAX_TOKENS],
		    size_t tlen[KF_MAX_TOKENS])
{
	int k = 0;
	size_t i, start = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != ' ')
			continue;
		if (i == start || k == KF_MAX_TOKENS)
			return -1;
		tok[k] = s + start;
		tlen[k] = i - start;
		k++;
		start = i + 1;
	}
	return k;
}

static int kf_is(const char *tok, size_t n, const char *word)
{
	return n == strlen(word) && !memcmp(tok, word, n);
}

static int kf_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly 2 * @n hex digits into @out. */
static int kf_unhex(const char *tok, size_t tlen, uint8_t *out, size_t n)
{
	size_t i;

	if (tlen != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		int hi = kf_hexval(tok[2 * i]), lo = kf_hexval(tok[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int kf_id(const char *tok, size_t tlen, uint32_t *id)
{
	uint8_t b[4];

	if (kf_unhex(tok, tlen, b, sizeof(b)))
		return -1;
	*id = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	      (uint32_t)b[2] << 8 | b[3];
	return 0;
}

static int kf_age(const char *tok, size_t tlen, double *age)
{
	char buf[32], *end;
	double v;

	if (tlen >= sizeof(buf))
		return -1;
	memcpy(buf, tok, tlen);
	buf[tlen] = 0;
	if (buf[0] < '0' || buf[0] > '9')
		return -1;
	v = strtod(buf, &end);
	if (*end || !isfinite(v) || v < 0)
		return -1;
	*age = v;
	return 0;
}

static int kf_alg(const char *tok, size_t tlen, uint16_t *alg, uint16_t *len)
{
	if (kf_is(tok, tlen, "15")) {
		*alg = KNTS_KEYFILE_ALG_SIV_CMAC_256;
		*len = 32;
	} else if (kf_is(tok, tlen, "30")) {
		*alg = KNTS_KEYFILE_ALG_GCM_SIV_128;
		*len = 16;
	} else {
		return -1;
	}
	return 0;
}

/* Note where and why the file is refused; -1. */
static int kf_fail(struct knts_keyfile_err *why, unsigned int line,
		   const char *reason)
{
	why->line = line;
	why->reason = reason;
	return -1;
}

static int kf_parse(const char *text, size_t len, struct knts_keyfile *kf,
		    struct knts_keyfile_err *why)
{
	struct kf_cursor c = { text, text + len };
	const char *line, *tok[KF_MAX_TOKENS];
	size_t n, tlen[KF_MAX_TOKENS];
	unsigned int ln = 1;
	int k;

	if (!kf_line(&c, &line, &n))
		return kf_fail(why, 1, "empty file");
	if (kf_is(line, n, "NKS0"))
		kf->version = 0;
	else if (kf_is(line, n, "NKS1"))
		kf->version = 1;
	else
		return kf_fail(why, 1, "not NKS0 or NKS1: not a chrony key file");

	ln++;
	if (!kf_line(&c, &line, &n))
		return kf_fail(why, ln, "missing: the line with the age");
	k = kf_split(line, n, tok, tlen);
	if (kf->version == 0) {
		/* "15 <age>": NKS0 knows one algorithm */
		if (k != 2 || !kf_is(tok[0], tlen[0], "15") ||
		    kf_age(tok[1], tlen[1], &kf->age))
			return kf_fail(why, ln, "expected '15 AGE' (algorithm 15, age in seconds)");
	} else if (k != 1 || kf_age(tok[0], tlen[0], &kf->age)) {
		return kf_fail(why, ln, "expected 'AGE' (age in seconds)");
	}

	while (kf_line(&c, &line, &n)) {
		struct knts_master_key *mk;

		ln++;
		if (kf->n == KNTS_KEYFILE_MAX_KEYS)
			return kf_fail(why, ln, "more than 4 keys");
		mk = &kf->keys[kf->n];
		k = kf_split(line, n, tok, tlen);
		if (kf->version == 0) {
			if (k != 2)
				return kf_fail(why, ln, "expected 'ID KEY' (8 and 64 hex digits, one space)");
			mk->alg = KNTS_KEYFILE_ALG_SIV_CMAC_256;
			mk->len = 32;
		} else if (k != 3) {
			return kf_fail(why, ln, "expected 'ID KEY ALGORITHM' (one space each)");
		} else if (kf_alg(tok[2], tlen[2], &mk->alg, &mk->len)) {
			return kf_fail(why, ln, "unknown algorithm (15 or 30)");
		}
		if (kf_id(tok[0], tlen[0], &mk->id))
			return kf_fail(why, ln, "the key ID is not 8 hex digits");
		if (kf_unhex(tok[1], tlen[1], mk->key, mk->len))
			return kf_fail(why, ln, mk->len == 32 ?
				       "the key is not 64 hex digits" :
				       "the key is not 32 hex digits");
		/* chrony's slot (the low two bits) goes up by one per line */
		if (kf->n && (mk->id & 3) != ((kf->keys[kf->n - 1].id + 1) & 3))
			return kf_fail(why, ln, "key ID out of order (its low two bits must be the previous line's plus one)");
		kf->n++;
	}
	/* Without a current key and a future key there is nothing to use. */
	if (kf->n < 2)
		return kf_fail(why, ln, "fewer than 2 keys (a current and a next one are needed)");
	kf->current = kf->n - 2;
	return 0;
}

int knts_keyfile_parse_why(const char *text, size_t len,
			   struct knts_keyfile *kf, struct knts_keyfile_err *why)
{
	struct knts_keyfile_err ignored;

	if (!why)
		why = &ignored;
	why->line = 0;
	why->reason = NULL;
	memset(kf, 0, sizeof(*kf));
	if (!text || kf_parse(text, len, kf, why)) {
		knts_keyfile_wipe(kf);
		return -EINVAL;
	}
	return 0;
}

int knts_keyfile_parse(const char *text, size_t len, struct knts_keyfile *kf)
{
	return knts_keyfile_parse_why(text, len, kf, NULL);
}

int knts_keyfile_load(const char *path, struct knts_keyfile *kf)
{
	return knts_keyfile_load_why(path, kf, NULL);
}

int knts_keyfile_load_why(const char *path, struct knts_keyfile *kf,
			  struct knts_keyfile_err *why)
{
	char buf[KNTS_KEYFILE_MAX_SIZE + 1];
	size_t len = 0;
	int fd, err;

	memset(kf, 0, sizeof(*kf));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == sizeof(buf)) {
			err = -EFBIG;
			goto out;
		}
	}
	err = knts_keyfile_parse_why(buf, len, kf, why);
out:
	close(fd);
	explicit_bzero(buf, sizeof(buf));
	return err;
}

const struct knts_master_key *knts_keyfile_find(const struct knts_keyfile *kf,
						uint32_t id)
{
	unsigned int i;

	for (i = 0; i < kf->n; i++)
		if (kf->keys[i].id == id)
			return &kf->keys[i];
	return NULL;
}

void knts_keyfile_wipe(struct knts_keyfile *kf)
{
	explicit_bzero(kf, sizeof(*kf));
}
