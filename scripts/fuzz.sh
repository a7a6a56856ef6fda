#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh [SECONDS | long [RUNS] | seeds]
#
# Every libFuzzer harness of test/fuzz/ (`make fuzz`: clang, ASan, UBSan),
# one after the other: for SECONDS each (default 10; the test command's
# short run), "long": RUNS executions each (default 10 million), or
# "seeds": the seeds and regressions once each, nothing new (make check).
# Each starts from the committed seeds (test/fuzz/corpus/NAME, real
# images and /proc files) and every input that once crashed
# (test/fuzz/regressions/NAME: each is run first); what it learns goes to
# build/fuzz/corpus/NAME, a crash to build/fuzz/artifacts/.  One line
# per harness: RESULT fuzz:NAME PASS|FAIL (executions, seconds, exec/s,
# coverage).  Exit status 1 if any failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
how=${1:-10}
F=build/fuzz
if [ "$how" = long ]; then
	limit=(-runs="${2:-10000000}")
elif [ "$how" = seeds ]; then
	limit=(-runs=0)
else
	limit=(-max_total_time="$how")
fi

make -s fuzz >$F.log 2>&1 || { echo "RESULT fuzz:build - - FAIL (make fuzz, see $F.log)"; exit 1; }
mkdir -p $F/artifacts
bad=0
for bin in $F/fuzz-bin/fuzz_*; do
	name=$(basename "$bin")
	log=$F/$name.log
	mkdir -p "$F/corpus/$name"
	seeds=(test/fuzz/corpus/"$name")
	[ -d "test/fuzz/regressions/$name" ] && seeds+=("test/fuzz/regressions/$name")
	t0=$(date +%s.%N)
	"$bin" "${limit[@]}" -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$F/artifacts/$name-" \
		"$F/corpus/$name" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	secs=$(awk "BEGIN { printf \"%.0f\", $(date +%s.%N) - $t0 }")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	what="${runs:-?} executions in $secs s (${rate:-?}/s), $cov"
	if [ $rc = 0 ]; then
		echo "RESULT fuzz:$name - - PASS ($what)"
	else
		bad=1
		echo "RESULT fuzz:$name - - FAIL (exit $rc after $what; see $log)"
		grep -m3 -E 'ERROR|runtime error|SUMMARY' "$log" | sed 's/^/LOG /'
	fi
done
exit $bad
