// SPDX-License-Identifier: GPL-2.0
/* ntskd's client role: NTS-KE and associations (see client_role.h). */
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/knts.h>

#include "client_ke.h"
#include "client_policy.h"
#include "client_role.h"
#include "client_state.h"
#include "events.h"
#include "log.h"
#include "nl_assoc.h"
#include "nl_server.h"
#include "resolve.h"

/* After a NAK, a verified reply within this time means it was not ours. */
#define CR_NAK_GRACE_MS	3000
/* How often every association is looked at, in case events were missed. */
#define CR_AUDIT_MS	60000
/*
 * The first round (every line protected or failed once) ends the start-up
 * that systemd waits for; a line still resolving or connecting after this
 * long does not hold the NTP client back any longer.
 */
#define CR_READY_MAX_MS	30000
/*
 * A server given by name: its addresses at port 123 are closed at start
 * (see cr_resolve()); at most this many, and while the name does not
 * resolve (DNS not up yet at boot) it is tried again after 1 s, then
 * 1.5 times longer each time, up to 30 s.
 */
#define CR_GUESS_MAX		16
#define CR_RESOLVE_RETRY_S	1
#define CR_RESOLVE_RETRY_MAX_S	30
/* While a name has stand-ins next to its keyed association: the audit's pace. */
#define CR_FOLLOW_MS		10000

struct cr_server {
	struct ntskd_client_role *role;
	const struct ntskd_server_conf *conf;
	char name[NTSKD_NAME_MAX + 16];		/* for logs */
	struct ntskd_client_ke *ke;		/* running, or NULL */
	enum ntskd_ke_trigger ke_why;
	struct ntskd_timer next;		/* the next NTS-KE */
	enum ntskd_ke_trigger next_why;
	bool rekey_pending;			/* next is a re-key, not a refresh */
	struct ntskd_timer nak;			/* NAK grace period */
	uint64_t nak_good;			/* good replies when the NAK came */
	bool has_assoc;
	struct knts_assoc_id assoc;
	bool closed;				/* assoc is closed: no NTS-KE yet */
	bool has_owner;				/* see ntskd.conf(5) owner */
	uint32_t owner_uid;
	bool has_ntp;				/* the `ntp` option, resolved */
	struct knts_assoc_id ntp;
	/*
	 * Closed stand-ins at a name's addresses before its first NTS-KE
	 * (assoc is the first of them); removed once NTS-KE says where NTP
	 * goes (cr_drop_guesses()).
	 */
	struct knts_assoc_id guess[CR_GUESS_MAX];
	uint64_t guess_dropped[CR_GUESS_MAX];	/* req_dropped at the last look */
	unsigned int n_guess;
	uint64_t requests;			/* the keyed one's, at the last look */
	bool has_prefer;			/* the name's address NTP uses */
	struct knts_assoc_id prefer;
	struct ntskd_lookup *lookup;		/* resolving the name, or NULL */
	struct ntskd_timer resolve;		/* the next attempt */
	unsigned int resolve_fails;
	unsigned int fails;			/* see client_policy.h */
	bool settled;				/* first round done */
};

struct ntskd_client_role {
	struct ntskd_loop *loop;
	const struct ntskd_config *cfg;
	struct knts_nl *nl;			/* requests; reopened by the audit */
	struct ntskd_events *events;
	struct ntskd_resolver *resolver;
	struct ntskd_timer audit;
	struct ntskd_timer ready_max;
	void (*ready)(void *arg);
	void *ready_arg;
	bool ready_sent;
	bool state_warned;
	struct cr_server *srv;
	unsigned int n;
};

static const char *const cr_event_names[] = {
	[KNTS_EVENT_COOKIES_LOW] = "cookies-low",
	[KNTS_EVENT_JAR_EMPTY] = "jar-empty",
	[KNTS_EVENT_NAK] = "nak",
	[KNTS_EVENT_IDLE] = "idle",
};

static void cr_run(struct cr_server *s, enum ntskd_ke_trigger why);

static struct knts_nl *cr_nl(struct ntskd_client_role *r)
{
	int err;

	if (!r->nl) {
		r->nl = knts_nl_open(&err);
		if (!r->nl)
			log_err("knts: %s", knts_nl_strerror(err));
	}
	return r->nl;
}

static const char *cr_kmsg(struct ntskd_client_role *r)
{
	const char *m = r->nl ? knts_nl_errmsg(r->nl) : NULL;

	return m ? m : "";
}

/* ASSOC_GET of @s's association: 0, -ENOENT, -errno. */
static int cr_get(struct cr_server *s, struct knts_assoc_info *info)
{
	struct knts_nl *nl;

	if (!s->has_assoc)
		return -ENOENT;
	nl = cr_nl(s->role);
	if (!nl)
		return -EIO;
	return knts_nl_assoc_get(nl, &s->assoc, info);
}

static const char *cr_addr(const struct knts_assoc_id *id, char *buf,
			   size_t len)
{
	return knts_assoc_addr_str(id, buf, len);
}

/* Arm the next NTS-KE unless one is running or an earlier one is due. */
static void cr_arm(struct cr_server *s, uint64_t delay_ms,
		   enum ntskd_ke_trigger why, bool rekey)
{
	struct ntskd_loop *loop = s->role->loop;

	if (s->ke)
		return;
	if (s->next.armed && s->next.expires <= ntskd_now_ms() + delay_ms)
		return;
	s->next_why = why;
	s->rekey_pending = rekey;
	ntskd_timer_arm(loop, &s->next, delay_ms);
}

