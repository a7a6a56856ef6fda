#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo: dump and restore a process with the plugin inside the QEMU
# guest and print its THP state at the source and after restore.
#   scripts/demo.sh [madvise|always]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
thp=${1:-madvise}
scripts/deps.sh
make -s all zdtm
test/rig/guest.sh "$thp" test/rig/demo-job.sh build/demo/$thp 600 >/dev/null
sed -n 's/^DEMO \{0,1\}//p' build/demo/$thp/results.log
