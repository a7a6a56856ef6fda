#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# zdtm_run.sh [OPTIONS] TEST...
#
# Checkpoint and restore zdtm-compatible tests with criu, the way CRIU's
# zdtm.py does, in one or more modes; one line per run on stdout:
#   RESULT <test> <mode> <plugin|plugin-env|stock> PASS|FAIL [reason]
# followed, for a failure, by "LOG ..." lines: the test's output and the
# error lines of every criu log.
#
# .desc flags: "nopre" - not run in pre and pre-lazy; "lazyonly" - only
# in the lazy modes; "remote" - only in remote-lazy and migrate; "verify" - after
# the restore (and, in the lazy modes, once the transfer has ended) the
# runner waits for the plugin's monitor (if it started one) and runs
# `criu-thp verify` on every process of the tree: with the plugin each
# must match; without it (stock) at least one must differ; "postcopy" -
# the monitor's report must show chunks collapsed before the last page;
# "stopped" - restore with --leave-stopped: every task of the tree must
# be stopped after the restore (criu queues their SIGSTOP before the
# plugin's hook, and an injection must not eat it); then the runner
# sends SIGCONT; "sigstopped" - the runner stops the task and sends it
# SIGALRM and SIGCHLD before the dump; after the restore as "stopped";
# "vma" - restore with CRIU_THP_STRATEGY=vma: on the test kernel (the
# kernel/ series) every VMA still registered with userfaultfd must be nh
# whenever the runner samples it during the transfer while its pages are
# still arriving (at least once in lazy and remote-lazy; after a pre-dump
# the pages may all be in at once), and the report must show advice given
# back if any VMA was held; on Debian's kernel restore.log must say the
# plugin fell back.
#
# In the lazy modes with the plugin the runner waits for the lazy-pages
# daemon to end, then for the monitor's report (thp-monitor.json), which
# must say the transfer ended normally, no task was stopped, and every
# task is exact - and only then sends SIGTERM.
#
# Tests learn what to expect from $THP_EXPECT: "exact" with the plugin,
# "stock", "stock-pre" or "stock-lazy" without it.
#
# Modes (-m, comma separated; default all):
#   plain        dump, restore
#   pre          pre-dump --track-mem, dump --prev-images-dir, restore
#   lazy         dump; criu lazy-pages; restore --lazy-pages
#   pre-lazy     pre + lazy
#   remote-lazy  dump; criu page-server --lazy-pages on 127.0.0.1;
#                criu lazy-pages --page-server; restore --lazy-pages
#   migrate      runc's lazy migration: dump --lazy-pages, the dumping
#                criu serving the pages on 127.0.0.1; the images, once it
#                is ready, copied to another directory; criu lazy-pages
#                --page-server; restore --lazy-pages from the copy.  The
#                frozen source keeps its pids until every page is sent,
#                so the test runs as the init of a pid namespace of its
#                own (ZDTM_NEWPID=1) and comes back in a new one.
#                Two hosts: ZDTM_NET_SRC and ZDTM_NET_DST name network
#                namespaces (/run/netns) joined at ZDTM_ADDR, the source's
#                address: the test and its dump run in the first, the
#                daemon and the restore in the second.
#
# Environment: CRIU (the criu to run, default "criu"), PLUGIN_DIR (the
# plugin's directory), ZDTM_MODES (the modes "all" means), ZDTM_WORK
# (the work directory), KERNEL_KIND ("patched" on the test kernel of
# kernel/, else "stock"; default: the guest's own test), ZDTM_SLOW
# (lazy modes: "page-server" or "lazy-pages" slowed to 10 % of a CPU for
# the whole transfer, as -k does before its kill), ZDTM_KILL_KB (-k: the
# test's resident KiB at which the victim is killed once criu restore is
# done, default 32768; 0: at once), ZDTM_SLOW_PCT (the share
# of a CPU the slowed daemon gets, default 10), ZDTM_TAG (added to
# the name in RESULT lines).
#
# Options:
#   -m MODES     modes to run
#   -p HOW       how criu finds the plugin: "libdir" (-L DIR, the
#                default), "env" (CRIU_LIBS_DIR=DIR) or "none" (stock criu)
#   -a HOOK      run "HOOK PID RUNDIR" after restore, before SIGTERM
#   -e           expect the test itself to report FAIL (for a HOOK that
#                breaks what the test checks); the run passes if it does
#   -r           expect the record check (RECORD lines) to fail; the run
#                passes if it does
#   -k VICTIM    lazy modes: kill VICTIM (lazy-pages or page-server) with
#                SIGKILL in the middle of the transfer, once 32 MiB of
#                the task are in.  With the plugin the monitor's report must say
#                the daemon died, the task must be stopped (or, with
#                CRIU_THP_GUARD=kill, dead), the pages it names as lost
#                still absent, and the test must not have read a wrong
#                page; without it (stock) the test must have read one,
#                or died of one.
#   -w DIR       work directory (default $ZDTM_WORK or /tmp/zdtm)
#
# A criu dump or restore still running after 120 s is killed (timeout).
# A run fails if the test does not print PASS, a criu command or the
# lazy-pages daemon exits non-zero or logs an error, the restored task is
# gone before the check, or the dump and restore logs do not show the
# plugin loaded (not loaded, for "none").  A test that prints "RECORD ..."
# lines says what the plugin's record of it must hold: with the plugin,
# each line must be among those tools/thp_record.jq makes of
# `criu-thp show --json` after the dump.

