// SPDX-License-Identifier: GPL-2.0
/*
 * Log backend for the plugin: everything goes into CRIU's log, errors and
 * warnings in CRIU's own "Error (file:line): " form so that the tools that
 * grep CRIU logs for errors see ours too.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "thp_log.h"

/*
 * Exported by criu (it is linked with -rdynamic).  criu-log.h cannot be
 * used: it includes a log.h that is not installed.
 */
extern void print_on_level(unsigned int loglevel, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

void thp_log(int level, const char *file, int line, const char *fmt, ...)
{
	int err = errno;	/* callers may still read it */
	char buf[1024];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);

	switch (level) {
	case THP_LOG_ERROR:
		print_on_level(level, "Error (%s:%d): " THP_LOG_PREFIX "%s",
			       file, line, buf);
		break;
	case THP_LOG_WARN:
		print_on_level(level, "Warn  (%s:%d): " THP_LOG_PREFIX "%s",
			       file, line, buf);
		break;
	default:
		print_on_level(level, THP_LOG_PREFIX "%s", buf);
	}
	errno = err;
}
