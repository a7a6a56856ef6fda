#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The job of `scripts/bench.sh MODE growth native`: how the plugin's
# restore hook grows with the number of VMAs.  For each NR in NRS,
# thp_bench_vmas maps NR VMAs (alternately hg and without advice), is
# dumped with the plugin, restored without it and with it (from the same
# images), and `criu-thp verify` compares it with its record.  Prints per
# NR the hook's time (the plugin's own "in X ms (N VMAs)" line from
# restore.log), both restores' and verify's wall time, then the growth
# exponent fitted to the hook's times (least squares of log time on log
# NR, from 4,000 VMAs up: 1 is linear, 2 quadratic).  Figures, never a
# verdict.  BENCH_DIR, PLUGIN_DIR and BENCH_WORK say where things are.
B=${BENCH_DIR:-/opt/criu-thp/bench}
L=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${BENCH_WORK:-/tmp/bench}/growth
NRS=${NRS:-1000 2000 4000 8000 16000 32000 64000}
. "$(cd "$(dirname "$0")" && pwd)/bench_lib.sh"
rm -rf $W
mkdir -p $W && cd $W || exit 1

# restore LABEL [criu options]: prints the wall time; the task stays
restore() {
	local label=$1 t0
	shift
	t0=$(now)
	criu restore -D $W/img -o restore-$label.log -v4 -d "$@" ||
		{ echo "BENCH FAIL: criu restore ($label), see $W/img/restore-$label.log"; return 1; }
	secs "$t0" "$(now)"
}

one() {
	local nr=$1 pid t0 dump stock plugin verify hook
	rm -rf $W/img
	mkdir $W/img
	$B/thp_bench_vmas $W/pid "$nr" </dev/null >$W/vmas.log 2>&1 ||
		{ echo "BENCH FAIL: no process with $nr VMAs"; return 1; }
	pid=$(cat $W/pid)
	t0=$(now)
	criu dump -t "$pid" -D $W/img -o dump.log -L $L ||
		{ echo "BENCH FAIL: criu dump ($nr VMAs)"; return 1; }
	dump=$(secs "$t0" "$(now)")
	gone "$pid"
	stock=$(restore stock) || return 1
	kill -9 "$pid"
	gone "$pid"
	plugin=$(restore plugin -L $L) || return 1
	t0=$(now)
	criu-thp verify -D $W/img --pid "$pid" >$W/verify-$nr.txt 2>&1
	verify=$(secs "$t0" "$(now)")
	kill -9 "$pid"
	gone "$pid"
	hook=$(sed -n "s/.*task $pid: .* in \([0-9.]*\) ms (\([0-9]*\) VMAs).*/\1 \2/p" \
		$W/img/restore-plugin.log | tail -n 1)
	[ -n "$hook" ] || { echo "BENCH FAIL: no hook time in restore-plugin.log ($nr VMAs)"; return 1; }
	set -- $hook
	echo "BENCH vmas $nr ($2 in the record): hook $1 ms; restore with the plugin $plugin s, stock $stock s; dump $dump s; verify $verify s ($(tail -n 1 $W/verify-$nr.txt))"
	echo "$2 $1" >>$W/points
}

raise_map_count
banner
: >$W/points
for nr in $NRS; do
	one "$nr" || exit 1
done
awk '$1 >= 4000 && $2 > 0 { x = log($1); y = log($2); n++; sx += x; sy += y;
	sxx += x * x; sxy += x * y }
	END { if (n < 2) { print "BENCH growth: too few points"; exit }
	printf "BENCH growth of the hook time with VMAs: exponent %.2f over %d points (1 linear, 2 quadratic)\n",
	(n * sxy - sx * sy) / (n * sxx - sx * sx), n }' $W/points