ZDTM=$(cd "$(dirname "$0")" && pwd)
. "$ZDTM/procs.sh"
PLUGIN_DIR=${PLUGIN_DIR:-/opt/criu-thp/lib}
CRIU=${CRIU:-criu}
PORT=27027
ADDR=${ZDTM_ADDR:-127.0.0.1}
SRC= DST= WRAP=
[ -n "$ZDTM_NET_SRC" ] && SRC="nsenter --net=/run/netns/$ZDTM_NET_SRC"
[ -n "$ZDTM_NET_DST" ] && DST="nsenter --net=/run/netns/$ZDTM_NET_DST"
KNOWN_MODES="plain pre lazy pre-lazy remote-lazy migrate"
CRIU_VERSION=$($CRIU --version | sed -n 's/^Version: *//p')
ALL_MODES=${ZDTM_MODES:-$KNOWN_MODES}

modes=$ALL_MODES
user_strategy=${CRIU_THP_STRATEGY:-}
plugin=plugin
how=libdir
hook=
expect_fail=
expect_record_fail=
victim=
work=${ZDTM_WORK:-/tmp/zdtm}

while getopts m:p:a:erk:w: opt; do
	case $opt in
	m) modes=$(echo "$OPTARG" | tr ',' ' ') ;;
	p) how=$OPTARG ;;
	a) hook=$OPTARG ;;
	e) expect_fail=1 ;;
	r) expect_record_fail=1 ;;
	k) victim=$OPTARG ;;
	w) work=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

case $how in
libdir) plugin=plugin ;;
env) plugin=plugin-env; export CRIU_LIBS_DIR=$PLUGIN_DIR ;;
none) plugin=stock; unset CRIU_LIBS_DIR ;;
*) echo "zdtm_run: -p libdir|env|none" >&2; exit 2 ;;
esac

criu_opts() {
	echo "-v4"
	[ $how = libdir ] && echo "-L $PLUGIN_DIR"
}

# The plugin logs "loaded for <stage> (N hooks)" in every criu log it is
# loaded in: 12 hooks where criu runs CHECKPOINT_DEVICES from
# checkpoint_devices() (CRIU 4.1 and later), 10 elsewhere.
# criu_at_least MAJOR MINOR: the CRIU under test is that version or later.
criu_at_least() {
	local major=${CRIU_VERSION%%.*} minor=${CRIU_VERSION#*.}
	minor=${minor%%.*}
	[ "$major" -gt "$1" ] || { [ "$major" = "$1" ] && [ "$minor" -ge "$2" ]; }
}

hooks_for_criu() {
	if criu_at_least 4 1; then
		echo 12
	else
		echo 10
	fi
}

plugin_as_expected() {
	local f
	for f in "$rundir/img/dump.log" "$rimg/restore.log"; do
		if grep -q 'thp: criu-thp .* loaded for' "$f"; then
			[ $plugin != stock ] || return 1
			grep -q "thp: criu-thp .* loaded for .* ($(hooks_for_criu) hooks)" "$f" ||
				return 1
		else
			[ $plugin = stock ] || return 1
		fi
	done
}

# Wait up to $2 seconds for process $1 to exit; return its status.
wait_pid() {
	local i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $(($2 * 5)) ] && { kill -9 "$1"; wait "$1"; return 124; }
		sleep 0.2
	done
	wait "$1"
}

# Start "criu $1 ..." in the background with --status-fd; succeed once
# it says it is ready.  Its pid goes to $daemon_pid.
start_daemon() {
	local name=$1 st=$rundir/$1.status
	shift
	mkfifo "$st"
	$WRAP $CRIU "$name" $(criu_opts) --status-fd 3 "$@" 3>"$st" &
	daemon_pid=$!
	[ "$(dd if="$st" bs=1 count=1 2>/dev/null | wc -c)" = 1 ]
}

