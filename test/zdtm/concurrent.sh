#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# concurrent.sh [N]: N (default 3) lazy restores at once, each of its own
# thp_lazy_guard process from an images directory of its own, with a
# lazy-pages daemon each; the second one's daemon is killed once 32 MiB
# of its task's 192 are in.  Each restore's monitor must have guarded its
# own daemon and no other (the monitor finds the daemon by its name and
# its images directory), and worked on its own task alone (the plugin
# hands it the pids of its restore); the task whose daemon died ends stopped with its
# lost pages reported, the others get every page, pass and end exact.
# That daemon has a tenth of a CPU from its start (cpu_limit); should it
# still have sent every page before the kill, the whole run is tried
# again, up to 3 times.  RESULT lines as zdtm_run.sh.

Z=$(cd "$(dirname "$0")" && pwd)
LIB=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${ZDTM_WORK:-/tmp/zdtm}/concurrent
N=${1:-3}
. "$Z/procs.sh"

# Test i: started and dumped; its pid in $W/i/test.pid.
prepare() {
	local d=$W/$1
	mkdir -p "$d/img"
	THP_EXPECT=lazy "$Z/static/thp_lazy_guard" --pidfile="$d/test.pid" \
		--outfile="$d/test.out" || return 1
	criu dump -v4 -L "$LIB" -D "$d/img" -o dump.log \
		-t "$(cat "$d/test.pid")" >/dev/null 2>&1
}

# check I DAEMON_PID KILLED: the verdict on restore i; empty or why not.
check() {
	local d=$W/$1 r=$W/$1/img/thp-monitor.json pid i=0
	pid=$(cat "$d/test.pid")
	if ! wait_file "$r" 90; then
		echo "no report in 90 s"
	elif [ "$(jq .guard.daemon "$r")" != "$2" ]; then
		echo "the monitor guarded daemon $(jq .guard.daemon "$r"), not its own $2"
	elif [ "$(jq -c '[.tasks[].pid]' "$r")" != "[$pid]" ]; then
		echo "the monitor worked on tasks $(jq -c '[.tasks[].pid]' "$r"), not on its own $pid alone"
	elif [ -n "$3" ]; then
		if ! jq -e '.guard.state == "daemon died" and
			([.tasks[] | select((.stopped or .killed) and .lost_pages > 0)] | length > 0)' "$r" >/dev/null; then
			echo "guard: $(jq -c '.guard, [.tasks[] | {pid, stopped, lost_pages}]' "$r")"
		elif bad=$(guard_state "$r" "$pid" T) && [ -n "$bad" ] &&
		     ! { jq -e '.tasks[0].killed' "$r" >/dev/null &&
			 grep -q "task $pid did not stop within" "$d/img/thp-monitor.log"; }; then
			# a thread spinning in a kernel-mode fault cannot stop:
			# killed at once; a slow guest with three restores may
			# give it too little CPU to tell, killed after 10 s then
			echo "$bad"
		fi
	elif ! jq -e '.guard.state == "normal end" and
		([.tasks[] | select(.exact and (.stopped | not))] | length == 1)' "$r" >/dev/null; then
		echo "not a normal end: $(jq -c '.guard, [.tasks[] | {pid, exact, stopped, differences}]' "$r")"
	else
		kill -TERM "$pid"
		while ! grep -q 'PASS\|FAIL' "$d/test.out" 2>/dev/null && [ $i -lt 150 ]; do
			i=$((i + 1))
			sleep 0.2
		done
		grep -q PASS "$d/test.out" 2>/dev/null ||
			echo "the restored test did not PASS"
	fi
}

# run_all: N restores at once, the second one's daemon killed; 1 when
# that daemon had sent everything before it was killed (the case did not
# happen: 192 MiB can arrive in a second natively), 2 on a setup failure.
run_all() {
	local i
	rm -rf "$W"
	mkdir -p "$W"
	i=1
	while [ $i -le "$N" ]; do
		prepare $i || { echo "test $i: setup failed" >"$W/setup.why"; return 2; }
		i=$((i + 1))
	done
	i=1
	while [ $i -le "$N" ]; do
		criu lazy-pages -v4 -D "$W/$i/img" -o lazy-pages.log >/dev/null 2>&1 &
		echo $! >"$W/$i/lazy.pid"
		i=$((i + 1))
	done
	i=1
	while [ $i -le "$N" ]; do
		wait_socket "$W/$i/img/lazy-pages.socket"
		i=$((i + 1))
	done
	# the one to be killed mid-transfer: slow from the start
	cpu_limit "$(cat "$W/2/lazy.pid")" 10 ||
		echo "INFO concurrent-$N: the second daemon could not be slowed (no cpu cgroup)"
	i=1
	while [ $i -le "$N" ]; do
		criu restore -v4 -L "$LIB" -D "$W/$i/img" -o restore.log -d \
			--lazy-pages >/dev/null 2>&1 &
		i=$((i + 1))
	done
	# Killed once its task is guarded (a slow guest may take seconds to
	# get there) and 32 MiB of it are in.
	i=0
	while ! grep -q "monitor: guarded" "$W/2/img/restore.log" 2>/dev/null &&
		[ $i -lt 600 ]; do
		i=$((i + 1))
		sleep 0.01
	done
	kill_mid_transfer "$(cat "$W/2/test.pid")" 32768 "$(cat "$W/2/lazy.pid")" 10
	wait
	wait_file "$W/2/img/thp-monitor.json" 90
	# its task not lazy at the hook: the daemon had sent it every page
	! grep -q ' 0 of 0 lazy guarded' "$W/2/img/restore.log" &&
		! jq -e '.guard.why == "every page sent"' \
			"$W/2/img/thp-monitor.json" >/dev/null 2>&1
}

try=1
while :; do
	run_all
	ret=$?
	[ $ret = 2 ] && {
		echo "RESULT concurrent-$N lazy plugin FAIL $(cat "$W/setup.why")"
		exit 0
	}
	[ $ret = 0 ] || [ $try = 3 ] && break
	echo "INFO concurrent-$N: try $try: the second daemon had sent every page before it was killed; again"
	i=1
	while [ $i -le "$N" ]; do
		kill -9 "$(cat "$W/$i/test.pid")" 2>/dev/null
		i=$((i + 1))
	done
	try=$((try + 1))
done
i=1
while [ $i -le "$N" ]; do
	killed=
	[ $i = 2 ] && killed=1
	why=$(check $i "$(cat "$W/$i/lazy.pid")" $killed)
	if [ -z "$why" ]; then
		echo "RESULT concurrent-$N.$i lazy plugin PASS (${killed:+daemon killed: stopped, }its own daemon guarded)"
	else
		echo "RESULT concurrent-$N.$i lazy plugin FAIL $why"
		grep -h 'Error\|thp:' "$W/$i"/img/restore.log | tail -n 8 |
			sed "s/^/LOG concurrent.$i: /"
	fi
	kill -9 "$(cat "$W/$i/test.pid")" 2>/dev/null
	rm -f "$W/$i"/img/pages-*.img
	i=$((i + 1))
done
