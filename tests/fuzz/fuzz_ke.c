// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the NTS-KE record codec (userspace/lib/ke_record.c).
 * Each input is offered as received bytes to the framer (one shot and in
 * chunks), as a request to the server parser and as a response to the
 * client parser. Whatever parses is rebuilt with the builders and parsed
 * again. Any broken invariant aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ke_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_ke: %s:%d: %s\n",		\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static const uint16_t offered[] = { 17, 16, 15 };

static bool inside(const void *p, size_t n, const uint8_t *buf, size_t len)
{
	const uint8_t *q = p;

	return q >= buf && q <= buf + len && n <= (size_t)(buf + len - q);
}

static bool known_reason(int rc)
{
	return strcmp(knts_ke_strreason(rc), "unknown-reason") != 0;
}

static void check_frame(const uint8_t *data, size_t size, size_t limit)
{
	struct knts_ke_framer f;
	size_t have = 0, step = 1;
	int one, rc = 0;

	one = knts_ke_frame(data, size, limit);
	CHECK(known_reason(one > 0 ? 0 : one));
	if (one > 0) {
		CHECK((size_t)one <= size && (size_t)one <= limit);
		CHECK(one >= KNTS_KE_HDR_LEN);
		/* the message ends with an empty End of Message record */
		CHECK((data[one - 4] & 0x7f) == 0 && data[one - 3] == 0);
		CHECK(data[one - 2] == 0 && data[one - 1] == 0);
	} else {
		CHECK(one == 0 || one == KNTS_KE_E_TOO_LARGE ||
		      one == KNTS_KE_E_EOM_BODY);
	}

	/* split delivery in growing chunks must agree with the one shot */
	knts_ke_framer_init(&f, limit);
	while (have < size) {
		have = have + step > size ? size : have + step;
		step = step % 13 + 1;
		rc = knts_ke_framer_feed(&f, data, have);
		if (rc)
			break;
	}
	if (!size)
		rc = knts_ke_framer_feed(&f, data, 0);
	CHECK(rc == one);
}

static void check_request(const uint8_t *data, size_t size)
{
	static uint8_t out[4096];
	static const uint8_t cookies[2 * 100];
	struct knts_ke_resp_params p = {
		.cookies = cookies, .cookie_len = 100,
	};
	struct knts_ke_response resp;
	struct knts_ke_request req;
	int rc, aead, n;

	rc = knts_ke_parse_request(data, size, &req);
	CHECK(known_reason(rc < 0 ? rc : 0));
	if (rc < 0) {
		CHECK(req.error_code <= KNTS_KE_ERR_INTERNAL);
		CHECK(req.error_code == knts_ke_reason_to_error(rc));
		CHECK(!req.np && !req.aead && !req.n_np && !req.n_aead);
		n = knts_ke_build_error(out, sizeof(out), req.error_code);
		CHECK(n == 10);
		CHECK(knts_ke_parse_response(out, (size_t)n, offered, 3,
					     &resp) == KNTS_KE_E_RESP_ERROR);
		CHECK(resp.error_code == req.error_code);
		return;
	}
	CHECK(rc == KNTS_KE_REQ_NTPV4 || rc == KNTS_KE_REQ_NO_NTPV4);
	CHECK(req.msg_len == size);
	CHECK(knts_ke_frame(data, size, (size_t)-1) == (int)size);
	CHECK(req.n_np >= 1 && inside(req.np, 2 * req.n_np, data, size));
	if (req.aead)
		CHECK(req.n_aead >= 1 &&
		      inside(req.aead, 2 * req.n_aead, data, size));
	else
		CHECK(rc == KNTS_KE_REQ_NO_NTPV4 && !req.n_aead);
	if (req.server_pref)
		CHECK(inside(req.server_pref, req.server_pref_len, data, size));

	aead = knts_ke_choose_aead(&req, offered, 3);
	CHECK(aead == KNTS_KE_AEAD_NONE || knts_ke_aead_supported(aead));
	if (rc == KNTS_KE_REQ_NO_NTPV4)
		CHECK(aead == KNTS_KE_AEAD_NONE || req.aead);

	/* our reply to it is framed and, when complete, accepted by a client */
	p.ntpv4 = rc == KNTS_KE_REQ_NTPV4;
	p.aead = p.ntpv4 ? aead : KNTS_KE_AEAD_NONE;
	p.n_cookies = p.ntpv4 && aead != KNTS_KE_AEAD_NONE ? 2 : 0;
	n = knts_ke_build_response(out, sizeof(out), &p);
	CHECK(n > 0);
	CHECK(knts_ke_frame(out, (size_t)n, KNTS_KE_RESP_LIMIT) == n);
	rc = knts_ke_parse_response(out, (size_t)n, offered, 3, &resp);
	if (p.n_cookies) {
		CHECK(rc == 0 && resp.aead == aead && resp.n_cookies == 2);
	} else {
		CHECK(rc == (p.ntpv4 ? KNTS_KE_E_AEAD_EMPTY :
			     KNTS_KE_E_NP_EMPTY));
	}
}

