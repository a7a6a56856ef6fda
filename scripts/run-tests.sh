#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test of criu-thp, from a fresh machine (run as root):
#   1. install what is missing (scripts/deps.sh)
#   2. build with gcc and with clang, -Werror; the kernel coding style
#      (scripts/style.sh: checkpatch.pl, lines of 100 columns at most);
#      exported names' prefixes (scripts/names.sh); criu-thp's options
#      against its man page and completion (test/options.sh)
#   3. host unit tests (cmocka) on the running kernel, built plain and
#      with AddressSanitizer and UndefinedBehaviorSanitizer (make SAN=1);
#      each libFuzzer harness of test/fuzz/ for 3 s (scripts/fuzz.sh);
#      make install into a scratch root (test/install.sh)
#   4. the kernel series (kernel/build.sh: applies, checkpatch; builds
#      the 7.2 and 6.1 test kernels, about 4 minutes each unless cached,
#      and the 6.12 series' objects); the CRIU series (criu/build.sh:
#      CRIU 4.2.1 with it, about 20 s unless cached; criu/test.sh, about
#      2 minutes: CRIU's zdtm.py with it natively, with and without the
#      plugin, and its tests failing with stock 4.2.1)
#   5. zdtm tests, each suite once with THP "madvise" and once with
#      "always": Debian 13's CRIU 4.1.1 natively on this machine's kernel
#      (test/native/lane.sh; with "madvise" the plugin and criu-thp of
#      the sanitizer build); Debian 12's CRIU 3.17.1 in a QEMU guest on
#      its 6.1 kernel; a few on the test kernels; the pre-dump modes with
#      CRIU 4.1.1 in a guest on Debian 13's 6.12 kernel, and with CRIU
#      4.2.1 on Debian sid's 7.x.  The dump and
#      restore faults run once natively ("always") and in Debian 12
#      ("madvise").
# The last line is "N passed, N failed" (", N skipped" when a test finds
# something this machine or that CRIU cannot have; the test says what).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
passed=0 failed=0 skipped=0
t0=$(date +%s)

