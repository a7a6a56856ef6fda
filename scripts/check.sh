#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh (make check): the quick check to run while working - about 2
# minutes here, against the test command's hour:
#   build (gcc, -Werror), the unit tests, the coding style
#   (scripts/style.sh), every exported name's prefix (scripts/names.sh),
#   criu-thp's options against the man page and the completion
#   (test/options.sh), the paths the documents name
#   (scripts/doc-paths.sh), each fuzz harness over its seeds and regressions
#   (scripts/fuzz.sh seeds), and a native smoke run: thp_coverage plain
#   and lazy with Debian 13's CRIU 4.1.1 (test/native/host.sh, THP
#   madvise).
# It installs nothing: run the test command (scripts/run-tests.sh) once
# first, or scripts/deps.sh.  Needs root for the smoke run.  The last
# line is "N passed, N failed", as the test command's.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
passed=0 failed=0
mkdir -p build/check

step() {
	local name=$1 log=build/check/$1.log t0=$SECONDS
	shift
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "PASS: $name ($((SECONDS - t0)) s)"
	else
		failed=$((failed + 1))
		echo "FAIL: $name ($((SECONDS - t0)) s, $log):"
		grep -E 'FAIL|rror|LONG_LINE|exports' "$log" | head -n 20
	fi
}

units() {
	local t bad=0
	for t in build/unit/test_*; do
		"$t" || { echo "FAIL $t"; bad=1; }
	done
	return $bad
}

smoke() {
	test/native/host.sh madvise sh -c 'cd "$ZDTM_DIR" &&
		./zdtm_run.sh -m plain,lazy thp_coverage' >build/check/smoke.out
	cat build/check/smoke.out
	[ "$(grep -c '^RESULT .* PASS' build/check/smoke.out)" = 2 ] &&
		! grep -q '^RESULT .* FAIL' build/check/smoke.out
}

step build make -s all unit zdtm
if [ $failed = 0 ]; then
	step unit units
	step style scripts/style.sh
	step names scripts/names.sh
	step options test/options.sh
	step doc-paths scripts/doc-paths.sh
	step fuzz-seeds scripts/fuzz.sh seeds
	step smoke smoke
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ]
