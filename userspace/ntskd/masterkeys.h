/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Server master keys in chrony's slot scheme (digest 5.3, 5.4), so one
 * key file serves ntskd, knts.ko and chrony 4.3 alike.
 *
 * Four slots; the low two bits of a key's 32-bit ID are its slot. Around
 * the current slot c (the key new cookies are sealed with) sit the two
 * previous keys (c-1, c-2: cookies a client still holds keep working for
 * two rotation periods) and the pre-generated next key (c+1, which a pool
 * member may already have received). A rotation makes c+1 current and
 * replaces the oldest key with a fresh next key.
 *
 * The file is chrony's NKS0 "ntskeys":
 *   NKS0
 *   15 <age of the newest key, seconds, %.1f>
 *   <ID %08X> <key, 64 upper-case hex digits>     x4, oldest first, so
 *                                                   the current key is the
 *                                                   third line, the next
 *                                                   key the last
 * written atomically (temporary file, fsync, rename) with mode 0600.
 *
 * Times are milliseconds on a monotonic clock, passed in by the caller
 * (so the logic is testable); they may be negative for keys that were
 * made before the clock's epoch (loaded from an old file).
 */
#ifndef NTSKD_MASTERKEYS_H
#define NTSKD_MASTERKEYS_H

#include <stddef.h>
#include <stdint.h>

#include "keyfile.h"

#define NTSKD_MK_SLOTS		4
/* NKS0 text of 4 keys: "NKS0\n15 <age>\n" + 4 * (8 + 1 + 64 + 1) */
#define NTSKD_MK_FILE_MAX	512

struct ntskd_masterkeys {
	struct knts_master_key slot[NTSKD_MK_SLOTS];
	unsigned int current;	/* slot for new cookies */
	int64_t newest_ms;	/* when the newest (next) key was made */
};

/* Four fresh random keys. 0 or -EIO (no randomness). */
int ntskd_mk_generate(struct ntskd_masterkeys *mk, int64_t now_ms);

/* Advance to the next key and make a fresh next key. 0 or -EIO. */
int ntskd_mk_rotate(struct ntskd_masterkeys *mk, int64_t now_ms);

/*
 * Take the keys of a parsed key file (2..4 keys, consecutive slots, the
 * one before the last is current). Slots the file leaves empty get fresh
 * keys. Returns the number of slots filled that way (0..2), or -EINVAL
 * (with a reason in @err) for a key knts cannot use (not algorithm 15).
 */
int ntskd_mk_from_keyfile(struct ntskd_masterkeys *mk,
			  const struct knts_keyfile *kf, int64_t now_ms,
			  char *err, size_t errlen);

/*
 * Read @path into @mk: as ntskd_mk_from_keyfile(), the key age counted
 * from the file's modification time (its age field is as of writing), or
 * -ENOENT (no file),
 * another -errno, -EFBIG or -EINVAL, with a message in @err. @mk is left
 * unchanged on failure.
 */
int ntskd_mk_load(struct ntskd_masterkeys *mk, const char *path,
		  int64_t now_ms, char *err, size_t errlen);

/* The NKS0 text; returns its length or -ENOSPC. */
int ntskd_mk_format(const struct ntskd_masterkeys *mk, int64_t now_ms,
		    char *buf, size_t cap);

/*
 * Write the NKS0 file atomically, mode 0600; creates the directory (one
 * level, 0700) if it is missing. 0 or -errno with a message in @err.
 */
int ntskd_mk_save(const struct ntskd_masterkeys *mk, const char *path,
		  int64_t now_ms, char *err, size_t errlen);

static inline const struct knts_master_key *
ntskd_mk_current(const struct ntskd_masterkeys *mk)
{
	return &mk->slot[mk->current];
}

/* Seconds since the newest key was made (never negative). */
double ntskd_mk_age(const struct ntskd_masterkeys *mk, int64_t now_ms);

/* Same keys, same current key (ages are not compared). */
int ntskd_mk_equal(const struct ntskd_masterkeys *a,
		   const struct ntskd_masterkeys *b);

void ntskd_mk_wipe(struct ntskd_masterkeys *mk);

#endif /* NTSKD_MASTERKEYS_H */
