// SPDX-License-Identifier: GPL-2.0
/* ntskd's server role: keys, kernel, NTS-KE (see server_role.h). */
#include <errno.h>
#include <stdlib.h>

#include <linux/knts.h>

#include "file_watch.h"
#include "genl_watch.h"
#include "ke_server.h"
#include "ke_workers.h"
#include "keyfile_follow.h"
#include "log.h"
#include "masterkeys.h"
#include "nl.h"
#include "nl_server.h"
#include "server_role.h"

/* A failed rotation (kernel unreachable) is tried again this much later. */
#define ROLE_RETRY_MS	60000
/* quiet time after the certificate or key changed on disk, then reload */
#define ROLE_CERT_SETTLE_MS	2000
/*
 * How often the kernel's server role is compared with what ntskd set: a
 * module reloaded (rmmod/modprobe, a DKMS upgrade) comes back with the
 * role off, no keys and the default settings, while ntskd would go on handing out cookies that
 * nothing accepts. The family's appearance triggers the check at once
 * (after ROLE_FAMILY_SETTLE_MS); this catches what that misses.
 */
#define ROLE_AUDIT_MS		15000
#define ROLE_FAMILY_SETTLE_MS	200
/* after the family came back, until the module takes the push */
#define ROLE_FAST_AUDIT_MS	1000
#define ROLE_FAST_AUDITS	10
/*
 * keyfile-follow: quiet time after the followed file changed, then read
 * it (chrony renames a complete file into place, so this is short), and
 * how soon a set of keys the kernel did not take is pushed again.
 */
#define ROLE_FOLLOW_SETTLE_MS	200
#define ROLE_FOLLOW_RETRY_MS	5000

struct ntskd_server_role {
	struct ntskd_loop *loop;
	const struct ntskd_config *cfg;
	struct ntskd_masterkeys keys;
	struct ntskd_ke_workers *workers;
	struct ntskd_ke_server *ke;	/* the first worker: certificate */
	struct ntskd_timer rotation;
	struct ntskd_file_watch *cert_watch;
	struct ntskd_file_watch *follow_watch;	/* keyfile-follow */
	struct ntskd_timer follow_retry;
	bool have_keys;		/* false only while a followed file is awaited */
	bool listening;		/* the NTS-KE listeners are open */
	bool run_workers;	/* main asked for the worker threads */
	struct ntskd_genl_watch *family_watch;
	struct ntskd_timer audit;
	bool kernel_missing;	/* logged once per absence */
	unsigned int fast_audits;	/* left, at ROLE_FAST_AUDIT_MS */
	bool changed_last;	/* the last audit undid someone's change */
	bool yielding;		/* ... and the next found it again: stop */
	uint64_t resyncs;
	/* for ke-stats */
	uint64_t rotations, rotation_failures;
	uint64_t reloads, reload_failures;
};

static const char *const role_policy[] = { "mixed", "nts-only" };

static int64_t role_now(void)
{
	return (int64_t)ntskd_now_ms();
}

/*
 * Push @mk and (with @settings) the role's port, policy, in-flight table
 * size and NAK rate to knts; @mk NULL: the settings alone (no keys yet:
 * every NTS request gets a NAK).
 */
static int role_push(const struct ntskd_server_role *r,
		     const struct ntskd_masterkeys *mk, bool settings)
{
	struct knts_nl *nl;
	const char *what = "set the master keys";
	int err;

	nl = knts_nl_open(&err);
	if (!nl) {
		log_err("knts: %s", knts_nl_strerror(err));
		return err;
	}
	/*
	 * keys first: an enabled role without them NAKs every request,
	 * which is what a role waiting for its followed file should do
	 */
	err = 0;
	if (mk) {
		log_debug("knts: KEYS_SET %08X %08X %08X %08X, current %08X",
			  mk->slot[0].id, mk->slot[1].id, mk->slot[2].id,
			  mk->slot[3].id, ntskd_mk_current(mk)->id);
		err = knts_nl_keys_set(nl, mk->slot, NTSKD_MK_SLOTS,
				       ntskd_mk_current(mk)->id);
	}
	if (!err && settings) {
		struct knts_server_tune tune = {
			.pending_slots = r->cfg->pending_slots,
			.nak_rate = r->cfg->nak_rate,
		};

		what = "enable the server role";
		log_debug("knts: SERVER_SET enable, port %u, policy %s, pending-slots %u, nak-rate %u",
			  r->cfg->ntp_port, role_policy[r->cfg->policy & 1],
			  tune.pending_slots, tune.nak_rate);
		err = knts_nl_server_set(nl, true, r->cfg->ntp_port,
					 r->cfg->policy, &tune);
	}
	if (err)
		log_err("knts: cannot %s: %s%s%s", what, knts_nl_strerror(err),
			knts_nl_errmsg(nl) ? ": " : "",
			knts_nl_errmsg(nl) ? knts_nl_errmsg(nl) : "");
	knts_nl_close(nl);
	return err;
}

