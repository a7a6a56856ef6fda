#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The job of `scripts/bench.sh MODE workload`: what the restored process
# gets.  thp_bench_chase (MIB of hg memory, all huge, one pointer per
# 4 KiB page in a random cycle) times 20 million dependent loads at the
# source, then after a restore without the plugin and after one with it
# (both from the same dump, made with the plugin), each time WAIT seconds
# after the restore returned.  Prints BENCH lines; never fails on a
# figure.  BENCH_DIR, PLUGIN_DIR and BENCH_WORK say where things are.
B=${BENCH_DIR:-/opt/criu-thp/bench}
L=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${BENCH_WORK:-/tmp/bench}/workload
MIB=${MIB:-1024}
WAIT=${WAIT:-1}
rm -rf $W
mkdir -p $W && cd $W || exit 1

# One measurement: SIGUSR1, then the line it appends; prints it.
measure() {
	local n i=0
	n=$(wc -l <$W/out)
	kill -USR1 "$pid"
	while [ "$(wc -l <$W/out)" -le "$n" ]; do
		i=$((i + 1))
		[ $i -gt 1200 ] && { echo "no measurement"; return 1; }
		sleep 0.1
	done
	tail -n 1 $W/out | cut -d' ' -f1,2
}

: >$W/out
$B/thp_bench_chase $W/pid $W/out $MIB </dev/null >$W/chase.log 2>&1 ||
	{ echo "BENCH FAIL: no process"; exit 1; }
pid=$(cat $W/pid)
echo "BENCH kernel $(uname -r), THP $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled), $(criu --version | head -n1), process $pid: $MIB MiB hg"
src=$(measure) || exit 1
mkdir $W/img
criu dump -t "$pid" -D $W/img -o dump.log -L $L ||
	{ echo "BENCH FAIL: criu dump"; grep Error $W/img/dump.log; exit 1; }
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done

# after LABEL [criu options]: restore, wait, measure, kill
after() {
	local label=$1 m
	shift
	rm -f $W/img/thp-monitor.json
	criu restore -D $W/img -o restore-$label.log -d "$@" ||
		{ echo "BENCH FAIL: criu restore ($label)"; return 1; }
	sleep "$WAIT"
	m=$(measure)
	kill -9 "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	echo "$m"
}

stock=$(after stock) || exit 1
plugin=$(after plugin -L $L) || exit 1
echo "BENCH ns per load, AnonHugePages KiB: source $src; stock restore $stock; restore with the plugin $plugin (each ${WAIT} s after criu returned)"
set -- $src $stock $plugin
echo "BENCH ratios to the source: stock $(awk "BEGIN { printf \"%.2f\", $3 / $1 }"), plugin $(awk "BEGIN { printf \"%.2f\", $5 / $1 }")"