log_failure() {
	local f
	echo "LOG --- $test_name $mode $plugin: $1"
	# what tells most first: a CI log keeps only the head of it
	[ -f "$rimg/thp-monitor.json" ] &&
		jq -c '.guard, [.tasks[] | {pid, lazy, pending, last_page_s, stopped, lost_pages}]' \
			"$rimg/thp-monitor.json" | sed 's/^/LOG report: /'
	[ -f "$rimg/thp-monitor.log" ] &&
		grep -E 'timeout|every page|daemon|advice|cannot|not guarded|guarded:|not lazy|registered|gone|collapsed|monitor done' \
			"$rimg/thp-monitor.log" | head -n 12 |
			sed 's/^/LOG thp-monitor.log: /'
	for f in "$rundir"/verify.*; do
		[ -f "$f" ] && grep -v '^ \|^VMA\|^(' "$f" |
			sed "s/^/LOG $(basename "$f"): /"
	done
	for f in "$rundir"/test.out "$rundir"/test.out.inprogress; do
		[ -f "$f" ] && sed 's/^/LOG test: /' "$f"
	done
	[ -f "$rimg/thp-monitor.log" ] &&
		grep -v '^ \|^VMA\|^7f\|^(' "$rimg/thp-monitor.log" |
		tail -n 15 | sed 's/^/LOG thp-monitor.log: /'
	[ -n "$record_why" ] && criu-thp show -D "$rundir/img" 2>&1 |
		sed 's/^/LOG show: /'
	for f in "$rundir"/*/*.log; do
		[ -f "$f" ] || continue
		grep -E 'Error|Warn ' "$f" | head -n 20 |
			sed "s|^|LOG $(basename "$(dirname "$f")")/$(basename "$f"): |"
	done
}

# The test's RECORD lines against the plugin's images; sets $record_why.
check_record() {
	local want=$rundir/record.want got=$rundir/record.got line
	record_why=
	sed -n 's/^.*: \(RECORD .*\)$/\1/p' "$rundir/test.out.inprogress" \
		>"$want" 2>/dev/null
	[ -s "$want" ] && [ $plugin != stock ] || return 0
	if ! criu-thp show -D "$rundir/img" --json >"$rundir/show.json" \
		2>"$rundir/show.err"; then
		record_why="criu-thp show failed: $(head -n1 "$rundir/show.err")"
		return 1
	fi
	jq -r -f "$ZDTM/tools/thp_record.jq" "$rundir/show.json" >"$got" ||
		{ record_why="jq failed on show.json"; return 1; }
	while read -r line; do
		grep -qxF "$line" "$got" && continue
		record_why="not in the record: $line"
		return 1
	done <"$want"
	record_note="record: $(wc -l <"$want") lines match"
}

# -r: the record check must have failed.
record_verdict() {
	[ -n "$expect_record_fail" ] || return 0
	if [ -z "$record_why" ]; then
		record_why="the record check passed, -r expected it to fail"
	else
		record_note="record check failed as expected: $record_why"
		record_why=
	fi
}

result() {
	if [ "$1" = PASS ]; then
		echo "RESULT $test_name $mode $plugin PASS${2:+ $2}"
	else
		echo "RESULT $test_name $mode $plugin FAIL $2"
		log_failure "$2"
	fi
}

# Every criu log of the run must be free of errors.
logs_clean() {
	! grep -l Error "$rundir"/*/*.log >/dev/null 2>&1
}

do_dump() {
	local prev=
	case $mode in
	pre|pre-lazy)
		timeout 120 $CRIU pre-dump -t "$pid" -D "$rundir/pre" -o pre-dump.log \
			--track-mem $(criu_opts) || return 1
		prev="--prev-images-dir ../pre --track-mem"
		;;
	esac
	if [ $mode = migrate ]; then
		migrate_dump
		return
	fi
	timeout 120 $CRIU dump -t "$pid" -D "$rundir/img" -o dump.log $prev \
		$(criu_opts)
}

# The dumping criu serves the pages once it says it is ready; by then the
# images (the plugin's too) are complete and go to "the other machine".
migrate_dump() {
	WRAP=$SRC
	start_daemon dump -t "$pid" -D "$rundir/img" -o dump.log \
		--lazy-pages --address "$ADDR" --port $PORT
	local ret=$?
	WRAP=
	[ $ret = 0 ] || return 1
	server_pid=$daemon_pid
	mkdir -p "$rundir/dst"
	cp -a "$rundir/img/." "$rundir/dst/"
}