static void role_log_keys(const char *what, const struct ntskd_masterkeys *mk,
			  int64_t now)
{
	log_info("%s: current key %08X, next %08X, newest %.0f s old", what,
		 ntskd_mk_current(mk)->id,
		 mk->slot[(mk->current + 1) % NTSKD_MK_SLOTS].id,
		 ntskd_mk_age(mk, now));
}

static int role_save(struct ntskd_server_role *r,
		     const struct ntskd_masterkeys *mk, int64_t now)
{
	char err[1024];
	int ret;

	ret = ntskd_mk_save(mk, r->cfg->keyfile, now, err, sizeof(err));
	if (ret)
		log_err("cannot save the master keys: %s", err);
	return ret;
}

/* Arm the rotation timer for when the newest key is `rotate` s old. */
static void role_schedule(struct ntskd_server_role *r, int64_t now)
{
	int64_t due;

	if (!r->cfg->rotate)
		return;
	due = r->keys.newest_ms + (int64_t)r->cfg->rotate * 1000 - now;
	ntskd_timer_arm(r->loop, &r->rotation, due > 0 ? (uint64_t)due : 0);
}

static void role_rotate(struct ntskd_timer *t, void *arg)
{
	struct ntskd_server_role *r = arg;
	struct ntskd_masterkeys next = r->keys;
	int64_t now = role_now();

	if (ntskd_mk_rotate(&next, now)) {
		log_err("key rotation: no random bytes; trying again in %d s",
			ROLE_RETRY_MS / 1000);
		goto retry;
	}
	/*
	 * The kernel must know the new key before any cookie uses it; the
	 * role settings go along, so that a module reloaded since the last
	 * push is serving again at the latest by the next rotation.
	 */
	if (role_push(r, &next, true)) {
		log_err("key rotation postponed by %d s: the kernel did not take the keys",
			ROLE_RETRY_MS / 1000);
		goto retry;
	}
	role_save(r, &next, now);
	r->rotations++;
	r->keys = next;
	/* every worker mints under the new key from its next answer on */
	ntskd_ke_workers_set_keys(r->workers, &r->keys);
	ntskd_mk_wipe(&next);
	role_log_keys("rotated the master keys", &r->keys, now);
	role_schedule(r, now);
	return;
retry:
	r->rotation_failures++;
	ntskd_mk_wipe(&next);
	ntskd_timer_arm(r->loop, &r->rotation, ROLE_RETRY_MS);
}

/* The keys for the kernel, NULL while a followed file is awaited. */
static const struct ntskd_masterkeys *role_keys(const struct ntskd_server_role *r)
{
	return r->have_keys ? &r->keys : NULL;
}

/* The file the keys come from, for messages. */
static const char *role_keyfile(const struct ntskd_server_role *r)
{
	return ntskd_config_follows(r->cfg) ? r->cfg->keyfile_follow :
					      r->cfg->keyfile;
}

/*
 * Open the NTS-KE listeners once there are keys to seal cookies with:
 * before that, a client would get cookies that nothing accepts.
 */
static int role_listen(struct ntskd_server_role *r)
{
	if (r->listening || !r->have_keys)
		return 0;
	if (ntskd_ke_workers_listen(r->workers))
		return -1;
	r->listening = true;
	/* the threads were due already, but waited for the listeners */
	return r->run_workers ? ntskd_ke_workers_run(r->workers) : 0;
}

/*
 * keyfile-follow: read the followed file and, when it holds other keys
 * than those in use, push them to the kernel and take them. Whatever goes
 * wrong, the keys in use stay, in the kernel and for NTS-KE.
 */
