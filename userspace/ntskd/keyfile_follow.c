// SPDX-License-Identifier: GPL-2.0
/* Reading a followed chrony key file (see keyfile_follow.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "keyfile.h"
#include "keyfile_follow.h"

enum ntskd_follow_result ntskd_follow_read(const struct ntskd_masterkeys *cur,
					   const char *path, int64_t now_ms,
					   struct ntskd_masterkeys *next,
					   char *err, size_t errlen)
{
	struct knts_keyfile_err why;
	struct knts_keyfile kf;
	int ret;

	memset(next, 0, sizeof(*next));
	ret = knts_keyfile_load_why(path, &kf, &why);
	if (ret == -ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOENT));
		return NTSKD_FOLLOW_MISSING;
	}
	if (ret == -EINVAL) {
		snprintf(err, errlen, "%s:%u: %s", path, why.line, why.reason);
		return NTSKD_FOLLOW_BAD;
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s", path,
			 ret == -EFBIG ? "too large for a key file" :
			 strerror(-ret));
		return NTSKD_FOLLOW_BAD;
	}
	/* chrony always writes 4; fewer is a file cut short */
	if (kf.n != NTSKD_MK_SLOTS) {
		snprintf(err, errlen,
			 "%s: %u keys where chrony writes %d (cut short?)",
			 path, kf.n, NTSKD_MK_SLOTS);
		knts_keyfile_wipe(&kf);
		return NTSKD_FOLLOW_BAD;
	}
	ret = ntskd_mk_from_keyfile(next, &kf, now_ms, err, errlen);
	knts_keyfile_wipe(&kf);
	if (ret) {
		char reason[256];

		/* ret > 0 (slots filled in) cannot happen with 4 keys */
		snprintf(reason, sizeof(reason), "%s", err);
		snprintf(err, errlen, "%s: %s", path, reason);
		ntskd_mk_wipe(next);
		return NTSKD_FOLLOW_BAD;
	}
	return cur && ntskd_mk_equal(cur, next) ? NTSKD_FOLLOW_SAME :
						  NTSKD_FOLLOW_NEW;
}
