#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# restore_faults.sh: faults during a restore, lazy unless said.
# thp_coverage (its small form, THP_SMALL: 17 chunks) is dumped with the
# plugin and restored with `criu restore --lazy-pages` and a lazy-pages
# daemon, a fault injected through CRIU_THP_FAULT (plugin/common/thp_fault.h)
# or made from outside:
#   monitor-start     the monitor dies before it takes anything: criu's log
#                     says the task is not guarded; the pages still come
#   monitor-guarded   it dies holding the daemon's userfaultfds
#   monitor-collapse  it dies as it begins to collapse
#   collapse-enomem   MADV_COLLAPSE fails with ENOMEM, and
#   collapse-eagain   with EAGAIN (retried first): the report names each
#                     chunk and the error, and the task is not exact
#   collapse-memcg    a real failure: the task, all its pages in, moved
#                     into a memory cgroup of 1 MiB: no huge page can be
#                     charged there, and MADV_COLLAPSE fails with EBUSY
#   collapse-fragmented  another: no free 2 MiB block left in memory
#                     (tools/thp_fragment), MADV_COLLAPSE fails with
#                     ENOMEM; where memory is small enough to fill in a
#                     few seconds (up to 8 GiB: the guests)
#   read-only         the report cannot be written (a directory in the
#                     way of its temporary file): the monitor's log says
#                     so, and the task is fine
#   deleted           the images directory is removed while the monitor
#                     works: its report and log go to /run/criu-thp
#   exec              the task execs a new program (thp_exec): the monitor
#                     stops watching it at once, the report says so
#   restore-hook      criu itself dies in the plugin's hook: the restore
#                     fails, criu's log ends at the hook, and the task is
#                     not left stopped
#   churn             a task that maps, unmaps, forks and execs without
#                     pause (thp_churn): the monitor ends at once
#   traced            a debugger attaches to the task right after restore
#                     (tools/thp_tracer): the task ends exact
#   fix-fail          the fix fails with THP lifted (thp_prctl, not lazy):
#                     each task still ends with its own prctl state
#   restore-load      no THP state for a task (not lazy): its prctl state
#                     is stock CRIU's, not the disabled one criu had
#   sigterm           the monitor gets SIGTERM mid-transfer: it ends at
#                     once and says so in its report; the task runs on and
#                     gets every page
#   symlinks          symlinks planted as the monitor's log and its
#                     report's temporary file: removed, not followed
#   old-report        an earlier restore's report in the directory: gone
#                     once this restore starts, this one's written
#   traced-no-nice    traced, and criu without CAP_SYS_NICE: the monitor
#                     cannot seize the task to inject; the report names
#                     the chunks not collapsed (EPERM), the task not exact
#   pmd-never         2 MiB THP turned off (per-size control) before the
#                     restore: nothing collapsed, the report says not
#                     exact, the log why
#   no-except-advised a record of THP disabled except where advised
#                     restored as on a kernel without that state: the
#                     nearest (enabled), said once; strict refuses
#   scripts           pre-resume and post-resume scripts and --exec-cmd's
#                     program (not lazy) get criu's own THP state
#   stack-aligned     the task sleeps with its stack pointer on a page
#                     boundary (ZDTM_STACK_ALIGNED=1): criu dumps no page
#                     lazily (is_stack(), criu/mem.c), the plugin's dump
#                     says why, the restore is eager and exact
#   quick-read        the task restored plainly, then lazily: the hook
#                     reads it from maps where restore_quick.c allows
#                     (PAGEMAP_SCAN, THP madvise, no size below a PMD
#                     enabled), else from smaps and says why; the lazy
#                     task, its lazy pages not in, still goes to the
#                     monitor as lazy; both pass
#   traced-guard      a debugger that swallows SIGSTOP attaches, and the
#                     daemon is killed mid-transfer: the guard kills the
#                     task (thp_lazy_guard, full size) rather than let it
#                     run on to a zero page
# In every case the daemon delivers every page, the process checks its
# data and advice (THP_EXPECT=lazy) and passes, no task is left stopped
# and no monitor is left running.  RESULT lines as zdtm_run.sh.
# Arguments: the cases to run (default all).

Z=$(cd "$(dirname "$0")" && pwd)
LIB=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${ZDTM_WORK:-/tmp/zdtm}/restore_faults
. "$Z/procs.sh"
. "$Z/results.sh"