static void cr_on_next(struct ntskd_timer *t, void *arg)
{
	struct cr_server *s = arg;

	cr_run(s, s->next_why);
}

static void cr_ready(struct ntskd_client_role *r, bool timed_out)
{
	unsigned int i, done = 0;

	if (r->ready_sent)
		return;
	r->ready_sent = true;
	ntskd_timer_cancel(r->loop, &r->ready_max);
	for (i = 0; i < r->n; i++)
		done += r->srv[i].has_assoc && !r->srv[i].closed;
	if (timed_out)
		log_warn("knts client role: first NTS-KE round unfinished after %u s; ready with %u of %u servers protected",
			 CR_READY_MAX_MS / 1000, done, r->n);
	else
		log_info("knts client role: first NTS-KE round done, %u of %u servers protected",
			 done, r->n);
	r->ready(r->ready_arg);
}

static void cr_on_ready_max(struct ntskd_timer *t, void *arg)
{
	cr_ready(arg, true);
}

/* @s had its first NTS-KE (or kept its association): ready when all have. */
static void cr_settle(struct cr_server *s)
{
	struct ntskd_client_role *r = s->role;
	unsigned int i;

	s->settled = true;
	for (i = 0; i < r->n; i++)
		if (!r->srv[i].settled)
			return;
	cr_ready(r, false);
}

/* An exchange failed, or its result could not be used: back off. */
__attribute__((format(printf, 2, 3)))
static void cr_failed(struct cr_server *s, const char *fmt, ...)
{
	const struct ntskd_config *cfg = s->role->cfg;
	char msg[512];
	uint64_t delay;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->fails++;
	delay = ntskd_ke_backoff_ms(s->fails, cfg->ke_retry, cfg->ke_retry_max);
	log_warn("server %s: NTS-KE failed: %s; next attempt in %.1f s (failure %u in a row)",
		 s->name, msg, (double)delay / 1000, s->fails);
	cr_arm(s, delay, s->ke_why, true);
	cr_settle(s);
}

static void cr_save_state(struct ntskd_client_role *r)
{
	struct ntskd_client_state *st = calloc(1, sizeof(*st));
	char err[1024];
	unsigned int i;
	int ret;

	if (!st)
		return;
	for (i = 0; i < r->n; i++)
		if (r->srv[i].has_assoc)
			ntskd_client_state_put(st, r->srv[i].conf->host,
					       r->srv[i].conf->ke_port,
					       &r->srv[i].assoc);
	ret = ntskd_client_state_save(r->cfg->client_state, st, err, sizeof(err));
	free(st);
	if (ret && !r->state_warned)
		log_warn("%s; a restarted ntskd will run NTS-KE at once instead of keeping the associations",
			 err);
	r->state_warned = ret != 0;
}

static void cr_log_result(struct cr_server *s, const struct knts_ke_result *res)
{
	char ke[INET6_ADDRSTRLEN] = "?", w[128];
	struct knts_assoc_id ke_id;

	if (!knts_assoc_id_from_sockaddr(&ke_id, (const struct sockaddr *)&res->ke_addr))
		cr_addr(&ke_id, ke, sizeof(ke));
	log_info("server %s: NTS-KE with %s done: AEAD %u, %zu cookies of %zu bytes, %s",
		 s->name, ke, res->aead, res->n_cookies, res->cookie_len[0],
		 res->tls_cipher);
	if (res->warnings & KNTS_KE_WARN_NOVERIFY)
		log_warn("server %s: WARNING: its certificate was NOT verified (noverify): anyone on the path can pose as this server and set our clock",
			 s->name);
	if (res->warnings & ~KNTS_KE_WARN_NOVERIFY)
		log_info("server %s: note: %s", s->name,
			 knts_ke_warnings_str(res->warnings & ~KNTS_KE_WARN_NOVERIFY,
					      w, sizeof(w)));
}

/* Another server line already has @id (keyed, or closed if @closed)? */
static struct cr_server *cr_owner(const struct cr_server *s,
				  const struct knts_assoc_id *id, bool closed)
{
	struct ntskd_client_role *r = s->role;
	unsigned int i;

	for (i = 0; i < r->n; i++) {
		const struct cr_server *o = &r->srv[i];
		unsigned int j;

		if (o == s)
			continue;
		if (o->has_assoc && (closed || !o->closed) &&
		    knts_assoc_id_equal(&o->assoc, id))
			return &r->srv[i];
		for (j = 0; closed && j < o->n_guess; j++)
			if (knts_assoc_id_equal(&o->guess[j], id))
				return &r->srv[i];
	}
	return NULL;
}

static const uint32_t *cr_owner_uid(const struct cr_server *s)
{
	return s->has_owner ? &s->owner_uid : NULL;
}

/*
 * Fail closed before the first NTS-KE: a closed association at @id drops
 * the NTP client's requests to it and everything from it until NTS-KE
 * replaces it with a keyed one. Unless another line has that ID already.
 */
