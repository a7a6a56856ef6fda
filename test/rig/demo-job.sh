#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest job of `make demo`: a process with one hg, one nh and one
# unadvised 8 MiB region, every page written, is dumped and restored with
# the plugin; its THP state before and after is printed side by side.
# Then what the plugin records of a process with harder shapes (the zdtm
# test thp_record: split PMDs, a chunk across two VMAs, ...), as
# `criu-thp show` prints it, VMAs without THP advice or huge pages left out.
Z=/opt/criu-thp/zdtm
D=/tmp/demo
mkdir -p $D/img && cd $D || exit 1

onoff() {
	case $1 in THP_enabled=1) echo enabled ;; THP_enabled=0) echo disabled ;; *) echo "?" ;; esac
}

state() {
	set -- $(sed -n 's/.*region \([a-z]*\) at \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)$/\1 \2 \3/p' $D/out.inprogress)
	$Z/tools/thp_state "$pid" "$@"
}

# The plugin's async collapse ends with a report: wait for it (30 s).
wait_monitor() {
	local i=0
	grep -q 'thp: monitor .* started' "$1/restore.log" || return 0
	while [ ! -f "$1/thp-monitor.json" ] && [ $i -lt 150 ]; do
		i=$((i + 1))
		sleep 0.2
	done
}

$Z/static/thp_flags --pidfile=$D/pid --outfile=$D/out || exit 1
pid=$(cat $D/pid)
sleep 1
state >$D/before
criu dump -t "$pid" -D $D/img -o dump.log -v4 -L /opt/criu-thp/lib || exit 1
criu restore -D $D/img -o restore.log -v4 -d -L /opt/criu-thp/lib || exit 1
wait_monitor $D/img
state >$D/after

echo "DEMO kernel $(uname -r), THP mode: $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled)"
echo "DEMO"
printf 'DEMO %-8s %-27s | %-6s %9s | %-6s %9s\n' region range "source" "" restored ""
printf 'DEMO %-8s %-27s | %-6s %9s | %-6s %9s\n' "" "" advice "huge KiB" advice "huge KiB"
paste -d' ' $D/before $D/after | while read -r name range adv kb name2 range2 adv2 kb2; do
	case $name in
	prctl) printf 'DEMO %-36s | %-16s | %s\n' "process THP (PR_SET_THP_DISABLE)" \
		"$(onoff "$range")" "$(onoff "$kb")" ;;
	*) printf 'DEMO %-8s %-27s | %-6s %9s | %-6s %9s\n' "$name" "$range" "$adv" "$kb" "$adv2" "$kb2" ;;
	esac
done
kill -TERM "$pid"
sleep 1
echo "DEMO"
echo "DEMO the restored process checked its own advice and memory: $(grep -o 'PASS\|FAIL.*' $D/out)"
grep -h 'thp:' $D/img/dump.log $D/img/restore.log | sed 's/^/DEMO plugin log: /'

echo "DEMO"
echo "DEMO what the plugin records (criu-thp show) of the zdtm test thp_record:"
mkdir -p $D/rec/img
$Z/static/thp_record --pidfile=$D/rec/pid --outfile=$D/rec/out || exit 1
rpid=$(cat $D/rec/pid)
criu dump -t "$rpid" -D $D/rec/img -o dump.log -v4 -L /opt/criu-thp/lib \
	--leave-running || exit 1
criu-thp show -D $D/rec/img |
	grep -E '^(dump|task)|pmd_huge|pte_thp|unresolved| hg | nh ' |
	sed 's/^/DEMO /'
grep -h 'Warn.*thp:' $D/rec/img/dump.log | sed 's/^/DEMO plugin log: /'
kill -9 "$rpid"

echo "DEMO"
echo "DEMO thp_coverage (the regions of docs/kernel-and-criu-facts.md"
echo "DEMO section 3), dumped with the plugin;"
echo "DEMO criu-thp verify after a restore without the plugin, then with it:"
C=$D/cov
mkdir -p $C/img
THP_EXPECT=lazy $Z/static/thp_coverage --pidfile=$C/pid --outfile=$C/out ||
	exit 1
cpid=$(cat $C/pid)
criu dump -t "$cpid" -D $C/img -o dump.log -L /opt/criu-thp/lib || exit 1
for how in stock plugin; do
	rm -f $C/img/thp-monitor.json
	if [ $how = stock ]; then
		criu restore -D $C/img -o restore.log -d || exit 1
	else
		criu restore -D $C/img -o restore.log -d -v4 \
			-L /opt/criu-thp/lib || exit 1
		wait_monitor $C/img
	fi
	echo "DEMO"
	echo "DEMO --- restored $( [ $how = stock ] && echo without || echo with) the plugin: criu-thp verify -D DIR --pid $cpid (exit status below)"
	criu-thp verify -D $C/img --pid "$cpid" >$C/verify.$how 2>&1
	st=$?
	grep -v '^differs:' $C/verify.$how | sed 's/^/DEMO /'
	echo "DEMO ($(grep -c '^differs:' $C/verify.$how) 'differs:' lines, exit status $st)"
	kill -9 "$cpid"
	while kill -0 "$cpid" 2>/dev/null; do sleep 0.1; done
done