# result NAME WHY [NOTE]: the RESULT line; the case's pages are removed
# (a guest's /tmp is in its memory).
result() {
	result_line lazy "$1" "$2" "$3" "$d"/img/*.log "$d"/test.out
	rm -f "$d"/img/pages-*.img
}

# prepare NAME [full]: thp_coverage running, dumped into $d/img; $pid, $d
prepare() {
	local small=1
	d=$W/$1
	mkdir -p "$d/img"
	[ "$2" = full ] && small=
	THP_EXPECT=lazy THP_SMALL=$small ZDTM_STACK_ALIGNED=$stack_aligned \
		"$Z/static/thp_coverage" --pidfile="$d/test.pid" \
		--outfile="$d/test.out" || return 1
	pid=$(cat "$d/test.pid")
	criu dump -v4 -L "$LIB" -D "$d/img" -o dump.log -t "$pid" \
		>/dev/null 2>&1
}

# The monitors working on $d/img.
monitors() {
	monitor_pids "$d/img"
}

# restore FAULTS: a lazy restore with CRIU_THP_FAULT=FAULTS; the daemon's
# pid in $lazy_pid.  0 when criu restore succeeded.
restore() {
	restore_as "" "$1"
}

# restore_as WRAPPER FAULTS: the same, criu restore run through WRAPPER.
restore_as() {
	CRIU_THP_FAULT=$2 criu lazy-pages -v4 -D "$d/img" -o lazy-pages.log \
		>/dev/null 2>&1 &
	lazy_pid=$!
	wait_socket "$d/img/lazy-pages.socket"
	# a daemon to be killed mid-transfer: slow from the start
	[ -n "$slow_daemon" ] && cpu_limit $lazy_pid 10
	CRIU_THP_FAULT=$2 $1 criu restore -v4 -L "$LIB" -D "$d/img" \
		-o restore.log -d --lazy-pages >/dev/null 2>&1
}

# The test's own verdict after SIGTERM (data and advice: THP_EXPECT=lazy).
test_verdict() {
	local i=0
	kill -TERM "$pid"
	while ! grep -q 'PASS\|FAIL' "$d/test.out" 2>/dev/null && [ $i -lt 150 ]; do
		i=$((i + 1))
		sleep 0.2
	done
	grep -q PASS "$d/test.out" 2>/dev/null
}

# After the restore: every page in, nothing stopped, no monitor left, the
# test passes; sets $why.
settled() {
	if ! wait_gone "$lazy_pid"; then
		why="the lazy-pages daemon still runs after 60 s"
	elif ! wait "$lazy_pid"; then
		why="the lazy-pages daemon failed"
	elif [ "$(state_of "$pid")" = T ] || [ "$(state_of "$pid")" = t ]; then
		why="task $pid is stopped"
	elif ! wait_gone $(monitors); then
		why="a monitor still runs after 60 s"
	elif ! test_verdict; then
		why="the restored test did not PASS"
	fi
}

# attach_tracer [--swallow-stop]: tools/thp_tracer on $pid, its pid in
# $tracer, its output in $d/tracer.out; 0 once it says it holds every
# thread (up to 5 s).
attach_tracer() {
	local i=0
	"$Z/tools/thp_tracer" "$@" "$pid" >"$d/tracer.out" 2>&1 &
	tracer=$!
	while ! grep -q attached "$d/tracer.out" && [ $i -lt 500 ]; do
		i=$((i + 1))
		sleep 0.01
	done
	grep -q attached "$d/tracer.out"
}

log_has() {
	grep -q "$2" "$d/img/$1" 2>/dev/null
}

# The vm sysctls collapse_fragmented changes, saved in $d/sysctl.
FRAG_SYSCTLS="min_free_kbytes watermark_scale_factor lowmem_reserve_ratio extfrag_threshold compaction_proactiveness"

sysctl_save() {
	local s
	mkdir -p "$d/sysctl"
	for s in $FRAG_SYSCTLS; do
		cat /proc/sys/vm/$s >"$d/sysctl/$s" || return 1
	done
}

sysctl_put_back() {
	local s
	for s in "$@"; do
		cat "$d/sysctl/$s" >/proc/sys/vm/$s
	done
}

# Fragment memory: thp_fragment takes every free 2 MiB block and gives
# half of each back.  The kernel's reserves (min_free_kbytes, the
# low-memory reserve of DMA32) must be too small to hide a block from it,
# and compaction of fragmented zones off (extfrag_threshold 1000), or it
# would move the halves together again.  $frag: its pid.
fragment() {
	local i=0 v= z
	for z in $(cat "$d/sysctl/lowmem_reserve_ratio"); do
		v="$v 2147483647"
	done
	echo 1024 >/proc/sys/vm/min_free_kbytes &&
		echo 1 >/proc/sys/vm/watermark_scale_factor &&
		echo $v >/proc/sys/vm/lowmem_reserve_ratio &&
		echo 1000 >/proc/sys/vm/extfrag_threshold &&
		echo 0 >/proc/sys/vm/compaction_proactiveness &&
		echo 3 >/proc/sys/vm/drop_caches || return 1
	"$Z/tools/thp_fragment" >"$d/fragment.out" 2>&1 &
	frag=$!
	while ! grep -q '^fragmented:' "$d/fragment.out" && [ $i -lt 1200 ] &&
		kill -0 $frag 2>/dev/null; do
		i=$((i + 1))
		sleep 0.1
	done
	sysctl_put_back min_free_kbytes watermark_scale_factor lowmem_reserve_ratio
	grep -q '^fragmented: .*, 0 free blocks of 2 MiB' "$d/fragment.out"
}

# A real ENOMEM: restored into fragmented memory, the task's chunks
# cannot be collapsed; the report names each, the task runs and passes.
collapse_fragmented() {
	local why= r n= kb frag=
	kb=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)
	if [ "$kb" -gt 8388608 ]; then
		echo "INFO collapse-fragmented not here: $((kb >> 20)) GiB of memory take too long to fill; the Debian 12 guest runs it"
		return
	fi
	prepare collapse-fragmented ||
		{ result collapse-fragmented "setup failed"; return; }
	r=$d/img/thp-monitor.json
	if ! sysctl_save; then
		why="cannot read the vm sysctls"
	elif ! fragment; then
		why="memory not fragmented: $(cat "$d/fragment.out")"
	elif ! restore ""; then
		why="criu restore failed"
	else
		settled
	fi
	[ -z "$why" ] && failed_with "Cannot allocate memory"
	[ -n "$frag" ] && kill $frag 2>/dev/null && wait $frag
	[ -d "$d/sysctl" ] && sysctl_put_back $FRAG_SYSCTLS
	kill -9 "$pid" 2>/dev/null
	result collapse-fragmented "$why" "${n:-0} chunks failed with 'Cannot allocate memory' in fragmented memory ($(sed -n 's/^fragmented: //p' "$d/fragment.out")), in the report"
}

# monitor_dies NAME FAULT LINE [full]: the monitor killed at FAULT;
# criu's log has LINE (empty: none needed).
monitor_dies() {
	local why=
	prepare "$1" "$4" || { result "$1" "setup failed"; return; }
	if ! restore "$2"; then
		why="criu restore failed"
	else
		settled
	fi
	if [ -n "$why" ]; then
		:
	elif [ -n "$3" ] && ! log_has restore.log "$3"; then
		why="restore.log does not say: $3"
	elif ! log_has thp-monitor.log "CRIU_THP_FAULT=$2: killing myself"; then
		why="the monitor did not die at $2"
	elif [ -f "$d/img/thp-monitor.json" ]; then
		why="a report from a monitor that was killed"
	fi
	kill -9 "$pid" 2>/dev/null
	result "$1" "$why" "no report; the task got every page and passed"
}

# failed_with ERROR: $why unless the report $r names a chunk that failed
# with ERROR; how many in $n.
failed_with() {
	if [ ! -f "$r" ]; then
		why="no report"
		return
	fi
	n=$(jq --arg e "$1" '[.tasks[].failed[] | select(.error == $e)] | length' "$r")
	[ "${n:-0}" -gt 0 ] ||
		why="the report names no chunk that failed with '$1'"
}

# collapse_fails NAME FAULT ERROR: every chunk failed with ERROR.
collapse_fails() {
	local why= r n
	prepare "$1" || { result "$1" "setup failed"; return; }
	r=$d/img/thp-monitor.json
	if ! restore "$2"; then
		why="criu restore failed"
	else
		settled
	fi
	[ -z "$why" ] && failed_with "$3"
	[ -z "$why" ] && [ "$(jq '[.tasks[] | select(.exact)] | length' "$r")" != 0 ] &&
		why="the report says a task is exact"
	kill -9 "$pid" 2>/dev/null
	result "$1" "$why" "${n:-0} chunks failed with '$3', in the report"
}

# memcg_new: a memory cgroup limited to 1 MiB, in $cg (cgroup v2 or v1).
memcg_new() {
	local root=/sys/fs/cgroup
	cg=
	if [ -f $root/cgroup.controllers ]; then
		grep -qw memory $root/cgroup.controllers &&
			echo +memory >$root/cgroup.subtree_control || return 1
		mkdir -p $root/criu-thp-faults && cg=$root/criu-thp-faults &&
			echo 1M >$cg/memory.max
		return
	fi
	root=$root/memory
	if [ ! -f $root/cgroup.procs ]; then
		root=$W/memcg
		mkdir -p $root
		mount -t cgroup -o memory criu-thp-faults $root || return 1
	fi
	mkdir -p $root/criu-thp-faults && cg=$root/criu-thp-faults &&
		echo 1048576 >$cg/memory.limit_in_bytes
}

# A real failure: once every page is in (the monitor waits 3 s before
# its first collapse), the task moves into a memory cgroup of 1 MiB,
# which cannot be charged a huge page: MADV_COLLAPSE fails with EBUSY.
collapse_memcg() {
	local why= r n
	prepare collapse-memcg || { result collapse-memcg "setup failed"; return; }
	r=$d/img/thp-monitor.json
	if ! memcg_new; then
		why="cannot make a memory cgroup"
	elif ! restore monitor-slow; then
		why="criu restore failed"
	elif ! wait_gone "$lazy_pid" || ! wait "$lazy_pid"; then
		why="the lazy-pages daemon failed"
	elif ! echo "$pid" >"$cg/cgroup.procs"; then
		why="cannot move task $pid into $cg"
	elif ! wait_gone $(monitors); then
		why="a monitor still runs after 60 s"
	elif ! test_verdict; then
		why="the restored test did not PASS"
	fi
	[ -z "$why" ] && failed_with "Device or resource busy"
	kill -9 "$pid" 2>/dev/null
	wait_gone "$pid"
	[ -n "$cg" ] && rmdir "$cg"
	result collapse-memcg "$why" "${n:-0} chunks failed with 'Device or resource busy' in a memory cgroup of 1 MiB, in the report"
}

# The report cannot be written: a directory stands where its temporary
# file is to be made.  The monitor is made 3 s late (before its first
# collapse), so that the directory is there first.  (A read-only bind
# mount laid over the images directory's path, as this case once did, no
# longer stops the report: the monitor writes through the directory it
# holds open.)
read_only() {
	local why=
	prepare read-only || { result read-only "setup failed"; return; }
	if ! restore monitor-slow; then
		why="criu restore failed"
	elif ! mkdir "$d/img/thp-monitor.json.tmp"; then
		why="cannot make a directory in the report's way"
	else
		settled
	fi
	if [ -z "$why" ] && ! log_has thp-monitor.log "thp-monitor.json.tmp: Is a directory"; then
		why="the monitor's log does not say it cannot write the report"
	elif [ -z "$why" ] && [ -e "$d/img/thp-monitor.json" ]; then
		why="a report was written"
	fi
	rmdir "$d/img/thp-monitor.json.tmp" 2>/dev/null
	kill -9 "$pid" 2>/dev/null
	result read-only "$why" "the monitor's log says the report cannot be written"
}

# The images directory removed once the transfer is over, the monitor
# still working (as podman removes a checkpoint after a restore): the
# report and a copy of the log go to /run/criu-thp, the log saying so.
deleted() {
	local why= mon r
	prepare deleted || { result deleted "setup failed"; return; }
	if ! restore monitor-slow; then
		why="criu restore failed"
	elif ! wait_gone "$lazy_pid"; then
		why="the lazy-pages daemon still runs after 60 s"
	else
		mon=$(monitors)
		rm -rf "$d/img"
		wait_gone $mon
		r=/run/criu-thp/thp-monitor.$mon.json
		if [ -z "$mon" ]; then
			why="no monitor left once the transfer was over"
		elif [ ! -f "$r" ]; then
			why="no report in /run/criu-thp"
		elif ! jq -e '.tasks[0].exact' "$r" >/dev/null; then
			why="the report: $(jq -c '.tasks[0] | {exact, failed}' "$r")"
		elif ! grep -q "was removed: report in $r" "${r%.json}.log"; then
			why="the log beside it does not say where the report went"
		elif ! test_verdict; then
			why="the restored test did not PASS"
		fi
		rm -f "$r" "${r%.json}.log"
		rmdir /run/criu-thp 2>/dev/null
	fi
	kill -9 "$pid" 2>/dev/null
	result deleted "$why" "report and log in /run/criu-thp"
}

# The restored task execs a new program while the monitor works on it
# (thp_exec, SIGUSR1): the monitor stops watching it at once and says so;
# it does not wait out its timeout comparing sleep(1) with the record.
exec_new() {
	local why= r=$W/exec/img/thp-monitor.json el
	d=$W/exec
	mkdir -p "$d/img"
	if ! "$Z/static/thp_exec" --pidfile="$d/test.pid" --outfile="$d/test.out"; then
		result exec "setup failed"
		return
	fi
	pid=$(cat "$d/test.pid")
	if ! criu dump -v4 -L "$LIB" -D "$d/img" -o dump.log -t "$pid" \
		>/dev/null 2>&1; then
		why="criu dump failed"
	elif ! restore monitor-slow; then
		why="criu restore failed"
	else
		kill -USR1 "$pid"
		wait_gone "$lazy_pid"
		wait_gone $(monitors)
		el=$(jq .elapsed_s "$r" 2>/dev/null)
		if [ ! -f "$r" ]; then
			why="no report"
		elif ! jq -e '.tasks[0].execed' "$r" >/dev/null; then
			why="the report does not say it execed: $(jq -c '.tasks[0] | {gone, execed, exact}' "$r")"
		elif [ "${el%.*}" -ge 30 ]; then
			why="the monitor took $el s"
		elif [ "$(cat /proc/"$pid"/comm 2>/dev/null)" != sleep ]; then
			why="task $pid is not running sleep: $(cat /proc/"$pid"/comm 2>/dev/null)"
		fi
	fi
	kill -9 "$pid" 2>/dev/null
	result exec "$why" "the monitor let go of it in ${el:-?} s"
}

# A debugger that swallows SIGSTOP (thp_tracer --swallow-stop) attached
# right after restore, and the daemon killed mid-transfer
# (thp_lazy_guard): the guard cannot stop a traced task for sure, so it
# kills it, and the task reads no zero page.  A transfer can end before
# the tracer is in and the daemon killed (0.26 s for 192 MiB here): then
# the case is tried again, up to 3 times.
traced_guard_once() {
	local tracer
	r=$W/traced-guard/img/thp-monitor.json
	d=$W/traced-guard
	rm -rf "$d"
	mkdir -p "$d/img"
	THP_EXPECT=lazy "$Z/static/thp_lazy_guard" --pidfile="$d/test.pid" \
		--outfile="$d/test.out" || { why="setup failed"; return; }
	pid=$(cat "$d/test.pid")
	if ! criu dump -v4 -L "$LIB" -D "$d/img" -o dump.log -t "$pid" \
		>/dev/null 2>&1; then
		why="criu dump failed"
		return
	fi
	slow_daemon=1
	restore "" || { why="criu restore failed"; return; }
	attach_tracer --swallow-stop
	kill_mid_transfer "$pid" 32768 "$lazy_pid" 10
	wait_gone $(monitors)
	if ! grep -q attached "$d/tracer.out"; then
		why="the tracer did not attach: $(cat "$d/tracer.out")"
	elif [ ! -f "$r" ]; then
		why="no report"
	elif jq -e '.guard.state == "normal end"' "$r" >/dev/null; then
		why=again
	elif ! jq -e '.guard.state == "daemon died" and .tasks[0].killed' "$r" >/dev/null; then
		why="guard: $(jq -c '[.guard, [.tasks[] | {stopped, killed, lost_pages}]]' "$r")"
	elif ! wait_gone "$pid"; then
		why="task $pid still runs, in state $(state_of "$pid")"
	elif grep -q PASS "$d/test.out" 2>/dev/null; then
		why="the test passed: it cannot have got every page"
	elif ! log_has thp-monitor.log "is traced by $tracer"; then
		why="the monitor's log does not say the task was traced by $tracer"
	fi
	kill "$tracer" 2>/dev/null
	kill -9 "$pid" 2>/dev/null
}

# SIGTERM to the monitor in the middle of the transfer (the daemon slowed):
# it ends within 5 s, its report names the signal and the guard it left,
# the task is not stopped and still gets every page from the daemon.
sigterm() {
	local why= mon r i=0
	prepare sigterm full || { result sigterm "setup failed"; return; }
	r=$d/img/thp-monitor.json
	slow_daemon=1
	if ! restore ""; then
		why="criu restore failed"
	elif mon=$(monitors) && [ -z "$mon" ]; then
		why="no monitor"
	else
		kill -TERM $mon
		while [ -n "$(state_of "$mon")" ] && [ $i -lt 50 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		cpu_unlimit "$lazy_pid"
		if [ -n "$(state_of "$mon")" ]; then
			why="the monitor still runs 5 s after SIGTERM"
		elif [ ! -f "$r" ]; then
			why="no report"
		elif ! jq -e '.signal == "SIGTERM" and .guard.state == "left by a signal"' "$r" >/dev/null; then
			why="the report: $(jq -c '{signal, guard}' "$r")"
		elif ! log_has thp-monitor.log "SIGTERM: the monitor ends"; then
			why="the monitor's log does not say it ended on SIGTERM"
		else
			settled
		fi
	fi
	slow_daemon=
	kill -9 "$pid" 2>/dev/null
	result sigterm "$why"
}

# Symlinks planted as the monitor's log and its report's temporary file
# (in the images directory, to files outside): removed, never followed;
# the restore ends exact as any other.
symlinks() {
	local why= f
	prepare symlinks || { result symlinks "setup failed"; return; }
	echo victim >"$W/victim.log"
	echo victim >"$W/victim.json"
	ln -s "$W/victim.log" "$d/img/thp-monitor.log"
	ln -s "$W/victim.json" "$d/img/thp-monitor.json.tmp"
	if ! restore ""; then
		why="criu restore failed"
	else
		settled
	fi
	if [ -n "$why" ]; then
		:
	elif [ "$(cat "$W/victim.log" "$W/victim.json")" != "victim
victim" ]; then
		why="a file behind a planted symlink was written to"
	else
		for f in thp-monitor.log thp-monitor.json; do
			[ -f "$d/img/$f" ] && [ ! -L "$d/img/$f" ] ||
				why="$f is not a regular file"
		done
		[ -e "$d/img/thp-monitor.json.tmp" ] &&
			why="thp-monitor.json.tmp is left"
	fi
	kill -9 "$pid" 2>/dev/null
	result symlinks "$why"
}

# A report of an earlier restore in the images directory: removed at the
# start of this restore (criu's log says so), so that what stands there
# at the end is this restore's own.
old_report() {
	local why=
	prepare old-report || { result old-report "setup failed"; return; }
	echo '{"stale":true}' >"$d/img/thp-monitor.json"
	if ! restore ""; then
		why="criu restore failed"
	elif ! log_has restore.log "thp-monitor.json of an earlier restore removed"; then
		why="restore.log does not say the old report was removed"
	else
		settled
	fi
	if [ -z "$why" ] && grep -q stale "$d/img/thp-monitor.json"; then
		why="the old report is still there"
	elif [ -z "$why" ] && ! grep -q '"tasks":' "$d/img/thp-monitor.json"; then
		why="no report of this restore"
	fi
	kill -9 "$pid" 2>/dev/null
	result old-report "$why" "removed at the restore, this restore's report written"
}

traced_guard() {
	local why=again n=0
	while [ "$why" = again ] && [ $n -lt 3 ]; do
		n=$((n + 1))
		why=
		traced_guard_once
	done
	[ "$why" = again ] && why="the transfer ended before the daemon was killed, 3 times"
	result traced-guard "$why" "traced: killed, not stopped, when its daemon died (try $n)"
}

# A task that maps, unmaps, forks and execs while the monitor works on it
# (thp_churn); the monitor ends well before its timeout.
churn() {
	local why= r el
	d=$W/churn
	mkdir -p "$d/img"
	r=$d/img/thp-monitor.json
	if ! "$Z/static/thp_churn" --pidfile="$d/test.pid" \
		--outfile="$d/test.out"; then
		result churn "setup failed"
		return
	fi
	pid=$(cat "$d/test.pid")
	sleep 1
	if ! criu dump -v4 -L "$LIB" -D "$d/img" -o dump.log -t "$pid" \
		>/dev/null 2>&1; then
		why="criu dump failed"
	elif ! restore ""; then
		why="criu restore failed"
	else
		settled
	fi
	if [ -z "$why" ]; then
		el=$(jq .elapsed_s "$r" 2>/dev/null)
		if [ -z "$el" ]; then
			why="no report"
		elif [ "$(jq '[.tasks[] | select(.stopped or .killed)] | length' "$r")" != 0 ]; then
			why="the monitor stopped a task"
		elif ! awk -v e="$el" 'BEGIN { exit !(e < 30) }'; then
			why="the monitor took $el s"
		fi
	fi
	kill -9 "$pid" 2>/dev/null
	result churn "$why" "monitor done in $el s: $(grep -o '[0-9]* rounds of mapping, [0-9]* children' "$d/test.out")"
}

# A debugger (tools/thp_tracer) attaches to every thread of the task as
# soon as criu restore returns, while its pages still arrive: the monitor
# needs no ptrace of its own, the task gets every page and ends exact.
traced() {
	local why= r tracer
	prepare traced || { result traced "setup failed"; return; }
	r=$d/img/thp-monitor.json
	if ! restore ""; then
		why="criu restore failed"
	else
		attach_tracer ||
			why="the tracer did not attach: $(cat "$d/tracer.out")"
	fi
	[ -z "$why" ] && settled
	if [ -n "$why" ]; then
		:
	elif ! wait "$tracer"; then
		why="the tracer failed: $(cat "$d/tracer.out")"
	elif [ "$(jq '[.tasks[] | select(.exact)] | length' "$r" 2>/dev/null)" != 1 ]; then
		why="the report does not say the task is exact"
	fi
	kill -9 "$pid" "$tracer" 2>/dev/null
	result traced "$why" "traced from restore to exit; $(jq -r '.tasks[0] | "\(.collapsed)/\(.recorded) collapsed"' "$r" 2>/dev/null), exact"
}

# The same debugger, and criu (and so the monitor) without CAP_SYS_NICE:
# the monitor must inject madvise() to collapse, and cannot seize a task
# another tracer has (EPERM).  The daemon slowed, so that chunks are
# still to come once the tracer is in: those the report must name as not
# collapsed, the task not exact and not gone (it was "gone", and the
# report "all exact").  The test itself, started without CAP_SYS_NICE
# too (criu cannot restore a capability it lacks), passes.
traced_no_nice() {
	local why= r tracer nice="/usr/bin/setpriv --inh-caps=-sys_nice --bounding-set=-sys_nice"
	d=$W/traced-no-nice
	r=$d/img/thp-monitor.json
	mkdir -p "$d/img"
	if ! THP_EXPECT=lazy $nice "$Z/static/thp_coverage" \
		--pidfile="$d/test.pid" --outfile="$d/test.out"; then
		result traced-no-nice "setup failed"
		return
	fi
	pid=$(cat "$d/test.pid")
	slow_daemon=1
	if ! criu dump -v4 -L "$LIB" -D "$d/img" -o dump.log -t "$pid" \
		>/dev/null 2>&1; then
		why="criu dump failed"
	elif ! restore_as "$nice" ""; then
		why="criu restore failed"
	else
		attach_tracer ||
			why="the tracer did not attach: $(cat "$d/tracer.out")"
	fi
	slow_daemon=
	[ -z "$why" ] && settled
	if [ -n "$why" ]; then
		:
	elif ! jq -e '.tasks[0] | (.exact | not) and (.gone | not) and
		([.failed[] | select(.error == "Operation not permitted")] | length > 0)' \
		"$r" >/dev/null 2>&1; then
		why="report: $(jq -c '.tasks[0] | {exact, gone, collapsed, recorded, failed: [.failed[].error] | unique}' "$r" 2>/dev/null)"
	fi
	kill -9 "$pid" "$tracer" 2>/dev/null
	result traced-no-nice "$why" "$(jq -r '.tasks[0] | "\(.collapsed)/\(.recorded) collapsed, \(.failed | length) not: \([.failed[].error] | unique | join(", "))"' "$r" 2>/dev/null)"
}

# criu killed in the plugin's hook: as when criu is killed by its
# pre-resume script (the next step), the task runs on and gets its pages.
restore_hook() {
	local why=
	prepare restore-hook || { result restore-hook "setup failed"; return; }
	if restore restore-hook; then
		why="criu restore succeeded"
	elif ! log_has restore.log "CRIU_THP_FAULT=restore-hook: killing myself"; then
		why="criu did not die in the hook"
	else
		settled
	fi
	kill -9 "$pid" "$lazy_pid" 2>/dev/null
	result restore-hook "$why" "criu's log ends in the hook; the task got every page and passed"
}

# The THP_enabled of $pid and of its child, as "PARENT CHILD".
prctl_states() {
	local c
	c=$(cat /proc/"$pid"/task/*/children 2>/dev/null)
	echo "$(thp_enabled "$pid") $(thp_enabled ${c%% *})"
}

