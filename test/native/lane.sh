#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lane.sh OUTROOT [THP_MODE...]
#
# The native lane: Debian 13's CRIU 4.1.1 (scripts/debian13.sh, unpacked
# under build/, nothing installed) on this machine's own kernel, running
# test/zdtm/suite.sh once per THP mode (default: madvise always) with its
# results in OUTROOT/native-<mode>/results.log, as a guest run has them;
# then CRIU's own zdtm.py with and without the plugin (zdtmpy.sh, THP
# madvise) into OUTROOT/native-zdtm.py/results.log.  ZDTMPY=no leaves
# zdtm.py out, ZDTMPY=all runs its whole static suite.  Expects `make all
# zdtm` to have run.
#
# What it changes on the host for the run, and puts back at the end:
#   - /sys/kernel/mm/transparent_hugepage/enabled: the THP mode;
#   - fs.nr_open, lowered to the hard RLIMIT_NOFILE: criu 4.x raises its
#     own limit to nr_open, which fails without CAP_SYS_RESOURCE (this
#     machine's root lacks it) and logs an Error;
#   - fs.pipe-max-size, raised to 4 MiB: criu's lazy page server sizes its
#     pipe past 1 MiB, which only CAP_SYS_RESOURCE may do beyond the
#     limit; without it the remote lazy modes fail for stock criu too
#     ("page-pipe: splice: -1: Bad file descriptor").
# The suite runs in a mount namespace of its own (its bind mounts stay
# there) under a child subreaper (test/native/reaper.c) that reaps what
# criu leaves at once: this machine's pid 1 reaps orphans only every few
# seconds, and a restore races the dumped task's zombie for its pid.
# Pre-dumps need soft-dirty tracking, which this kernel lacks: pre and
# pre-lazy run in the Debian 13 guest instead.
#
# criu runs with CRIU_FAULT=130 (CRIU's FI_NO_BREAKPOINTS): compel stops a
# task at the end of its parasite or restorer code with a hardware
# breakpoint (ptrace's debug registers) unless told not to, and on this
# machine such breakpoints never fire - a dump waits forever after "Sent
# msg to daemon 3".  130 makes compel trace syscalls instead, as it does
# where there are no breakpoints.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
outroot=${1:?usage: lane.sh OUTROOT [THP_MODE...]}
shift
mkdir -p "$outroot"
outroot=$(cd "$outroot" && pwd)
modes=("$@")
[ $# -gt 0 ] || modes=(madvise always)

SYS_THP=/sys/kernel/mm/transparent_hugepage/enabled
PIPE_MAX=4194304

croot=$("$top/scripts/debian13.sh" criu)
native=$top/build/native
stage=$native/stage
rm -rf "$stage"
"$top/test/rig/stage.sh" "$stage"
mkdir -p "$native/bin"
ln -sfn "$croot/usr/sbin/criu" "$native/bin/criu"

thp_was=$(sed 's/.*\[\(.*\)\].*/\1/' $SYS_THP)
nr_open_was=$(cat /proc/sys/fs/nr_open)
pipe_was=$(cat /proc/sys/fs/pipe-max-size)
put_back() {
	echo "$thp_was" >$SYS_THP
	echo "$nr_open_was" >/proc/sys/fs/nr_open
	echo "$pipe_was" >/proc/sys/fs/pipe-max-size
}
trap put_back EXIT
hard=$(ulimit -Hn)
[ "$nr_open_was" -le "$hard" ] || echo "$hard" >/proc/sys/fs/nr_open
[ "$pipe_was" -ge $PIPE_MAX ] || echo $PIPE_MAX >/proc/sys/fs/pipe-max-size

no_modes=
if ! "$native/bin/criu" check --feature mem_dirty_track >/dev/null 2>&1; then
	no_modes="pre, pre-lazy: $(uname -r) has no soft-dirty tracking (criu check --feature mem_dirty_track fails); they run in the Debian 13 guest"
fi

for thp in "${modes[@]}"; do
	out=$outroot/native-$thp
	rm -rf "$out"
	mkdir -p "$out/work"
	echo "$thp" >$SYS_THP
	env PATH="$native/bin:$stage/usr/local/bin:$PATH" \
		PLUGIN_DIR="$stage/opt/criu-thp/lib" \
		CRIU_THP_MONITOR="$stage/usr/local/bin/criu-thp" \
		ZDTM_WORK="$out/work" \
		ZDTM_MODES="plain lazy remote-lazy migrate" \
		STOCK_MODES="plain,lazy,remote-lazy,migrate" \
		CRIU_CHECK="" KERNEL_KIND=stock NO_MODES="$no_modes" \
		CRIU_FAULT=130 \
		unshare --mount --propagation private \
		"$top/build/native/reaper" "$stage/opt/criu-thp/zdtm/suite.sh" \
		>"$out/results.log" 2>"$out/console.log" </dev/null ||
		echo "RESULT native-suite $thp - FAIL suite.sh exited $?" >>"$out/results.log"
done

[ "${ZDTMPY:-}" = no ] && exit 0
out=$outroot/native-zdtm.py
rm -rf "$out"
mkdir -p "$out"
echo madvise >$SYS_THP
CRIU_FAULT=130 "$top/test/native/zdtmpy.sh" "$out" ${ZDTMPY:-} \
	>"$out/results.log" 2>"$out/console.log" </dev/null ||
	echo "RESULT native-zdtm.py - - FAIL zdtmpy.sh exited $?" >>"$out/results.log"
