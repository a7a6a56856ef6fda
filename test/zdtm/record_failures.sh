#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# record_failures.sh: what the plugin does at dump when huge-page maps
# cannot be read, under strict, with a bad config file (with and without
# strict), and when a dump
# fails.  Uses the thp_record test as the dumped process and masks
# /proc/kpageflags with /dev/null (reads return nothing) to stand for a
# kernel or a user that cannot read it.  RESULT lines as zdtm_run.sh.

Z=$(cd "$(dirname "$0")" && pwd)
LIB=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${ZDTM_WORK:-/tmp/zdtm}/record_failures
. "$Z/procs.sh"
. "$Z/results.sh"
rm -rf "$W"
mkdir -p "$W"

result() {
	result_line dump "$1" "$2" "" "$W/$1"/*.log "$W/$1"/show.*
}

# start NAME: the test process, its pid in $pid, its run dir in $d
start() {
	d=$W/$1
	mkdir -p "$d/img"
	echo 1 >/proc/sys/vm/compact_memory 2>/dev/null	# see zdtm_run.sh
	"$Z/static/thp_record" --pidfile="$d/test.pid" \
		--outfile="$d/test.out" || return 1
	pid=$(cat "$d/test.pid")
}

stop() {
	kill_tree "$pid"
}

dump() {
	criu dump -v4 -L "$LIB" -D "$d/img" -o ../dump.log -t "$pid" \
		--leave-running "$@" >/dev/null 2>&1
}

thp_images() {
	ls "$1" | grep -c '^thp-'
}

# Not strict: the dump succeeds, one warning, coverage unknown.  A kernel
# with PAGEMAP_SCAN (6.7 and later) still tells PMD-mapped chunks without
# kpageflags: only PTE-mapped THPs go unknown, which a restore expects as
# small pages anyway - no warning then.
unknown_map() {
	start unknown-map || { result unknown-map "test did not start"; return; }
	if ! dump; then
		why="criu dump failed"
	elif grep -q 'huge-page maps: PAGEMAP_SCAN yes' "$d/dump.log"; then
		scan_map
	elif [ "$(grep -c 'huge-page map not recorded' "$d/dump.log")" != 1 ]; then
		why="not exactly one warning in dump.log"
	elif grep -q Error "$d/dump.log"; then
		why="errors in dump.log"
	elif ! criu-thp show -D "$d/img" --json >"$d/show.json"; then
		why="criu-thp show failed"
	elif [ "$(jq '[.tasks[] | select(.coverage_known == false and (.problem | test("kpageflags")))] | length' "$d/show.json")" != 2 ]; then
		why="show does not say: 2 tasks, map unknown because of kpageflags"
	elif [ "$(jq '[.tasks[].vmas[] | select(.advice == "hg")] | length' "$d/show.json")" -lt 8 ]; then
		why="flags not recorded"
	fi
	stop
	result unknown-map "$why"
}

# unknown_map on a kernel with PAGEMAP_SCAN; sets $why.
scan_map() {
	if grep -q 'Warn\|Error' "$d/dump.log"; then
		why="warnings or errors in dump.log"
	elif ! criu-thp show -D "$d/img" --json >"$d/show.json"; then
		why="criu-thp show failed"
	elif [ "$(jq '[.tasks[] | select(.coverage_known and .source == "pagemap_scan" and (.pte_thp_known | not))] | length' "$d/show.json")" != 2 ]; then
		why="show does not say: 2 tasks, coverage from PAGEMAP_SCAN, PTE-mapped THPs unknown"
	fi
}

# Strict: the same machine fails the dump before anything is frozen.
strict_refuses() {
	start strict-refuses || { result strict-refuses "test did not start"; return; }
	if CRIU_THP_STRICT=yes dump; then
		why="criu dump succeeded"
	elif ! grep -q 'strict: huge-page maps cannot be recorded here' "$d/dump.log"; then
		why="no strict error in dump.log"
	elif ! kill -0 "$pid" 2>/dev/null; then
		why="the process is gone"
	elif [ "$(state_of "$pid")" != S ]; then
		why="the process is in state $(state_of "$pid"), not S"
	elif [ "$(thp_images "$d/img")" != 0 ]; then
		why="thp images left behind"
	fi
	stop
	result strict-refuses "$why"
}

strict_ok() {
	start strict-ok || { result strict-ok "test did not start"; return; }
	if ! CRIU_THP_STRICT=yes dump; then
		why="criu dump failed"
	elif ! criu-thp show -D "$d/img" --json >"$d/show.json"; then
		why="criu-thp show failed"
	elif [ "$(jq '.dump.strict and ([.tasks[] | select(.coverage_known)] | length == 2)' "$d/show.json")" != true ]; then
		why="show: not strict, or coverage not known for both tasks"
	fi
	stop
	result strict-ok "$why"
}

# A config typo is said in the log, naming the file and line, and the
# dump goes on with the defaults (the plugin never fails what would
# succeed without it); with strict set validly as well, it fails.
bad_config() {
	start bad-config || { result bad-config "test did not start"; return; }
	printf '# criu-thp\nstrict = maybe\n' >"$d/thp.conf"
	if ! CRIU_THP_CONFIG=$d/thp.conf dump; then
		why="criu dump failed"
	elif ! grep -q "$d/thp.conf:2: strict = 'maybe'" "$d/dump.log"; then
		why="dump.log does not name thp.conf:2"
	elif ! grep -q "thp: .*their defaults are used" "$d/dump.log"; then
		why="dump.log does not say the defaults are used"
	elif [ "$(thp_images "$d/img")" = 0 ]; then
		why="no thp image: nothing recorded"
	fi
	stop
	result bad-config "$why"
	why=
	start bad-config-strict ||
		{ result bad-config-strict "test did not start"; return; }
	printf 'strict = yes\nguard = stpo\n' >"$d/thp.conf"
	if CRIU_THP_CONFIG=$d/thp.conf dump; then
		why="criu dump succeeded"
	elif ! grep -q "$d/thp.conf:2: guard = 'stpo'" "$d/dump.log"; then
		why="dump.log does not name thp.conf:2"
	elif ! kill -0 "$pid" 2>/dev/null; then
		why="the process is gone"
	fi
	stop
	result bad-config-strict "$why"
}

# A dump that fails leaves no thp image, not even an earlier dump's.
failed_dump() {
	d=$W/failed-dump
	mkdir -p "$d/img"
	cp "$W"/strict-ok/img/thp-*.img "$d/img/" 2>/dev/null
	pid=999999
	if [ "$(thp_images "$d/img")" = 0 ]; then
		why="no earlier images to start from"
	elif dump; then
		why="criu dump of pid $pid succeeded"
	elif ! grep -q 'thp: criu-thp .* loaded for dump' "$d/dump.log"; then
		why="plugin not loaded"
	elif [ "$(thp_images "$d/img")" != 0 ]; then
		why="thp images left: $(ls "$d/img" | grep '^thp-' | tr '\n' ' ')"
	fi
	result failed-dump "$why"
}

mount -o bind /dev/null /proc/kpageflags || {
	echo "RESULT record-failures - - FAIL cannot mask /proc/kpageflags"
	exit 0
}
why= ; unknown_map
why= ; strict_refuses
# The runner's record check can fail: it must notice the missing map.
"$Z/zdtm_run.sh" -m plain -r -w "$W/runner" thp_record
umount /proc/kpageflags
why= ; strict_ok
why= ; bad_config
why= ; failed_dump