static void role_follow_apply(struct ntskd_server_role *r, const char *why)
{
	const char *path = r->cfg->keyfile_follow;
	struct ntskd_masterkeys next;
	int64_t now = role_now();
	bool had = r->have_keys;
	uint32_t was = had ? ntskd_mk_current(&r->keys)->id : 0;
	char err[1024], what[NTSKD_PATH_MAX + 64];

	ntskd_timer_cancel(r->loop, &r->follow_retry);
	switch (ntskd_follow_read(role_keys(r), path, now, &next, err,
				  sizeof(err))) {
	case NTSKD_FOLLOW_SAME:
		log_debug("%s (%s): the keys in use", path, why);
		break;
	case NTSKD_FOLLOW_MISSING:
		if (had)
			log_warn("%s is gone (%s): keeping current key %08X until it is back",
				 path, why, was);
		else
			log_warn("%s does not exist yet: the server role stays closed (every NTS request gets a NAK, no NTS-KE) until it does",
				 path);
		break;
	case NTSKD_FOLLOW_BAD:
		r->rotation_failures++;
		if (had)
			log_err("%s; keeping the keys in use (current key %08X)",
				err, was);
		else
			log_err("%s; the server role stays closed until the file is good",
				err);
		break;
	case NTSKD_FOLLOW_NEW:
		/* the kernel first: NTS-KE must not hand out cookies it lacks */
		if (role_push(r, &next, true)) {
			r->rotation_failures++;
			log_err("knts did not take the keys of %s: keeping the keys in use, trying again in %d s",
				path, ROLE_FOLLOW_RETRY_MS / 1000);
			ntskd_timer_arm(r->loop, &r->follow_retry,
					ROLE_FOLLOW_RETRY_MS);
			break;
		}
		if (had)
			r->rotations++;
		r->keys = next;
		r->have_keys = true;
		/* every worker mints under the new key from its next answer on */
		ntskd_ke_workers_set_keys(r->workers, &r->keys);
		snprintf(what, sizeof(what), "%s keys of %s",
			 had ? "followed a rotation: new" : "loaded the followed",
			 path);
		role_log_keys(what, &r->keys, now);
		if (role_listen(r))
			log_err("NTS-KE stays off (the listeners did not open); knts serves NTP with the followed keys");
		break;
	}
	ntskd_mk_wipe(&next);
}

/* The followed file changed on disk (chrony rotated, or someone wrote it). */
static void role_follow_changed(void *arg)
{
	role_follow_apply(arg, "changed");
}

static void role_follow_again(struct ntskd_timer *t, void *arg)
{
	role_follow_apply(arg, "retry");
}

/*
 * keyfile-follow at start: watch the file's directory first (no change
 * between the read and the watch is missed), then read it. A file that is
 * missing, or bad (preflight refused it, so it went bad since), leaves the
 * role closed until a good one appears. 0 or -1 (no inotify: keys that
 * never follow would go stale under the clients).
 */
static int role_follow_start(struct ntskd_server_role *r)
{
	const char *files[] = { r->cfg->keyfile_follow };

	r->follow_watch = ntskd_file_watch_new(r->loop, files, 1,
					       ROLE_FOLLOW_SETTLE_MS,
					       role_follow_changed, r);
	if (!r->follow_watch) {
		log_err("keyfile-follow %s: cannot watch its directory for changes",
			r->cfg->keyfile_follow);
		return -1;
	}
	role_follow_apply(r, "start");
	return 0;
}

/* Load the keyfile at start, or create it. 0 or -1 (logged). */
static int role_load_own_keys(struct ntskd_server_role *r, int64_t now)
{
	const char *path = r->cfg->keyfile;
	char err[1024];
	int ret;

	ret = ntskd_mk_load(&r->keys, path, now, err, sizeof(err));
	if (ret >= 0) {
		role_log_keys("loaded the master keys", &r->keys, now);
		if (ret > 0) {
			log_warn("%s had %d keys fewer than 4; added fresh ones",
				 path, ret);
			if (r->cfg->rotate && role_save(r, &r->keys, now))
				return -1;
		}
		return 0;
	}
	if (ret != -ENOENT) {
		/* never overwrite a file we cannot read: it may be the pool's */
		log_err("%s", err);
		return -1;
	}
	if (ntskd_mk_generate(&r->keys, now)) {
		log_err("cannot make master keys: no random bytes");
		return -1;
	}
	if (!r->cfg->rotate)
		log_warn("%s does not exist: created it with fresh keys (rotate 0: copy the pool's keyfile there and send SIGHUP)",
			 path);
	if (role_save(r, &r->keys, now))
		return -1;
	role_log_keys("created the master keys", &r->keys, now);
	log_info("saved the master keys to %s", path);
	return 0;
}

