#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmarks (not tests); figures, never a verdict:
#   dump      wall time of `criu dump` with and without the plugin
#   restore   wall time of `criu restore` without the plugin, with it and
#             collapse = sync, and async; huge pages at once and 1 s later
#   lazy      huge pages over time after a remote lazy restore, stock and
#             plugin: build/results/bench-lazy-MODE/coverage.csv and
#             coverage.png (gnuplot), and the collapse figures
#   workload  what the restored process gets: ns per dependent load over
#             1 GiB of hg memory at the source, after a stock restore and
#             after a restore with the plugin
#   growth    the restore hook's time against the number of VMAs (1,000
#             to 64,000), with the growth exponent fitted to it
#   load      lazy restores as the process grows in tasks (1 to 400),
#             VMAs (1,000 to 64,000) and GiB (1 to 8): the hook's time,
#             criu's and the monitor's time and peak memory, each point
#             checked exact and its data intact; growth laws fitted
#             (native only: the guest has too little memory)
#   collapse  the plugin's collapse rate (sync) and how soon async makes
#             every chunk huge, beside a bare MADV_COLLAPSE loop's rate,
#             memcpy's and fresh huge faults', for 1, 4 and 8 GiB (GIBS),
#             with the /proc/vmstat counters that moved (native only)
# on a process of MIB MiB (default 1024; half huge, half 4 KiB pages but
# for workload), where:
#   guest     Debian 12's CRIU 3.17.1 in the QEMU guest (the default)
#   native    Debian 13's CRIU 4.1.1 on this machine's kernel
#             (test/native/host.sh); results in build/results/
#             bench-WHAT-MODE-native
#   scripts/bench.sh [madvise|always] [dump|restore|lazy|workload|growth|load|collapse] [guest|native]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
thp=${1:-madvise}
what=${2:-dump}
where=${3:-guest}
case $what in
dump) job=test/bench/bench-job.sh ;;
restore) job=test/bench/restore-job.sh ;;
lazy) job=test/bench/lazy-job.sh ;;
workload) job=test/bench/workload-job.sh ;;
growth) job=test/bench/growth-job.sh ;;
load) job=test/bench/load-job.sh ;;
collapse) job=test/bench/collapse-job.sh ;;
*) echo "bench.sh [madvise|always] [dump|restore|lazy|workload|growth|load|collapse] [guest|native]" >&2; exit 2 ;;
esac
scripts/deps.sh
[ $what != lazy ] || command -v gnuplot >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >/dev/null
[ $what != load ] || [ -x /usr/bin/time ] ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null
make -s all zdtm bench-bin
case $where in
guest)
	out=build/results/bench-$what-$thp
	test/rig/guest.sh "$thp" $job $out 1800 >/dev/null
	;;
native)
	out=build/results/bench-$what-$thp-native
	rm -rf "$out"
	mkdir -p "$out"
	# images on tmpfs, as in the guest: this machine's disk is slow
	# and its timings are noisy
	work=$(mktemp -d /dev/shm/criu-thp-bench.XXXXXX)
	BENCH_WORK=$work test/native/host.sh "$thp" sh "$top/$job" \
		>"$out/results.log" 2>"$out/console.log" </dev/null || true
	# a monitor may still be writing its report there
	rm -rf "$work" 2>/dev/null || { sleep 2; rm -rf "$work"; }
	;;
*) echo "bench.sh: where is guest or native" >&2; exit 2 ;;
esac
sed -n 's/^BENCH //p' $out/results.log
[ $what = lazy ] || exit 0
{
	echo "how,seconds,huge_kib,rss_kib"
	sed -n 's/^CSV //p' $out/results.log
} >$out/coverage.csv
scripts/plot-coverage.sh $out/coverage.csv $out/coverage.png "$thp"
echo "CSV $out/coverage.csv, plot $out/coverage.png"
