/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntskd logging: stderr in the foreground (-f), syslog (daemon facility)
 * once daemonized; debug lines only with -d. When stderr is the journal
 * (JOURNAL_STREAM names it, as systemd does), each line starts with its
 * priority as "<N>" instead of a time stamp. One line per event, and every
 * failure names the peer or the file and the reason.
 */
#ifndef NTSKD_LOG_H
#define NTSKD_LOG_H

#include <stdbool.h>
#include <syslog.h>

/*
 * Start logging. @to_syslog: send lines to syslog (openlog "ntskd");
 * otherwise to stderr. @debug: also emit LOG_DEBUG lines.
 */
void ntskd_log_open(bool to_syslog, bool debug);
/*
 * With syslog, lines also go to stderr until the daemon has detached from
 * the terminal, so startup errors are seen where ntskd was started.
 */
void ntskd_log_detached(void);
void ntskd_log_close(void);
bool ntskd_log_debug_enabled(void);

void ntskd_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	ntskd_log(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	ntskd_log(LOG_WARNING, __VA_ARGS__)
#define log_info(...)	ntskd_log(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	ntskd_log(LOG_DEBUG, __VA_ARGS__)

#endif /* NTSKD_LOG_H */