/* Install the closed association at @id; 0, or -1 after logging why. */
static int cr_set_closed(struct cr_server *s, const struct knts_assoc_id *id)
{
	struct ntskd_client_role *r = s->role;
	char a[INET6_ADDRSTRLEN];
	struct knts_nl *nl;
	int err;

	cr_addr(id, a, sizeof(a));
	if (cr_owner(s, id, true)) {
		log_info("server %s: %s port %u is another server line's; not closing it twice",
			 s->name, a, id->port);
		return -1;
	}
	nl = cr_nl(r);
	err = nl ? knts_nl_assoc_set_closed(nl, id, cr_owner_uid(s)) : -EIO;
	if (err) {
		log_err("server %s: cannot install the closed association of %s port %u: %s%s%s: until NTS-KE succeeds, NTP to it is NOT protected",
			s->name, a, id->port, knts_nl_strerror(err),
			cr_kmsg(r)[0] ? ": " : "", cr_kmsg(r));
		return -1;
	}
	log_info("server %s: NTP to %s port %u is closed until NTS-KE succeeds (no plain NTP goes out, none comes in)",
		 s->name, a, id->port);
	return 0;
}

static void cr_close(struct cr_server *s, const struct knts_assoc_id *id)
{
	if (cr_set_closed(s, id))
		return;
	s->has_assoc = true;
	s->closed = true;
	s->assoc = *id;
}

static void cr_resolve_stop(struct cr_server *s)
{
	ntskd_lookup_cancel(s->lookup);
	s->lookup = NULL;
	ntskd_timer_cancel(s->role->loop, &s->resolve);
}

/*
 * NTS-KE has told where NTP goes (@ntp): the stand-ins at the name's other
 * addresses go. The NTP client must send to @ntp (chrony, given the name
 * with `nts`, sends NTP where NTS-KE said, else to the address its NTS-KE
 * went to, never to the others); a plain client that still sends to
 * another address of the name gets no NTS from knts there, and its
 * traffic is no longer dropped either: it is told to change its
 * configuration. A stand-in at @ntp itself was replaced by the keyed
 * association.
 */
static void cr_drop_guesses(struct cr_server *s, const struct knts_assoc_id *ntp)
{
	char a[INET6_ADDRSTRLEN], n[INET6_ADDRSTRLEN];
	struct knts_nl *nl = cr_nl(s->role);
	unsigned int i;
	int err;

	cr_addr(ntp, n, sizeof(n));
	for (i = 0; i < s->n_guess; i++) {
		if (knts_assoc_id_equal(&s->guess[i], ntp))
			continue;
		cr_addr(&s->guess[i], a, sizeof(a));
		err = nl ? knts_nl_assoc_del(nl, &s->guess[i]) : -EIO;
		if (err && err != -ENOENT)
			log_warn("server %s: cannot remove the closed association of %s port %u: %s",
				 s->name, a, s->guess[i].port, knts_nl_strerror(err));
		log_warn("server %s: NTS-KE sends NTP to %s port %u, another host than the name's address %s: NTP to %s port %u is no longer dropped and NOT protected; an NTP client that uses it must use 'server %s' instead",
			 s->name, n, ntp->port, a, a, s->guess[i].port, n);
	}
	s->n_guess = 0;
}

static int cr_guess_find(const struct cr_server *s, const struct knts_assoc_id *id)
{
	unsigned int i;

	for (i = 0; i < s->n_guess; i++)
		if (knts_assoc_id_equal(&s->guess[i], id))
			return (int)i;
	return -1;
}

static void cr_guess_add(struct cr_server *s, const struct knts_assoc_id *id)
{
	if (s->n_guess < CR_GUESS_MAX && cr_guess_find(s, id) < 0) {
		s->guess_dropped[s->n_guess] = 0;
		s->guess[s->n_guess++] = *id;
	}
}

/* What each stand-in has dropped so far: the baseline of cr_follow(). */
static void cr_guess_baseline(struct cr_server *s)
{
	struct knts_nl *nl = cr_nl(s->role);
	struct knts_assoc_info info;
	unsigned int i;

	for (i = 0; nl && i < s->n_guess; i++)
		if (!knts_nl_assoc_get(nl, &s->guess[i], &info))
			s->guess_dropped[i] = info.req_dropped;
	s->requests = 0;
}

/*
 * NTS-KE sent NTP to @ntp, one of the name's addresses (no record 6 or 7:
 * the NTS-KE server's own address, as chrony does it). The name's other
 * addresses are the same server's: an NTP client that sends there would
 * get plain time from the configured server, so they stay closed. Not
 * for ever: cr_follow() sees the NTP client's requests dropped there and
 * runs NTS-KE to that address, which the keyed association then moves to.
 */
static void cr_keep_guesses(struct cr_server *s, const struct knts_assoc_id *ntp)
{
	char a[INET6_ADDRSTRLEN];
	int i = cr_guess_find(s, ntp);

	bool moved = i >= 0;

	if (moved)
		s->guess[i] = s->guess[--s->n_guess];
	/* the keyed association moves: its old address is a stand-in again */
	if (s->has_assoc && !s->closed && !knts_assoc_id_equal(&s->assoc, ntp) &&
	    s->n_guess < CR_GUESS_MAX && !cr_set_closed(s, &s->assoc))
		cr_guess_add(s, &s->assoc);
	cr_guess_baseline(s);
	if (s->n_guess)
		ntskd_timer_arm(s->role->loop, &s->role->audit, CR_FOLLOW_MS);
	for (i = 0; moved && i < (int)s->n_guess; i++)
		log_info("server %s: its address %s stays closed (NTP goes to the address NTS-KE reached); should the NTP client send there, NTS-KE follows it",
			 s->name, cr_addr(&s->guess[i], a, sizeof(a)));
}

