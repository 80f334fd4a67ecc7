// SPDX-License-Identifier: GPL-2.0
/*
 * One request to this network namespace's ntskd over its control socket
 * (lib/ntskd_ctl.h), with the errors every subcommand that asks ntskd
 * reports the same way: nobody listening, a squatter holding the name, a
 * refusal, ntskd's own "error ...".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ntsctl.h"
#include "ntskd_ctl.h"

int ntsctl_ask_ntskd(const char *what, const char *req, char *reply,
		     size_t len)
{
	struct ucred peer = { .pid = 0 };
	int err;

	err = ntskd_ctl_request(req, reply, len, &peer);
	if (err == -ECONNREFUSED || err == -ENOENT) {
		fprintf(stderr, "ntsctl: %s: no ntskd runs in this network namespace\n",
			what);
		return NTSCTL_FAIL;
	}
	if (err == -ENOTUNIQ) {
		fprintf(stderr, "ntsctl: %s: refused: the control socket @%s is held by pid %d, uid %u, which is neither root, %s nor you: not ntskd (someone is squatting the name)\n",
			what, NTSKD_CTL_NAME, (int)peer.pid,
			(unsigned int)peer.uid, NTSKD_USER);
		return NTSCTL_FAIL;
	}
	if (err) {
		fprintf(stderr, "ntsctl: %s: ntskd: %s\n", what, strerror(-err));
		return NTSCTL_FAIL;
	}
	if (!strncmp(reply, "ok", 2) && (!reply[2] || reply[2] == ' ' ||
					 reply[2] == '\n'))
		return NTSCTL_OK;
	if (!strncmp(reply, "denied ", 7)) {
		fprintf(stderr, "ntsctl: %s: permission denied: %s\n", what,
			reply + 7);
		return NTSCTL_PERM;
	}
	fprintf(stderr, "ntsctl: %s: ntskd: %s\n", what,
		strncmp(reply, "error ", 6) ? reply : reply + 6);
	return NTSCTL_FAIL;
}
