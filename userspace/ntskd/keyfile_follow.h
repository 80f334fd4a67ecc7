/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keyfile-follow: the master keys are those of the `ntskeys` file that a
 * rotating chrony (the pool's NTS-KE server) writes into its ntsdumpdir,
 * re-read whenever the file changes (server_role.c watches it).
 *
 * chrony replaces the file by a rename at each rotation, with its four
 * keys: the two previous ones, the current one and the next one (already
 * there a period before it becomes current). Pushing the whole set to the
 * kernel therefore accepts exactly the cookies chrony would accept.
 *
 * A file that does not hold what chrony writes -- unparsable, a key knts
 * cannot use, or fewer than four keys (a partial write: the parser would
 * take the wrong line for the current key) -- is refused as a whole: the
 * keys in use stay, nothing partial reaches the kernel.
 */
#ifndef NTSKD_KEYFILE_FOLLOW_H
#define NTSKD_KEYFILE_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "masterkeys.h"

enum ntskd_follow_result {
	NTSKD_FOLLOW_NEW,	/* other keys than @cur: push them */
	NTSKD_FOLLOW_SAME,	/* the keys in use (chronyc dump, a touch) */
	NTSKD_FOLLOW_MISSING,	/* no such file (yet) */
	NTSKD_FOLLOW_BAD,	/* refused, why in @err */
};

/*
 * Read @path into @next and compare it with @cur (NULL: no keys yet).
 * @next holds the keys for NEW and SAME and is wiped otherwise; a message
 * is in @err for MISSING and BAD.
 */
enum ntskd_follow_result ntskd_follow_read(const struct ntskd_masterkeys *cur,
					   const char *path, int64_t now_ms,
					   struct ntskd_masterkeys *next,
					   char *err, size_t errlen);

#endif /* NTSKD_KEYFILE_FOLLOW_H */
