#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# apps.sh [CASE...]: real programs from Debian's packages, unmodified,
# dumped once with the plugin (redis-prctl and redis-lazy, jvm and
# jvm-lazy: one dump for the pair) and restored from those images twice:
# with the plugin, and stock (a criu that does not load it; the plugin's
# record stays for criu-thp verify to compare with).  Each case needs one
# THP mode (default: every case of the current mode):
#   redis-prctl     always: redis-server, ZDTM_REDIS_KEYS (default
#                   200,000) keys of 1,000 bytes written over its unix
#                   socket; with disable-thp (its default) redis sets
#                   PR_SET_THP_DISABLE at start-up when THP is always.
#                   Plain restore.
#   redis-lazy      the same, restored lazily; redis-benchmark reads from
#                   it while its pages arrive, DEBUG DIGEST beside it.
#   redis-jemalloc-always  madvise: MALLOC_CONF=thp:always, jemalloc
#                   advises its extents MADV_HUGEPAGE; plain restore.
#   redis-jemalloc-never   always, disable-thp off: MALLOC_CONF=thp:never,
#                   jemalloc advises its extents MADV_NOHUGEPAGE; plain.
#                   Both without jemalloc's decay (NO_DECAY below).
#   glibc-hugetlb   madvise: python3 holding 64 MiB of big buffers and
#                   100,000 small objects (tools/big_buffers.py) under
#                   GLIBC_TUNABLES=glibc.malloc.hugetlb=1; plain.
#   jvm, jvm-lazy   madvise: java -XX:+UseTransparentHugePages with 1 GiB
#                   of its heap in use (tools/ThpChase.java), a pointer
#                   chase timed with System.nanoTime at the source and
#                   after each restore; plain, and lazy (with the plugin
#                   only).
# With the plugin every case must come back with its data, its
# THP_enabled and criu-thp verify exact (lazy: the monitor's report
# exact and its guard ended normally).  Stock must get the data back and
# differ from the source where stock CRIU loses the state: the huge
# pages always, the prctl state before CRIU 3.19.
# RESULT lines as zdtm_run.sh (mode "apps").

Z=$(cd "$(dirname "$0")" && pwd)
LIB=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${ZDTM_WORK:-/tmp/zdtm}/apps
KEYS=${ZDTM_REDIS_KEYS:-200000}
. "$Z/procs.sh"
. "$Z/results.sh"

mode=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled)

# criu_keeps_prctl: CRIU 3.19 and later restore PR_SET_THP_DISABLE.
criu_keeps_prctl() {
	local v
	v=$(criu --version | sed -n 's/^Version: *\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
	set -- $v
	[ "${1:-0}" -gt 3 ] || { [ "${1:-0}" = 3 ] && [ "${2:-0}" -ge 19 ]; }
}

rcli() {
	redis-cli -s "$d/redis.sock" "$@"
}

# wait_for FILE TENTHS [PID]: until FILE is not empty; 1 if it stays so,
# or PID ends first.
wait_for() {
	local i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -gt "$2" ] && return 1
		[ -n "$3" ] && ! kill -0 "$3" 2>/dev/null && return 1
		sleep 0.1
	done
}

# redis_start [ARG...]: redis-server in $d, no persistence; $pid once it
# answers.
redis_start() {
	local i=0
	redis-server --port 0 --unixsocket "$d/redis.sock" --daemonize yes \
		--pidfile "$d/redis.pid" --logfile "$d/redis.log" --dir "$d" \
		--save "" --appendonly no --enable-debug-command yes "$@" ||
		return 1
	while ! rcli ping 2>/dev/null | grep -q PONG; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
	pid=$(cat "$d/redis.pid")
}

# python_start: big_buffers.py in $d; $pid once its buffers are written.
python_start() {
	GLIBC_TUNABLES=glibc.malloc.hugetlb=1 setsid python3 \
		"$Z/tools/big_buffers.py" "$d/app.pid" "$d/app.out" \
		</dev/null >"$d/app.log" 2>&1 &
	wait_for "$d/app.pid" 300 $! && pid=$(cat "$d/app.pid")
}

# jvm_start: ThpChase in $d (java runs the source file); $pid once its
# arrays are filled.
jvm_start() {
	setsid java -XX:+UseTransparentHugePages -XX:-UsePerfData \
		-Xms1536m -Xmx1536m "$Z/tools/ThpChase.java" "$d" \
		</dev/null >"$d/app.log" 2>&1 &
	wait_for "$d/app.pid" 1200 $! && pid=$(cat "$d/app.pid")
}