do_restore() {
	local img=$rimg addr ret
	case $mode in
	lazy|pre-lazy)
		start_daemon lazy-pages -D "$img" -o lazy-pages.log ||
			return 1
		lazy_pid=$daemon_pid
		;;
	remote-lazy|migrate)
		# migrate: the dumping criu is the page server
		if [ $mode = remote-lazy ]; then
			start_daemon page-server -D "$img" -o page-server.log \
				--lazy-pages --address 127.0.0.1 --port $PORT ||
				return 1
			server_pid=$daemon_pid
		fi
		addr=127.0.0.1
		[ $mode = migrate ] && WRAP=$DST addr=$ADDR
		start_daemon lazy-pages -D "$img" -o lazy-pages.log \
			--page-server --address "$addr" --port $PORT
		ret=$?
		WRAP=
		[ $ret = 0 ] || return 1
		lazy_pid=$daemon_pid
		;;
	esac
	# -k: slow from the start, or the pages can all be sent while the
	# plugin's restore hook still works (kill_mid_transfer)
	# ZDTM_SLOW=page-server|lazy-pages: that daemon slowed, not killed
	case ${victim:-${ZDTM_SLOW:-}} in
	page-server) cpu_limit "$server_pid" "${ZDTM_SLOW_PCT:-10}" ;;
	"") ;;
	*) cpu_limit "$lazy_pid" "${ZDTM_SLOW_PCT:-10}" ;;
	esac
	stopped=
	desc_flag "$test" stopped && stopped=--leave-stopped
	case $mode in
	plain|pre)
		timeout 120 $CRIU restore -D "$img" -o restore.log -d $stopped \
			$(criu_opts) ;;
	migrate)
		timeout 120 $DST $CRIU restore -D "$img" -o restore.log -d --lazy-pages \
			$stopped --pidfile "$rundir/restored.pid" \
			$(criu_opts) &&
			pid=$(cat "$rundir/restored.pid") ;;
	*)
		timeout 120 $CRIU restore -D "$img" -o restore.log -d --lazy-pages \
			$stopped $(criu_opts) ;;
	esac
}

# "arriving bad": VMAs of pid $1 of 2 MiB or more, registered with
# userfaultfd and arriving - some pages in, not all (0 < Rss < Size; the
# tests write every page of their big regions) - and of those the ones
# not nh.  A VMA with nothing to come (a PROT_NONE guard) gets its own
# advice back at once.
held_sample() {
	awk '/^Size:/ { size = $2 } /^Rss:/ { rss = $2 }
	     /^VmFlags:/ && / um/ && size >= 2048 && rss > 0 && rss < size {
		n++; if (!/ nh/) bad++ }
	     END { print n + 0, bad + 0 }' /proc/"$1"/smaps 2>/dev/null
}

# vma strategy: sample the task while the lazy-pages daemon runs; sets
# $held_samples (with VMAs still arriving) and $held_bad (such VMAs seen
# without nh).  A VMA all in may have its own advice back already.
sample_held() {
	local um bad
	held_samples=0 held_bad=0
	while [ -n "$lazy_pid" ] && kill -0 "$lazy_pid" 2>/dev/null; do
		read -r um bad <<EOS
$(held_sample "$pid")
EOS
		if [ "${um:-0}" -gt 0 ]; then
			held_samples=$((held_samples + 1))
			held_bad=$((held_bad + bad))
		fi
	done
}

# The test kernel has everything built in; Debian's loads our modules.
patched_kernel() {
	if [ -n "$KERNEL_KIND" ]; then
		[ "$KERNEL_KIND" = patched ]
		return
	fi
	[ "$(uname -r)" != "$(cat /etc/guest-modules-release 2>/dev/null)" ]
}

# What the vma strategy did; sets $vma_why and $vma_note.
check_vma() {
	local log=$rimg/restore.log r=$rimg/thp-monitor.json n held
	vma_why= vma_note=
	desc_flag "$test" vma && [ $plugin != stock ] || return 0
	if ! patched_kernel; then
		grep -q 'strategy vma: .*default strategy instead' "$log" ||
			vma_why="no fallback from the vma strategy in restore.log"
		vma_note="vma: fell back on $(uname -r)"
		return
	fi
	held=$(sed -n 's/.*thp: task [0-9]*: \([0-9]*\) lazy VMAs held nh.*/\1/p' \
		"$log" | awk '{ s += $1 } END { print s + 0 }')
	n=$(jq '[.tasks[].advice_restored] | add' "$r" 2>/dev/null)
	if ! grep -q 'strategy vma: lazy VMAs stay nh' "$log"; then
		vma_why="the vma strategy is not on: $(grep -m1 'strategy vma' "$log")"
	elif [ "$held_bad" -gt 0 ]; then
		vma_why="$held_bad arriving VMAs seen without nh in $held_samples samples"
	elif [ "$held" -gt 0 ] && [ "${n:-0}" = 0 ]; then
		vma_why="$held VMAs held nh, but the monitor gave no advice back"
	elif [ "$held_samples" = 0 ] && [ $mode != pre-lazy ]; then
		vma_why="no sample taken while a big VMA was arriving"
	fi
	vma_note="vma: $held VMAs held nh, $held_samples samples while arriving all nh, $n parts given their advice back"
}

