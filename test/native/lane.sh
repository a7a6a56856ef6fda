#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lane.sh OUTROOT [THP_MODE...]
#
# The native lane: Debian 13's CRIU 4.1.1 on this machine's own kernel
# (test/native/host.sh sets it up), running test/zdtm/suite.sh once per
# THP mode (default: madvise always) with its results in
# OUTROOT/native-<mode>/results.log, as a guest run has them; then CRIU's
# own zdtm.py with and without the plugin (zdtmpy.sh, THP madvise) into
# OUTROOT/native-zdtm.py/results.log.  ZDTMPY=no leaves zdtm.py out,
# ZDTMPY=all runs its whole static suite.  Expects `make all zdtm` to
# have run.
#
# Pre-dumps need soft-dirty tracking, which this kernel lacks: pre and
# pre-lazy run in the Debian 13 guest instead (scripts/run-tests.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
outroot=${1:?usage: lane.sh OUTROOT [THP_MODE...]}
shift
mkdir -p "$outroot"
outroot=$(cd "$outroot" && pwd)
modes=("$@")
[ $# -gt 0 ] || modes=(madvise always)
H=$top/test/native/host.sh

no_modes="pre, pre-lazy: $(uname -r) has no soft-dirty tracking (criu check --feature mem_dirty_track fails); they run in the Debian 13 guest"
"$H" madvise criu check --feature mem_dirty_track >/dev/null 2>&1 && no_modes=

for thp in "${modes[@]}"; do
	out=$outroot/native-$thp
	rm -rf "$out"
	mkdir -p "$out/work"
	faults=no	# once per CRIU and kernel: with THP madvise
	[ "$thp" = madvise ] && faults=
	SUITE_FAULTS=$faults \
	ZDTM_WORK="$out/work" ZDTM_MODES="plain lazy remote-lazy migrate" \
		STOCK_MODES="plain,lazy,remote-lazy,migrate" CRIU_CHECK="" \
		KERNEL_KIND=stock NO_MODES="$no_modes" \
		"$H" "$thp" "$top/build/native/stage/opt/criu-thp/zdtm/suite.sh" \
		>"$out/results.log" 2>"$out/console.log" </dev/null ||
		echo "RESULT native-suite $thp - FAIL suite.sh exited $?" >>"$out/results.log"
done

# Why pre and pre-lazy are not here: stock criu cannot pre-dump either.
"$H" madvise "$top/test/native/no_predump.sh" "$outroot/native-predump" \
	>>"$outroot/native-${modes[0]}/results.log" 2>&1 </dev/null

[ "${ZDTMPY:-}" = no ] && exit 0
out=$outroot/native-zdtm.py
rm -rf "$out"
mkdir -p "$out"
"$H" madvise "$top/test/native/zdtmpy.sh" "$out" ${ZDTMPY:-} \
	>"$out/results.log" 2>"$out/console.log" </dev/null ||
	echo "RESULT native-zdtm.py - - FAIL zdtmpy.sh exited $?" >>"$out/results.log"