/*
 * From the audit: the NTP client sends to a stand-in (its requests are
 * dropped there) and not to the keyed association: NTS-KE to that
 * address, so that knts protects the address the NTP client uses.
 */
static void cr_follow(struct cr_server *s, const struct knts_assoc_info *keyed,
		      const struct knts_assoc_info *guess, unsigned int i)
{
	char a[INET6_ADDRSTRLEN], k[INET6_ADDRSTRLEN];
	bool idle = keyed->requests == s->requests;
	bool used = guess->req_dropped > s->guess_dropped[i];

	s->requests = keyed->requests;
	s->guess_dropped[i] = guess->req_dropped;
	if (!used || !idle || s->ke || s->rekey_pending)
		return;
	log_warn("server %s: the NTP client sends to %s, not to %s: NTS-KE to %s, so that knts protects the address it uses",
		 s->name, cr_addr(&s->guess[i], a, sizeof(a)),
		 cr_addr(&s->assoc, k, sizeof(k)), a);
	s->prefer = s->guess[i];
	s->has_prefer = true;
	cr_arm(s, 0, NTSKD_KE_FOLLOW, true);
}

static void cr_resolve(struct cr_server *s);

static void cr_on_resolve_timer(struct ntskd_timer *t, void *arg)
{
	cr_resolve(arg);
}

static void cr_on_resolved(int gai, struct addrinfo *ai, void *arg)
{
	struct cr_server *s = arg;
	const struct addrinfo *a;
	struct knts_assoc_id id;
	unsigned int i, found = 0;
	uint64_t delay;

	s->lookup = NULL;
	if (!gai) {
		for (a = ai; a && s->n_guess < CR_GUESS_MAX; a = a->ai_next) {
			if (knts_assoc_id_from_sockaddr(&id, a->ai_addr))
				continue;
			id.port = 123;
			for (i = 0; i < s->n_guess; i++)
				if (knts_assoc_id_equal(&s->guess[i], &id))
					break;
			if (i < s->n_guess)
				continue;
			found++;
			if (cr_set_closed(s, &id))
				continue;
			s->guess[s->n_guess++] = id;
		}
		freeaddrinfo(ai);
	}
	if (found) {
		if (s->n_guess && !s->has_assoc) {
			s->has_assoc = true;
			s->closed = true;
			s->assoc = s->guess[0];
		}
		log_info("server %s: resolved to %u addresses; %u closed until NTS-KE says where NTP goes",
			 s->name, found, s->n_guess);
		return;
	}
	s->resolve_fails++;
	delay = ntskd_ke_backoff_ms(s->resolve_fails, CR_RESOLVE_RETRY_S,
				    CR_RESOLVE_RETRY_MAX_S);
	log_warn("server %s: cannot resolve its name (%s): until it resolves or NTS-KE succeeds, NTP to it is NOT protected; trying again in %.1f s (attempt %u)",
		 s->name, gai ? gai_strerror(gai) : "no IPv4 or IPv6 address",
		 (double)delay / 1000, s->resolve_fails);
	ntskd_timer_arm(s->role->loop, &s->resolve, delay);
}

/*
 * A server given by name, with no `ntp` and nothing in client-state: its
 * NTP address is not known before NTS-KE. Close every address the name
 * resolves to (both families) at port 123: where NTP goes when NTS-KE
 * names no other server (no record 6 or 7), as chrony does it.
 */
static void cr_resolve(struct cr_server *s)
{
	if (s->lookup || (s->has_assoc && !s->closed))
		return;
	s->lookup = ntskd_resolve(s->role->resolver, s->conf->host, 123,
				  SOCK_DGRAM, cr_on_resolved, s);
	if (!s->lookup)
		cr_on_resolved(EAI_SYSTEM, NULL, s);
}

/* Where the NTP client sends before any NTS-KE told us: see cr_adopt(). */
static bool cr_guess_ntp(const struct cr_server *s,
			 const struct knts_assoc_id *state,
			 struct knts_assoc_id *id)
{
	if (state) {
		*id = *state;
		return true;
	}
	if (s->has_ntp) {
		*id = s->ntp;
		return true;
	}
	return !knts_assoc_id_parse(id, s->conf->host, 123);
}