# "sigstopped": the task stopped, then SIGALRM and SIGCHLD sent, so that
# it is dumped stopped with both pending (criu restores it stopped).
stop_with_signals() {
	local i=0
	kill -STOP "$1"
	while [ "$(state_of "$1")" != T ] && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.01
	done
	kill -ALRM "$1"
	kill -CHLD "$1"
}

# "stopped", "sigstopped": every task of the tree stopped, then SIGCONT;
# sets $stopped_why.
check_stopped() {
	local p st n=0
	stopped_why=
	desc_flag "$test" stopped || desc_flag "$test" sigstopped || return 0
	for p in $(tree_pids "$pid"); do
		st=$(state_of "$p")
		n=$((n + 1))
		[ "$st" = T ] || stopped_why=${stopped_why:-"task $p is in state '$st' after restore --leave-stopped, not stopped"}
	done
	for p in $(tree_pids "$pid"); do
		kill -CONT "$p"
	done
	[ -z "$stopped_why" ] || return 1
	stopped_note="stopped: $n tasks"
}

# The lazy daemons end once every page is in; they must end cleanly.
# Sets $daemons_why.  Runs in this shell: only it can wait for them.
wait_daemons() {
	daemons_why=
	if [ -n "$lazy_pid" ]; then
		wait_pid "$lazy_pid" 120 ||
			daemons_why="lazy-pages exited $?"
	fi
	if [ -n "$server_pid" ]; then
		wait_pid "$server_pid" 30 ||
			daemons_why="${daemons_why:+$daemons_why, }page-server exited $?"
	fi
	lazy_pid= server_pid=
	[ -z "$daemons_why" ]
}

# Tests build huge pages; earlier runs of 300 MiB leave guest memory
# fragmented, so give each test compacted memory.
fresh_memory() {
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	echo 1 >/proc/sys/vm/compact_memory 2>/dev/null
}

# What the test must expect of its huge pages (see thp_regions.h).
expect_for_mode() {
	case $mode in
	lazy|pre-lazy|remote-lazy|migrate)
		[ $plugin = stock ] && echo stock-lazy || echo exact ;;
	pre) [ $plugin = stock ] && echo stock-pre || echo exact ;;
	*) [ $plugin = stock ] && echo stock || echo exact ;;
	esac
}

# The restored tree: $1 and its descendants.
tree_pids() {
	local c
	echo "$1"
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		tree_pids "$c"
	done
}

