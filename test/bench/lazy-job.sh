#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest job of `scripts/bench.sh MODE lazy`: huge-page coverage over
# time after a remote lazy restore (criu page-server --lazy-pages and
# criu lazy-pages --page-server on 127.0.0.1) of a 1 GiB process (half hg
# and huge, half nh), dumped with the plugin, restored without it (stock)
# and with it.  Every 0.1 s: AnonHugePages of the process and its RSS.
# Prints "CSV how,seconds,huge_kib,rss_kib" lines, then BENCH lines: when
# the transfer ended, when coverage was full, and from the monitor's
# report the time from the last page to full coverage against the time
# spent in MADV_COLLAPSE.  Never fails on a figure.
B=${BENCH_DIR:-/opt/criu-thp/bench}
L=${PLUGIN_DIR:-/opt/criu-thp/lib}
MIB=${MIB:-1024}
PORT=27127
SAMPLE_S=${SAMPLE_S:-40}
W=${BENCH_WORK:-/tmp/bench}
mkdir -p $W && cd $W || exit 1

now_cs() {
	sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime
}

secs() {
	echo "$(($1 / 100)).$(printf %02d $(($1 % 100)))"
}

field_kb() {
	grep "^$2:" /proc/"$1"/smaps_rollup 2>/dev/null | tr -s ' ' | cut -d' ' -f2
}

# "huge_kib,rss_kib" of pid $1, from one read of smaps_rollup.
sample() {
	awk '/^AnonHugePages:/ { h = $2 } /^Rss:/ { r = $2 }
	     END { print h "," r }' /proc/"$1"/smaps_rollup 2>/dev/null
}

$B/thp_bench_mem $W/pid $MIB </dev/null >$W/mem.log 2>&1 ||
	{ echo "BENCH FAIL: no process"; exit 1; }
pid=$(cat $W/pid)
src_kb=$(field_kb "$pid" AnonHugePages)
echo "BENCH kernel $(uname -r), THP $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled), process $pid: $MIB MiB, AnonHugePages $src_kb KiB at dump"
rm -rf $W/img && mkdir $W/img
criu dump -t "$pid" -D $W/img -o dump.log -L $L ||
	{ echo "BENCH FAIL: criu dump"; grep Error $W/img/dump.log; exit 1; }

# Start "criu $1 ..." in the background; wait until it says it is ready.
start() {
	local name=$1 st=$W/$1.status
	shift
	rm -f "$st" && mkfifo "$st"
	criu "$name" --status-fd 3 "$@" 3>"$st" &
	dd if="$st" bs=1 count=1 2>/dev/null | wc -c | grep -q 1
}

# lazy_once HOW [env...]: restore, sample, kill; CSV lines on stdout.
lazy_once() {
	local how=$1 t0 t lazy server end=
	shift
	rm -f $W/img/thp-monitor.json $W/img/thp-monitor.log
	start page-server -D $W/img -o page-server.log --lazy-pages \
		--address 127.0.0.1 --port $PORT || return 1
	server=$!
	start lazy-pages -D $W/img -o lazy-pages.log --page-server \
		--address 127.0.0.1 --port $PORT || return 1
	lazy=$!
	t0=$(now_cs)
	env "$@" criu restore -D $W/img -o restore.log -d --lazy-pages ||
		{ echo "BENCH FAIL: criu restore ($how)" >&2; return 1; }
	while :; do
		t=$(($(now_cs) - t0))
		echo "CSV $how,$(secs $t),$(sample "$pid")"
		if [ -z "$end" ] && ! kill -0 $lazy 2>/dev/null; then
			end=$t
			echo "BENCH $how: transfer over after $(secs $t) s" >&2
		fi
		[ $t -ge $((SAMPLE_S * 100)) ] && break
		[ -n "$end" ] && [ $t -ge $((end + 500)) ] && break
		sleep 0.1
	done
	wait $lazy $server
	kill -9 "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

lazy_once stock || exit 1
lazy_once plugin CRIU_LIBS_DIR=$L || exit 1
r=$W/img/thp-monitor.json
if [ -f $r ]; then
	echo "BENCH report: $(jq -c '{elapsed_s, cpu_s, collapse_ms, guard: .guard.state, tasks: [.tasks[] | {recorded, collapsed, collapsed_during_postcopy, last_page_s, full_coverage_s}]}' $r)"
	jq -r '.tasks[0] | "BENCH last page to full coverage: \(([.full_coverage_s - .last_page_s, 0] | max) * 1000 | floor) ms; MADV_COLLAPSE time: \(.collapse_ms) ms; ratio \(([.full_coverage_s - .last_page_s, 0] | max) * 1000 / .collapse_ms | . * 1000 | floor / 1000) (target: <= 1 s after the last page, or <= 1.2x the collapse time)"' $r
	echo "BENCH monitor cpu: $(jq .cpu_s $r) s in $(jq .elapsed_s $r) s"
fi
