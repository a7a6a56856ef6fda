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
# memory.  RESULT lines as zdtm_run.sh.

Z=$(cd "$(dirname "$0")" && pwd)
LIB=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${ZDTM_WORK:-/tmp/zdtm}/dump_faults
. "$Z/procs.sh"
. "$Z/results.sh"

result() {
	result_line dump "$1" "$2" "$3" "$W/$1"/*.log "$W/$1"/img/*.log
}

start() {
	d=$W/$1
	mkdir -p "$d/img"
	"$Z/static/thp_record" --pidfile="$d/test.pid" \
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
		restore_unrecorded
	fi
	stop
	result write-fails "$why" "restored without a record, memory intact"
}

# Restore the dump in $d/img, made without a record, once the dumped
# process is gone (same pids); sets $why on failure.
restore_unrecorded() {
	local i=0
	kill_tree "$pid"
	while [ -n "$(state_of "$pid")" ] && [ $i -lt 50 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	if ! criu restore -v4 -L "$LIB" -D "$d/img" -o "$d/restore.log" \
		-d >/dev/null 2>&1; then
		why="criu restore of the unrecorded dump failed"
		return
	fi
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

rm -rf "$W"
mkdir -p "$W"
if ! measure; then
	echo "RESULT dump-faults dump - FAIL a stock dump into a tmpfs failed"
	exit 0
fi
echo "INFO dump_faults: a stock dump of thp_record takes $blocks KiB, $inodes inodes"
room_for_stock inodes-full "size=1g,nr_inodes=$inodes"
room_for_stock blocks-full blocks
write_fails
fails_both too-small "size=$((blocks / 2))k"
fails_both read-only "size=1g,ro"
