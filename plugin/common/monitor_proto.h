/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the plugin and the monitor say to each other, on the socket pair
 * the plugin spawns the monitor with (monitor_spawn.h).
 *
 * The plugin writes a task's pid, "PID\n"; the monitor answers once per
 * task it has not seen before, "PID ANSWER MESSAGE\n": ANSWER one word of
 * enum monitor_proto_answer, MESSAGE free text for the log (may be empty).
 * A pid sent again only makes the monitor compare that task again.
 */
#ifndef THP_MONITOR_PROTO_H
#define THP_MONITOR_PROTO_H

#include <stddef.h>
#include <sys/types.h>

/* One line either way, newline included. */
#define MONITOR_PROTO_LINE	192

enum monitor_proto_answer {
	/* lazy, and the lazy-pages daemon's userfaultfds are held */
	MONITOR_PROTO_GUARDED,
	/* nothing owed: no page in the image, or no VMA registered */
	MONITOR_PROTO_NOT_LAZY,
	/* lazy, but not guarded: the message says why */
	MONITOR_PROTO_NOT_GUARDED,
	/* the task's images or /proc files could not be read */
	MONITOR_PROTO_LOAD_FAILED,
	MONITOR_PROTO_NR
};

struct monitor_proto_msg {
	pid_t pid;
	enum monitor_proto_answer answer;
	char text[MONITOR_PROTO_LINE];
};

/* The answer's word on the wire ("guarded", "not-lazy", ...). */
const char *monitor_proto_word(enum monitor_proto_answer a);
/* The answer in a log line ("guarded", "not lazy", ...). */
const char *monitor_proto_text(enum monitor_proto_answer a);
/*
 * The answer line for pid into buf (newline included, the message cut to
 * fit): its length, or -EINVAL for an answer out of range.
 */
int monitor_proto_format(char *buf, size_t len, pid_t pid,
			 enum monitor_proto_answer a, const char *text);
/* A line without its newline, parsed: 0, or -EINVAL. */
int monitor_proto_parse(const char *line, struct monitor_proto_msg *m);

#endif /* THP_MONITOR_PROTO_H */
