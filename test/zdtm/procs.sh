# SPDX-License-Identifier: GPL-2.0
#
# procs.sh: sourced by the runner and the failure and fault scripts - what
# they ask of a test process.

# state_of PID: its state letter (R, S, T, Z...), empty when it is gone.
state_of() {
	sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$1/status" 2>/dev/null
}

# kill_tree PID: SIGKILL to PID and its children (no pkill in the guests).
kill_tree() {
	kill -9 $(cat /proc/"$1"/task/*/children 2>/dev/null) "$1" 2>/dev/null
}

# wait_rss PID KB [SECONDS]: wait until PID has KB KiB in (Rss), for at
# most SECONDS (default 3); 1 if it has not.
wait_rss() {
	local i=0 n=$((${3:-3} * 100)) kb
	while [ $i -lt $n ]; do
		kb=$(awk '/^Rss:/ { print $2 }' /proc/"$1"/smaps_rollup 2>/dev/null)
		[ "${kb:-0}" -ge "$2" ] && return 0
		i=$((i + 1))
		sleep 0.01
	done
	return 1
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