# prctl_fault FAULT: thp_prctl (THP enabled, its child's disabled) dumped
# with the plugin, restored (not lazily) once by stock criu, then again
# with CRIU_THP_FAULT=FAULT, which makes the fix (fix-fail) or the load of
# the task's THP state (restore-load) fail after criu, with the plugin,
# disabled THP for every task it forks.  Neither task may be left worse
# than stock CRIU leaves it: each ends with its own prctl state (THP
# enabled, its child's disabled), or - without the record - stock's
# (CRIU 3.17.1 loses the child's; its mm image has it, and the plugin
# restores that).
prctl_fault() {
	local why= stock got want
	d=$W/$1
	mkdir -p "$d/img"
	THP_EXPECT=lazy "$Z/static/thp_prctl" --pidfile="$d/test.pid" \
		--outfile="$d/test.out" || { result "$1" "setup failed"; return; }
	pid=$(cat "$d/test.pid")
	if ! criu dump -v4 -L "$LIB" -D "$d/img" -o dump.log -t "$pid" \
		>/dev/null 2>&1; then
		why="criu dump failed"
	elif ! criu restore -v4 -D "$d/img" -o stock.log -d >/dev/null 2>&1; then
		why="stock criu restore failed"
	else
		stock=$(prctl_states)
		kill_tree "$pid"
		wait_gone "$pid"
		# sync: the fix collapses in the hook, where fix-fail strikes
		if ! CRIU_THP_FAULT=$1 CRIU_THP_COLLAPSE=sync criu restore -v4 \
			-L "$LIB" -D "$d/img" -o restore.log -d >/dev/null 2>&1; then
			why="criu restore failed"
		elif ! log_has restore.log "thp: "; then
			why="the plugin did not run"
		elif [ "$1" = fix-fail ] && ! log_has restore.log "CRIU_THP_FAULT=fix-fail"; then
			why="the fault did not strike"
		else
			got=$(prctl_states)
			if [ "$got" != "1 0" ] &&
			   ! { [ "$1" = restore-load ] && [ "$got" = "$stock" ]; }; then
				why="THP_enabled of the task and its child: $got, want their own 1 0 (or, restore-load, stock's: $stock)"
			fi
		fi
	fi
	kill_tree "$pid"
	result "$1" "$why" "THP_enabled: $got (stock criu: $stock)"
}

