#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# zdtmpy.sh OUTDIR [all]
#
# CRIU's own test suite, zdtm.py of CRIU 4.1.1 (scripts/debian13.sh
# source), run natively against Debian 13's criu (test/native/lane.sh
# has set the host up and staged the plugin: run it from there) in three
# settings: stock; the plugin loaded through a CRIU configuration file
# (CRIU_CONFIG_FILE, "libdir ..."), with its default settings; the same
# with strict.  Each in plain and lazy mode (--lazy-pages), flavour h.
# One RESULT line per test, mode and setting (zdtm_run.sh's format);
# nothing may fail with the plugin, and a test that fails without it
# fails the run too: it says the subset or this machine is wrong.
#
# By default a subset: memory, THP, userfaultfd, threads, shared memory,
# process trees.  "all": every static test (a longer run, by hand).
#
# zdtm.py runs each test that is not flagged "suid" as uid 18943; without
# CAP_SYS_RESOURCE (this machine's root lacks it) criu cannot read that
# uid's rlimits and every such dump fails, stock or not.  So the lane
# runs a copy, zdtm_root.py, in which every test runs as root, and which
# starts itself (not zdtm.py) in zdtm_ct.  The source tree is not changed.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: zdtmpy.sh OUTDIR [all]}
which=${2:-subset}
native=$top/build/native
stage=$native/stage

STATIC="maps00 maps04 mprotect00 cow00 thp_disable uffd-events memfd00
	shmemfd pthread00 pthread01 pstree zombie00 stopped"
TRANSITION="lazy-thp fork"

src=$("$top/scripts/debian13.sh" source)
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
	fi
	make -s -k -C "$T/zdtm/static" $STATIC >>"$out/build.log" 2>&1 || true
	[ -z "$TRANSITION" ] ||
		make -s -k -C "$T/zdtm/transition" $TRANSITION >>"$out/build.log" 2>&1 || true
}

# run SETTING MODE: zdtm.py over the tests, its output in OUTDIR.
run() {
	local setting=$1 mode=$2 log=$out/$1.$2.log t args=()
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

prepare
echo "INFO zdtm.py of CRIU $(basename "$src"), $(echo $STATIC $TRANSITION | wc -w) tests, flavour h"
for mode in plain lazy; do
	for setting in stock plugin plugin-strict; do
		run "$setting" "$mode"
	done
done
