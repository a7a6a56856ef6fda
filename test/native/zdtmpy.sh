#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# zdtmpy.sh OUTDIR [all | static-test...]
#
# CRIU's own test suite, zdtm.py of CRIU 4.1.1 (scripts/debian13.sh
# source; with DEBIAN_SUITE=sid, 4.2.1's), run natively against that
# criu (test/native/lane.sh
# has set the host up and staged the plugin: run it from there) in three
# settings: stock; the plugin loaded through a CRIU configuration file
# (CRIU_CONFIG_FILE, "libdir ..."), with its default settings; the same
# with strict.  Each in plain and lazy mode (--lazy-pages), flavour h.
# One RESULT line per test, mode and setting (zdtm_run.sh's format),
# and per mode and plugin setting one for the rule: nothing fails with
# the plugin that passes without it.  In the subset a test that fails
# without the plugin fails the run too: the subset or this machine is
# wrong; for "all" the rule is what counts.
#
# By default a subset: memory, THP, userfaultfd, threads, shared memory,
# process trees.  "all": every static test (a longer run, by hand).
# Names instead: just those static tests.  ZDTMPY_MODES: the modes
# (default "plain lazy"); ZDTMPY_SETTINGS: the settings (default "stock
# plugin plugin-strict"); ZDTMPY_REUSE=1: see run().  ZDTMPY_SRC: another
# CRIU tree to take zdtm.py and the tests from (criu/test.sh: 4.2.1 with
# the series), and ZDTMPY_EXTRA: static tests added to the subset.
#
# zdtm.py runs each test that is not flagged "suid" as uid 18943; without
# CAP_SYS_RESOURCE (this machine's root lacks it) criu cannot read that
# uid's rlimits and every such dump fails, stock or not.  So the lane
# runs a copy, zdtm_root.py, in which every test runs as root, and which
# starts itself (not zdtm.py) in zdtm_ct.  The source tree is not changed.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: zdtmpy.sh OUTDIR [all | static-test...]}
shift
which=${1:-subset}
native=$top/build/native
stage=$native/stage

STATIC="maps00 mprotect00 thp_disable uffd-events memfd00 shmemfd pthread00
	pstree zombie00 stopped ${ZDTMPY_EXTRA:-}"
TRANSITION="lazy-thp fork"

NAMED="$*"
src=${ZDTMPY_SRC:-$("$top/scripts/debian13.sh" source)}
T=$src/test
mkdir -p "$out"
out=$(cd "$out" && pwd)

prepare() {
	sed -e 's/^        if not test_flag(self.__desc, .suid.):$/        if False:  # criu-thp: every test as root/' \
	    -e 's|\["./zdtm_ct", "zdtm.py"\]|["./zdtm_ct", "zdtm_root.py"]|' \
	    "$T/zdtm.py" >"$T/zdtm_root.py"
	chmod +x "$T/zdtm_root.py"
	[ "$(grep -c 'criu-thp: every test as root\|"zdtm_root.py"' "$T/zdtm_root.py")" = 2 ] ||
		{ echo "zdtmpy: zdtm.py changed: the root copy cannot be made" >&2; return 1; }
	make -s -C "$T/zdtm/lib" >"$out/build.log" 2>&1
	if [ "$which" = all ]; then
		STATIC=$(cd "$T/zdtm/static" && ls *.desc *.c 2>/dev/null |
			sed 's/\..*//' | sort -u | tr '\n' ' ')
		TRANSITION=
	elif [ "$which" != subset ]; then
		STATIC=$NAMED
		TRANSITION=
	fi
	make -s -k -C "$T/zdtm/static" $STATIC >>"$out/build.log" 2>&1 || true
	[ -z "$TRANSITION" ] ||
		make -s -k -C "$T/zdtm/transition" $TRANSITION >>"$out/build.log" 2>&1 || true
}

