/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNTS_CLIENT_H
#define _KNTS_CLIENT_H

#include <linux/skbuff.h>

struct knts_assoc;
struct knts_net;
struct knts_udp;

int knts_client_init(void);
void knts_client_exit(void);

/*
 * The association a packet belongs to: a mode 3 request to it (out) or a
 * mode 4 reply from it (in). NULL leaves the packet to the server role.
 * Caller holds rcu_read_lock(); so does it while using the result.
 */
struct knts_assoc *knts_client_match(struct knts_net *kn, struct sk_buff *skb,
				     const struct knts_udp *u, bool in);

/*
 * The association of the server a packet comes from (in) or goes to
 * (out), by address and port alone, whatever the packet says it is.
 * Same locking as knts_client_match().
 */
struct knts_assoc *knts_client_peer(struct knts_net *kn,
				    const struct sk_buff *skb,
				    const struct knts_udp *u, bool in);

/* Netfilter verdicts for requests to (out) and replies from (in) @a. */
unsigned int knts_client_out(struct knts_net *kn, struct knts_assoc *a,
			     struct sk_buff *skb, struct knts_udp *u);
unsigned int knts_client_in(struct knts_net *kn, struct knts_assoc *a,
			    struct sk_buff *skb, struct knts_udp *u);

#endif /* _KNTS_CLIENT_H */
