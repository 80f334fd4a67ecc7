// SPDX-License-Identifier: GPL-2.0
/* ntskd logging (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static bool log_syslog;
static bool log_debug_on;
static bool log_attached = true;
static bool log_journal;

/*
 * Is stderr the journal? systemd sets JOURNAL_STREAM to "DEV:INODE" of the
 * stream it connects to a service's stderr; checking that it is still our
 * stderr keeps a child that inherited the variable (stderr redirected
 * elsewhere) on plain lines.
 */
static bool log_stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st))
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void ntskd_log_open(bool to_syslog, bool debug)
{
	log_syslog = to_syslog;
	log_debug_on = debug;
	log_journal = !to_syslog && log_stderr_is_journal();
	if (to_syslog)
		openlog("ntskd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void ntskd_log_close(void)
{
	if (log_syslog)
		closelog();
	log_syslog = false;
}

void ntskd_log_detached(void)
{
	log_attached = false;
}

bool ntskd_log_debug_enabled(void)
{
	return log_debug_on;
}

static const char *log_level(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error: ";
	case LOG_WARNING:
		return "warning: ";
	case LOG_DEBUG:
		return "debug: ";
	}
	return "";
}

void ntskd_log(int prio, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (prio == LOG_DEBUG && !log_debug_on)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_syslog) {
		syslog(prio, "%s", line);
		if (!log_attached)
			return;
	}
	/*
	 * The journal: "<N>" gives each line its syslog priority, so that
	 * journalctl -p warning shows errors and warnings; it stamps the time
	 * and the name itself.
	 */
	if (log_journal) {
		fprintf(stderr, "<%d>%s\n", prio, line);
		return;
	}
	/* stderr: a wall-clock stamp makes test logs and journals line up */
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld ntskd: %s%s\n", tm.tm_hour,
		tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_level(prio),
		line);
}