# What criu runs once every task is forked inherits criu's own prctl state,
# not the disabled one the plugin gives it for the forking: thp_prctl
# restored (not lazily) by a criu whose THP is enabled, with an action
# script and --exec-cmd that log their THP_enabled.  pre-resume and
# post-resume (after the first RESUME_DEVICES_LATE) and --exec-cmd's
# program must have 1; the scripts before it (pre-restore, post-restore)
# have 0, as every task criu forks then.  Both tasks end with their own
# state (1 0).
scripts() {
	local why= got states w
	d=$W/scripts
	mkdir -p "$d/img"
	printf '#!/bin/sh\necho "$CRTOOLS_SCRIPT_ACTION $(grep THP_enabled /proc/self/status)" >>%s\n' \
		"$d/scripts.out" >"$d/script.sh"
	chmod +x "$d/script.sh"
	THP_EXPECT=exact "$Z/static/thp_prctl" --pidfile="$d/test.pid" \
		--outfile="$d/test.out" || { result scripts "setup failed"; return; }
	pid=$(cat "$d/test.pid")
	if ! criu dump -v4 -L "$LIB" -D "$d/img" -o dump.log -t "$pid" \
		>/dev/null 2>&1; then
		why="criu dump failed"
	elif [ "$(thp_enabled $$)" != 1 ]; then
		why="THP is disabled for this shell: nothing to tell apart"
	elif ! criu restore -v4 -L "$LIB" -D "$d/img" -o restore.log \
		--action-script "$d/script.sh" --exec-cmd -- sh -c \
		"echo \"exec-cmd \$(grep THP_enabled /proc/self/status)\" >>$d/scripts.out" \
		>/dev/null 2>&1; then
		why="criu restore failed"
	else
		got=$(awk '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $1, $3 }' \
			"$d/scripts.out")
		states=$(prctl_states)
		for w in pre-resume=1 post-resume=1 exec-cmd=1; do
			case " $got " in
			*" $w "*) ;;
			*) why="THP_enabled of what criu ran: $got, want $w" ;;
			esac
		done
		[ -z "$why" ] && [ "$states" != "1 0" ] &&
			why="THP_enabled of the task and its child: $states, want 1 0"
	fi
	kill_tree "$pid"
	result scripts "$why" "THP_enabled: $got; the tasks: $states"
}

