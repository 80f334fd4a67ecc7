/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KNTS_STAT_NAMES_H
#define KNTS_STAT_NAMES_H

/* Stable snake_case name of a counter (enum knts_stat), or NULL if unknown. */
const char *knts_stat_name(unsigned int stat);

#endif
