#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The recording benchmark (not a test): in the QEMU guest, wall time of
# `criu dump` of a 1 GiB process (half huge, half 4 KiB pages) with and
# without the plugin, and their ratio.
#   scripts/bench.sh [madvise|always]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
thp=${1:-madvise}
scripts/deps.sh
make -s all zdtm bench-bin
test/rig/guest.sh "$thp" test/bench/bench-job.sh build/results/bench-$thp 1200 >/dev/null
sed -n 's/^BENCH //p' build/results/bench-$thp/results.log
