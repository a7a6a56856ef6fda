#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# restore_failures.sh: restores that cannot be exact.  thp_coverage is
# dumped with the plugin, then its thp-<pid>.img is cut short:
#   corrupt-record   the restore succeeds, the log names the file and says
#                    the task is not exact (coverage by rule, from CRIU's
#                    mm image); the process runs and its data is intact
#   corrupt-strict   the same with CRIU_THP_STRICT=yes: criu restore fails
#                    and no restored process is left, stopped or not
# RESULT lines as zdtm_run.sh.

Z=$(cd "$(dirname "$0")" && pwd)
LIB=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${ZDTM_WORK:-/tmp/zdtm}/restore_failures
. "$Z/procs.sh"
. "$Z/results.sh"
rm -rf "$W"
mkdir -p "$W"

result() {
	result_line restore "$1" "$2" "" "$W/$1"/img/*.log "$W/$1"/test.out*
	rm -f "$W/$1"/img/pages-*.img	# a guest's /tmp is in its memory
}

# prepare NAME: thp_coverage dumped, its record cut; $pid, $d
prepare() {
	d=$W/$1
	mkdir -p "$d/img"
	THP_EXPECT=lazy "$Z/static/thp_coverage" --pidfile="$d/test.pid" \
		--outfile="$d/test.out" || return 1
	pid=$(cat "$d/test.pid")
	criu dump -v4 -L "$LIB" -D "$d/img" -o dump.log -t "$pid" \
		>/dev/null 2>&1 || return 1
	head -c 20 "$d/img/thp-$pid.img" >"$d/img/cut" &&
		mv "$d/img/cut" "$d/img/thp-$pid.img"
}

# Running, sleeping or stopped: anything but gone or a zombie (the guest's
# pid 1 does not reap the orphans criu leaves).  A task killed with
# SIGKILL needs a moment to die: 5 s.
alive() {
	local s i=0
	while [ $i -lt 25 ]; do
		s=$(state_of "$1")
		[ -z "$s" ] || [ "$s" = Z ] && return 1
		i=$((i + 1))
		sleep 0.2
	done
	return 0
}

restore() {
	criu restore -v4 -L "$LIB" -D "$d/img" -o restore.log -d >/dev/null 2>&1
}

# The test's own verdict after SIGTERM (data and advice; THP_EXPECT=lazy).
test_verdict() {
	local i=0
	kill -TERM "$pid"
	while [ ! -f "$d/test.out" ] && [ $i -lt 150 ]; do
		i=$((i + 1))
		sleep 0.2
	done
	grep -q PASS "$d/test.out" 2>/dev/null
}

corrupt_record() {
	local why=
	prepare corrupt-record || { result corrupt-record "setup failed"; return; }
	if ! restore; then
		why="criu restore failed"
	elif ! grep -q "thp-$pid.img" "$d/img/restore.log"; then
		why="the log does not name thp-$pid.img"
	elif ! grep -q "task $pid: not exact" "$d/img/restore.log"; then
		why="the log does not say the task is not exact"
	elif ! test_verdict; then
		why="the restored test did not PASS"
	fi
	kill -9 "$pid" 2>/dev/null
	result corrupt-record "$why"
}

corrupt_strict() {
	local why=
	prepare corrupt-strict || { result corrupt-strict "setup failed"; return; }
	if CRIU_THP_STRICT=yes restore; then
		why="criu restore succeeded under strict"
	elif alive "$pid"; then
		why="task $pid is still there (state $(state_of "$pid")) after the failed restore"
	elif ! grep -q 'strict: task .* killing it' "$d/img/restore.log"; then
		why="the log does not say why the restore failed"
	fi
	kill -9 "$pid" 2>/dev/null
	result corrupt-strict "$why"
}

corrupt_record
corrupt_strict