# Wait up to 60 s for the monitor the plugin started, if it did.
wait_monitor() {
	local i=0
	grep -q 'thp: monitor .* started' "$rimg/restore.log" || return 0
	while [ ! -f "$rimg/thp-monitor.json" ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && return 1
		sleep 0.2
	done
}

# CRIU 3.19 and later restore the PR_SET_THP_DISABLE state themselves.
keeps_prctl() {
	criu_at_least 3 19
}

# criu-thp verify on the restored tree; sets $verify_why, $verify_note.
# Stock must differ somewhere - but for a CRIU that keeps the prctl state:
# its chunks come back small, and khugepaged may have collapsed the hg
# ones by the time verify runs (a race, measured both ways with 4.1.1,
# lazy and - THP always - plain); the rule-based expectation cannot see
# what is lost.
check_verify() {
	local p n=0 differ=0
	verify_why= verify_note=
	desc_flag "$test" verify || return 0
	if ! wait_monitor; then
		verify_why="the monitor wrote no report in 60 s"
		return 1
	fi
	for p in $(tree_pids "$pid"); do
		n=$((n + 1))
		criu-thp verify -D "$rimg" --pid "$p" \
			>"$rundir/verify.$p" 2>&1 && continue
		[ $? = 1 ] || { verify_why="criu-thp verify $p failed"; return 1; }
		differ=$((differ + 1))
		[ $plugin = stock ] && continue
		verify_why="criu-thp verify: task $p differs: $(grep -m1 differs: "$rundir/verify.$p")"
		return 1
	done
	if [ $plugin = stock ] && [ $differ = 0 ] && keeps_prctl; then
		verify_note="verify: stock matched the rule-based expectation (CRIU $CRIU_VERSION keeps the prctl state; khugepaged collapsed the hg chunks in time)"
	elif [ $plugin = stock ]; then
		[ $differ -gt 0 ] || { verify_why="verify: stock restore matched"; return 1; }
		verify_note="verify: $differ of $n tasks differ, as stock does"
	else
		verify_note="verify: $n tasks match"
	fi
}

# The monitor's report after a lazy restore; sets $report_why, $report_note.
check_report() {
	local r=$rimg/thp-monitor.json
	report_why= report_note=
	is_lazy && [ $plugin != stock ] || return 0
	# No monitor at all is right when no task had anything left to come
	# (after a pre-dump CRIU 4.x arms no userfaultfd if every page is in
	# the parent images) and nothing was left to it.
	if ! grep -q 'thp: monitor .* started' "$rimg/restore.log" &&
		grep -q 'thp: restore: .* 0 left to the monitor, 0 of 0 lazy guarded' \
			"$rimg/restore.log"; then
		report_note="no monitor: no task had pages to come"
		return 0
	fi
	if ! wait_monitor || [ ! -f "$r" ]; then
		report_why="the monitor wrote no report in 60 s"
		return 1
	fi
	if ! jq -e '.guard.state == "normal end" or (.guard.state == "off" and
		([.tasks[] | select(.lazy)] | length == 0))' "$r" >/dev/null; then
		report_why="guard: $(jq -c .guard "$r")"
	elif ! jq -e '[.tasks[] | select(.stopped or .killed)] | length == 0' "$r" >/dev/null; then
		report_why="the monitor stopped a task after a normal end"
	elif ! jq -e '.guard.userfaultfds >= ([.tasks[] | select(.lazy)] | length)' "$r" >/dev/null; then
		report_why="the guard held $(jq '.guard.userfaultfds' "$r") userfaultfds for $(jq '[.tasks[] | select(.lazy)] | length' "$r") lazy tasks"
	elif ! jq -e '[.tasks[] | select(.exact | not)] | length == 0' "$r" >/dev/null; then
		report_why="not exact: $(jq -c '[.tasks[] | select(.exact | not) | {pid, differences, pending, failed}]' "$r")"
	elif desc_flag "$test" postcopy &&
		! jq -e '[.tasks[].collapsed_during_postcopy] | add > 0' "$r" >/dev/null; then
		report_why="no chunk collapsed during postcopy: $(jq -c '[.tasks[] | {lazy, owed_pages, collapsed, collapsed_during_postcopy, last_page_s, full_coverage_s}]' "$r")"
	fi
	[ -z "$report_why" ] || return 1
	# per task, or summed over a tree of more than 4
	report_note="report: $(jq -r 'if (.tasks | length) > 4 then
		"\(.tasks | length) tasks, \([.tasks[].collapsed] | add)/\([.tasks[].recorded] | add) collapsed, \([.tasks[].collapsed_during_postcopy] | add) during postcopy"
		else [.tasks[] | "\(.collapsed)/\(.recorded) collapsed, \(.collapsed_during_postcopy) during postcopy"] | join("; ") end' "$r")"
}

is_lazy() {
	case $mode in lazy|pre-lazy|remote-lazy|migrate) return 0 ;; esac
	return 1
}

