#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The job of `scripts/bench.sh MODE load native`: the plugin's work as
# the restored process grows, along three axes:
#   tasks  thp_tree (zdtm) with TASKS tasks, each a chunk of its own
#   vmas   thp_vmas (zdtm) with VMAS small VMAs beside 5 huge chunks
#   gib    thp_bench_mem of GIBS GiB, half hg and huge, half nh
# Each point is dumped with the plugin and restored lazily (criu
# lazy-pages on the same images) twice: stock, then with the plugin.
# Printed per point: the restore hook's time (the sum of the plugin's
# "in X ms" lines), criu restore's wall time and peak RSS with and
# without the plugin (GNU time), the lazy transfer, and the monitor's
# wall time, CPU time, peak RSS and time collapsing (its report).  Each
# point must also come back right: `criu-thp verify` exact and the
# process's own data check PASS, or a "BENCH FAIL" line says why.  Then
# per axis the fitted growth (see fit()).
# Figures, never a verdict on them.
B=${BENCH_DIR:-/opt/criu-thp/bench}
Z=${ZDTM_DIR:-/opt/criu-thp/zdtm}/static
L=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${BENCH_WORK:-/tmp/bench}/load
TASKS=${TASKS:-1 10 100 400}
VMAS=${VMAS:-1000 4000 16000 64000}
GIBS=${GIBS:-1 2 4 8}
. "$(cd "$(dirname "$0")" && pwd)/bench_lib.sh"
rm -rf $W
mkdir -p $W && cd $W || exit 1

# start AXIS N: the process of that point, running; its pid in $pid and
# the file its verdict goes to in $out.
start() {
	out=$W/out
	rm -f $W/pid $out
	case $1 in
	tasks)	THP_TREE_TASKS=$2 $Z/thp_tree --pidfile=$W/pid --outfile=$out ;;
	vmas)	THP_VMAS=$2 $Z/thp_vmas --pidfile=$W/pid --outfile=$out ;;
	gib)	$B/thp_bench_mem $W/pid $(($2 * 1024)) $out </dev/null ;;
	esac >$W/start.log 2>&1 || return 1
	pid=$(cat $W/pid)
}

# restore LABEL [criu options]: a lazy restore; "wall_s peak_kib" of
# criu restore on stdout once the transfer is over.
restore() {
	local label=$1 lazy
	shift
	rm -f $W/img/thp-monitor.json
	criu lazy-pages -D $W/img -o lazy-$label.log -v4 &
	lazy=$!
	sleep 0.3
	/usr/bin/time -f "%e %M" -o $W/time-$label criu restore -D $W/img \
		-o restore-$label.log -v4 -d --lazy-pages "$@" ||
		{ kill -9 $lazy; echo "BENCH FAIL: criu restore ($label), see $W/img/restore-$label.log" >&2; return 1; }
	wait $lazy
	cat $W/time-$label
}

# The monitor's report, once it is written (up to 120 s).
report() {
	local i=0
	while [ ! -s $W/img/thp-monitor.json ] && [ $i -lt 600 ]; do
		i=$((i + 1))
		sleep 0.2
	done
	[ -s $W/img/thp-monitor.json ]
}

# verdict: the process's own data check after SIGTERM (up to 120 s).
verdict() {
	local i=0
	kill -TERM "$pid"
	while ! grep -q 'PASS\|FAIL' $out 2>/dev/null && [ $i -lt 600 ]; do
		i=$((i + 1))
		sleep 0.2
	done
	grep -q PASS $out 2>/dev/null
}