ok() { passed=$((passed + 1)); echo "PASS: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Where the time went: the slowest steps of the suite runs (suite.sh's
# "INFO time" lines), then the whole.
slowest() {
	grep -H '^INFO time ' build/results/*/results.log 2>/dev/null |
		sed 's|^build/results/\([^/]*\)/results.log:INFO time \([0-9]*\) s: |\2 s \1: |' |
		sort -rn | head -n 15 | sed 's/^/time: /'
}

finish() {
	slowest
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
	if make -s "$@" ${WHAT:-all unit zdtm} >"build/$name.log" 2>&1; then
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

# The kernel coding style (checkpatch.pl --no-tree -f; scripts/style.sh
# says which rules it leaves out, and why).
if scripts/style.sh >build/style.log 2>&1; then
	ok "$(tail -n 1 build/style.log) (checkpatch.pl)"
else
	bad "$(tail -n 1 build/style.log) (checkpatch.pl, scripts/style.sh)"
	head -n 30 build/style.log
fi

# Every name a file exports carries its file's prefix (scripts/names.sh).
if scripts/names.sh >build/names.log 2>&1; then
	ok "$(tail -n 1 build/names.log) (scripts/names.sh)"
else
	bad "$(tail -n 1 build/names.log) (scripts/names.sh)"
	head -n 30 build/names.log
fi

# criu is linked -rdynamic: the plugin must export its descriptor alone,
# or a name of ours could stand in for one of criu's (either compiler).
for so in plugin/thp_plugin.so build/clang/thp_plugin.so; do
	syms=$(nm -D --defined-only "$so" | awk '{ print $3 }' | tr '\n' ' ')
	if [ "$syms" = "CR_PLUGIN_DESC " ]; then
		ok "$so exports CR_PLUGIN_DESC alone (nm -D)"
	else
		bad "$so exports more than CR_PLUGIN_DESC: ${syms:0:200}"
	fi
done

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), ..."
# once per group; a test binary may run several groups.
count() {
	sed -n "s/^\[  $1 *\] \([0-9]*\) test(s)$2\$/\1/p" <<<"$3" |
		awk '{ s += $1 } END { if (NR) print s }'
}
WHAT="all unit" build sanitizers SAN=1 B=build/san \
	PLUGIN=build/san/thp_plugin.so CMD=build/san/criu-thp
for t in build/unit/test_* build/san/unit/test_*; do
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
	echo "unit ${t#build/}: ${np:-0} passed, ${nf:-0} failed${ns:+, $ns skipped}"
	grep -E '^\[  (FAILED|ERROR|SKIPPED)   ?\]|^\[   LINE   \]|^SKIP:' <<<"$out"
	# a sanitizer's report fails the binary even when every test passed
	if grep -qE '^(==[0-9]+==ERROR|SUMMARY): |runtime error:' <<<"$out"; then
		bad "unit ${t#build/}: sanitizer report"
		grep -E -m5 'ERROR|SUMMARY|runtime error' <<<"$out"
	fi
done

# results LABEL FILE: a suite's RESULT lines counted, its LOG lines shown.
results() {
	local label=$1 tag name mode plugin verdict rest
	grep '^INFO' "$2"
	while read -r tag name mode plugin verdict rest; do
		case $tag in
		RESULT)
			if [ "$verdict" = PASS ]; then
				ok "[$label] $name $mode $plugin $rest"
			elif [ "$verdict" = SKIP ]; then
				skipped=$((skipped + 1))
				echo "SKIP: [$label] $name: $rest"
			else
				bad "[$label] $name $mode $plugin: $rest"
			fi ;;
		LOG)
			echo "    $name $mode $plugin $verdict $rest" ;;
		esac
	done <"$2"
}

# The Debian package: built (make deb), lintian without an error; the
# Debian 12 guest installs, uses and removes it (package.sh).
if deb=$(scripts/deb.sh 2>build/deb.log); then
	ok "Debian package $(basename "$deb") built, lintian: no error ($(grep -c '^[WI]:' build/deb/lintian.log) warnings and notes)"
else
	bad "Debian package (scripts/deb.sh)"
	tail -n 20 build/deb.log
fi

# No document names a file the repository lacks (scripts/doc-paths.sh).
if scripts/doc-paths.sh >build/doc-paths.log 2>&1; then
	ok "$(tail -n 1 build/doc-paths.log) (scripts/doc-paths.sh)"
else
	bad "$(tail -n 1 build/doc-paths.log) (scripts/doc-paths.sh)"
	head -n 30 build/doc-paths.log
fi

# criu-thp's option tables against its man page and bash completion.
mkdir -p build/results/options
test/options.sh >build/results/options/results.log 2>&1
results options build/results/options/results.log

# make install into a scratch root: files, man pages, bash completion,
# make uninstall.
mkdir -p build/results/install
test/install.sh >build/results/install/results.log 2>&1
results install build/results/install/results.log

# Each libFuzzer harness for 3 s, from its seeds and every input that
# once crashed (the long run: scripts/fuzz.sh long).
mkdir -p build/results/fuzz
scripts/fuzz.sh 3 >build/results/fuzz/results.log 2>&1
results fuzz build/results/fuzz/results.log

# guest_suite LABEL THP [NAME=VALUE...]: suite.sh in a guest with that
# environment (GUEST= and KERNEL= choose the guest, see test/rig/guest.sh).
# Each guest's initramfs is built once per run, by its first boot.
rm -f build/guest/base*.cpio.gz
export INITRD_KEEP=1
guest_suite() {
	local label=$1 thp=$2 out=build/results/$1 t0=$SECONDS v
	shift 2
	mkdir -p "$out"
	{
		echo '#!/bin/sh'
		# runc needs a root it can pivot from (test/rig/init.sh)
		case " $* " in
		*" SUITE_RUNC=no "*) ;;
		*" SUITE_RUNC="*) echo '# guest: own root' ;;
		esac
		for v in "$@"; do	# single-quoted; a ' in it as '\''
			printf "export %s='%s'\n" "${v%%=*}" \
				"$(printf %s "${v#*=}" | sed "s/'/'\\\\''/g")"
		done
		echo 'exec /opt/criu-thp/zdtm/suite.sh'
	} >"$out/job.sh"
	echo "guest: $label (THP $thp) ..."
	if ! test/rig/guest.sh "$thp" "$out/job.sh" "$out"; then
		bad "guest run $label did not finish"
		return
	fi
	results "$label" "$out/results.log"
	echo "guest: $label took $((SECONDS - t0)) s"
}

# The kernel series, each applied and checkpatch-clean: on 6.12 the two
# objects it changes compiled, on 7.2 and 6.1 a test kernel built
# (cached by key in build/kernel).  First: the selftest (the same file
# in each) goes into every guest's initramfs.
# series [--check] VERSION: a PASS or FAIL line for kernel/build.sh's
# run; its directory in $sdir, empty when it failed.
series() {
	local what="test kernel ready, make bzImage"
	[ "$1" = --check ] && what="mm/madvise.o and mm/khugepaged.o built"
	if sdir=$(kernel/build.sh "$@"); then
		ok "kernel series linux-${!#} applied, checkpatch --strict clean, $what ($(cat "$sdir/build-seconds") s)"
	else
		bad "kernel series linux-${!#}: kernel/build.sh $* failed"
		sdir=
	fi
}
series --check 6.12
series 7.2
k7dir=$sdir
series 6.1
kdir=$sdir

# Debian 13's CRIU 4.1.1 on this machine's kernel, both THP modes.
lane0=$SECONDS
if test/native/lane.sh build/results; then
	for r in native-madvise native-always native-criu4.2-madvise \
		native-criu4.2-always native-zdtm.py native-zdtm.py-criu4.2; do
		results "$r" "build/results/$r/results.log"
	done
else
	bad "native lane: test/native/lane.sh failed"
fi
echo "native lane took $((SECONDS - lane0)) s"

# The CRIU series (criu/): CRIU 4.2.1 with it, built (cached in
# build/criu-series), and its tests natively: zdtm.py with and without
# the plugin, each new test failing with stock criu (criu/test.sh).
cs0=$SECONDS
if criu/test.sh build/results/criu-series >build/results/criu-series.log 2>&1; then
	results criu-series build/results/criu-series.log
else
	results criu-series build/results/criu-series.log
	bad "CRIU series: criu/test.sh failed (see build/results/criu-series.log)"
fi
echo "CRIU series took $((SECONDS - cs0)) s"

# Debian 12: CRIU 3.17.1 on its 6.1 kernel, every test in every mode;
# without the plugin the tests that check what stock CRIU does to huge
# pages (the native lane runs every test without it).
STOCK="thp_coverage thp_flags thp_lazy_coverage thp_prctl"
# The load tests natively only: all four pass here too, but take 118 s
# (docs/guarantees.md).
# redis (apps.sh) with 100,000 keys (117 MiB) where it runs emulated.
# Stock pre-dumps: with THP always (below), and in Debian 13's guest.
# Neither remote-lazy nor migrate: runc's lazy migration (runc.sh lazy)
# takes their path (criu lazy-pages --page-server), and the daemon-killing
# runs and runc.sh lazy-killed kill its page server; two_hosts.sh runs
# the migrate mode and runc's lazy migration between two network
# namespaces.  runc 1.1.5: the containers share the runner's network
# namespace (RUNC_NET, runc.sh).  The Debian package: package.sh.
GUEST=12 guest_suite madvise madvise STOCK_TESTS="$STOCK" SUITE_LOAD=no \
	STOCK_MODES="plain,lazy" ZDTM_REDIS_KEYS=100000 \
	ZDTM_MODES="plain pre lazy pre-lazy" SUITE_PACKAGE=yes SUITE_TWO_HOSTS=yes \
	SUITE_RUNC="usrlib none lazy pre-lazy" RUNC_NET=host \
	NO_MODES="remote-lazy, migrate: natively; here runc's lazy migration and two_hosts.sh take their path"
# With "always" neither the dump and restore faults (they do not depend
# on the THP mode) nor the remote modes: they differ from lazy only in
# where the pages come from (natively both).  Nor pre-lazy: with "always"
# Debian 13's guest runs it, and this CRIU in "madvise" above (for time:
# the CI machine is slower than this one).  redis with 50,000 keys.
# Stock pre-dumps in Debian 13's guest.
GUEST=12 guest_suite always always STOCK_TESTS="$STOCK" SUITE_FAULTS=no \
	ZDTM_REDIS_KEYS=50000 \
	ZDTM_MODES="plain pre lazy" STOCK_MODES="plain,lazy" \
	SUITE_RUNC="libdir lazy-killed redis" RUNC_NET=host \
	NO_MODES="remote-lazy, migrate with THP always: natively; pre-lazy with THP always: Debian 13's guest"
# The test kernel (kernel/): its selftest, the vma strategy (thp_clr) and
# thp_flags, whose "none" advice it can restore; the rest is the same as
# on Debian's 6.1 kernel above.
for thp in madvise always; do
	[ -n "$kdir" ] && GUEST=12 KERNEL=$kdir/bzImage guest_suite \
		"patched-$thp" "$thp" SUITE_TESTS="thp_clr thp_flags" \
		STOCK_TESTS=thp_flags SUITE_EXTRAS=no SUITE_RUNC=no
done
# Debian 13: CRIU 4.1.1 on its 6.12 kernel, what the native lane cannot
# run here (pre-dumps need soft-dirty tracking), on one host thread
# (test/rig/boot.sh -1), so a few tests: not thp_clr (the vma strategy's
# fallback: natively and on 6.1 already), nor thp_lazy_guard (a daemon
# killed: natively), nor thp_record_shmem and thp_lazy_slow (not run in
# the pre modes anyway), nor thp_record and thp_rseq (pre modes: in the
# Debian 12 guest; this CRIU: natively); stock only where 4.x differs
# from 3.17.1.  With "always" only the tests whose huge pages depend on
# the THP mode.
d13_tests() {
	[ "$1" = madvise ] &&
		echo "thp_coverage thp_flags thp_lazy_coverage thp_prctl" ||
		echo "thp_coverage thp_prctl"
}
for thp in madvise always; do
	GUEST=13 guest_suite "debian13-$thp" "$thp" ZDTM_MODES="pre pre-lazy" \
		STOCK_MODES=pre SUITE_EXTRAS=no SUITE_TESTS="$(d13_tests $thp)" \
		STOCK_TESTS="thp_coverage thp_flags thp_prctl" \
		NO_MODES="plain, lazy, remote-lazy, migrate: the native lane runs them with this CRIU on 6.18"
done
# Debian sid: CRIU 4.2.1 on Debian's newest kernel (Linux 7.x), the same
# way: the pre modes the native lane cannot run, and the prctl's three
# states (thp_prctl_modes) and multi-size THP (thp_mthp, by suite.sh)
# on the newest THP code; with "always" only those two (the others'
# pre modes in "always": Debian 13's guest).
sid_tests() {
	[ "$1" = madvise ] &&
		echo "$(d13_tests "$1") thp_prctl_modes" ||
		echo thp_prctl_modes
}
for thp in madvise always; do
	GUEST=sid guest_suite "sid-$thp" "$thp" ZDTM_MODES="pre pre-lazy" \
		STOCK_MODES=pre SUITE_EXTRAS=no SUITE_TESTS="$(sid_tests $thp)" \
		STOCK_TESTS="thp_coverage thp_prctl thp_prctl_modes" \
		NO_MODES="plain, lazy, remote-lazy, migrate: the native lane runs them with this CRIU on 6.18"
done
# The 7.2 test kernel in the sid guest: what the 6.1 one runs, in THP
# madvise only (for time; the vma strategy does not depend on the mode,
# and 6.1's runs take "always"); thp_mthp ran in the sid guests above.
[ -n "$k7dir" ] && GUEST=sid KERNEL=$k7dir/bzImage guest_suite \
	patched7-madvise madvise SUITE_TESTS="thp_clr thp_flags" \
	STOCK_TESTS=thp_flags SUITE_EXTRAS=no SUITE_RUNC=no SUITE_MTHP=no
finish