static void cr_install(struct cr_server *s, const struct knts_ke_result *res,
		       const struct knts_assoc_id *ntp)
{
	struct ntskd_client_role *r = s->role;
	char a[INET6_ADDRSTRLEN], old[INET6_ADDRSTRLEN], port[16] = "";
	struct cr_server *owner = cr_owner(s, ntp, false);
	struct knts_nl *nl;
	int err;

	cr_log_result(s, res);
	cr_addr(ntp, a, sizeof(a));
	if (owner) {
		cr_failed(s, "it sends NTP to %s port %u, which server %s (line %u) already uses",
			  a, ntp->port, owner->name, owner->conf->line);
		return;
	}
	nl = cr_nl(r);
	err = nl ? knts_nl_assoc_set(nl, ntp, res, cr_owner_uid(s)) : -EIO;
	if (err) {
		cr_failed(s, "knts refused the association for %s port %u: %s%s%s",
			  a, ntp->port, knts_nl_strerror(err),
			  cr_kmsg(r)[0] ? ": " : "", cr_kmsg(r));
		return;
	}
	cr_resolve_stop(s);
	/* a refresh to the same address, or a move among the name's */
	if (s->n_guess && (cr_guess_find(s, ntp) >= 0 ||
			   (s->has_assoc && knts_assoc_id_equal(&s->assoc, ntp)))) {
		cr_keep_guesses(s, ntp);
		/* the stand-ins and a moved keyed one are dealt with */
		s->has_assoc = false;
	} else if (s->n_guess) {
		cr_drop_guesses(s, ntp);
		s->has_assoc = false;
	}
	/* later exchanges go to the address NTP uses first */
	s->prefer = *ntp;
	s->has_prefer = true;
	if (s->has_assoc && !knts_assoc_id_equal(&s->assoc, ntp)) {
		cr_addr(&s->assoc, old, sizeof(old));
		err = knts_nl_assoc_del(nl, &s->assoc);
		if (err && err != -ENOENT)
			log_warn("server %s: cannot remove the old association of %s port %u: %s",
				 s->name, old, s->assoc.port, knts_nl_strerror(err));
		log_warn("server %s: its NTP server moved from %s port %u to %s port %u: change the NTP client's configuration",
			 s->name, old, s->assoc.port, a, ntp->port);
	}
	/* Another line's closed association at this ID is ours now. */
	owner = cr_owner(s, ntp, true);
	if (owner)
		owner->has_assoc = false;
	s->has_assoc = true;
	s->closed = false;
	s->assoc = *ntp;
	if (ntp->port != 123)
		snprintf(port, sizeof(port), " port %u", ntp->port);
	log_info("server %s: knts now protects NTP to %s%s; the NTP client must use 'server %s%s' (plain, no 'nts': knts adds NTS)",
		 s->name, a, port, a, port);
	cr_save_state(r);
	cr_arm(s, (uint64_t)r->cfg->refresh * 1000, NTSKD_KE_REFRESH, false);
	cr_settle(s);
}

static void cr_ke_done(int err, const char *msg,
		       const struct knts_ke_result *res,
		       const struct knts_assoc_id *ntp, void *arg)
{
	struct cr_server *s = arg;

	s->ke = NULL;
	if (err) {
		cr_failed(s, "%s (%s)", msg[0] ? msg : "no details",
			  knts_ke_client_err_name(err));
		return;
	}
	cr_install(s, res, ntp);
}

static void cr_run(struct cr_server *s, enum ntskd_ke_trigger why)
{
	struct ntskd_client_role *r = s->role;
	struct knts_assoc_info info;

	ntskd_timer_cancel(r->loop, &s->next);
	ntskd_timer_cancel(r->loop, &s->nak);
	s->rekey_pending = false;
	if (s->ke)
		return;
	/* NTS worked since the last exchange: the backoff starts afresh */
	if (!cr_get(s, &info) && info.has_last_reply)
		s->fails = 0;
	log_info("server %s: NTS-KE (%s)%s", s->name, ntskd_ke_trigger_name(why),
		 s->fails ? ", after failures" : "");
	s->ke_why = why;
	s->ke = ntskd_client_ke_start(r->loop, r->resolver, s->conf,
				      s->has_prefer ? &s->prefer : NULL,
				      cr_ke_done, s);
	if (!s->ke)
		cr_failed(s, "out of memory");
}

/* An event asks for NTS-KE; client_policy.h decides whether and when. */
static void cr_rekey(struct cr_server *s, enum ntskd_ke_trigger why,
		     unsigned int cookies)
{
	const struct ntskd_config *cfg = s->role->cfg;
	struct ntskd_ke_decision d;
	struct knts_assoc_info info;
	bool productive;
	int err;

	if (s->ke || s->rekey_pending) {
		log_debug("server %s: %s: NTS-KE already %s", s->name,
			  ntskd_ke_trigger_name(why), s->ke ? "running" : "scheduled");
		return;
	}
	err = cr_get(s, &info);
	if (err == -ENOENT)
		why = NTSKD_KE_GONE;
	productive = !err && info.has_last_reply;
	d = ntskd_ke_decide(why, productive, s->fails, cfg->ke_retry,
			    cfg->ke_retry_max);
	if (!d.run) {
		log_info("server %s: %s (%u left), but no reply verified since the last NTS-KE: waiting for the jar to empty",
			 s->name, ntskd_ke_trigger_name(why), cookies);
		return;
	}
	s->fails = d.fails;
	if (d.delay_ms)
		log_info("server %s: %s, and no reply verified since the last NTS-KE: NTS-KE in %.1f s",
			 s->name, ntskd_ke_trigger_name(why),
			 (double)d.delay_ms / 1000);
	cr_arm(s, d.delay_ms, why, true);
}

static void cr_on_nak_timer(struct ntskd_timer *t, void *arg)
{
	struct cr_server *s = arg;
	struct knts_assoc_info info = { 0 };

	if (s->ke)
		return;
	if (!cr_get(s, &info) && info.good > s->nak_good) {
		log_info("server %s: a verified reply followed the NAK: keeping the cookies",
			 s->name);
		return;
	}
	cr_rekey(s, NTSKD_KE_NAK, info.cookies);
}

static void cr_nak(struct cr_server *s)
{
	struct knts_assoc_info info;

	if (s->ke || s->rekey_pending || s->nak.armed)
		return;
	if (cr_get(s, &info)) {
		cr_rekey(s, NTSKD_KE_NAK, 0);
		return;
	}
	s->nak_good = info.good;
	log_info("server %s: NTS NAK (the server cannot open our cookies); NTS-KE unless a verified reply follows within %d s",
		 s->name, CR_NAK_GRACE_MS / 1000);
	ntskd_timer_arm(s->role->loop, &s->nak, CR_NAK_GRACE_MS);
}

