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
	[KNTS_STAT_CLI_REQ_PROTECTED] = "cli_req_protected",
	[KNTS_STAT_CLI_REQ_NO_COOKIE] = "cli_req_no_cookie",
	[KNTS_STAT_CLI_REQ_UNSUPPORTED] = "cli_req_unsupported",
	[KNTS_STAT_CLI_REPLY_VERIFIED] = "cli_reply_verified",
	[KNTS_STAT_CLI_REPLY_UNAUTH] = "cli_reply_unauth",
	[KNTS_STAT_CLI_REPLY_MALFORMED] = "cli_reply_malformed",
	[KNTS_STAT_CLI_REPLY_UNMATCHED] = "cli_reply_unmatched",
	[KNTS_STAT_CLI_REPLY_REPLAY] = "cli_reply_replay",
	[KNTS_STAT_CLI_REPLY_BAD_MAC] = "cli_reply_bad_mac",
	[KNTS_STAT_CLI_REPLY_BAD_COOKIES] = "cli_reply_bad_cookies",
	[KNTS_STAT_CLI_REPLY_FRAGMENT] = "cli_reply_fragment",
	[KNTS_STAT_CLI_NAK] = "cli_nak",
	[KNTS_STAT_CLI_NAK_UNMATCHED] = "cli_nak_unmatched",
	[KNTS_STAT_CLI_EVENT_SENT] = "cli_event_sent",
	[KNTS_STAT_CLI_EVENT_RATELIMITED] = "cli_event_ratelimited",
	[KNTS_STAT_CLI_ERROR] = "cli_error",
	[KNTS_STAT_SRV_BAD_CSUM] = "srv_bad_csum",
	[KNTS_STAT_CLI_REPLY_BAD_CSUM] = "cli_reply_bad_csum",
	[KNTS_STAT_CLI_REQ_NOT_OWNER] = "cli_req_not_owner",
};

const char *knts_stat_name(unsigned int stat)
{
	return stat < __KNTS_STAT_MAX ? names[stat] : NULL;
}