# chase: ThpChase's verdict on a pointer chase, "PASS ns_per_load=N".
chase() {
	rm -f "$d/app.out"
	touch "$d/go"
	wait_for "$d/app.out" 1200 "$pid" && cat "$d/app.out"
}

# smaps_fields: from one read of $pid's smaps, the KiB of huge pages in
# all its VMAs, in those advised hg and in those advised nh, and how many
# are advised nh.
smaps_fields() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { a = 0 }
		/^AnonHugePages:/ { a = $2 }
		/^VmFlags:/ {
			all += a
			if (index($0 " ", " hg ")) hg += a
			if (index($0 " ", " nh ")) { nh += a; n++ }
		}
		END { printf "huge_kb=%d hg_huge_kb=%d nh_huge_kb=%d nh_vmas=%d\n",
			all, hg, nh, n }' "/proc/$pid/smaps"
}

# state: what a run compares, one line of NAME=VALUE.
state() {
	local s
	s="rss_mb=$(($(rss_kb "$pid") / 1024)) thp_enabled=$(thp_enabled "$pid") $(smaps_fields)"
	case $app in
	redis) s="$s keys=$(rcli dbsize) digest=$(rcli debug digest)" ;;
	jvm) s="$s chase=$(chase | sed -n 's/^PASS ns_per_load=//p')" ;;
	esac
	echo "$s"
}

# field NAME LINE
field() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# source_why CASE: empty when the program chose, at the source, the
# state the case is about.
source_why() {
	local s=$src
	case $1 in
	redis-prctl|redis-lazy)
		[ "$(field thp_enabled "$s")" = 0 ] ||
			echo "redis did not disable THP for itself: $s" ;;
	redis-jemalloc-always|glibc-hugetlb)
		[ "$(field hg_huge_kb "$s")" -ge 32768 ] ||
			echo "no huge pages in MADV_HUGEPAGE regions at the source: $s" ;;
	redis-jemalloc-never)
		[ "$(field nh_vmas "$s")" -gt 0 ] && [ "$(field nh_huge_kb "$s")" = 0 ] ||
			echo "no MADV_NOHUGEPAGE region, or huge pages in one, at the source: $s" ;;
	jvm|jvm-lazy)
		[ "$(field hg_huge_kb "$s")" -ge 1048576 ] && [ -n "$(field chase "$s")" ] ||
			echo "not 1 GiB of huge pages in the heap, or the chase failed ($(cat "$d/app.out" 2>/dev/null)): $s" ;;
	esac
}

# jemalloc purges dirty pages it no longer uses some seconds later
# (decay): a purge after the restore splits a huge page the record saw,
# the program's change, not the restore's (seen once in the Debian 12
# guest, one chunk of 43).  Its extents stay as they are without decay.
NO_DECAY=dirty_decay_ms:-1,muzzy_decay_ms:-1

# start CASE: the case's program, filled.
start() {
	case $1 in
	redis-prctl|redis-lazy)
		redis_start ;;
	redis-jemalloc-always)
		MALLOC_CONF=thp:always,$NO_DECAY redis_start ;;
	redis-jemalloc-never)
		MALLOC_CONF=thp:never,$NO_DECAY redis_start --disable-thp no ;;
	glibc-hugetlb)
		python_start ;;
	jvm|jvm-lazy)
		jvm_start ;;
	esac || return 1
	[ $app = redis ] || return 0
	rcli debug populate "$KEYS" key 1000 | grep -q OK
}

# restore VARIANT: criu restore from $d/img with the plugin's directory
# or an empty one; lazily for the lazy cases, with a lazy-pages daemon,
# and for redis, redis-benchmark and DEBUG DIGEST the moment the restore
# returns.
restore() {
	local lib=$LIB lp dg
	[ $1 = stock ] && lib=$W/nolib
	rm -f "$d/redis.sock" "$d/postcopy-digest" "$d/bench.out" "$d/bench.rss" \
		"$d/img/thp-monitor.json" "$d/verify.log" "$d/img/lazy-pages.socket"
	[ -z "$lazy" ] && {
		criu restore -v4 -L "$lib" -D "$d/img" -o "restore-$1.log" -d \
			>/dev/null 2>&1
		return
	}
	criu lazy-pages -v4 -D "$d/img" -o "lazy-$1.log" >/dev/null 2>&1 &
	lp=$!
	wait_socket "$d/img/lazy-pages.socket"
	# a slow link, from the start (the daemon sends pages while criu
	# restore, with the plugin's hook, is still at work): a transfer of
	# 200 MiB takes seconds, not a fraction of one, and redis-benchmark
	# runs while pages still come
	[ $app = redis ] && cpu_limit $lp 10
	if ! criu restore -v4 -L "$lib" -D "$d/img" -o "restore-$1.log" -d \
		--lazy-pages >/dev/null 2>&1; then
		kill -9 $lp 2>/dev/null
		wait $lp
		cpu_unlimit $lp
		return 1
	fi
	if [ $app = redis ]; then
		rss_kb "$pid" >"$d/bench.rss"
		rcli debug digest >"$d/postcopy-digest" 2>&1 &
		dg=$!
		redis-benchmark -s "$d/redis.sock" -t get -n 20000 -r "$KEYS" \
			-q >"$d/bench.out" 2>&1 || echo "exit $?" >>"$d/bench.out"
		wait $dg
		cpu_unlimit $lp
	fi
	wait $lp
}