static int role_load_keys(struct ntskd_server_role *r, int64_t now)
{
	if (ntskd_config_follows(r->cfg))
		return role_follow_start(r);
	if (role_load_own_keys(r, now))
		return -1;
	r->have_keys = true;
	return 0;
}

/*
 * The certificate or key changed on disk (a renewal): load them, as SIGHUP
 * would, but not the keyfile. Connections in progress keep the old ones.
 */
static void role_cert_changed(void *arg)
{
	struct ntskd_server_role *r = arg;

	log_info("%s or %s changed: reloading them", r->cfg->cert, r->cfg->key);
	r->reloads++;
	if (ntskd_ke_server_reload_tls(r->ke))
		r->reload_failures++;
}

/*
 * Does the kernel hold what we set: role on, port, policy, our keys? Sets
 * @reset when it looks freshly loaded (role off or no keys), as opposed
 * to set otherwise by someone (ntsctl, another ntskd).
 */
static const char *role_differs(const struct ntskd_server_role *r,
				const struct knts_server_state *st,
				bool *reset)
{
	unsigned int i, j;

	*reset = !st->enabled || (r->have_keys && !st->n_keys);
	/* awaiting a followed file: only the role's settings are ours */
	if (!r->have_keys && !st->enabled)
		return "the server role is off";
	if (!r->have_keys)
		return st->port != r->cfg->ntp_port ||
		       st->policy != r->cfg->policy ?
		       "another port or policy" : NULL;
	if (!st->n_keys)
		return "no master keys";
	if (!st->enabled)
		return "the server role is off";
	if (st->port != r->cfg->ntp_port || st->policy != r->cfg->policy)
		return "another port or policy";
	if (st->tune.pending_slots != r->cfg->pending_slots ||
	    st->tune.nak_rate != r->cfg->nak_rate)
		return "another pending-slots or nak-rate";
	if (!st->has_current || st->current_id != ntskd_mk_current(&r->keys)->id)
		return "another current key";
	if (st->n_keys != NTSKD_MK_SLOTS)
		return "another number of keys";
	for (i = 0; i < NTSKD_MK_SLOTS; i++) {
		for (j = 0; j < st->n_keys; j++)
			if (st->ids[j] == r->keys.slot[i].id)
				break;
		if (j == st->n_keys)
			return "other keys";
	}
	return NULL;
}

static void role_audit(struct ntskd_timer *t, void *arg)
{
	struct ntskd_server_role *r = arg;
	struct knts_server_state st;
	struct knts_nl *nl;
	const char *why;
	bool reset;
	int err;

	if (r->fast_audits) {
		r->fast_audits--;
		ntskd_timer_arm(r->loop, &r->audit, ROLE_FAST_AUDIT_MS);
	} else {
		ntskd_timer_arm(r->loop, &r->audit, ROLE_AUDIT_MS);
	}
	nl = knts_nl_open(&err);
	if (!nl) {
		if (!r->kernel_missing)
			log_err("knts: %s; cookies handed out now will not be accepted until it is back",
				knts_nl_strerror(err));
		r->kernel_missing = true;
		return;
	}
	err = knts_nl_server_get(nl, &st);
	knts_nl_close(nl);
	if (err) {
		log_warn("knts: cannot read the server role: %s",
			 knts_nl_strerror(err));
		return;
	}
	r->kernel_missing = false;
	why = role_differs(r, &st, &reset);
	if (!why) {
		r->changed_last = false;
		return;
	}
	/*
	 * A module reloaded is always restored. A change made by someone
	 * else is undone once; if it is back at the next audit, another
	 * ntskd (or a script) keeps setting it, and two daemons pushing in
	 * turn would make the keys flap under the clients: stop and say so.
	 */
	if (!reset && r->yielding)
		return;
	if (!reset && r->changed_last) {
		r->yielding = true;
		log_err("knts: the server role keeps being changed by another process (%s): another ntskd in this network namespace, or ntsctl? Not undoing it again; SIGHUP makes ntskd push its own once more",
			why);
		return;
	}
	r->changed_last = !reset;
	log_warn("knts: the kernel's server role is not what ntskd set (%s; module reloaded?): pushing the keys and settings again",
		 why);
	r->resyncs++;
	if (!role_push(r, role_keys(r), true)) {
		log_info("knts server role restored: NTP port %u, policy %s, current key %08X",
			 r->cfg->ntp_port, role_policy[r->cfg->policy & 1],
			 r->have_keys ? ntskd_mk_current(&r->keys)->id : 0);
		r->fast_audits = 0;
	}
}

