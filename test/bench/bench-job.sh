#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest job of `make bench`: wall time of `criu dump` of a 1 GiB
# process (half huge pages, half 4 KiB) without and with the plugin,
# alternating, ROUNDS times each; prints BENCH lines and the ratio of the
# totals.  criu logs at its default level.  Times come from /proc/uptime
# (10 ms).
B=${BENCH_DIR:-/opt/criu-thp/bench}
L=${PLUGIN_DIR:-/opt/criu-thp/lib}
ROUNDS=${ROUNDS:-5}
MIB=${MIB:-1024}
W=${BENCH_WORK:-/tmp/bench}
mkdir -p $W && cd $W || exit 1

now_cs() {
	sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime
}

$B/thp_bench_mem $W/pid $MIB </dev/null >$W/mem.log 2>&1 || { echo "BENCH FAIL: no process"; exit 1; }
pid=$(cat $W/pid)
echo "BENCH kernel $(uname -r), THP $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled), process $pid: $MIB MiB, AnonHugePages $(grep AnonHugePages /proc/$pid/smaps_rollup | tr -s ' ' | cut -d' ' -f2) KiB"

# dump_once LABEL [criu options...]: prints the wall time in centiseconds
dump_once() {
	local label=$1 t0 t1
	shift
	rm -rf $W/img && mkdir $W/img
	sync
	t0=$(now_cs)
	criu dump -t "$pid" -D $W/img -o dump.log --leave-running "$@" ||
		{ echo "BENCH FAIL: criu dump ($label)"; grep Error $W/img/dump.log; exit 1; }
	t1=$(now_cs)
	echo $((t1 - t0))
}

dump_once warm-up >/dev/null || exit 1	# criu and its libraries into memory

total_stock=0 total_plugin=0
i=1
while [ $i -le $ROUNDS ]; do
	s=$(dump_once stock) || { echo "$s"; exit 1; }
	p=$(dump_once plugin -L $L) || { echo "$p"; exit 1; }
	[ -f $W/img/thp-$pid.img ] ||
		{ echo "BENCH FAIL: the plugin recorded nothing"; exit 1; }
	echo "BENCH round $i: without plugin $((s / 100)).$(printf %02d $((s % 100))) s, with plugin $((p / 100)).$(printf %02d $((p % 100))) s"
	total_stock=$((total_stock + s))
	total_plugin=$((total_plugin + p))
	i=$((i + 1))
done
criu-thp show -D $W/img | grep '^task' | sed 's/^/BENCH record: /'
dump_once plugin-v4 -L $L -v4 >/dev/null || exit 1
grep 'thp: recorded' $W/img/dump.log | sed 's/^.*thp: /BENCH plugin at -v4: /'
ratio=$((total_plugin * 1000 / total_stock))
echo "BENCH ratio with/without plugin: $((ratio / 1000)).$(printf %03d $((ratio % 1000))) (target <= 1.050)"
kill -9 "$pid"
