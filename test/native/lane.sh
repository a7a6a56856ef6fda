#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lane.sh OUTROOT [THP_MODE...]
#
# The native lane: Debian 13's CRIU 4.1.1 on this machine's own kernel
# (test/native/host.sh sets it up), running test/zdtm/suite.sh once per
# THP mode (default: madvise always; madvise with the plugin and criu-thp
# of `make SAN=1 B=build/san`, always with the faults) with its results in
# OUTROOT/native-<mode>/results.log, as a guest run has them; the same
# tests (not the runs after them) with Debian sid's CRIU 4.2.1 into
# OUTROOT/native-criu4.2-<mode>; then CRIU's own zdtm.py of each with and
# without the plugin (zdtmpy.sh, THP madvise) into
# OUTROOT/native-zdtm.py{,-criu4.2}/results.log.  ZDTMPY=no leaves zdtm.py out,
# ZDTMPY=all runs its whole static suite.  Expects `make all zdtm` and
# `make SAN=1 B=build/san PLUGIN=build/san/thp_plugin.so
# CMD=build/san/criu-thp all` to have run.
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

# sanitizer_result OUT: one RESULT line for the reports in OUT/san-log.
sanitizer_result() {
	local n
	n=$(ls "$1/san-log" 2>/dev/null | wc -l)
	if [ "$n" = 0 ] && [ -d "$1/san-log" ]; then
		echo "RESULT sanitizers native - PASS (ASan and UBSan in the plugin, criu-thp and the monitor, LeakSanitizer in criu-thp: no report)"
		return
	fi
	echo "RESULT sanitizers native - FAIL $n reports"
	cat "$1"/san-log/* 2>/dev/null | grep -E 'ERROR|SUMMARY|runtime error|#[0-9] ' |
		head -n 40 | sed 's/^/LOG sanitizer: /'
}

no_modes="pre, pre-lazy: $(uname -r) has no soft-dirty tracking (criu check --feature mem_dirty_track fails); they run in the Debian 13 guest"
"$H" madvise criu check --feature mem_dirty_track >/dev/null 2>&1 && no_modes=

for thp in "${modes[@]}"; do
	out=$outroot/native-$thp
	rm -rf "$out"
	mkdir -p "$out/work"
	# With THP madvise the plugin and criu-thp built with the
	# sanitizers; a sanitized criu restore reaches its hook after a lazy
	# transfer of 200 MiB has ended, which the daemon-killing runs and
	# two of the restore faults need: they are the always lane's, with
	# the dump faults (once per CRIU and kernel).
	# Without the plugin, the tests that check what stock CRIU does to
	# huge pages (as in the guests), plain and lazy (remote-lazy and
	# migrate differ from lazy only in where the pages come from).
	faults= san= guard= stock=plain,lazy
	[ "$thp" = madvise ] && faults=no san=1 guard=no
	SAN=$san SAN_LOG=$out/san-log SUITE_FAULTS=$faults SUITE_GUARD=$guard \
	ZDTM_WORK="$out/work" ZDTM_MODES="plain lazy remote-lazy migrate" \
		STOCK_MODES=$stock CRIU_CHECK="" \
		STOCK_TESTS="thp_coverage thp_flags thp_lazy_coverage thp_prctl" \
		KERNEL_KIND=stock NO_MODES="$no_modes" \
		"$H" "$thp" "$top/build/native/stage/opt/criu-thp/zdtm/suite.sh" \
		>"$out/results.log" 2>"$out/console.log" </dev/null ||
		echo "RESULT native-suite $thp - FAIL suite.sh exited $?" >>"$out/results.log"
	if [ -n "$san" ]; then
		sanitizer_result "$out" >>"$out/results.log"
	fi
done

# Debian sid's CRIU 4.2.1 (DEBIAN_SUITE=sid) on the same kernel: every
# test in the same modes, both THP modes, without the plugin the tests
# whose stock result differs; not the runs after the tests nor the
# sanitizers (4.1.1's runs above have them: the plugin's code is the same).
for thp in "${modes[@]}"; do
	out=$outroot/native-criu4.2-$thp
	rm -rf "$out"
	mkdir -p "$out/work"
	DEBIAN_SUITE=sid SUITE_EXTRAS=no \
	ZDTM_WORK="$out/work" ZDTM_MODES="plain lazy remote-lazy migrate" \
		STOCK_MODES=plain,lazy CRIU_CHECK="" \
		STOCK_TESTS="thp_coverage thp_prctl thp_prctl_modes" \
		KERNEL_KIND=stock NO_MODES="$no_modes" \
		"$H" "$thp" "$top/build/native/stage/opt/criu-thp/zdtm/suite.sh" \
		>"$out/results.log" 2>"$out/console.log" </dev/null ||
		echo "RESULT native-suite-criu4.2 $thp - FAIL suite.sh exited $?" >>"$out/results.log"
done

# Why pre and pre-lazy are not here: stock criu cannot pre-dump either.
"$H" madvise "$top/test/native/no_predump.sh" "$outroot/native-predump" \
	>>"$outroot/native-${modes[0]}/results.log" 2>&1 </dev/null

[ "${ZDTMPY:-}" = no ] && exit 0
# zdtm.py of each CRIU, against that CRIU
for suite in trixie sid; do
	out=$outroot/native-zdtm.py
	[ $suite = sid ] && out=$outroot/native-zdtm.py-criu4.2
	rm -rf "$out"
	mkdir -p "$out"
	DEBIAN_SUITE=$suite "$H" madvise "$top/test/native/zdtmpy.sh" "$out" \
		${ZDTMPY:-} >"$out/results.log" 2>"$out/console.log" </dev/null ||
		echo "RESULT native-zdtm.py - - FAIL zdtmpy.sh exited $?" >>"$out/results.log"
done