static struct cr_server *cr_find(struct ntskd_client_role *r,
				 const struct knts_assoc_id *id)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (r->srv[i].has_assoc && knts_assoc_id_equal(&r->srv[i].assoc, id))
			return &r->srv[i];
	return NULL;
}

static void cr_audit_now(struct ntskd_client_role *r);

static void cr_on_event(const struct knts_assoc_event *ev, void *arg)
{
	struct ntskd_client_role *r = arg;
	struct cr_server *s;
	char a[INET6_ADDRSTRLEN];

	if (!ev) {
		cr_audit_now(r);
		return;
	}
	s = cr_find(r, &ev->id);
	log_debug("knts event %s for %s port %u, %u cookies%s",
		  ev->type <= KNTS_EVENT_IDLE && cr_event_names[ev->type] ?
		  cr_event_names[ev->type] : "?",
		  cr_addr(&ev->id, a, sizeof(a)), ev->id.port, ev->cookies,
		  s ? "" : " (not one of ours)");
	if (!s)
		return;
	switch (ev->type) {
	case KNTS_EVENT_COOKIES_LOW:
		cr_rekey(s, NTSKD_KE_LOW, ev->cookies);
		break;
	case KNTS_EVENT_JAR_EMPTY:
		cr_rekey(s, NTSKD_KE_EMPTY, ev->cookies);
		break;
	case KNTS_EVENT_NAK:
		cr_nak(s);
		break;
	case KNTS_EVENT_IDLE:
		log_info("server %s: the NTP client has sent nothing to %s for a long time: is it still configured with it?",
			 s->name, a);
		break;
	}
}

/* The kernel's associations, copied out of a dump. */
struct cr_dump {
	struct knts_assoc_info a[KNTS_MAX_ASSOCS];
	unsigned int n;
};

static int cr_dump_one(const struct knts_assoc_info *info, void *arg)
{
	struct cr_dump *d = arg;

	if (d->n < KNTS_MAX_ASSOCS)
		d->a[d->n++] = *info;
	return 0;
}

static int cr_dump(struct ntskd_client_role *r, struct cr_dump *d)
{
	struct knts_nl *nl = cr_nl(r);

	d->n = 0;
	return nl ? knts_nl_assoc_dump(nl, cr_dump_one, d) : -EIO;
}

static const struct knts_assoc_info *cr_dump_find(const struct cr_dump *d,
						  const struct knts_assoc_id *id)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (knts_assoc_id_equal(&d->a[i].id, id))
			return &d->a[i];
	return NULL;
}

static int cr_events_open(struct ntskd_client_role *r)
{
	int err;

	ntskd_events_close(r->events);
	r->events = ntskd_events_open(r->loop, cr_on_event, r, &err);
	if (!r->events)
		log_err("knts: cannot join the events group: %s",
			knts_nl_strerror(err));
	return r->events ? 0 : err;
}

/*
 * The namespace's idle time (client-idle): set at start, and set again
 * when the audit finds another (a module reload resets it to 3600).
 * 0 or -errno (logged).
 */
static int cr_push_idle(struct ntskd_client_role *r, bool audit)
{
	struct knts_nl *nl = cr_nl(r);
	uint32_t have;
	int err;

	if (!nl)
		return -EIO;
	if (audit) {
		err = knts_nl_client_get(nl, &have);
		if (!err && have == r->cfg->client_idle)
			return 0;
		if (!err)
			log_warn("knts: the client role's idle time is %u s, not %u (module reloaded?): setting it again",
				 have, r->cfg->client_idle);
	}
	err = knts_nl_client_set(nl, r->cfg->client_idle);
	if (err)
		log_err("knts: cannot set the client role's idle time to %u s: %s%s%s",
			r->cfg->client_idle, knts_nl_strerror(err),
			*cr_kmsg(r) ? ": " : "", cr_kmsg(r));
	return err;
}

/*
 * Look at every association: one that has gone (module reloaded, or
 * removed by hand) or whose jar is empty gets NTS-KE, even if its event
 * was lost. The request socket is reopened first: after a module reload
 * the family has a new ID.
 */
static void cr_audit_now(struct ntskd_client_role *r)
{
	struct cr_dump *d = malloc(sizeof(*d));
	unsigned int i, gone = 0;
	char a[INET6_ADDRSTRLEN];
	int err;

	ntskd_timer_arm(r->loop, &r->audit, CR_AUDIT_MS);
	knts_nl_close(r->nl);
	r->nl = NULL;
	if (!d)
		return;
	err = cr_dump(r, d);
	if (err) {
		log_warn("knts: cannot list the associations: %s",
			 knts_nl_strerror(err));
		free(d);
		return;
	}
	for (i = 0; i < r->n; i++) {
		struct cr_server *s = &r->srv[i];
		const struct knts_assoc_info *info;

		if (!s->has_assoc)
			continue;
		info = cr_dump_find(d, &s->assoc);
		if (!info) {
			log_warn("server %s: its association (%s port %u) has gone from the kernel",
				 s->name, cr_addr(&s->assoc, a, sizeof(a)),
				 s->assoc.port);
			gone++;
			/* closed again until NTS-KE, which may be under way */
			if (!s->conf->plain_until_nts)
				cr_close(s, &s->assoc);
			if (!s->ke && !s->rekey_pending)
				cr_arm(s, 0, NTSKD_KE_GONE, true);
		} else if (s->ke || s->rekey_pending) {
			continue;
		} else if (!info->cookies) {
			cr_rekey(s, NTSKD_KE_EMPTY, 0);
		}
	}
	/* a name's stand-ins: still there, and is the NTP client using one? */
	for (i = 0; i < r->n; i++) {
		struct cr_server *s = &r->srv[i];
		const struct knts_assoc_info *keyed, *info;
		unsigned int j;

		keyed = s->has_assoc && !s->closed ? cr_dump_find(d, &s->assoc) : NULL;
		for (j = 0; j < s->n_guess; j++) {
			info = cr_dump_find(d, &s->guess[j]);
			if (!info) {
				if (!s->has_assoc || !knts_assoc_id_equal(&s->assoc, &s->guess[j]))
					cr_set_closed(s, &s->guess[j]);
			} else if (keyed) {
				cr_follow(s, keyed, info, j);
			}
		}
		if (keyed && s->n_guess)
			ntskd_timer_arm(r->loop, &r->audit, CR_FOLLOW_MS);
	}
	/* gone without our doing: the module may have been reloaded */
	if (gone || !r->events)
		cr_events_open(r);
	cr_push_idle(r, true);
	free(d);
}

