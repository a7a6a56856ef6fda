#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest job of `scripts/bench.sh MODE restore`: wall time of
# `criu restore -d` of a 1 GiB process (half hg and huge, half nh) dumped
# with the plugin, restored without the plugin (stock), with it and
# collapse = sync, and with it and collapse = async; ROUNDS rounds, the
# three alternating.  After each restore: the restored process's huge
# pages at once and 1 s later, against the recorded ones.  Prints BENCH
# lines; never fails on a figure.
B=${BENCH_DIR:-/opt/criu-thp/bench}
L=${PLUGIN_DIR:-/opt/criu-thp/lib}
ROUNDS=${ROUNDS:-3}
MIB=${MIB:-1024}
W=${BENCH_WORK:-/tmp/bench}
mkdir -p $W && cd $W || exit 1

now_cs() {
	sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime
}

huge_kb() {
	grep AnonHugePages /proc/"$1"/smaps_rollup | tr -s ' ' | cut -d' ' -f2
}

secs() {
	echo "$(($1 / 100)).$(printf %02d $(($1 % 100)))"
}

$B/thp_bench_mem $W/pid $MIB </dev/null >$W/mem.log 2>&1 ||
	{ echo "BENCH FAIL: no process"; exit 1; }
pid=$(cat $W/pid)
src_kb=$(huge_kb "$pid")
echo "BENCH kernel $(uname -r), THP $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled), process $pid: $MIB MiB, AnonHugePages $src_kb KiB at dump"
rm -rf $W/img && mkdir $W/img
criu dump -t "$pid" -D $W/img -o dump.log -L $L ||
	{ echo "BENCH FAIL: criu dump"; grep Error $W/img/dump.log; exit 1; }

# restore_once LABEL [env...]: restore, sample coverage, kill; prints
# "CENTISECONDS KB_AT_ONCE KB_1S_LATER"
restore_once() {
	local label=$1 t0 t1 now later
	shift
	rm -f $W/img/thp-monitor.json $W/img/thp-monitor.log
	t0=$(now_cs)
	env "$@" criu restore -D $W/img -o restore.log -d ||
		{ echo "BENCH FAIL: criu restore ($label)" >&2; return 1; }
	t1=$(now_cs)
	now=$(huge_kb "$pid")
	sleep 1
	later=$(huge_kb "$pid")
	kill -9 "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	echo "$((t1 - t0)) $now $later"
}

restore_once warm-up >/dev/null || exit 1

tot_stock=0 tot_sync=0 tot_async=0
i=1
while [ $i -le $ROUNDS ]; do
	for how in stock sync async; do
		case $how in
		stock) set -- ;;
		*) set -- CRIU_LIBS_DIR=$L CRIU_THP_COLLAPSE=$how ;;
		esac
		r=$(restore_once $how "$@") || exit 1
		set -- $r
		echo "BENCH round $i $how: restore $(secs "$1") s, huge $2 KiB at once, $3 KiB 1 s later, recorded $src_kb KiB"
		eval "tot_$how=\$((tot_$how + $1))"
	done
	i=$((i + 1))
done
ratio() {
	local r=$(($1 * 1000 / $2))
	echo "$((r / 1000)).$(printf %03d $((r % 1000)))"
}
echo "BENCH ratio sync/stock: $(ratio $tot_sync $tot_stock), async/stock: $(ratio $tot_async $tot_stock) (target async <= 1.050)"
grep 'thp: task .* collapsed' $W/img/restore.log | sed 's/^.*thp: /BENCH last async hook: /'