# wait_report: the monitor's report, up to 60 s.
wait_report() {
	wait_file "$d/img/thp-monitor.json"
}

# data_why: empty when the restored program has its data.
data_why() {
	local k
	if [ $app = redis ]; then
		for k in keys digest; do
			[ "$(field $k "$dst")" = "$(field $k "$src")" ] ||
				{ echo "$k: $(field $k "$dst"), was $(field $k "$src")"; return; }
		done
	fi
	if [ -f "$d/bench.out" ] && ! grep -q 'requests per second' "$d/bench.out"; then
		echo "redis-benchmark during postcopy: $(tail -n 1 "$d/bench.out")"
	elif [ -f "$d/postcopy-digest" ] &&
		[ "$(cat "$d/postcopy-digest")" != "$(field digest "$src")" ]; then
		echo "DEBUG DIGEST during postcopy: $(cat "$d/postcopy-digest")"
	elif [ $app = jvm ] && [ -z "$(field chase "$dst")" ]; then
		echo "the restored JVM: $(cat "$d/app.out" 2>/dev/null || echo no answer)"
	fi
}

# plugin_why: empty when the restore with the plugin is exact.
plugin_why() {
	[ "$(field thp_enabled "$dst")" = "$(field thp_enabled "$src")" ] ||
		{ echo "THP_enabled $(field thp_enabled "$dst"), was $(field thp_enabled "$src")"; return; }
	[ "$(field nh_huge_kb "$dst")" = 0 ] ||
		{ echo "huge pages in MADV_NOHUGEPAGE regions: $dst"; return; }
	if [ -n "$lazy" ]; then
		wait_report || { echo "the monitor wrote no report in 60 s"; return; }
		jq -e '.guard.state == "normal end" and
			([.tasks[] | select(.exact | not)] | length == 0)' \
			"$d/img/thp-monitor.json" >/dev/null ||
			{ echo "report: $(jq -c '.guard, [.tasks[] | {pid, exact, differences}]' "$d/img/thp-monitor.json")"; return; }
	fi
	criu-thp verify -D "$d/img" --pid "$pid" >"$d/verify.log" 2>&1 ||
		echo "verify: $(grep -m1 'differs\|rror' "$d/verify.log")"
}

# stock_loses CASE: stock CRIU must get CASE's state wrong.
stock_loses() {
	case $1 in
	redis-prctl|redis-lazy) ! criu_keeps_prctl ;;
	redis-jemalloc-always|redis-jemalloc-never|glibc-hugetlb|jvm) true ;;
	*) false ;;
	esac
}

# stock_note CASE: what stock did to the state; sets $why when stock
# matched where it must not.
stock_note() {
	local lost=
	if criu-thp verify -D "$d/img" --pid "$pid" >"$d/verify.log" 2>&1; then
		stock_loses "$1" && why="stock matched the source: $dst"
		note="stock: verify exact"
		return
	fi
	[ "$(field thp_enabled "$dst")" = "$(field thp_enabled "$src")" ] ||
		lost="THP_enabled $(field thp_enabled "$dst") (was $(field thp_enabled "$src")), "
	note="stock: ${lost}$(field huge_kb "$dst") KiB huge (was $(field huge_kb "$src")), $(field nh_huge_kb "$dst") of them in MADV_NOHUGEPAGE regions, verify: task differs"
}

# run_note: the chase's figures, source and restored; how much of redis
# was in when redis-benchmark began.
run_note() {
	[ $app = jvm ] &&
		echo ", chase $(field chase "$src") ns/load at the source, $(field chase "$dst") restored"
	[ -f "$d/bench.rss" ] &&
		echo ", redis-benchmark began with $(($(cat "$d/bench.rss") / 1024)) of $(field rss_mb "$src") MiB in: $(tr '\r' '\n' <"$d/bench.out" | grep -m1 'requests per second')"
}