/* The knts family (re)appeared: check, and restore, right away. */
static void role_family_back(void *arg)
{
	struct ntskd_server_role *r = arg;

	r->fast_audits = ROLE_FAST_AUDITS;
	ntskd_timer_arm(r->loop, &r->audit, ROLE_FAMILY_SETTLE_MS);
}

struct ntskd_server_role *ntskd_server_role_start(struct ntskd_loop *loop,
						  const struct ntskd_config *cfg)
{
	struct ntskd_server_role *r = calloc(1, sizeof(*r));
	int64_t now = role_now();

	if (!r) {
		log_err("out of memory");
		return NULL;
	}
	r->loop = loop;
	r->cfg = cfg;
	ntskd_timer_init(&r->rotation, role_rotate, r);
	ntskd_timer_init(&r->audit, role_audit, r);
	ntskd_timer_init(&r->follow_retry, role_follow_again, r);
	/* a bad certificate must fail the start before the kernel is touched */
	r->workers = ntskd_ke_workers_new(loop, cfg);
	if (!r->workers)
		goto fail;
	r->ke = ntskd_ke_workers_first(r->workers);
	if (role_load_keys(r, now) || role_push(r, role_keys(r), true))
		goto fail;
	if (r->have_keys)
		ntskd_ke_workers_set_keys(r->workers, &r->keys);
	log_info("knts server role enabled: NTP port %u, policy %s, %d master keys, pending-slots %u, nak-rate %u",
		 cfg->ntp_port, role_policy[cfg->policy & 1],
		 r->have_keys ? NTSKD_MK_SLOTS : 0, cfg->pending_slots,
		 cfg->nak_rate);
	if (role_listen(r))
		goto fail;
	{
		const char *files[] = { cfg->cert, cfg->key };

		/* without it (logged), SIGHUP still reloads */
		r->cert_watch = ntskd_file_watch_new(loop, files, 2,
						     ROLE_CERT_SETTLE_MS,
						     role_cert_changed, r);
	}
	r->family_watch = ntskd_genl_watch_new(loop, KNTS_FAMILY_NAME,
					       role_family_back, r);
	ntskd_timer_arm(loop, &r->audit, ROLE_AUDIT_MS);
	if (ntskd_config_follows(cfg))
		log_info("the master keys follow %s (keyfile-follow): re-read whenever it changes",
			 cfg->keyfile_follow);
	else if (cfg->rotate)
		role_schedule(r, now);
	else
		log_info("key rotation off (rotate 0): SIGHUP re-reads %s",
			 cfg->keyfile);
	return r;
fail:
	ntskd_server_role_stop(r);
	return NULL;
}

int ntskd_server_role_run_workers(struct ntskd_server_role *r)
{
	r->run_workers = true;
	/* no listeners yet (a followed file awaited): role_listen starts them */
	return r->listening ? ntskd_ke_workers_run(r->workers) : 0;
}

void ntskd_server_role_rotate_now(struct ntskd_server_role *r)
{
	if (ntskd_config_follows(r->cfg)) {
		log_info("SIGUSR2: the master keys follow %s: rotate them where they are made (chrony's ntsrotate)",
			 r->cfg->keyfile_follow);
		return;
	}
	log_info("SIGUSR2: rotating the master keys now");
	ntskd_timer_cancel(r->loop, &r->rotation);
	role_rotate(&r->rotation, r);
}

