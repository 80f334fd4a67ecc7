/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny TAP producer for the userspace unit tests. Each test binary
 * prints "ok N - name" / "not ok N - name" and exits non-zero when any
 * check failed; tests/unit/run sums the binaries into one closing line.
 */
#ifndef KNTS_UNIT_H
#define KNTS_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_checks_failed;
static int unit_tests_run;
static int unit_tests_failed;

#define EXPECT(cond)                                                      \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "# %s:%d: EXPECT(%s) failed\n",   \
				__FILE__, __LINE__, #cond);               \
			unit_checks_failed++;                             \
		}                                                         \
	} while (0)

#define EXPECT_EQ(a, b)                                                   \
	do {                                                              \
		long long _a = (long long)(a), _b = (long long)(b);       \
		if (_a != _b) {                                           \
			fprintf(stderr, "# %s:%d: %s == %lld, want %s == %lld\n", \
				__FILE__, __LINE__, #a, _a, #b, _b);      \
			unit_checks_failed++;                             \
		}                                                         \
	} while (0)

#define EXPECT_MEM(a, b, n)                                               \
	do {                                                              \
		if (memcmp((a), (b), (n))) {                              \
			fprintf(stderr, "# %s:%d: %s != %s (%zu bytes)\n",\
				__FILE__, __LINE__, #a, #b, (size_t)(n)); \
			unit_checks_failed++;                             \
		}                                                         \
	} while (0)

static inline void unit_run(const char *name, void (*fn)(void))
{
	int before = unit_checks_failed;

	fn();
	unit_tests_run++;
	if (unit_checks_failed != before) {
		unit_tests_failed++;
		printf("not ok %d - %s\n", unit_tests_run, name);
	} else {
		printf("ok %d - %s\n", unit_tests_run, name);
	}
	fflush(stdout);
}

#define RUN(fn) unit_run(#fn, fn)

static inline int unit_done(void)
{
	printf("1..%d\n", unit_tests_run);
	return unit_tests_failed ? 1 : 0;
}

/* Decode hex (whitespace ignored) into out; returns bytes or -1. */
static inline long unit_unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;

		if (*hex >= '0' && *hex <= '9')
			v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			v = *hex - 'a' + 10;
		else if (*hex >= 'A' && *hex <= 'F')
			v = *hex - 'A' + 10;
		else if (*hex == ' ' || *hex == '\n' || *hex == '\t' || *hex == '\r')
			continue;
		else
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}

/* Path of a file under tests/vectors (KNTS_VECTORS overrides the folder). */
static inline const char *unit_vector(const char *name)
{
	static char path[4096];
	const char *dir = getenv("KNTS_VECTORS");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/vectors", name);
	return path;
}

/* Read a whole file into a malloc'd NUL-terminated buffer, or NULL. */
static inline char *unit_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = 0;
			if (len)
				*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

#endif /* KNTS_UNIT_H */