# A record of state 3 (PR_THP_DISABLE_EXCEPT_ADVISED) restored where the
# kernel lacks it (CRIU_THP_FAULT=no-except-advised: the plugin takes the
# EINVAL of a kernel before 6.18): thp_prctl_modes restored (not lazily)
# - criu's log says it once, criu-thp verify finds that child enabled
# where it wants except-advised and the two other tasks exact; under
# strict the restore fails.  Only where the kernel has state 3 (6.18 and
# later) to record.
no_except_advised() {
	local why= p c bad=0 match=0
	d=$W/no-except-advised
	mkdir -p "$d/img"
	THP_EXPECT=lazy "$Z/static/thp_prctl_modes" --pidfile="$d/test.pid" \
		--outfile="$d/test.out" || { result no-except-advised "setup failed"; return; }
	pid=$(cat "$d/test.pid")
	if ! criu dump -v4 -L "$LIB" -D "$d/img" -o dump.log -t "$pid" \
		>/dev/null 2>&1; then
		why="criu dump failed"
	elif ! CRIU_THP_FAULT=no-except-advised CRIU_THP_COLLAPSE=sync \
		criu restore -v4 -L "$LIB" -D "$d/img" -o restore.log -d \
		>/dev/null 2>&1; then
		why="criu restore failed"
	elif [ "$(grep -c 'no PR_THP_DISABLE_EXCEPT_ADVISED' "$d/img/restore.log")" != 1 ]; then
		why="restore.log does not say once that the kernel lacks the state"
	else
		for p in $pid $(cat /proc/"$pid"/task/*/children); do
			criu-thp verify -D "$d/img" --pid "$p" >"$d/verify.$p" 2>&1 &&
				match=$((match + 1))
			grep -q 'want except-advised, have enabled' "$d/verify.$p" &&
				bad=$((bad + 1))
		done
		[ $match = 2 ] && [ $bad = 1 ] ||
			why="criu-thp verify: $match tasks match, $bad except-advised one restored enabled (want 2 and 1)"
	fi
	kill_tree "$pid"
	wait_gone "$pid"
	if [ -z "$why" ]; then
		if CRIU_THP_FAULT=no-except-advised CRIU_THP_STRICT=yes \
			criu restore -v4 -L "$LIB" -D "$d/img" -o strict.log -d \
			>/dev/null 2>&1; then
			why="criu restore succeeded under strict"
		fi
		kill_tree "$pid"
	fi
	result no-except-advised "$why" "the except-advised task enabled, the others exact; strict refused"
}

# The administrator turned 2 MiB THP off between dump and restore
# (hugepages-2048kB/enabled = never; MADV_COLLAPSE would not care):
# thp_coverage restored lazily, criu's log says why nothing is collapsed,
# the report has no chunk collapsed and the task not exact, and the task
# passes.  The control put back after.  Where the kernel has per-size
# controls (6.8 and later).
PMD_CTL=/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled
pmd_never() {
	local why= r old
	prepare pmd-never || { result pmd-never "setup failed"; return; }
	r=$d/img/thp-monitor.json
	old=$(sed -n 's/.*\[\(.*\)\].*/\1/p' $PMD_CTL)
	echo never >$PMD_CTL
	if ! restore ""; then
		why="criu restore failed"
	else
		settled
	fi
	echo "$old" >$PMD_CTL
	if [ -n "$why" ]; then
		:
	elif ! log_has restore.log "is 'never' here"; then
		why="restore.log does not say THP is never here"
	elif ! jq -e '.tasks[0] | .collapsed == 0 and (.exact | not) and
		(.failed | length == 0)' "$r" >/dev/null 2>&1; then
		why="report: $(jq -c '.tasks[0] | {collapsed, exact, failed}' "$r" 2>/dev/null)"
	fi
	kill -9 "$pid" 2>/dev/null
	result pmd-never "$why" "nothing collapsed, not exact; hugepages-2048kB back to $old"
}

# CRIU's stack test (is_stack() in criu/mem.c) takes every page of a
# task for its stack when a thread's stack pointer is page-aligned, and
# marks none lazy.  thp_coverage sleeps so: the plugin's dump log names
# the thread, the pages all come with criu restore (no task of it is
# lazy at the plugin's hook), and the task ends exact.
stack_aligned() {
	local why= v ret
	stack_aligned=1
	prepare stack-aligned
	ret=$?
	stack_aligned=
	[ $ret = 0 ] || { result stack-aligned "setup failed"; return; }
	if ! log_has dump.log "thp: .*stack pointer 0x[0-9a-f]*000 is page-aligned.*marks none lazy"; then
		why="dump.log does not say the stack pointer is page-aligned"
	elif ! restore ""; then
		why="criu restore failed"
	elif ! log_has restore.log "thp: restore: .* 0 of 0 lazy guarded"; then
		why="the restore was lazy: $(grep -o '[0-9]* of [0-9]* lazy guarded' "$d/img/restore.log")"
	elif ! wait_gone $(monitors); then
		why="a monitor still runs after 60 s"
	elif ! v=$(criu-thp verify -D "$d/img" --pid "$pid" 2>&1); then
		why="criu-thp verify: $v"
	else
		settled
	fi
	kill -9 "$pid" 2>/dev/null
	result stack-aligned "$why" "dump.log: $(grep -o 'thread [0-9]*.s stack pointer 0x[0-9a-f]*' "$d/img/dump.log"); restored eagerly, exact"
}

# quick_allowed: why the hook may not read a plainly restored
# thp_coverage from maps on this machine, or nothing (restore_quick.h).
quick_allowed() {
	local t=/sys/kernel/mm/transparent_hugepage f major minor
	major=$(uname -r | cut -d. -f1)
	minor=$(uname -r | cut -d. -f2)
	if [ "$major" -lt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -lt 7 ]; }; then
		echo "no PAGEMAP_SCAN"
	elif grep -q '\[always\]' $t/enabled; then
		echo "THP always"
	else
		for f in $t/hugepages-*kB/enabled; do
			[ -f "$f" ] || continue
			case $f in *hugepages-2048kB*) continue ;; esac
			grep -q '\[never\]' "$f" || { echo "THP sizes below a PMD"; return; }
		done
	fi
}

