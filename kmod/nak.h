/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNTS_NAK_H
#define _KNTS_NAK_H

#include <linux/skbuff.h>

#include "ef.h"

#define KNTS_NAK_MAX_LEN (KNTS_NTP_HDR_LEN + KNTS_EF_HDR_LEN + KNTS_EF_UID_MAX)

struct knts_udp;

/*
 * Send @len bytes of NTP payload (an NTS NAK) back to where @req came
 * from, from the address and port it was sent to. Stamps the receive and
 * transmit timestamps. Returns 0 or -errno; @req is left untouched.
 */
int knts_nak_send(struct net *net, struct sk_buff *req,
		  const struct knts_udp *u, u8 *payload, unsigned int len);

#endif /* _KNTS_NAK_H */
