/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging for code shared by the plugin and the criu-thp command.
 *
 * The plugin links log_criu.c, which writes into CRIU's own log through
 * print_on_level() in CRIU's format; the command links log_stderr.c.
 * Levels are CRIU's.  Logging leaves errno as it found it.
 */
#ifndef THP_LOG_H
#define THP_LOG_H

#include <errno.h>
#include <string.h>

#define THP_LOG_PREFIX	"thp: "

enum thp_log_level {
	THP_LOG_MSG	= 0,
	THP_LOG_ERROR	= 1,
	THP_LOG_WARN	= 2,
	THP_LOG_INFO	= 3,
	THP_LOG_DEBUG	= 4,
};

void thp_log(int level, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define pr_msg(fmt, ...)	\
	thp_log(THP_LOG_MSG, __FILE__, __LINE__, fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	\
	thp_log(THP_LOG_ERROR, __FILE__, __LINE__, fmt, ##__VA_ARGS__)
/* An error with errno's text, read before anything can change it. */
#define pr_perror(fmt, ...)	\
	thp_log(THP_LOG_ERROR, __FILE__, __LINE__, fmt ": %s\n",	\
		##__VA_ARGS__, strerror(errno))
/* A warning with errno's text. */
#define pr_pwarn(fmt, ...)	\
	thp_log(THP_LOG_WARN, __FILE__, __LINE__, fmt ": %s\n",	\
		##__VA_ARGS__, strerror(errno))
#define pr_warn(fmt, ...)	\
	thp_log(THP_LOG_WARN, __FILE__, __LINE__, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	\
	thp_log(THP_LOG_INFO, __FILE__, __LINE__, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	\
	thp_log(THP_LOG_DEBUG, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

#endif /* THP_LOG_H */
