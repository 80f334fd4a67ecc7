// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>

#include <linux/knts.h>

#include "stat_names.h"

/* Indexed by enum knts_stat; designated initializers keep them in step. */
static const char *const names[__KNTS_STAT_MAX] = {
	[KNTS_STAT_SRV_REQ_VERIFIED] = "srv_req_verified",
	[KNTS_STAT_SRV_REQ_MALFORMED] = "srv_req_malformed",
	[KNTS_STAT_SRV_NAK_UNKNOWN_KEY] = "srv_nak_unknown_key",
	[KNTS_STAT_SRV_NAK_BAD_COOKIE] = "srv_nak_bad_cookie",
	[KNTS_STAT_SRV_NAK_BAD_MAC] = "srv_nak_bad_mac",
	[KNTS_STAT_SRV_NAK_SENT] = "srv_nak_sent",
	[KNTS_STAT_SRV_NAK_RATELIMITED] = "srv_nak_ratelimited",
	[KNTS_STAT_SRV_REPLY_SIGNED] = "srv_reply_signed",
	[KNTS_STAT_SRV_REPLY_DROPPED] = "srv_reply_dropped",
	[KNTS_STAT_SRV_TABLE_FULL] = "srv_table_full",
	[KNTS_STAT_SRV_PLAIN_PASSED] = "srv_plain_passed",
	[KNTS_STAT_SRV_PLAIN_DROPPED] = "srv_plain_dropped",
	[KNTS_STAT_SRV_FRAGMENT_DROPPED] = "srv_fragment_dropped",
	[KNTS_STAT_SRV_ERROR] = "srv_error",
	[KNTS_STAT_SRV_BAD_CSUM] = "srv_bad_csum",
};

const char *knts_stat_name(unsigned int stat)
{
	return stat < __KNTS_STAT_MAX ? names[stat] : NULL;
}