quick_read() {
	local why= no
	no=$(quick_allowed)
	# each restore its own dump: the test's output file does not outlive it
	prepare quick-read-plain || { result quick-read "setup failed"; return; }
	if ! criu restore -v4 -L "$LIB" -D "$d/img" -o plain.log -d \
		>/dev/null 2>&1; then
		why="the plain criu restore failed"
	elif [ -z "$no" ] && ! log_has plain.log "read from maps, its advice as CRIU"; then
		why="plain.log: the task was not read from maps"
	elif [ -n "$no" ] && ! log_has plain.log "read from smaps: "; then
		why="plain.log: smaps read without a reason ($no here)"
	elif ! test_verdict; then
		why="the plainly restored test did not PASS"
	fi
	kill -9 "$pid" 2>/dev/null
	wait_gone "$pid"
	# a guest's /tmp is in its memory
	rm -f "$d"/img/pages-*.img
	if [ -n "$why" ]; then
		:
	elif ! prepare quick-read full; then
		why="setup failed"
	elif ! restore ""; then
		why="the lazy criu restore failed"
	elif [ -z "$no" ] && ! log_has restore.log "read from maps, its advice as CRIU"; then
		why="restore.log: the lazy task was not read from maps"
	elif [ -n "$no" ] && ! log_has restore.log "read from smaps: "; then
		why="restore.log: smaps read without a reason ($no here)"
	elif ! log_has restore.log "monitor: \(guarded\|not lazy\): "; then
		why="restore.log: the lazy task was not taken for lazy (no monitor answer)"
	else
		settled
	fi
	kill -9 "$pid" 2>/dev/null
	result quick-read "$why" "${no:+smaps: $no; }plain and lazy from maps where allowed, the lazy task guarded"
}

