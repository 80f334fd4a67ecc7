// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>

#include <linux/knts.h>

#include "stat_names.h"

/* Indexed by enum knts_stat; designated initializers keep them in step. */
static const char *const names[__KNTS_STAT_MAX] = {
	[KNTS_STAT_UNSPEC] = NULL,
};

const char *knts_stat_name(unsigned int stat)
{
	return stat < __KNTS_STAT_MAX ? names[stat] : NULL;
}