void ntskd_server_role_reload(struct ntskd_server_role *r)
{
	struct ntskd_masterkeys mk;
	int64_t now = role_now();
	char err[1024];
	int ret;

	log_info("SIGHUP: reloading cert, key and %s", role_keyfile(r));
	r->yielding = false;
	r->changed_last = false;
	r->reloads++;
	if (ntskd_ke_server_reload_tls(r->ke))
		r->reload_failures++;
	if (ntskd_config_follows(r->cfg)) {
		role_follow_apply(r, "SIGHUP");
		goto push;
	}

	ret = ntskd_mk_load(&mk, r->cfg->keyfile, now, err, sizeof(err));
	if (ret >= 0 && ntskd_mk_equal(&mk, &r->keys)) {
		log_info("%s is unchanged", r->cfg->keyfile);
	} else if (ret >= 0) {
		r->keys = mk;
		ntskd_ke_workers_set_keys(r->workers, &r->keys);
		role_log_keys("loaded new master keys", &r->keys, now);
		if (ret > 0 && r->cfg->rotate)
			role_save(r, &r->keys, now);
		role_schedule(r, now);
	} else if (ret == -ENOENT && r->cfg->rotate) {
		log_warn("%s is missing: writing the keys in use", r->cfg->keyfile);
		role_save(r, &r->keys, now);
	} else {
		log_err("%s; keeping the keys in use", err);
	}
	ntskd_mk_wipe(&mk);
push:
	/* resynchronise the kernel, e.g. after a module reload */
	if (!role_push(r, role_keys(r), true))
		log_info("pushed current key %08X and the role settings to knts",
			 r->have_keys ? ntskd_mk_current(&r->keys)->id : 0);
}

void ntskd_server_role_stop(struct ntskd_server_role *r)
{
	if (!r)
		return;
	ntskd_timer_cancel(r->loop, &r->rotation);
	ntskd_timer_cancel(r->loop, &r->audit);
	ntskd_timer_cancel(r->loop, &r->follow_retry);
	ntskd_file_watch_free(r->follow_watch);
	ntskd_genl_watch_free(r->family_watch);
	ntskd_file_watch_free(r->cert_watch);
	ntskd_ke_workers_stop(r->workers);
	ntskd_mk_wipe(&r->keys);
	free(r);
}

struct role_stat {
	const char *name;
	int64_t v;
};

/* whole days, rounded down; negative once expired */
static int64_t role_days(int64_t secs)
{
	return secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
}

void ntskd_server_role_ke_stats(const struct ntskd_server_role *r,
				char *reply, size_t len)
{
	struct ntskd_ke_server_stats st;
	int64_t left = 0;
	size_t i, n;

	ntskd_ke_workers_stats(r->workers, &st, NULL);
	ntskd_ke_server_cert_left(r->ke, &left);
	{
		const struct role_stat tab[] = {
			{ "conns_open", st.conns },
			{ "exchanges_ok", (int64_t)st.out.ok },
			{ "exchanges_aead_15", (int64_t)st.out.aead[0] },
			{ "exchanges_aead_16", (int64_t)st.out.aead[1] },
			{ "exchanges_aead_17", (int64_t)st.out.aead[2] },
			{ "cookies_issued", (int64_t)st.out.cookies },
			{ "bad_requests", (int64_t)st.out.bad_request },
			{ "no_common_aead", (int64_t)st.out.no_aead },
			{ "no_ntpv4", (int64_t)st.out.no_ntpv4 },
			{ "internal_errors", (int64_t)st.out.internal },
			{ "tls_failed", (int64_t)st.out.tls_failed },
			{ "conn_failed", (int64_t)st.out.conn_failed },
			{ "closed_early", (int64_t)st.out.closed_early },
			{ "timeouts", (int64_t)st.out.timeouts },
			{ "refused_rate", (int64_t)st.refused_rate },
			{ "refused_addr_conns", (int64_t)st.refused_addr_conns },
			{ "refused_full", (int64_t)st.refused_full },
			{ "evicted", (int64_t)st.evicted },
			{ "rate_untracked", (int64_t)st.rate_untracked },
			{ "rotations", (int64_t)r->rotations },
			{ "rotation_failures", (int64_t)r->rotation_failures },
			{ "kernel_resyncs", (int64_t)r->resyncs },
			{ "reloads", (int64_t)r->reloads },
			{ "reload_failures", (int64_t)r->reload_failures },
			{ "cert_expiry_warnings", (int64_t)st.cert_warnings },
			{ "cert_days_left", role_days(left) },
			{ "workers", ntskd_ke_workers_count(r->workers) },
		};

		n = (size_t)snprintf(reply, len, "ok");
		for (i = 0; i < sizeof(tab) / sizeof(tab[0]) && n < len; i++)
			n += (size_t)snprintf(reply + n, len - n, "\n%s %lld",
					      tab[i].name, (long long)tab[i].v);
	}
}