# run SETTING MODE: zdtm.py over the tests, its output in OUTDIR.  With
# ZDTMPY_REUSE=1 a log that zdtm.py finished (its last line the verdict
# banner) is read again instead (a long run taken up where it stopped).
run() {
	local setting=$1 mode=$2 log=$out/$1.$2.log t args=()
	if [ "${ZDTMPY_REUSE:-}" = 1 ] &&
	   tail -n 1 "$log" 2>/dev/null | grep -q '^#* \(PASS\|FAIL\) #*$'; then
		verdicts "$setting" "$mode" "$log"
		return
	fi
	for t in $STATIC; do args+=(-t "zdtm/static/$t"); done
	for t in $TRANSITION; do args+=(-t "zdtm/transition/$t"); done
	[ "$mode" = lazy ] && args+=(--lazy-pages)
	echo "libdir $stage/opt/criu-thp/lib" >"$out/plugin.conf"
	(
		cd "$T"
		export PATH=/usr/bin:$PATH	# Debian's python3, with yaml
		export CRIU_THP_MONITOR=$stage/usr/local/bin/criu-thp
		unset CRIU_THP_STRICT CRIU_CONFIG_FILE
		[ "$setting" = stock ] || export CRIU_CONFIG_FILE=$out/plugin.conf
		[ "$setting" = plugin-strict ] && export CRIU_THP_STRICT=yes
		rm -rf dump
		timeout 1800 /usr/bin/python3 zdtm_root.py run "${args[@]}" -f h \
			--criu-bin "$native/bin/criu" --keep-going -k always
	) >"$log" 2>&1 </dev/null || true
	verdicts "$setting" "$mode" "$log"
	loaded "$setting" "$mode"
	rm -rf "$T/dump"
}

# One RESULT line per test from zdtm.py's output.
verdicts() {
	local setting=$1 mode=$2 log=$3 t name
	for t in $STATIC $TRANSITION; do
		name=zdtm/static/$t
		case " $TRANSITION " in *" $t "*) name=zdtm/transition/$t ;; esac
		if grep -q "^ \* $name(" "$log"; then
			echo "RESULT zdtm.py:$t $mode $setting FAIL (see $log)"
			# head closes the pipe early: no SIGPIPE failure
			{ sed -n "\|Test $name FAIL|,/^====/p" "$log" |
				head -n 20 | sed 's/^/LOG /'; } || true
		elif grep -q "^Skipping $name " "$log"; then
			echo "RESULT zdtm.py:$t $mode $setting PASS ($(grep -m1 "^Skipping $name " "$log"))"
		elif grep -q "Test $name PASS" "$log"; then
			echo "RESULT zdtm.py:$t $mode $setting PASS"
		else
			echo "RESULT zdtm.py:$t $mode $setting FAIL no verdict (see $log)"
		fi
	done
}

# Every dump and restore log kept must show the plugin loaded, or not.
loaded() {
	local setting=$1 mode=$2 logs with want
	logs=$(find "$T/dump" -name dump.log -o -name restore.log 2>/dev/null |
		wc -l || true)
	with=$(grep -l 'thp: criu-thp .* loaded for' -r "$T/dump" \
		--include=dump.log --include=restore.log | wc -l || true)
	want=$logs
	[ "$setting" = stock ] && want=0
	if [ "$logs" -gt 0 ] && [ "$with" = "$want" ]; then
		echo "RESULT zdtm.py-plugin-loaded $mode $setting PASS ($with of $logs criu logs show the plugin)"
	else
		echo "RESULT zdtm.py-plugin-loaded $mode $setting FAIL ($with of $logs criu logs show the plugin)"
	fi
}

# The rule: nothing fails with the plugin that passes without it.
no_regression() {
	local mode=$1 setting=$2 t bad=
	for t in $STATIC $TRANSITION; do
		grep -q "^RESULT zdtm.py:$t $mode stock PASS" "$out/verdicts" &&
			grep -q "^RESULT zdtm.py:$t $mode $setting FAIL" "$out/verdicts" &&
			bad="$bad $t"
	done
	if [ -z "$bad" ]; then
		echo "RESULT zdtm.py-no-regression $mode $setting PASS ($(grep -c "^RESULT zdtm.py:[^ ]* $mode $setting PASS" "$out/verdicts") pass, $(grep -c "^RESULT zdtm.py:[^ ]* $mode stock FAIL" "$out/verdicts") fail without the plugin too)"
	else
		echo "RESULT zdtm.py-no-regression $mode $setting FAIL (fail with the plugin only:$bad)"
	fi
}

prepare
echo "INFO zdtm.py of CRIU $(basename "$src"), $(echo $STATIC $TRANSITION | wc -w) tests, flavour h"
MODES=${ZDTMPY_MODES:-plain lazy}
SETTINGS=${ZDTMPY_SETTINGS:-stock plugin plugin-strict}
for mode in $MODES; do
	for setting in $SETTINGS; do
		run "$setting" "$mode"
	done
done | tee "$out/verdicts"
for mode in $MODES; do
	for setting in $SETTINGS; do
		[ "$setting" = stock ] || no_regression "$mode" "$setting"
	done
done