static void cr_on_audit(struct ntskd_timer *t, void *arg)
{
	cr_audit_now(arg);
}

/*
 * At start: keep the associations that still hold cookies (the state file
 * says which server line installed which), NTS-KE for the others.
 */
static void cr_adopt(struct ntskd_client_role *r)
{
	struct ntskd_client_state *st = calloc(1, sizeof(*st));
	struct cr_dump *d = malloc(sizeof(*d));
	unsigned int i, skipped = 0;
	char err[1024], a[INET6_ADDRSTRLEN];
	int ret = -ENOMEM;

	if (st && d)
		ret = ntskd_client_state_load(r->cfg->client_state, st, &skipped,
					      err, sizeof(err));
	if (ret && ret != -ENOENT)
		log_warn("%s: every server gets NTS-KE now", ret == -ENOMEM ?
			 "out of memory" : err);
	if (skipped)
		log_warn("%s: %u malformed lines ignored", r->cfg->client_state,
			 skipped);
	if (!ret && cr_dump(r, d)) {
		log_warn("knts: cannot list the associations: every server gets NTS-KE now");
		ret = -EIO;
	}
	for (i = 0; i < r->n; i++) {
		struct cr_server *s = &r->srv[i];
		const struct knts_assoc_id *id = NULL;
		const struct knts_assoc_info *info = NULL;
		uint64_t due = 0;

		struct knts_assoc_id guess;

		if (!ret)
			id = ntskd_client_state_find(st, s->conf->host,
						     s->conf->ke_port);
		if (id)
			info = cr_dump_find(d, id);
		if (!info) {
			if (s->conf->plain_until_nts)
				log_warn("server %s: plain-until-nts: until its first NTS-KE, the NTP client's requests to it go out as plain NTP",
					 s->name);
			else if (cr_guess_ntp(s, id, &guess))
				cr_close(s, &guess);
			else
				cr_resolve(s);
			cr_arm(s, 0, NTSKD_KE_START, true);
			continue;
		}
		s->has_assoc = true;
		s->closed = info->closed;
		s->assoc = *id;
		if (!info->cookies) {
			/* an empty jar is replaced by the exchange */
			cr_arm(s, 0, NTSKD_KE_START, true);
			continue;
		}
		if (info->has_owner != s->has_owner ||
		    info->owner_uid != s->owner_uid) {
			log_info("server %s: its association has another owner than configured: NTS-KE now",
				 s->name);
			cr_arm(s, 0, NTSKD_KE_START, true);
			continue;
		}
		if (info->age < r->cfg->refresh)
			due = r->cfg->refresh - info->age;
		log_info("server %s: keeping its association with %s port %u (%u cookies, installed %" PRIu64 " s ago); NTS-KE in %" PRIu64 " s",
			 s->name, cr_addr(id, a, sizeof(a)), id->port,
			 info->cookies, info->age, due);
		cr_arm(s, due * 1000, NTSKD_KE_REFRESH, false);
		cr_settle(s);
	}
	free(st);
	free(d);
}

static bool cr_matches(const struct cr_server *s, const char *host)
{
	struct knts_assoc_id id;

	if (!strcasecmp(s->conf->host, host))
		return true;
	return s->has_assoc && !knts_assoc_id_parse(&id, host, s->assoc.port) &&
	       knts_assoc_id_equal(&id, &s->assoc);
}

int ntskd_client_role_refresh(struct ntskd_client_role *r, const char *host)
{
	unsigned int i, matched = 0;

	for (i = 0; i < r->n; i++) {
		if (host && !cr_matches(&r->srv[i], host))
			continue;
		matched++;
		cr_run(&r->srv[i], NTSKD_KE_OPERATOR);
	}
	return matched ? (int)matched : -1;
}

void ntskd_client_role_control(struct ntskd_client_role *r, const char *req,
			       char *reply, size_t len)
{
	const char *host = NULL;
	int n;

	if (!strncmp(req, "refresh ", 8) && req[8])
		host = req + 8;
	else if (strcmp(req, "refresh")) {
		snprintf(reply, len, "error unknown request '%.64s'", req);
		return;
	}
	log_info("NTS-KE refresh requested for %s", host ? host : "every server");
	n = ntskd_client_role_refresh(r, host);
	if (n < 0)
		snprintf(reply, len, "error no server line for '%.200s'", host);
	else
		snprintf(reply, len, "ok %d", n);
}

