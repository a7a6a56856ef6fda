#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test of criu-thp, from a fresh machine (run as root):
#   1. install what is missing (scripts/deps.sh)
#   2. build with gcc and with clang, -Werror
#   3. host unit tests (cmocka) on the running kernel
#   4. the kernel series (kernel/build.sh: applies, checkpatch, builds the
#      test kernel, about 8 minutes unless cached)
#   5. zdtm tests with real CRIU in a QEMU guest on Debian's 6.1 kernel,
#      once with THP "madvise" and once with "always"; then the same on
#      the test kernel
# The last line is "N passed, N failed" (", N skipped" when a unit test
# finds something this machine cannot have; the test says what).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
passed=0 failed=0 skipped=0
t0=$(date +%s)

ok() { passed=$((passed + 1)); echo "PASS: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

finish() {
	echo "wall time: $(($(date +%s) - t0)) s"
	if [ "$skipped" = 0 ]; then
		echo "$passed passed, $failed failed"
	else
		echo "$passed passed, $failed failed, $skipped skipped"
	fi
	[ "$failed" = 0 ]
	exit
}

if ! scripts/deps.sh; then
	bad "installing dependencies (scripts/deps.sh)"
	finish
fi

mkdir -p build
build() {
	local name=$1
	shift
	if make -s "$@" all unit zdtm >"build/$name.log" 2>&1; then
		ok "build with $name, warning-free"
	else
		bad "build with $name"
		tail -n 30 "build/$name.log"
		return 1
	fi
}
build clang CC=clang B=build/clang PLUGIN=build/clang/thp_plugin.so \
	CMD=build/clang/criu-thp
build gcc || finish

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), ..."
# once per group; a test binary may run several groups.
count() {
	sed -n "s/^\[  $1 *\] \([0-9]*\) test(s)$2\$/\1/p" <<<"$3" |
		awk '{ s += $1 } END { if (NR) print s }'
}
for t in build/unit/test_*; do
	out=$("$t" 2>&1)
	np=$(count PASSED '\.' "$out")
	nf=$(count FAILED ', listed below:' "$out")
	ns=$(count SKIPPED ', listed below:' "$out")
	if [ -z "$np$nf" ]; then
		bad "unit $(basename "$t"): no summary (crashed?)"
		tail -n 20 <<<"$out"
		continue
	fi
	passed=$((passed + ${np:-0}))
	failed=$((failed + ${nf:-0}))
	skipped=$((skipped + ${ns:-0}))
	echo "unit $(basename "$t"): ${np:-0} passed, ${nf:-0} failed${ns:+, $ns skipped}"
	grep -E '^\[  (FAILED|ERROR|SKIPPED)   ?\]|^\[   LINE   \]|^SKIP:' <<<"$out"
done

# guest_suite LABEL THP [BZIMAGE]: suite.sh in the guest, one line a result.
guest_suite() {
	local label=$1 thp=$2 out=build/results/$1
	echo "guest: $label (THP $thp) ..."
	if ! KERNEL=${3:-} test/rig/guest.sh "$thp" test/zdtm/suite.sh "$out"; then
		bad "guest run $label did not finish"
		return
	fi
	grep '^INFO' "$out/results.log"
	while read -r tag name mode plugin verdict rest; do
		case $tag in
		RESULT)
			if [ "$verdict" = PASS ]; then
				ok "[$label] $name $mode $plugin $rest"
			else
				bad "[$label] $name $mode $plugin: $rest"
			fi ;;
		LOG)
			echo "    $name $mode $plugin $verdict $rest" ;;
		esac
	done <"$out/results.log"
}

# The kernel series: applied, checkpatch-clean, built (cached by key in
# build/kernel).  First: its selftest goes into every guest's initramfs.
kdir=
if kdir=$(kernel/build.sh); then
	ok "kernel series applied, checkpatch --strict clean, test kernel ready (make bzImage: $(cat "$kdir/build-seconds") s)"
else
	bad "kernel series: kernel/build.sh failed"
	kdir=
fi

for thp in madvise always; do
	guest_suite "$thp" "$thp"
done
# The same suite on the test kernel, selftest included.
for thp in madvise always; do
	[ -n "$kdir" ] && guest_suite "patched-$thp" "$thp" "$kdir/bzImage"
done
finish