# Wait up to 60 s for the test's verdict file.
wait_outfile() {
	local i=0
	while [ ! -f "$rundir/test.out" ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && return 1
		sleep 0.2
	done
}

verdict() {
	if [ -n "$expect_fail" ]; then
		grep -q FAIL "$rundir/test.out"
	else
		grep -q PASS "$rundir/test.out" && ! grep -q FAIL "$rundir/test.out"
	fi
}

# The pages the report names as lost are still absent (each stopped
# task's first 8 ranges).
lost_absent() {
	local r=$1 p a b n
	jq -r '.tasks[] | select(.stopped) | .pid as $p | .lost[:8][] |
		"\($p) \(.start) \(.end)"' "$r" |
	while read -r p a b; do
		n=$("$ZDTM/tools/thp_present" "$p" "${a#0x}" "${b#0x}") || return 1
		[ "$n" = 0 ] || { echo "task $p: $a-$b: $n pages present"; return 1; }
	done
}

# guard_states REPORT WANT: guard_state for every task the report says
# was owed pages when the daemon died (the whole tree); why on stdout.
guard_states() {
	local p bad
	for p in $(jq -r '.tasks[] | select(.lost_pages > 0 or .stopped or .killed) | .pid' "$1"); do
		bad=$(guard_state "$1" "$p" "$2")
		[ -n "$bad" ] && { echo "$bad"; return; }
	done
}

# -k: what the guard did after the kill; sets $why.
guard_verdict() {
	local r=$rimg/thp-monitor.json want=T bad
	[ "$CRIU_THP_GUARD" = kill ] && want=Z
	if ! wait_monitor || [ ! -f "$r" ]; then
		why="the monitor wrote no report in 60 s"
	elif ! jq -e '.guard.state == "daemon died"' "$r" >/dev/null; then
		why="guard: $(jq -c .guard "$r") (killed too late?)"
		grep -qs 'UFFD transferred pages' "$rundir"/*/lazy-pages.log &&
			late=1
	elif ! jq -e '[.tasks[] | select((.stopped or .killed) and .lost_pages > 0)] | length > 0' "$r" >/dev/null; then
		why="no task stopped with lost pages: $(jq -c '[.tasks[] | {pid, stopped, lost_pages}]' "$r")"
	elif ! jq -e '[.tasks[] | select(.lost_pages > 0 and (.stopped or .killed | not))] | length == 0' "$r" >/dev/null; then
		why="a task owed pages runs on: $(jq -c '[.tasks[] | select(.lost_pages > 0 and (.stopped or .killed | not)) | {pid, lost_pages}][:4]' "$r")"
	elif bad=$(guard_states "$r" $want) && [ -n "$bad" ]; then
		why=$bad
	elif [ $want = T ] && ! bad=$(lost_absent "$r"); then
		why="a lost page is present: $bad"
	elif grep -q FAIL "$rundir/test.out.inprogress" "$rundir/test.out" 2>/dev/null; then
		why="the test read a wrong page"
	fi
	guard_note="guard: $(jq -r '"\(if [.tasks[] | select(.killed)] | length > 0 then "killed (\([.tasks[] | select(.killed) | .kill_why] | unique | join(" "))) after" else "stopped in" end) \(.guard.stop_ms) ms, \([.tasks[].lost_pages] | add) pages lost\(if (.tasks | length) > 1 then " by \([.tasks[] | select(.lost_pages > 0)] | length) of \(.tasks | length) tasks" else "" end)"' "$r" 2>/dev/null)"
}

# -k without the plugin: the zero pages must show - a wrong word read,
# or the test dead of them (a zero page in libc's data: SIGSEGV).
stock_guard() {
	sleep 2
	local st
	st=$(state_of "$pid")
	if [ -z "$st" ] || [ "$st" = Z ]; then
		guard_note="stock: the test died after the daemon did"
		return
	fi
	kill -TERM "$pid"
	wait_outfile
	if grep -q "wrong data" "$rundir/test.out" 2>/dev/null; then
		guard_note="stock: the test read a zero page"
	elif grep -qs 'UFFD transferred pages' "$rundir"/*/lazy-pages.log; then
		# the daemon logs this once every page is sent (-v4)
		late=1
		why="stock: the daemon was killed after the transfer ended"
	else
		why="stock: the test saw nothing wrong"
	fi
}

# -k: kill the daemon in the middle of the transfer; sets $why.
guard_run() {
	local v=$lazy_pid
	[ "$victim" = page-server ] && v=$server_pid
	# in the middle of the transfer: once 32 MiB of the test's 192 are in
	# (ZDTM_KILL_KB)
	local at=${ZDTM_KILL_KB:-32768}
	kill_mid_transfer "$pid" "$at" "$v"
	wait "$v" 2>/dev/null
	why= guard_note=
	if [ $plugin != stock ]; then
		guard_verdict
		kill_tree "$pid"
	else
		stock_guard
	fi
	kill -9 "$lazy_pid" "$server_pid" 2>/dev/null
	wait "$lazy_pid" "$server_pid" 2>/dev/null
	lazy_pid= server_pid=
	rm -f "$rundir"/img/pages-*.img
	# a kill after the last page says nothing of what the guard or stock
	# CRIU does: run again (a TCG guest can be that slow to look)
	[ "$try" -gt 1 ] && guard_note="$guard_note; try $try"
	if [ -n "$late" ] && [ "$try" -lt 3 ]; then
		echo "INFO $test_name $mode $plugin: $why (try $try of 3): again" >&2
		again=1
		return
	fi
	if [ -n "$why" ]; then
		result FAIL "$why"
	else
		result PASS "($guard_note)"
	fi
}

run_one() {
	local bin=$ZDTM/static/$test why
	rundir=$work/$test_name.$mode.$plugin
	rimg=$rundir/img		# the restore's images
	[ $mode = migrate ] && rimg=$rundir/dst
	lazy_pid= server_pid=
	rm -rf "$rundir"
	mkdir -p "$rundir/img" "$rundir/pre"
	cd "$rundir" || return
	fresh_memory
	newpid=
	[ $mode = migrate ] && newpid=1

	if ! THP_EXPECT=$(expect_for_mode) THP_CRIU_VERSION=$CRIU_VERSION \
		ZDTM_NEWPID=$newpid ${newpid:+$SRC} "$bin" \
		--pidfile="$rundir/test.pid" --outfile="$rundir/test.out"; then
		result FAIL "test did not start"
		return
	fi
	pid=$(cat "$rundir/test.pid")
	record_why= record_note= stopped_note=

	desc_flag "$test" sigstopped && stop_with_signals "$pid"
	if ! do_dump; then
		kill -9 "$pid" 2>/dev/null
		result FAIL "criu dump failed"
		return
	fi
	check_record
	record_verdict
	if desc_flag "$test" vma; then
		export CRIU_THP_STRATEGY=vma
	elif [ -n "$user_strategy" ]; then
		export CRIU_THP_STRATEGY="$user_strategy"
	else
		unset CRIU_THP_STRATEGY
	fi
	if ! do_restore; then
		wait_daemons
		result FAIL "criu restore failed"
		return
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		wait_daemons
		result FAIL "restored task $pid is gone"
		return
	fi
	if [ -n "$victim" ]; then
		guard_run
		return
	fi
	if [ -n "$hook" ] && ! "$hook" "$pid" "$rundir"; then
		kill -9 "$pid"
		wait_daemons
		result FAIL "hook $hook failed"
		return
	fi
	check_stopped
	held_samples=0 held_bad=0
	desc_flag "$test" vma && sample_held
	# lazy: the transfer must be over before the test checks its pages
	if is_lazy && ! wait_daemons; then
		why=$daemons_why
	fi
	check_report
	check_verify
	check_vma
	kill -TERM "$pid"
	wait_outfile || { kill -9 "$pid"; why=${why:-"no verdict from the test"}; }
	why=${why:-$stopped_why}
	why=${why:-$report_why}
	why=${why:-$verify_why}
	why=${why:-$vma_why}
	wait_daemons || why=${why:-$daemons_why}
	why=${why:-$record_why}
	if [ -z "$why" ] && ! logs_clean; then
		why="errors in criu logs"
	fi
	if [ -z "$why" ] && ! plugin_as_expected; then
		why="plugin loaded or not against -p $how, or not with $(hooks_for_criu) hooks for CRIU $CRIU_VERSION (dump.log, restore.log)"
	fi
	if [ -z "$why" ] && ! verdict; then
		why="the test did not report ${expect_fail:+FAIL as expected}${expect_fail:-PASS}"
	fi
	# guest memory is the filesystem: drop page contents, keep logs
	rm -f "$rundir"/img/pages-*.img "$rundir"/pre/pages-*.img
	if [ -n "$why" ]; then
		result FAIL "$why"
	else
		result PASS "${expect_fail:+(the test caught what the hook broke)}${record_note:+($record_note)}${stopped_note:+($stopped_note)}${verify_note:+($verify_note)}${report_note:+($report_note)}${vma_note:+($vma_note)}"
	fi
}

# The .desc flags of test $1 include $2.
desc_flag() {
	grep -q "'flags':[^}]*[' ]$2[' ]" "$ZDTM/static/$1.desc" 2>/dev/null
}

for test in "$@"; do
	test_name=$test${ZDTM_TAG:+"+$ZDTM_TAG"}${hook:+"+$(basename "$hook" .sh)"}${victim:+"+kill-$victim${CRIU_THP_GUARD:+-$CRIU_THP_GUARD}"}
	for mode in $modes; do
		case $mode in
		pre|pre-lazy) desc_flag "$test" nopre && continue ;;
		esac
		case $mode in
		plain|pre) desc_flag "$test" lazyonly && continue ;;
		esac
		case $mode in
		remote-lazy|migrate) ;;
		*) desc_flag "$test" remote && continue ;;
		esac
		# not here (ZDTM_MODES): the suite says why
		case " $ALL_MODES " in *" $mode "*) ;; *) continue ;; esac
		case " $KNOWN_MODES " in
		*" $mode "*)
			try=0 again=1
			while [ -n "$again" ]; do
				try=$((try + 1)) again= late=
				run_one
			done ;;
		*) echo "RESULT $test_name $mode $plugin FAIL unknown mode" ;;
		esac
	done
done
