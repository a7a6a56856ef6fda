#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dump_faults.sh: dumps into an images directory that is full or
# read-only, with and without the plugin.  The dumped process is the
# thp_record test (two processes), left running.  First a stock dump into
# an unbounded tmpfs measures what CRIU needs (blocks and inodes); then
# each case mounts a tmpfs of its own over the images directory:
#   inodes-full  room for CRIU's files and not one more,
#   blocks-full  room for CRIU's blocks and not one more: where the plugin
#                records at exit(DUMP) (CRIU 3.x) it finds no room and the
#                dump succeeds without a record, with a warning; where it
#                records at CHECKPOINT_DEVICES (4.1 and later) its images
#                come first, and CRIU's own then do not fit: the dump fails
#   write-fails  the plugin cannot write its image (a directory in the
#                way): the dump succeeds without a record and is restored;
#                under strict it fails (3.x: exit(DUMP) cannot fail a
#                dump; the error is in the log)
#   too-small    room for half of CRIU's blocks: both dumps fail
#   read-only    a read-only tmpfs: both dumps fail
# In every case no thp-* file is left after a failed dump, nor a
# half-written one ever, and the process is alive afterwards.  A dump
# that succeeded without a record is restored: the process checks its
# memory.
#
# Then two cases in which the dumped process changes while the plugin
# records it (no tmpfs):
#   khugepaged   CRIU freezes the tasks, but khugepaged still collapses
#                their memory: the dump pauses (CRIU_THP_FAULT=record-slow)
#                right after the plugin read an hg region of small pages,
#                khugepaged collapses it, and the plugin must notice that
#                smaps_rollup no longer adds up and read the task again:
#                the record says huge, and the restored region is huge
#   threads      thp_churn's threads map, unmap, fork and exec without
#                pause: the record, taken while CRIU holds them frozen,
#                must match CRIU's own images (the restore says exact)
# RESULT lines as zdtm_run.sh.  Arguments: the cases to run (default all).

Z=$(cd "$(dirname "$0")" && pwd)
LIB=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${ZDTM_WORK:-/tmp/zdtm}/dump_faults
. "$Z/procs.sh"
. "$Z/results.sh"

