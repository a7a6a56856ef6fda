// SPDX-License-Identifier: GPL-2.0
/*
 * Log backend for the criu-thp command: errors and warnings always go to
 * stderr; info and debug messages only up to thp_log_level (-v).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "thp_log.h"

int thp_log_level = THP_LOG_WARN;

void thp_log(int level, const char *file, int line, const char *fmt, ...)
{
	int err = errno;	/* callers may still read it */
	va_list args;

	if (level > thp_log_level)
		return;

	fputs("criu-thp: ", stderr);
	if (level == THP_LOG_ERROR)
		fputs("error: ", stderr);
	else if (level == THP_LOG_WARN)
		fputs("warning: ", stderr);
	if (thp_log_level >= THP_LOG_DEBUG)
		fprintf(stderr, "(%s:%d) ", file, line);

	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	errno = err;
}
