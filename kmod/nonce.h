/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNTS_NONCE_H
#define _KNTS_NONCE_H

#include <linux/types.h>

/*
 * @len unpredictable, never repeated bytes for the packet path: AEAD
 * nonces, cookie nonces, the client role's UIDs. Bottom halves disabled.
 */
void knts_nonce(u8 *out, unsigned int len);

#endif /* _KNTS_NONCE_H */
