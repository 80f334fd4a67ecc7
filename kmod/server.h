/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNTS_SERVER_H
#define _KNTS_SERVER_H

#include <linux/skbuff.h>

struct knts_net;
struct knts_udp;

int knts_server_init(void);
void knts_server_exit(void);

/* Netfilter verdicts for packets to (in) and from (out) the NTP port. */
unsigned int knts_server_in(struct knts_net *kn, struct sk_buff *skb,
			    struct knts_udp *u);
unsigned int knts_server_out(struct knts_net *kn, struct sk_buff *skb,
			     struct knts_udp *u);

#endif /* _KNTS_SERVER_H */
