#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# host.sh THP_MODE CMD [ARG...]
#
# Run CMD natively with Debian 13's CRIU 4.1.1, runc, podman and redis
# (scripts/debian13.sh, unpacked under build/, nothing installed) first
# in PATH - with DEBIAN_SUITE=sid, Debian sid's CRIU 4.2.1 alone; with
# CRIU_BIN=PATH, that criu instead (criu/build.sh's, 4.2.1 with the
# series) - this project's test tree staged in build/native/stage
# (test/rig/stage.sh:
# PLUGIN_DIR, BENCH_DIR and criu-thp, also as CRIU_THP_MONITOR), and the
# host set up for it.  Expects `make all zdtm` (and bench-bin for the
# benchmarks) to have run.
#
# What it changes on the host for CMD, and puts back after:
#   - /sys/kernel/mm/transparent_hugepage/enabled: THP_MODE;
#   - fs.nr_open, lowered to the hard RLIMIT_NOFILE: criu 4.x raises its
#     own limit to nr_open, which fails without CAP_SYS_RESOURCE (this
#     machine's root lacks it) and logs an Error;
#   - fs.pipe-max-size, raised to 4 MiB: criu's lazy page server sizes its
#     pipe past 1 MiB, which only CAP_SYS_RESOURCE may do beyond the
#     limit; without it the remote lazy modes fail for stock criu too
#     ("page-pipe: splice: -1: Bad file descriptor").
# CMD runs in a mount namespace of its own (its bind mounts stay there)
# under a child subreaper (test/native/reaper.c) that reaps what criu
# leaves at once: this machine's pid 1 reaps orphans only every few
# seconds, and a restore races the dumped task's zombie for its pid.
#
# SAN=1 stages the plugin and criu-thp of `make SAN=1 B=build/san` (ASan
# and UBSan) instead, and runs criu with the sanitizers' runtime: every
# report in SAN_LOG (default build/native/san-log), one file a process.
#
# criu runs with CRIU_FAULT=130 (CRIU's FI_NO_BREAKPOINTS): compel stops a
# task at the end of its parasite or restorer code with a hardware
# breakpoint (ptrace's debug registers) unless told not to, and on this
# machine such breakpoints never fire - a dump waits forever after "Sent
# msg to daemon 3".  130 makes compel trace syscalls instead, as it does
# where there are no breakpoints.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

# SAN=1: criu as a wrapper that preloads the sanitizers' runtime (criu is
# not built with them; the plugin is, and needs it first; Debian 13's,
# built for criu's C library: with the host's, criu hung at exit, in
# freelocale(), after dumps that found /proc/kpageflags unreadable), its
# own leaks
# not counted, and SIGSEGV left to criu (its kerndat probes fault on
# purpose in children); the monitor as a wrapper that counts leaks.
# Every report goes to a file in $SAN_LOG.
sanitized() {
	local asan
	asan=$("$top/scripts/debian13.sh" sanitizers)/usr/lib/x86_64-linux-gnu/libasan.so.8
	[ -f "$asan" ] || { echo "host.sh: no $asan" >&2; exit 2; }
	: "${SAN_LOG:=$native/san-log}"
	mkdir -p "$SAN_LOG"
	export ASAN_OPTIONS="log_path=$SAN_LOG/asan:handle_segv=0"
	export UBSAN_OPTIONS="log_path=$SAN_LOG/ubsan:print_stacktrace=1"
	cat >"$native/bin/criu" <<-EOF
	#!/bin/bash
	export LD_PRELOAD=$asan
	export ASAN_OPTIONS=\$ASAN_OPTIONS:detect_leaks=0
	exec -a criu "$croot/usr/sbin/criu" "\$@"
	EOF
	cat >"$native/bin/criu-thp-monitor" <<-EOF
	#!/bin/bash
	unset LD_PRELOAD
	export ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=1
	exec -a criu-thp "$stage/usr/local/bin/criu-thp" "\$@"
	EOF
	chmod +x "$native/bin/criu" "$native/bin/criu-thp-monitor"
}
thp=${1:?usage: host.sh THP_MODE CMD [ARG...]}
shift
[ $# -gt 0 ] || { echo "usage: host.sh THP_MODE CMD [ARG...]" >&2; exit 2; }

SYS_THP=/sys/kernel/mm/transparent_hugepage/enabled
PIPE_MAX=4194304

if [ "${DEBIAN_SUITE:-trixie}" = trixie ]; then
	croot=$("$top/scripts/debian13.sh" podman)	# criu, runc and podman
	"$top/scripts/debian13.sh" redis >/dev/null	# and redis, the same tree
else
	# DEBIAN_SUITE=sid: that suite's criu (4.2.1) alone
	[ "${SAN:-}" != 1 ] ||
		{ echo "host.sh: SAN=1 only with Debian 13's criu" >&2; exit 2; }
	croot=$("$top/scripts/debian13.sh" criu)
fi
native=$top/build/native
stage=$native/stage
rm -rf "$stage" "$native/bin"
mkdir -p "$native/bin"
if [ "${SAN:-}" = 1 ]; then
	STAGE_PLUGIN=$top/build/san/thp_plugin.so \
		STAGE_CMD=$top/build/san/criu-thp "$top/test/rig/stage.sh" "$stage"
	sanitized
else
	"$top/test/rig/stage.sh" "$stage"
	ln -sfn "${CRIU_BIN:-$croot/usr/sbin/criu}" "$native/bin/criu"
fi
for b in usr/sbin/runc usr/bin/podman usr/bin/redis-server usr/bin/redis-cli \
	usr/bin/redis-benchmark; do
	if [ -e "$croot/$b" ]; then
		ln -sfn "$croot/$b" "$native/bin/${b##*/}"
	fi
done

thp_was=$(sed 's/.*\[\(.*\)\].*/\1/' $SYS_THP)
nr_open_was=$(cat /proc/sys/fs/nr_open)
pipe_was=$(cat /proc/sys/fs/pipe-max-size)
put_back() {
	# cgroups a test slowed a daemon in (procs.sh cpu_limit), if left
	rmdir /sys/fs/cgroup/cpu/criu-thp-slow.* 2>/dev/null || true
	echo "$thp_was" >$SYS_THP
	echo "$nr_open_was" >/proc/sys/fs/nr_open
	echo "$pipe_was" >/proc/sys/fs/pipe-max-size
}
trap put_back EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
hard=$(ulimit -Hn)
[ "$nr_open_was" -le "$hard" ] || echo "$hard" >/proc/sys/fs/nr_open
[ "$pipe_was" -ge $PIPE_MAX ] || echo $PIPE_MAX >/proc/sys/fs/pipe-max-size
echo "$thp" >$SYS_THP

export PATH="$native/bin:$stage/usr/local/bin:$PATH"
export PLUGIN_DIR=$stage/opt/criu-thp/lib
export BENCH_DIR=$stage/opt/criu-thp/bench
export ZDTM_DIR=$stage/opt/criu-thp/zdtm
export CRIU_THP_MONITOR=$stage/usr/local/bin/criu-thp
[ "${SAN:-}" = 1 ] && CRIU_THP_MONITOR=$native/bin/criu-thp-monitor
export CRIU_FAULT=130
unshare --mount --propagation private "$native/reaper" "$@"
