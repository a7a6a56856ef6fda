#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# criu/test.sh [OUTDIR]: the series' tests, natively on this machine, in
# THP madvise and always (test/native/host.sh sets the host up):
#   - CRIU's zdtm.py from the patched 4.2.1 tree (criu/build.sh) against
#     its criu: the subset of test/native/zdtmpy.sh plus the series'
#     tests (thp_disable_advised, thp_fill_huge), plain and lazy,
#     without the plugin and with it (default and strict), and the rule
#     that nothing fails with the plugin that passes without it;
#   - each of the series' tests against Debian sid's stock 4.2.1, where
#     it must fail: thp_disable_advised (Linux 6.18 and later) in both
#     modes, thp_fill_huge in always (stock fills MADV_NOHUGEPAGE memory
#     huge; in madvise, khugepaged could collapse the other area in time).
#   - CRIU's `make lint` rules (its grep rules, codespell with its
#     configuration, shellcheck) on the files the series touches.
# RESULT lines as zdtm_run.sh's, OUTDIR (default build/results/criu-series)
# keeps zdtm.py's output.  Expects `make all zdtm`.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/results/criu-series}
series="thp_disable_advised thp_fill_huge"
H=$top/test/native/host.sh

criu=$("$top/criu/build.sh")
tree=$(dirname "$(dirname "$criu")")
rm -rf "$out"
mkdir -p "$out"

# broken THP_MODE TEST...: each TEST must fail with stock criu.
broken() {
	local thp=$1 t
	shift
	DEBIAN_SUITE=sid ZDTMPY_SRC=$tree ZDTMPY_SETTINGS=stock ZDTMPY_MODES=plain \
		"$H" "$thp" "$top/test/native/zdtmpy.sh" "$out/stock-$thp" "$@" \
		>"$out/stock-$thp.log" 2>&1 </dev/null || true
	for t in "$@"; do
		if grep -q "^RESULT zdtm.py:$t plain stock FAIL" "$out/stock-$thp.log"; then
			echo "RESULT criu-series-stock:$t $thp stock PASS (fails without the series, as it must)"
		elif grep -q "^RESULT zdtm.py:$t plain stock PASS (Skipping" "$out/stock-$thp.log"; then
			echo "RESULT criu-series-stock:$t $thp stock PASS (skipped here: $(grep -m1 "^RESULT zdtm.py:$t " "$out/stock-$thp.log" | sed 's/.*(Skipping [^ ]* //'))"
		else
			echo "RESULT criu-series-stock:$t $thp stock FAIL passes without the series (see $out/stock-$thp.log)"
		fi
	done
}

# The files the series adds or changes, in $tree.
touched() {
	sed -n 's|^+++ b/||p' "$top"/criu/000[1-9]-*.patch | sort -u
}

# CRIU's `make lint` (Makefile, 4.2.1) on the files the series touches:
# its grep rules, codespell with CRIU's .codespellrc, shellcheck on the
# scripts; ruff has no Python file to check.
lint() {
	local files c=() sh=() why=
	files=$(touched)
	for f in $files; do
		case $f in
		*.c | *.h) c+=("$f") ;;
		*.checkskip | *.sh) sh+=("$f") ;;
		esac
	done
	cd "$tree"
	if grep -nE '^\s*\<(pr_perror|pr_pwarn|fail)\>.*\\n"' "${c[@]}" ||
	   grep -nE '^\s*\<(pr_(err|perror|warn|pwarn|debug|info|msg)|fail)\>.*%m' "${c[@]}" ||
	   grep -nE '^\s*\<(pr_perror|pr_pwarn|fail)\>\(".*".*errno' "${c[@]}" ||
	   grep -nE '^\s*\<pr_(err|warn|msg|info|debug)\>.*\);$' "${c[@]}" | grep -v '\\n' ||
	   grep -nE '\s+$' "${c[@]}"; then
		why="a grep rule of make lint matches (above)"
	elif ! codespell $files; then
		why="codespell"
	elif ! shellcheck "${sh[@]}"; then
		why="shellcheck"
	fi
	cd - >/dev/null
	if [ -z "$why" ]; then
		echo "RESULT criu-series-lint - - PASS (make lint's rules on the $(echo $files | wc -w) files the series touches)"
	else
		echo "RESULT criu-series-lint - - FAIL $why"
	fi
}

echo "INFO CRIU 4.2.1 with $(ls "$top"/criu/000[1-9]-*.patch | wc -l) patches: $criu"
for thp in madvise always; do
	CRIU_BIN=$criu DEBIAN_SUITE=sid ZDTMPY_SRC=$tree ZDTMPY_EXTRA="$series" \
		"$H" "$thp" "$top/test/native/zdtmpy.sh" "$out/series-$thp" \
		2>"$out/series-$thp.console" </dev/null |
		sed "s/^RESULT zdtm.py\([-:]\)/RESULT criu-series-$thp\1/" ||
		echo "RESULT criu-series-$thp - - FAIL zdtmpy.sh exited $?"
done
broken madvise thp_disable_advised
broken always $series
lint
