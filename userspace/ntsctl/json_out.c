// SPDX-License-Identifier: GPL-2.0
/*
 * --json for every subcommand, in one place: whatever a subcommand does,
 * standard output is one valid JSON document. On success it is what the
 * subcommand printed (or {"ok": true} when it prints nothing); on failure
 * it is {"error": "...", "exit": N}, built from the messages the
 * subcommand wrote to standard error, which still go there as well. A
 * streaming subcommand (monitor) writes its own lines as they come; its
 * error then ends the stream as one more line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntsctl.h"

/* @s as a JSON string body: quotes, backslashes and controls escaped. */
static void json_string(FILE *f, const char *s, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void ntsctl_json_error(const char *msgs, int rc)
{
	char text[2048];
	size_t n = 0;
	const char *p = msgs ? msgs : "";

	/* "ntsctl: a\nntsctl: b\n" -> "a; b" */
	while (*p && n < sizeof(text) - 1) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (!strncmp(p, "ntsctl: ", 8)) {
			p += 8;
			len -= 8;
		}
		if (len) {
			if (n && n + 2 < sizeof(text)) {
				memcpy(text + n, "; ", 2);
				n += 2;
			}
			if (len > sizeof(text) - 1 - n)
				len = sizeof(text) - 1 - n;
			memcpy(text + n, p, len);
			n += len;
		}
		p += nl ? (size_t)(nl - p) + 1 : strlen(p);
	}
	if (!n) {
		strcpy(text, "failed");
		n = strlen(text);
	}
	printf("{\"error\": ");
	json_string(stdout, text, n);
	printf(", \"exit\": %d}\n", rc);
	fflush(stdout);
}

int ntsctl_run_json(int (*run)(int, char **, const struct ntsctl_opts *),
		    int argc, char **argv, const struct ntsctl_opts *o,
		    bool streaming)
{
	FILE *real_out = stdout, *real_err = stderr, *mo = NULL, *me;
	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0;
	int rc;

	me = open_memstream(&err, &err_len);
	if (!streaming)
		mo = open_memstream(&out, &out_len);
	if (!me || (!streaming && !mo)) {
		/* no memory for the buffers: still say so as JSON */
		if (me)
			fclose(me);
		if (mo)
			fclose(mo);
		free(err);
		free(out);
		ntsctl_json_error("out of memory", NTSCTL_FAIL);
		return NTSCTL_FAIL;
	}
	fflush(stdout);
	if (mo)
		stdout = mo;
	stderr = me;
	rc = run(argc, argv, o);
	stderr = real_err;
	stdout = real_out;
	fclose(me);
	if (mo)
		fclose(mo);
	fwrite(err, 1, err_len, stderr);
	if (rc == NTSCTL_OK && out_len)
		fwrite(out, 1, out_len, stdout);
	else if (rc == NTSCTL_OK && !streaming)
		printf("{\"ok\": true}\n");
	else if (rc != NTSCTL_OK)
		ntsctl_json_error(err, rc);
	free(err);
	free(out);
	return rc;
}