# finish: the program ended; python's verdict on its data in $why.
finish() {
	case $app in
	redis) rcli shutdown nosave >/dev/null 2>&1 ;;
	python) kill -USR1 "$pid" ;;
	jvm) kill -9 "$pid" ;;
	esac
	wait_gone "$pid" || kill -9 "$pid"
	[ $app = python ] || return 0
	grep -q PASS "$d/app.out" 2>/dev/null ||
		why="the restored program: $(cat "$d/app.out" 2>/dev/null || echo no verdict)"
}

# restored CASE VARIANT: restore, check, end; one RESULT line.
restored() {
	local note=
	why= dst=
	if ! restore "$2"; then
		why="criu restore failed"
	elif [ -z "$(state_of "$pid")" ]; then
		why="the restored $app is gone"
	else
		# the chunks left to the monitor: collapsed after the resume
		grep -q 'thp: monitor .* started' "$d/img/restore-$2.log" &&
			wait_report
		dst=$(state)
		why=$(data_why)
		if [ -n "$why" ]; then
			:
		elif [ $2 = plugin ]; then
			why=$(plugin_why)
			note="THP_enabled $(field thp_enabled "$dst"), $(field huge_kb "$dst") of $(field huge_kb "$src") KiB huge${lazy:+, report exact}, verify exact$(run_note)"
		else
			stock_note "$1"
			note="$note$(run_note)"
		fi
		finish
	fi
	RESULT_PLUGIN=$2 result_line apps "$1" "$why" "$note" \
		"$d/img/dump.log" "$d/img/restore-$2.log" "$d/verify.log"
}

# run CASE...: the first CASE's program started and dumped once, then
# restored for each CASE (they share a start: start_key) with the plugin
# and stock.
run() {
	local lazy= v c
	why= src= pid=
	d=$W/$1
	case $1 in
	redis-*) app=redis ;;
	glibc-*) app=python ;;
	jvm*) app=jvm ;;
	esac
	rm -rf "$d"
	mkdir -p "$d/img"
	if ! start "$1"; then
		why="$app did not start: $(tail -n 2 "$d"/*.log 2>/dev/null | tr '\n' ' ')"
	else
		src=$(state)
		why=$(source_why "$1")
	fi
	if [ -z "$why" ] && ! criu dump -v4 -L "$LIB" -D "$d/img" -o dump.log \
		-t "$pid" >/dev/null 2>&1; then
		why="criu dump failed"
	fi
	if [ -n "$why" ]; then
		[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
		for c in "$@"; do
			result_line apps "$c" "$why" "" "$d/img/dump.log"
		done
		return
	fi
	for c in "$@"; do
		lazy=
		case $c in *-lazy) lazy=1 ;; esac
		for v in plugin stock; do
			[ $c = jvm-lazy ] && [ $v = stock ] && continue
			restored "$c" $v
		done
	done
	rm -f "$d"/img/pages-*.img
}

# start_key CASE: the cases of one key share a start and a dump.
start_key() {
	case $1 in
	redis-prctl|redis-lazy) echo redis ;;
	jvm*) echo jvm ;;
	*) echo "$1" ;;
	esac
}

# needs CASE: the THP mode CASE runs in.
needs() {
	case $1 in
	redis-jemalloc-always|glibc-hugetlb|jvm*) echo madvise ;;
	*) echo always ;;
	esac
}

mkdir -p "$W/nolib"
cases=$*
if [ -z "$cases" ]; then
	for c in redis-prctl redis-lazy redis-jemalloc-always \
		redis-jemalloc-never glibc-hugetlb jvm jvm-lazy; do
		[ "$(needs $c)" = "$mode" ] || continue
		case $c in
		glibc-*) command -v python3 >/dev/null || continue ;;
		jvm*) command -v java >/dev/null || continue ;;
		esac
		cases="$cases $c"
	done
	[ "$mode" = madvise ] && ! command -v java >/dev/null &&
		echo "INFO apps: no python3 or java here (glibc-hugetlb, jvm, jvm-lazy): the native lane runs them"
fi
group= key=
for c in $cases; do
	if [ "$(needs "$c")" != "$mode" ]; then
		echo "RESULT $c apps plugin FAIL needs THP $(needs "$c"), not $mode"
		continue
	fi
	if [ -n "$group" ] && [ "$(start_key "$c")" = "$key" ]; then
		group="$group $c"
		continue
	fi
	[ -n "$group" ] && run $group
	group=$c key=$(start_key "$c")
done
[ -n "$group" ] && run $group
