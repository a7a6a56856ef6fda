#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmarks (not tests), in the QEMU guest, on a 1 GiB process (half
# huge, half 4 KiB pages):
#   dump     wall time of `criu dump` with and without the plugin
#   restore  wall time of `criu restore` without the plugin, with it and
#            collapse = sync, and async; huge pages at once and 1 s later
#   scripts/bench.sh [madvise|always] [dump|restore]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
thp=${1:-madvise}
what=${2:-dump}
case $what in
dump) job=test/bench/bench-job.sh ;;
restore) job=test/bench/restore-job.sh ;;
*) echo "bench.sh [madvise|always] [dump|restore]" >&2; exit 2 ;;
esac
scripts/deps.sh
make -s all zdtm bench-bin
test/rig/guest.sh "$thp" $job build/results/bench-$what-$thp 1800 >/dev/null
sed -n 's/^BENCH //p' build/results/bench-$what-$thp/results.log