one() {
	local axis=$1 n=$2 stock plugin hook r v t0 lazy_s
	rm -rf $W/img && mkdir $W/img
	start $axis $n || { echo "BENCH FAIL: $axis $n: the process did not start"; return 1; }
	criu dump -t "$pid" -D $W/img -o dump.log -L $L ||
		{ echo "BENCH FAIL: $axis $n: criu dump"; return 1; }
	gone "$pid"
	stock=$(restore stock) || return 1
	kill_all
	t0=$(date +%s.%N)
	plugin=$(restore plugin -L $L) || return 1
	lazy_s=$(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $t0 }")
	hook=$(sed -n 's/.*task [0-9]*: .* in \([0-9.]*\) ms ([0-9]* VMAs).*/\1/p' \
		$W/img/restore-plugin.log | awk '{ s += $1 } END { printf "%.1f", s }')
	report || { echo "BENCH FAIL: $axis $n: no monitor report"; return 1; }
	r=$(jq -r '"\(.elapsed_s) \(.cpu_s) \(.maxrss_kb) \(([.tasks[].collapse_ms] | add // 0) * 10 | round / 10)"' \
		$W/img/thp-monitor.json)
	v=$(criu-thp verify -D $W/img --pid "$pid" 2>&1 | tail -n 1)
	if ! criu-thp verify -D $W/img --pid "$pid" >/dev/null 2>&1; then
		echo "BENCH FAIL: $axis $n: not exact: $v"
		kill_all
		return 1
	fi
	verdict || { echo "BENCH FAIL: $axis $n: the process's data check: $(cat $out 2>/dev/null)"; kill_all; return 1; }
	set -- $stock $plugin $r
	echo "BENCH $axis $n: hook $hook ms; criu restore $3 s, $4 KiB peak (stock $1 s, $2 KiB); lazy transfer $lazy_s s; monitor $5 s wall, $6 s CPU, $7 KiB peak, $8 ms collapsing; exact and data checked"
	echo "$axis $n $hook $6 $7 $(($4 - $2)) $8" >>$W/points
	kill_all
}

# The restored tree, and a stray process of an earlier point.
kill_all() {
	kill -9 $(cat /proc/"$pid"/task/*/children 2>/dev/null) "$pid" 2>/dev/null
	gone "$pid"
}

# fit AXIS: growth laws over that axis's points but the smallest (fixed
# costs hide the growth there): the exponent of the hook's time, the
# monitor's CPU time and its time collapsing (least squares of log y on
# log x; 1 linear, 2 quadratic; the collapse's only where it grows: with
# VMAs the chunks stay 5), that between the two largest points alone, and
# the slope of each peak RSS.
fit() {
	sort -k2,2n $W/points | awk -v axis=$1 '$1 == axis' | tail -n +2 |
	awk -v axis=$1 '$3 > 0 && $4 > 0 {
		x = log($2); n++; sx += x; sxx += x * x
		sy += log($3); sxy += x * log($3); ty += log($4); txy += x * log($4)
		uy += log($7 > 0 ? $7 : 1e-3); uxy += x * log($7 > 0 ? $7 : 1e-3)
		X += $2; XX += $2 * $2; M += $5; XM += $2 * $5; D += $6; XD += $2 * $6
		px = lx; ph = lh; pc = lc; pu = lu; lx = $2; lh = $3; lc = $4; lu = $7 }
	function expo(s, xs) { return (n * xs - sx * s) / (n * sxx - sx * sx) }
	function slope(s, xs) { return (n * xs - X * s) / (n * XX - X * X) }
	END {
		if (n < 2) { print "BENCH growth " axis ": too few points"; exit }
		unit = axis == "gib" ? "GiB" : substr(axis, 1, length(axis) - 1)
		col = "- (no growth in chunks)"
		if (axis != "vmas" && pu > 0 && lu > 0)
			col = sprintf("%.2f (%.2f)", expo(uy, uxy), log(lu / pu) / log(lx / px))
		printf "BENCH growth with %s (%d points, the smallest left out): exponent of the hook time %.2f (%.2f between the last two), of the monitor CPU %.2f (%.2f), of the collapse time %s; peak RSS per %s: monitor %+.1f KiB, criu restore over stock %+.1f KiB\n",
			axis, n, expo(sy, sxy), log(lh / ph) / log(lx / px),
			expo(ty, txy), log(lc / pc) / log(lx / px), col,
			unit, slope(M, XM), slope(D, XD)
	}'
}

raise_map_count
banner
: >$W/points
for n in $TASKS; do one tasks $n; done
for n in $VMAS; do one vmas $n; done
for n in $GIBS; do one gib $n; done
fit tasks
fit vmas
fit gib
