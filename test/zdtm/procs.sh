# SPDX-License-Identifier: GPL-2.0
#
# procs.sh: sourced by the runner and the failure and fault scripts - what
# they ask of a test process.

# state_of PID: its state letter (R, S, T, Z...), empty when it is gone.
state_of() {
	sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$1/status" 2>/dev/null
}

# session_pids SID: the processes of session SID (zombies too).  read,
# not a program: a process may go while the list is read, and forks are
# slow in an emulated guest.
session_pids() {
	local sid=$1 f l
	for f in /proc/[0-9]*/stat; do
		# dash reports a failed redirection past a 2> after it
		{ read -r l <"$f"; } 2>/dev/null || continue
		# after the command name: state ppid pgrp session
		set -- ${l##*) }
		[ "$4" = "$sid" ] && echo "${f%/stat}"
	done
}

# kill_tree PID: SIGKILL to PID, its children and its process group (a
# zdtm test leads its own session), again until nothing of its session
# is left, for at most 5 s: a child forked in the meantime would keep
# PID in use as its session id, and a restore could not have PID ("Can't
# fork for PID: File exists").  No pkill in the guests.
kill_tree() {
	local i=0
	while [ $i -lt 50 ]; do
		kill -9 -"$1" $(cat /proc/"$1"/task/*/children 2>/dev/null) \
			"$1" 2>/dev/null
		[ -z "$(session_pids "$1")" ] && return 0
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}

# thp_enabled PID: its THP_enabled (0: PR_SET_THP_DISABLE), from status.
thp_enabled() {
	sed -n 's/^THP_enabled:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null
}

# rss_kb PID: its resident KiB (smaps_rollup's Rss), empty when it is gone.
rss_kb() {
	awk '/^Rss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null
}

# cpu_limit PID PERCENT: PID moved into a cgroup of its own whose CPU
# bandwidth is PERCENT of one CPU (cgroup v1's cpu controller, or v2's
# cpu.max): a slow daemon, without signals - SIGSTOP and SIGCONT end
# criu lazy-pages, whose epoll_wait returns EINTR after a stop (signal(7))
# and which takes that for an error.  1 when there is no cpu controller.
cpu_limit() {
	local g
	if [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
		g=/sys/fs/cgroup/cpu/criu-thp-slow.$1
		mkdir -p "$g" && echo 100000 >"$g/cpu.cfs_period_us" &&
			echo $(($2 * 1000)) >"$g/cpu.cfs_quota_us" &&
			echo "$1" >"$g/cgroup.procs"
	elif grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
		g=/sys/fs/cgroup/criu-thp-slow.$1
		echo +cpu >/sys/fs/cgroup/cgroup.subtree_control &&
			mkdir -p "$g" && echo "$(($2 * 1000)) 100000" >"$g/cpu.max" &&
			echo "$1" >"$g/cgroup.procs"
	else
		return 1
	fi 2>/dev/null
}

# cpu_unlimit PID: PID, if still there, back in the root cgroup; the
# cgroup of cpu_limit removed.
cpu_unlimit() {
	local g
	for g in /sys/fs/cgroup/cpu/criu-thp-slow.$1 /sys/fs/cgroup/criu-thp-slow.$1; do
		[ -d "$g" ] || continue
		echo "$1" >"${g%/*}/cgroup.procs" 2>/dev/null
		rmdir "$g"
	done
}

# kill_mid_transfer TASK KB DAEMON [SECONDS]: SIGKILL DAEMON once TASK
# has KB KiB in (Rss), looking every 10 ms for at most SECONDS (default
# 3); then its cpu_limit cgroup removed.  The caller slows DAEMON with
# cpu_limit as soon as it serves, so that the transfer cannot end before
# the first look.  1 if TASK never got there.
kill_mid_transfer() {
	local i=0 n=$((${4:-3} * 100)) kb ret=1
	while [ $i -lt $n ]; do
		kb=$(rss_kb "$1")
		[ "${kb:-0}" -ge "$2" ] && { ret=0; break; }
		i=$((i + 1))
		sleep 0.01
	done
	kill -9 "$3" 2>/dev/null
	wait_gone "$3"
	cpu_unlimit "$3"
	return $ret
}

# guard_state REPORT PID WANT: what the guard left of PID after the
# lazy-pages daemon died, as the monitor's REPORT says and the task's
# state shows; prints why it is wrong, nothing when it is right.  WANT T
# (guard = stop): stopped - or killed where the report says a thread spun
# in a kernel-mode fault (a system call touching a page that will never
# come retries the fault while a signal is pending: it cannot stop);
# WANT Z (guard = kill): killed.
guard_state() {
	local st spin
	st=$(state_of "$2")
	spin=$(jq -r --argjson p "$2" '.tasks[] | select(.pid == $p) |
		select(.killed and .kill_why == "spinning in a kernel-mode fault") |
		.pid' "$1" 2>/dev/null)
	if [ "$3" = T ] && [ -n "$spin" ]; then
		[ -z "$st" ] || [ "$st" = Z ] ||
			echo "task $2 is in state '$st', yet reported killed (kernel-mode fault)"
	elif [ "$3" = T ] && [ "$st" != T ]; then
		echo "task $2 is in state '$st', not stopped"
	elif [ "$3" = Z ] && [ -n "$st" ] && [ "$st" != Z ]; then
		echo "task $2 is in state '$st', not killed"
	fi
}

# wait_file FILE [SECONDS]: until FILE exists, for at most SECONDS
# (default 60); 1 if it does not.
wait_file() {
	local i=0 n=$((${2:-60} * 5))
	while [ ! -f "$1" ] && [ $i -lt $n ]; do
		i=$((i + 1))
		sleep 0.2
	done
	[ -f "$1" ]
}

# wait_socket FILE: up to 10 s until the socket FILE exists (a lazy-pages
# daemon's, before criu restore connects to it); 1 if it does not.
wait_socket() {
	local i=0
	while [ ! -S "$1" ] && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	[ -S "$1" ]
}

# wait_gone PIDS...: up to 60 s until none is left; 1 if some is.
wait_gone() {
	local i=0 p left
	while [ $i -lt 300 ]; do
		left=
		for p in "$@"; do
			[ -n "$(state_of "$p")" ] && [ "$(state_of "$p")" != Z ] &&
				left=1
		done
		[ -z "$left" ] && return 0
		i=$((i + 1))
		sleep 0.2
	done
	return 1
}

# monitor_pids DIR: the pids of the criu-thp monitors working on the
# images directory DIR, one a line (a scan of /proc: the guests have no
# pgrep).  The plugin runs them as "criu-thp -v monitor -D DIR ...".
monitor_pids() {
	local f
	for f in /proc/[0-9]*/cmdline; do
		{ tr '\0' ' ' <"$f"; } 2>/dev/null |
			grep -Eq "^([^ ]*/)?criu-thp( -v)? monitor -D $1( |/|$)" &&
			basename "$(dirname "$f")"
	done
}