result() {
	result_line dump "$1" "$2" "$3" "$W/$1"/*.log "$W/$1"/img/*.log
}

# start NAME [TEST]: TEST (thp_record) running, its pid in $pid
start() {
	d=$W/$1
	mkdir -p "$d/img"
	"$Z/static/${2:-thp_record}" --pidfile="$d/test.pid" \
		--outfile="$d/test.out" || return 1
	pid=$(cat "$d/test.pid")
}

stop() {
	kill_tree "$pid"
	umount "$d/img" 2>/dev/null
}

# mount_img OPTIONS: a fresh tmpfs over $d/img
mount_img() {
	umount "$d/img" 2>/dev/null
	mount -t tmpfs -o "$1" criu-thp-faults "$d/img"
}

# dump LOG [plugin|strict]: criu dump of $pid, its log outside $d/img
dump() {
	local log=$1 how=$2 lib=
	[ -n "$how" ] && lib="-L $LIB"
	[ "$how" = strict ] && export CRIU_THP_STRICT=yes
	criu dump -v4 $lib -D "$d/img" -o "$d/$log" -t "$pid" \
		--leave-running >/dev/null 2>&1
	local ret=$?
	unset CRIU_THP_STRICT
	return $ret
}

# Alive and not frozen or stopped; empty, or why not.
not_running() {
	case $(state_of "$pid") in
	R|S) ;;
	'') echo "the process is gone" ;;
	*) echo "the process is in state $(state_of "$pid")" ;;
	esac
}

thp_files() {
	ls "$d/img" 2>/dev/null | grep '^thp-' | tr '\n' ' '
}

# Measure: $blocks (KiB) and $inodes a stock dump of thp_record takes.
measure() {
	start measure || return 1
	mount_img size=1g
	dump dump.log || { stop; return 1; }
	blocks=$(df -k "$d/img" | awk 'NR == 2 { print $3 }')
	inodes=$(df -i "$d/img" | awk 'NR == 2 { print $3 }')
	stop
	[ "$blocks" -gt 0 ] && [ "$inodes" -gt 1 ]
}

# fit_stock OPTS: the smallest tmpfs ("OPTS,size=N") that a stock dump of
# this process fits in, in $size_opts: CRIU may need a few blocks more
# while it writes than it leaves (3.17.1 does), and each process a few
# more or less.
fit_stock() {
	local kb=$((blocks - 64))
	while [ $kb -le $((blocks + 256)) ]; do
		size_opts="$1${1:+,}size=${kb}k"
		mount_img "$size_opts" && dump stock.log && return 0
		kb=$((kb + 4))
	done
	return 1
}

# room_for_stock NAME MOUNT_OPTIONS: room for CRIU's images and not one
# more file or block ("blocks": the smallest size that fits, fit_stock).
room_for_stock() {
	local why= note ok=
	start "$1" || { result "$1" "test did not start"; return; }
	if [ "$2" = blocks ]; then
		fit_stock "" && ok=1
		set -- "$1" "$size_opts"
	else
		mount_img "$2" && dump stock.log && ok=1
	fi
	if [ -z "$ok" ]; then
		why="stock criu dump failed ($2)"
	elif ! mount_img "$2"; then
		why="cannot mount the tmpfs"
	elif dump plugin.log plugin; then
		if [ -f "$d/img/thp-dump.img" ]; then
			note="the dump succeeded with a record (in CRIU's slack)"
		else
			note="the dump succeeded without a record"
			grep -q 'Warn.*thp: no THP record written: No space left on device' "$d/plugin.log" ||
				why="the dump succeeded without a record, and the plugin did not warn that it found no room"
		fi
	else
		note="the dump failed: CRIU's images did not fit after the plugin's"
		grep -q 'recording the dumped tasks at checkpoint-devices' "$d/plugin.log" ||
			why="the dump failed though the plugin recorded last"
		grep -q 'Error.*No space left on device' "$d/plugin.log" ||
			why="the failed dump's log does not say the directory is full"
	fi
	case $note in
	*"with a record"*) ;;
	*) [ -z "$why" ] && [ -n "$(thp_files)" ] && why="thp files left: $(thp_files)" ;;
	esac
	[ -z "$why" ] && why=$(not_running)
	stop
	result "$1" "$why" "$2: $note"
}

# The plugin cannot write its images (a directory in the way of the first
# one): the dump succeeds without a record, warned, and is restored; under
# strict it fails.
write_fails() {
	local why=
	start write-fails || { result write-fails "test did not start"; return; }
	mount_img size=1g
	mkdir "$d/img/thp-dump.img.tmp"
	if dump strict.log strict; then
		# CRIU 3.x: exit(DUMP) cannot fail the dump
		grep -q 'recording the dumped tasks at exit(DUMP)' "$d/strict.log" ||
			why="criu dump under strict succeeded without a record"
	fi
	if [ -n "$why" ]; then
		:
	elif ! grep -q 'Error.*thp: no THP record written' "$d/strict.log"; then
		why="strict.log does not say that no record was written"
	elif [ -n "$(not_running)" ]; then
		why="after the strict dump: $(not_running)"
	elif ! dump plugin.log plugin; then
		why="criu dump with the plugin failed"
	elif ! grep -q 'thp-dump.img.tmp' "$d/plugin.log"; then
		why="plugin.log does not name thp-dump.img.tmp"
	elif ! grep -q 'Warn.*thp: no THP record written' "$d/plugin.log"; then
		why="plugin.log does not warn that no record was written"
	elif [ "$(thp_files)" != "thp-dump.img.tmp " ]; then
		why="thp files left: $(thp_files)"
	elif [ -n "$(not_running)" ]; then
		why=$(not_running)
	else
		restore_check
	fi
	stop
	result write-fails "$why" "restored without a record, memory intact"
}

# Restore the dump in $d/img once the dumped process is gone (same pids),
# and end it with SIGTERM: it checks its memory.  Sets $why on failure.
restore_check() {
	local i=0
	kill_tree "$pid"
	if ! criu restore -v4 -L "$LIB" -D "$d/img" -o "$d/restore.log" \
		-d >/dev/null 2>&1; then
		why="criu restore failed"
		return
	fi
	# chunks left to the monitor: the test looks once it is done
	grep -q 'thp: monitor .* started' "$d/restore.log" &&
		wait_file "$d/img/thp-monitor.json"
	kill -TERM "$pid"
	i=0
	while ! grep -q 'PASS\|FAIL' "$d/test.out" 2>/dev/null && [ $i -lt 150 ]; do
		i=$((i + 1))
		sleep 0.2
	done
	grep -q PASS "$d/test.out" 2>/dev/null ||
		why="the restored process did not PASS: $(tail -n 2 "$d/test.out" 2>/dev/null)"
}

# fails_both NAME MOUNT_OPTIONS: stock and the plugin fail alike.
fails_both() {
	local why=
	start "$1" || { result "$1" "test did not start"; return; }
	mount_img "$2"
	if dump stock.log; then
		why="stock criu dump succeeded ($2)"
	elif ! mount_img "$2" || dump plugin.log plugin; then
		why="criu dump with the plugin succeeded ($2)"
	elif ! grep -q 'thp: criu-thp .* loaded for dump' "$d/plugin.log"; then
		why="plugin not loaded"
	elif [ -n "$(thp_files)" ]; then
		why="thp files left: $(thp_files)"
	fi
	[ -z "$why" ] && why=$(not_running)
	stop
	result "$1" "$why" "$2"
}

KH=/sys/kernel/mm/transparent_hugepage/khugepaged

# kh_set MAX_PTES_NONE SCAN_SLEEP_MS ALLOC_SLEEP_MS
kh_set() {
	echo "$1" >$KH/max_ptes_none &&
		echo "$2" >$KH/scan_sleep_millisecs &&
		echo "$3" >$KH/alloc_sleep_millisecs
}

# region_kb ADDR: AnonHugePages of $pid's VMA at ADDR (0x...)
region_kb() {
	awk -v a="${1#0x}-" '
		/^[0-9a-f]+-/ { inv = index($1, a) == 1 }
		inv && /^AnonHugePages:/ { print $2 }' "/proc/$pid/smaps"
}

# The dump waits 10 s after the plugin read the hg region of
# thp_khugepaged; khugepaged, kept off it until then (max_ptes_none 0:
# each chunk lacks a page), collapses it in that time.
khugepaged() {
	local why= kh addr dpid i=0 kb=0
	kh="$(cat $KH/max_ptes_none) $(cat $KH/scan_sleep_millisecs) $(cat $KH/alloc_sleep_millisecs)"
	kh_set 0 ${kh#* }
	# CRIU 3.x calls the plugin at exit(DUMP), after the memory dump: its
	# image has the region as it was before khugepaged collapsed it, a
	# page short in each chunk.  The restore must make those chunks huge
	# all the same: the missing pages never come (thp_fix.h).
	start khugepaged thp_khugepaged ||
		{ kh_set $kh; result khugepaged "test did not start"; return; }
	addr=$(grep -o 'region at 0x[0-9a-f]*' "$d/test.out.inprogress" | cut -d' ' -f3)
	CRIU_THP_FAULT=record-slow criu dump -v4 -L "$LIB" -D "$d/img" \
		-o "$d/dump.log" -t "$pid" --leave-running >/dev/null 2>&1 &
	dpid=$!
	while ! grep -q 'record-slow: sleeping' "$d/dump.log" 2>/dev/null &&
		[ $i -lt 600 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	if [ $i -lt 600 ]; then
		kh_set 511 0 0
		i=0
		while kb=$(region_kb "$addr") && [ "${kb:-0}" -lt 8192 ] &&
			[ $i -lt 90 ]; do
			i=$((i + 1))
			sleep 0.1
		done
	fi
	kh_set $kh
	wait $dpid
	if [ $? != 0 ]; then
		why="criu dump failed"
	elif [ -z "$addr" ]; then
		why="the test did not say where its region is"
	elif [ "${kb:-0}" -lt 8192 ]; then
		why="khugepaged collapsed ${kb:-0} KiB of the region in 9 s, not 8192"
	elif ! grep -q 'Warn.*its huge pages changed while it was recorded' "$d/dump.log"; then
		why="the plugin did not notice that khugepaged collapsed the region"
	elif ! criu-thp show --json -D "$d/img" >"$d/show.json" 2>"$d/show.err"; then
		why="criu-thp show failed: $(head -n 1 "$d/show.err")"
	elif ! jq -r -f "$Z/tools/thp_record.jq" "$d/show.json" |
		grep -Eq " $addr .* hg (pmd=$addr\+4 |.* unresolved=$addr\+4$)"; then
		why="the record does not have the region's 4 chunks huge: $(jq -r -f "$Z/tools/thp_record.jq" "$d/show.json" | grep " $addr ")"
	else
		restore_check
	fi
	stop
	result khugepaged "$why" "collapsed during the record, read again, restored huge"
}

# thp_churn keeps mapping, unmapping, forking and execing; its record must
# match what CRIU dumped.
threads() {
	local why=
	start threads thp_churn || { result threads "test did not start"; return; }
	sleep 1
	if ! dump dump.log plugin; then
		why="criu dump failed"
	else
		restore_check
	fi
	if [ -z "$why" ] && grep -q 'not exact\|not fixed' "$d/restore.log"; then
		why="restore: $(grep -m1 'not exact\|not fixed' "$d/restore.log")"
	elif [ -z "$why" ] && ! grep -q 'task [0-9]*: exact' "$d/restore.log"; then
		why="restore.log says no task exact"
	fi
	stop
	result threads "$why" "$(grep -c "task [0-9]*: exact" "$d/restore.log" 2>/dev/null) tasks exact"
}

# want CASE: the case is to run (every case when none was named).
CASES=" $* "
want() {
	[ "$CASES" = "  " ] || case "$CASES" in *" $1 "*) ;; *) return 1 ;; esac
}

rm -rf "$W"
mkdir -p "$W"
if ! measure; then
	echo "RESULT dump-faults dump - FAIL a stock dump into a tmpfs failed"
	exit 0
fi
echo "INFO dump_faults: a stock dump of thp_record takes $blocks KiB, $inodes inodes"
want inodes-full && room_for_stock inodes-full "size=1g,nr_inodes=$inodes"
want blocks-full && room_for_stock blocks-full blocks
want write-fails && write_fails
want too-small && fails_both too-small "size=$((blocks / 2))k"
want read-only && fails_both read-only "size=1g,ro"
want khugepaged && khugepaged
want threads && threads
exit 0