# want CASE: the case is to run (every case when none was named).
CASES=" $* "
want() {
	[ "$CASES" = "  " ] || case "$CASES" in *" $1 "*) ;; *) return 1 ;; esac
}

rm -rf "$W"
mkdir -p "$W"
# full size where the task must still be lazy at the hook: CRIU 3.17.1
# may have sent all of the small form's 17 chunks by then
want monitor-start && monitor_dies monitor-start monitor-start "restored lazily and not guarded: no answer from the monitor" full
want monitor-guarded && monitor_dies monitor-guarded monitor-guarded "monitor: guarded" full
want monitor-collapse && monitor_dies monitor-collapse monitor-collapse ""
want collapse-enomem && collapse_fails collapse-enomem collapse-enomem "Cannot allocate memory"
want collapse-eagain && collapse_fails collapse-eagain collapse-eagain "Resource temporarily unavailable"
want collapse-memcg && collapse_memcg
want collapse-fragmented && collapse_fragmented
want read-only && read_only
want deleted && deleted
want exec && exec_new
want restore-hook && restore_hook
want churn && churn
want traced && traced
want traced-guard && traced_guard
want sigterm && sigterm
want fix-fail && prctl_fault fix-fail
want restore-load && prctl_fault restore-load
want symlinks && symlinks
want old-report && old_report
want scripts && scripts
want traced-no-nice && traced_no_nice
want stack-aligned && stack_aligned
want quick-read && quick_read
if ! want pmd-never; then
	:
elif [ -f $PMD_CTL ]; then
	pmd_never
else
	echo "INFO pmd-never: not run: $(uname -r) has no per-size THP controls (Linux 6.8)"
fi
if ! want no-except-advised; then
	:
elif "$Z/tools/thp_prctl_probe"; then
	no_except_advised
else
	echo "INFO no-except-advised: not run: $(uname -r) has no PR_THP_DISABLE_EXCEPT_ADVISED to record"
fi
exit 0