static void check_response(const uint8_t *data, size_t size)
{
	static uint8_t out[KNTS_KE_RESP_LIMIT], ck[8 * 256];
	struct knts_ke_response resp, again;
	struct knts_ke_resp_params p = { .ntpv4 = true };
	size_t i;
	int rc, n;

	rc = knts_ke_parse_response(data, size, offered, 3, &resp);
	CHECK(known_reason(rc));
	if (rc) {
		CHECK(rc < 0);
		CHECK(!resp.n_cookies && !resp.has_server && !resp.has_port);
		return;
	}
	CHECK(size <= KNTS_KE_RESP_LIMIT);
	CHECK(knts_ke_frame(data, size, KNTS_KE_RESP_LIMIT) == (int)size);
	CHECK(resp.aead == 15 || resp.aead == 16 || resp.aead == 17);
	CHECK(resp.n_cookies >= 1 && resp.n_cookies <= KNTS_KE_MAX_COOKIES);
	CHECK(resp.n_cookies <= resp.n_cookies_seen);
	CHECK(resp.n_cookies == resp.n_cookies_seen ||
	      resp.n_cookies == KNTS_KE_MAX_COOKIES);
	CHECK(resp.cookie_len >= 4 && resp.cookie_len <= KNTS_KE_COOKIE_MAX &&
	      resp.cookie_len % 4 == 0);
	for (i = 0; i < resp.n_cookies; i++)
		CHECK(inside(resp.cookie[i], resp.cookie_len, data, size));
	for (i = resp.n_cookies; i < KNTS_KE_MAX_COOKIES; i++)
		CHECK(!resp.cookie[i]);
	CHECK(resp.port != 0);
	CHECK(resp.has_port || resp.port == KNTS_KE_DEFAULT_PORT);
	if (resp.has_server) {
		size_t sl = strnlen(resp.server, sizeof(resp.server));

		CHECK(sl < sizeof(resp.server));
		CHECK(!knts_ke_check_server_name((const uint8_t *)resp.server,
						 sl));
	} else {
		CHECK(!resp.server[0]);
	}

	/* rebuild it with our builder: the client must see the same thing */
	for (i = 0; i < resp.n_cookies; i++)
		memcpy(ck + i * resp.cookie_len, resp.cookie[i],
		       resp.cookie_len);
	p.aead = resp.aead;
	p.port = resp.port;
	p.server = resp.has_server ? resp.server : NULL;
	p.cookies = ck;
	p.cookie_len = resp.cookie_len;
	p.n_cookies = resp.n_cookies;
	n = knts_ke_build_response(out, sizeof(out), &p);
	CHECK(n > 0);
	CHECK(knts_ke_parse_response(out, (size_t)n, offered, 3, &again) == 0);
	CHECK(again.aead == resp.aead && again.port == resp.port);
	CHECK(again.has_server == resp.has_server &&
	      !strcmp(again.server, resp.server));
	CHECK(again.n_cookies == resp.n_cookies &&
	      again.cookie_len == resp.cookie_len);
	for (i = 0; i < resp.n_cookies; i++)
		CHECK(!memcmp(again.cookie[i], resp.cookie[i],
			      resp.cookie_len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_frame(data, size, KNTS_KE_REQ_LIMIT);
	check_frame(data, size, KNTS_KE_RESP_LIMIT);
	check_frame(data, size, 64);
	check_request(data, size);
	check_response(data, size);
	return 0;
}
