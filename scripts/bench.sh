#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmarks (not tests), in the QEMU guest, on a 1 GiB process (half
# huge, half 4 KiB pages):
#   dump     wall time of `criu dump` with and without the plugin
#   restore  wall time of `criu restore` without the plugin, with it and
#            collapse = sync, and async; huge pages at once and 1 s later
#   lazy     huge pages over time after a remote lazy restore, stock and
#            plugin: build/results/bench-lazy-MODE/coverage.csv and
#            coverage.png (gnuplot), and the collapse figures
#   scripts/bench.sh [madvise|always] [dump|restore|lazy]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
thp=${1:-madvise}
what=${2:-dump}
case $what in
dump) job=test/bench/bench-job.sh ;;
restore) job=test/bench/restore-job.sh ;;
lazy) job=test/bench/lazy-job.sh ;;
*) echo "bench.sh [madvise|always] [dump|restore|lazy]" >&2; exit 2 ;;
esac
scripts/deps.sh
[ $what != lazy ] || command -v gnuplot >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >/dev/null
make -s all zdtm bench-bin
out=build/results/bench-$what-$thp
test/rig/guest.sh "$thp" $job $out 1800 >/dev/null
sed -n 's/^BENCH //p' $out/results.log
[ $what = lazy ] || exit 0
{
	echo "how,seconds,huge_kib,rss_kib"
	sed -n 's/^CSV //p' $out/results.log
} >$out/coverage.csv
scripts/plot-coverage.sh $out/coverage.csv $out/coverage.png "$thp"
echo "CSV $out/coverage.csv, plot $out/coverage.png"
