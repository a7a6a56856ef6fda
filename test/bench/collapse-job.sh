#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The job of `scripts/bench.sh MODE collapse native`: the plugin's
# collapse against the kernel's own rate, in one run.  For each size in
# GIBS (GiB, default 1 4 8):
#   bare     thp_bench_collapse: MADV_COLLAPSE over that much memory
#            written on 4 KiB pages, with memcpy and fresh huge-page
#            faults of the same size beside it: "cold" after 3 s idle,
#            then "warm" at once with one thread and one per CPU (the
#            kernel copies a chunk under the task's mmap lock held for
#            writing: threads of one process overlap only the rest); see
#            page_reporting below;
#   plugin   thp_bench_mem of that size, all of it hg and huge, dumped
#            with the plugin and restored three ways: stock (no plugin),
#            collapse = sync (the hook's "N chunks collapsed in X ms" gives
#            the plugin's rate) and collapse = async (how long after
#            `criu restore` returns until every recorded chunk is huge
#            again, polled every 50 ms for up to 10 s), then its data
#            checked.
# Each step prints the /proc/vmstat counters that moved: collapse
# allocations and failures, compaction, migration.  On a virtual machine
# whose balloon reports free pages (page_reporting_order, printed), memory
# freed for 2 s goes back to the host, and the next 2 MiB blocks the
# kernel allocates fault on the host first: that is "cold".  Figures,
# never a verdict.
B=${BENCH_DIR:-/opt/criu-thp/bench}
L=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${BENCH_WORK:-/tmp/bench}/collapse
GIBS=${GIBS:-1 4 8}
. "$(cd "$(dirname "$0")" && pwd)/bench_lib.sh"
rm -rf $W
mkdir -p $W && cd $W || exit 1

huge_kb() {
	sed -n 's/^AnonHugePages: *\([0-9]*\).*/\1/p' /proc/"$1"/smaps_rollup
}

VMSTAT="thp_collapse_alloc thp_collapse_alloc_failed compact_stall compact_success compact_fail pgmigrate_success"

vmstat_now() {
	for k in $VMSTAT; do
		sed -n "s/^$k //p" /proc/vmstat
	done | tr '\n' ' '
}

# vmstat_moved BEFORE AFTER: the counters that moved, as "name +n ..."
vmstat_moved() {
	echo "$VMSTAT" | awk -v a="$1" -v b="$2" '{
		split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= NF; i++) if (y[i] != x[i]) printf " %s +%d", $i, y[i] - x[i]
	}'
}

# restore LABEL [env ...]: criu restore -d, its wall time in $took
restore() {
	local label=$1 t0
	shift
	rm -f $W/img/thp-monitor.json
	t0=$(now)
	env "$@" criu restore -D $W/img -o restore-$label.log -v4 -d ||
		{ echo "BENCH FAIL: criu restore ($label), see $W/img/restore-$label.log"; return 1; }
	took=$(secs "$t0" "$(now)")
}

# until_huge PID KB: seconds until PID has KB huge (polled), or "> 10"
until_huge() {
	local t0=$(now) i=0
	while [ $i -lt 200 ]; do
		[ "$(huge_kb "$1")" -ge "$2" ] && { secs "$t0" "$(now)"; return; }
		sleep 0.05
		i=$((i + 1))
	done
	echo "> 10"
}

plugin() {
	local gib=$1 pid src v0 v1 hook
	rm -rf $W/img && mkdir $W/img
	THP_BENCH_HG_ONLY=1 $B/thp_bench_mem $W/pid $((gib * 1024)) $W/check \
		</dev/null >$W/mem.log 2>&1 ||
		{ echo "BENCH FAIL: no process of $gib GiB"; return 1; }
	pid=$(cat $W/pid)
	src=$(huge_kb "$pid")
	criu dump -t "$pid" -D $W/img -o dump.log -L $L ||
		{ echo "BENCH FAIL: criu dump ($gib GiB)"; return 1; }
	gone "$pid"
	restore stock || return 1
	echo "BENCH plugin $gib GiB: stock restore $took s, $(huge_kb "$pid") of $src KiB huge"
	kill -9 "$pid"; gone "$pid"

	v0=$(vmstat_now)
	restore sync CRIU_LIBS_DIR=$L CRIU_THP_COLLAPSE=sync || return 1
	v1=$(vmstat_now)
	hook=$(sed -n 's/.* \([0-9]*\) chunks collapsed .* in \([0-9.]*\) ms.*/\1 \2/p' \
		$W/img/restore-sync.log | tail -n 1)
	set -- $hook 0 0
	echo "BENCH plugin $gib GiB: sync restore $took s, $(huge_kb "$pid") of $src KiB huge; the hook collapsed $1 chunks in $2 ms: $(awk "BEGIN { if ($2 > 0) printf \"%.2f\", $1 * 2 / 1024 / ($2 / 1000); else print \"-\" }") GiB/s; vmstat:$(vmstat_moved "$v0" "$v1")"
	kill -9 "$pid"; gone "$pid"

	v0=$(vmstat_now)
	restore async CRIU_LIBS_DIR=$L CRIU_THP_COLLAPSE=async || return 1
	echo "BENCH plugin $gib GiB: async restore $took s, $(huge_kb "$pid") KiB huge at once, all $src KiB after $(until_huge "$pid" "$src") s; vmstat:$(vmstat_moved "$v0" "$(vmstat_now)")"
	kill -TERM "$pid"; gone "$pid"
	echo "BENCH plugin $gib GiB: data after the async restore: $(cat $W/check 2>/dev/null || echo 'no verdict')"
}

bare() {
	echo "BENCH bare $1:"
	$B/thp_bench_collapse $(($2 * 1024)) $3 ||
		echo "BENCH FAIL: thp_bench_collapse $2 GiB, $3 threads"
}

raise_map_count
banner
echo "BENCH page_reporting_order $(cat /sys/module/page_reporting/parameters/page_reporting_order 2>/dev/null || echo '-') (- : no free page reporting)"
for gib in $GIBS; do
	sleep 3
	bare cold "$gib" 1
	bare warm "$gib" 1
	bare warm "$gib" "$(nproc)"
	plugin "$gib" || exit 1
done
