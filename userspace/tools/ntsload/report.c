// SPDX-License-Identifier: GPL-2.0
/* ntsload's output; see report.h. All strings printed are ours or checked
 * by the NTS-KE parser (printable, no quotes), so JSON needs no escaping
 * beyond what json_str() does for safety.
 */
#include <string.h>

#include "report.h"

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void report_ke(FILE *f, const char *ke_host, const struct knts_ke_result *r)
{
	char w[128];

	fprintf(f, "nts-ke %s: aead %u, %zu cookies of %zu bytes, ntp %s port %u%s%s, %s\n",
		ke_host, r->aead, r->n_cookies, r->cookie_len[0], r->ntp_server,
		r->ntp_port, r->ntp_server_negotiated ? " (server record)" : "",
		r->ntp_port_negotiated ? " (port record)" : "", r->tls_cipher);
	if (r->warnings)
		fprintf(f, "nts-ke warnings: %s\n",
			knts_ke_warnings_str(r->warnings, w, sizeof(w)));
}

static void ke_json_fields(FILE *f, const char *ke_host,
			   const struct knts_ke_result *r)
{
	char w[128];

	fputs("\"ke_server\": ", f);
	json_str(f, ke_host);
	fprintf(f, ", \"aead\": %u, \"key_len\": %zu, \"cookies\": %zu, "
		"\"cookie_len\": %zu, \"ntp_server\": ", r->aead, r->key_len,
		r->n_cookies, r->cookie_len[0]);
	json_str(f, r->ntp_server);
	fprintf(f, ", \"ntp_port\": %u, \"server_negotiated\": %s, "
		"\"port_negotiated\": %s, \"tls_cipher\": ", r->ntp_port,
		r->ntp_server_negotiated ? "true" : "false",
		r->ntp_port_negotiated ? "true" : "false");
	json_str(f, r->tls_cipher);
	fputs(", \"warnings\": ", f);
	json_str(f, knts_ke_warnings_str(r->warnings, w, sizeof(w)));
}

void report_ke_json(FILE *f, const char *ke_host, const struct knts_ke_result *r)
{
	fputc('{', f);
	ke_json_fields(f, ke_host, r);
	fputs("}\n", f);
}

static double us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

static uint64_t lost(const struct load_stats *st)
{
	return st->sent > st->answered ? st->sent - st->answered : 0;
}

void report_load(FILE *f, const struct report_run *run,
		 const struct load_stats *st)
{
	unsigned int i;

	fprintf(f, "target %s, %s requests of %zu bytes, pool %zu (signed in %.2f s), %u source ports\n",
		run->target, run->nts ? "NTS" : "plain", run->request_len,
		run->pool, run->pool_seconds, run->sources);
	if (run->rate > 0)
		fprintf(f, "rate asked %.0f/s for %.2f s\n", run->rate, run->duration);
	else
		fprintf(f, "rate asked: flat out for %.2f s\n", run->duration);
	fprintf(f, "offered   %10.0f req/s   (%llu sent, %llu blocked, %llu send errors)\n",
		(double)st->sent / run->duration, (unsigned long long)st->sent,
		(unsigned long long)st->send_blocked,
		(unsigned long long)st->send_errors);
	fprintf(f, "valid     %10.0f rep/s   (%llu valid of %llu received)\n",
		(double)st->valid / run->duration, (unsigned long long)st->valid,
		(unsigned long long)st->received);
	if (st->unsync)
		fprintf(f, "          %llu of them from an unsynchronised server (LI 3 / stratum 0 or 16)\n",
			(unsigned long long)st->unsync);
	fprintf(f, "loss      %10.3f %%       (%llu unanswered)\n",
		st->sent ? 100.0 * (double)lost(st) / (double)st->sent : 0.0,
		(unsigned long long)lost(st));
	fprintf(f, "invalid   %10llu", (unsigned long long)st->invalid);
	for (i = 1; i < LOAD_BAD_MAX; i++)
		if (st->bad[i])
			fprintf(f, "  %s %llu", load_bad_name(i),
				(unsigned long long)st->bad[i]);
	fputc('\n', f);
	fprintf(f, "naks      %10llu\n", (unsigned long long)st->naks);
	fprintf(f, "latency   p50 %.1f us  p90 %.1f us  p99 %.1f us  max %.1f us\n",
		us(hist_quantile(&st->lat, 0.5)), us(hist_quantile(&st->lat, 0.9)),
		us(hist_quantile(&st->lat, 0.99)), us(st->lat.max));
}

void report_load_json(FILE *f, const struct report_run *run,
		      const char *ke_host, const struct knts_ke_result *ke,
		      const struct load_stats *st)
{
	unsigned int i;
	bool first = true;

	fputs("{\"target\": ", f);
	json_str(f, run->target);
	fprintf(f, ", \"mode\": \"%s\", \"rate\": %.1f, \"duration\": %.3f, "
		"\"sources\": %u, \"pool\": %zu, \"request_len\": %zu, "
		"\"pool_seconds\": %.3f, ", run->nts ? "nts" : "plain", run->rate,
		run->duration, run->sources, run->pool, run->request_len,
		run->pool_seconds);
	if (ke) {
		ke_json_fields(f, ke_host, ke);
		fputs(", ", f);
	}
	fprintf(f, "\"sent\": %llu, \"offered_rate\": %.1f, \"send_blocked\": %llu, "
		"\"send_errors\": %llu, \"received\": %llu, \"answered\": %llu, "
		"\"valid\": %llu, \"unsync\": %llu, \"valid_rate\": %.1f, \"lost\": %llu, "
		"\"loss_pct\": %.4f, \"naks\": %llu, \"invalid\": %llu, \"invalid_by\": {",
		(unsigned long long)st->sent, (double)st->sent / run->duration,
		(unsigned long long)st->send_blocked,
		(unsigned long long)st->send_errors,
		(unsigned long long)st->received,
		(unsigned long long)st->answered,
		(unsigned long long)st->valid, (unsigned long long)st->unsync,
		(double)st->valid / run->duration,
		(unsigned long long)lost(st),
		st->sent ? 100.0 * (double)lost(st) / (double)st->sent : 0.0,
		(unsigned long long)st->naks, (unsigned long long)st->invalid);
	for (i = 1; i < LOAD_BAD_MAX; i++) {
		fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", load_bad_name(i),
			(unsigned long long)st->bad[i]);
		first = false;
	}
	fprintf(f, "}, \"resent_unanswered\": %llu, \"latency_us\": {\"p50\": %.2f, "
		"\"p90\": %.2f, \"p99\": %.2f, \"max\": %.2f, \"mean\": %.2f}}\n",
		(unsigned long long)st->resent_unanswered,
		us(hist_quantile(&st->lat, 0.5)), us(hist_quantile(&st->lat, 0.9)),
		us(hist_quantile(&st->lat, 0.99)), us(st->lat.max),
		st->lat.count ? us(st->lat.sum / st->lat.count) : 0.0);
}