/*
 * The owner's uid: a number, a user name, "any" (no owner) or "auto":
 * chronyd's user if there is one (its client sockets are opened after it
 * drops root), else root (NTPsec and ntpd send from their port 123
 * sockets, opened as root). -1 when the user does not exist.
 */
static int cr_resolve_owner(struct cr_server *s, const char *owner)
{
	static const char *const chrony_users[] = { "_chrony", "chrony" };
	const struct passwd *pw = NULL;
	unsigned int i;
	char *end;
	unsigned long v;

	s->has_owner = strcmp(owner, "any") != 0;
	if (!s->has_owner)
		return 0;
	if (!strcmp(owner, "auto")) {
		for (i = 0; i < 2 && !pw; i++)
			pw = getpwnam(chrony_users[i]);
		s->owner_uid = pw ? pw->pw_uid : 0;
		return 0;
	}
	v = strtoul(owner, &end, 10);
	if (!*end && v <= UINT32_MAX - 1) {
		s->owner_uid = (uint32_t)v;
		return 0;
	}
	pw = getpwnam(owner);
	if (!pw)
		return -1;
	s->owner_uid = pw->pw_uid;
	return 0;
}

static int cr_server_init(struct ntskd_client_role *r, struct cr_server *s,
			  const struct ntskd_server_conf *conf)
{
	const char *owner = conf->owner[0] ? conf->owner : r->cfg->owner;

	s->role = r;
	s->conf = conf;
	if (conf->ke_port != NTSKD_KE_PORT)
		snprintf(s->name, sizeof(s->name), "%s ke-port %u", conf->host,
			 conf->ke_port);
	else
		snprintf(s->name, sizeof(s->name), "%s", conf->host);
	ntskd_timer_init(&s->next, cr_on_next, s);
	ntskd_timer_init(&s->nak, cr_on_nak_timer, s);
	ntskd_timer_init(&s->resolve, cr_on_resolve_timer, s);
	if (conf->noverify)
		log_warn("server %s (line %u): WARNING: noverify: its certificate will NOT be checked; anyone on the path can pose as this server and set our clock. For labs only.",
			 s->name, conf->line);
	if (cr_resolve_owner(s, owner)) {
		log_err("server %s (line %u): owner '%s': no such user", s->name,
			conf->line, owner);
		return -1;
	}
	if (conf->ntp[0]) {
		if (knts_assoc_id_parse(&s->ntp, conf->ntp, 123)) {
			log_err("server %s (line %u): ntp %s: no such interface",
				s->name, conf->line, conf->ntp);
			return -1;
		}
		s->has_ntp = true;
	}
	if (s->has_owner)
		log_info("server %s: only uid %u's sockets speak NTP to it (owner %s)",
			 s->name, s->owner_uid, owner);
	else
		log_warn("server %s: owner any: every local user's requests to it get NTS, and can spend its cookies",
			 s->name);
	return 0;
}

struct ntskd_client_role *ntskd_client_role_start(struct ntskd_loop *loop,
						  const struct ntskd_config *cfg,
						  void (*ready)(void *arg),
						  void *ready_arg)
{
	struct ntskd_client_role *r = calloc(1, sizeof(*r));
	unsigned int i;

	if (!r || !(r->srv = calloc(cfg->n_servers, sizeof(*r->srv)))) {
		log_err("out of memory");
		free(r);
		return NULL;
	}
	r->loop = loop;
	r->cfg = cfg;
	r->n = cfg->n_servers;
	r->ready = ready;
	r->ready_arg = ready_arg;
	ntskd_timer_init(&r->audit, cr_on_audit, r);
	ntskd_timer_init(&r->ready_max, cr_on_ready_max, r);
	r->resolver = ntskd_resolver_new(loop);
	if (!r->resolver) {
		log_err("cannot set up name resolution: %s", strerror(errno));
		goto fail;
	}
	if (!cr_nl(r) || cr_push_idle(r, false) || cr_events_open(r))
		goto fail;
	for (i = 0; i < r->n; i++)
		if (cr_server_init(r, &r->srv[i], &cfg->servers[i]))
			goto fail;
	ntskd_timer_arm(loop, &r->ready_max, CR_READY_MAX_MS);
	cr_adopt(r);
	ntskd_timer_arm(loop, &r->audit, CR_AUDIT_MS);
	log_info("knts client role: %u NTS-KE servers, refresh every %u s, retries from %u s up to %u s, idle after %u s",
		 r->n, cfg->refresh, cfg->ke_retry, cfg->ke_retry_max,
		 cfg->client_idle);
	return r;
fail:
	ntskd_client_role_stop(r);
	return NULL;
}

void ntskd_client_role_stop(struct ntskd_client_role *r)
{
	unsigned int i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		struct cr_server *s = &r->srv[i];

		if (!s->role)
			continue;
		ntskd_timer_cancel(r->loop, &s->next);
		ntskd_timer_cancel(r->loop, &s->nak);
		cr_resolve_stop(s);
		ntskd_client_ke_cancel(s->ke);
	}
	ntskd_timer_cancel(r->loop, &r->audit);
	ntskd_timer_cancel(r->loop, &r->ready_max);
	ntskd_events_close(r->events);
	ntskd_resolver_free(r->resolver);
	knts_nl_close(r->nl);
	free(r->srv);
	free(r);
}
