#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The test job of `make test`, in a guest or in the native lane: every
# zdtm test in every mode, plus the checks that the rig itself works.
# Prints RESULT lines (zdtm_run.sh) and INFO lines.
#
# Environment (the guest's defaults):
#   ZDTM_MODES   the modes with the plugin (default: all of zdtm_run.sh's)
#   STOCK_MODES  the modes without it, comma separated (plain,pre,lazy)
#   CRIU_CHECK   the options of the criu check that must pass (--all)
#   KERNEL_KIND  patched (the test kernel of kernel/) or stock; default:
#                stock when the guest runs the kernel its modules are for
#   NO_MODES     why the modes this machine cannot run are not here
#   SUITE_TESTS  the tests (default: every one in static/ but the noauto)
#   STOCK_TESTS  those of them also run without the plugin (default: all)
#   SUITE_EXTRAS "no": leave out the runs after the tests (real programs,
#                daemon killed, eager khugepaged, broken flags, failed
#                dumps and restores, full and read-only images
#                directories, restore faults)
#   SUITE_FAULTS "no": leave out the dump and restore faults (they do not
#                depend on the THP mode: run once per CRIU and kernel)
#   SUITE_GUARD  "no": leave out the daemon-killing runs (they need the
#                restore to reach its hook before the transfer ends)
#   SUITE_RUNC   the runc.sh cases to run, where runc is (default: the
#                native lane's, below); the Debian 12 guests name theirs;
#                "no": none (the test kernel: no BPF device cgroup)
#   SUITE_TWO_HOSTS "yes": two_hosts.sh too where SUITE_RUNC names the
#                runc cases (the native lane runs it anyway)
#   SUITE_PACKAGE "yes": install, use and remove the package of make deb
#                with dpkg (package.sh; in a guest only)
#   SUITE_MTHP   "no": leave out thp_mthp (run where the kernel has
#                per-size THP controls)
#   SUITE_LOAD   the load tests with the faults, as TEST:MODES (default:
#                thp_tree and thp_vmas, plain and lazy; "no": none)
Z=$(cd "$(dirname "$0")" && pwd)
: "${STOCK_MODES:=plain,pre,lazy}"
: "${CRIU_CHECK=--all}"
if [ -z "$KERNEL_KIND" ]; then
	KERNEL_KIND=patched
	[ "$(uname -r)" = "$(cat /etc/guest-modules-release 2>/dev/null)" ] &&
		KERNEL_KIND=stock
fi
export KERNEL_KIND

# timed CMD...: run it; an INFO line says how many seconds it took (what
# the test command's time goes to: scripts/run-tests.sh sums them up).
timed() {
	_t0=$(date +%s)
	"$@"
	_rc=$?
	echo "INFO time $(($(date +%s) - _t0)) s: $*" | sed "s|$Z/||g" |
		cut -c1-150
	return $_rc
}

echo "INFO kernel $(uname -r), THP $(cat /sys/kernel/mm/transparent_hugepage/enabled), $(criu --version | head -n1)"
echo "INFO modes: ${ZDTM_MODES:-all}; stock: $STOCK_MODES"
[ -n "$NO_MODES" ] && echo "INFO not here: $NO_MODES"

# The kernel series' selftest: every case passes on the test kernel, and
# skips (no MADV_CLR_HUGEPAGE) on any other.
timed $Z/kernel_selftest.sh $KERNEL_KIND
if setsid criu check $CRIU_CHECK >/tmp/criu-check.log 2>&1; then
	echo "RESULT criu-check ${CRIU_CHECK:--} - PASS"
else
	echo "RESULT criu-check ${CRIU_CHECK:--} - FAIL"
	sed 's/^/LOG /' /tmp/criu-check.log
fi

if [ -z "$SUITE_TESTS" ]; then
	for t in $Z/static/*; do
		case $t in *.desc|*.h) continue ;; esac
		# "noauto": run by a script of its own, as in CRIU's zdtm
		grep -q "'flags':[^}]*[' ]noauto[' ]" "$t.desc" 2>/dev/null &&
			continue
		SUITE_TESTS="${SUITE_TESTS:+$SUITE_TESTS }$(basename "$t")"
	done
fi
echo "INFO tests: $SUITE_TESTS; stock: ${STOCK_TESTS:-all}${SUITE_EXTRAS:+; extras: $SUITE_EXTRAS}"

for t in $SUITE_TESTS; do
	timed $Z/zdtm_run.sh "$t"			# every mode, plugin via -L
	case " ${STOCK_TESTS:-$t} " in
	*" $t "*) timed $Z/zdtm_run.sh -m "$STOCK_MODES" -p none "$t" ;;	# stock criu
	esac
done
# Multi-size THP (Linux 6.8+): 64 KiB folios enabled for thp_mthp alone,
# the control put back after, also when the suite is killed meanwhile.
MTHP=/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled
if [ "$SUITE_MTHP" = no ]; then
	:
elif [ -f $MTHP ]; then
	mthp_was=$(sed -n 's/.*\[\(.*\)\].*/\1/p' $MTHP)
	trap 'echo "$mthp_was" >$MTHP' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	echo always >$MTHP
	mthp_modes=
	[ -n "$ZDTM_MODES" ] && mthp_modes="-m $(echo "$ZDTM_MODES" | tr ' ' ',')"
	timed $Z/zdtm_run.sh $mthp_modes thp_mthp
	timed $Z/zdtm_run.sh -m plain,lazy -p none thp_mthp
	echo "$mthp_was" >$MTHP
	trap - EXIT HUP INT TERM
else
	echo "INFO thp_mthp: not run: $(uname -r) has no per-size THP controls (Linux 6.8)"
fi

# The plugin found through CRIU_LIBS_DIR instead of -L: one test will do.
timed $Z/zdtm_run.sh -m plain,lazy -p env thp_coverage

# runc containers (runc.sh), where runc is: the native lane.  On cgroup
# v2 three cases, a lazy migration between two network namespaces with
# bare criu and with runc (runc.sh's lazy case), and podman (podman.sh);
# with the faults (once per CRIU and kernel, and
# not sanitized: the page server must die before the transfer ends) on
# cgroup v1, the other three and redis as the container's init (THP
# always: redis disables THP for itself).
if ! command -v runc >/dev/null; then
	echo "INFO runc: none here; the runc and two-host tests run in the native lane"
elif [ "$SUITE_RUNC" = no ]; then
	echo "INFO runc: not on this kernel; the Debian 12 guests and the native lane run it"
elif [ -n "$SUITE_RUNC" ]; then
	timed $Z/runc.sh $SUITE_RUNC
	[ "$SUITE_TWO_HOSTS" = yes ] && timed $Z/two_hosts.sh
elif [ "$SUITE_FAULTS" = no ]; then
	timed $Z/runc.sh usrlib none deleted
	timed $Z/two_hosts.sh
	command -v podman >/dev/null && timed $Z/podman.sh
else
	timed env RUNC_CGROUP=v1 $Z/runc.sh libdir lazy lazy-killed redis
fi
# The Debian package installed, used and removed with dpkg (a guest's
# root is its own; natively it would be this machine's).
[ "$SUITE_PACKAGE" = yes ] && timed $Z/package.sh
[ "$SUITE_EXTRAS" = no ] && exit 0

# Real programs: redis (with jemalloc's advice), python3 with glibc's
# hugetlb tunable; the cases of this THP mode.
if command -v redis-server >/dev/null; then
	timed $Z/apps.sh
else
	echo "INFO apps: no redis-server here"
fi

# A lazy-pages daemon (or page server) killed in the middle of the
# transfer: with the plugin the task is stopped (or killed), never fed a
# zero page; stock CRIU feeds it zero pages.
if [ "$SUITE_GUARD" != no ]; then
	timed $Z/zdtm_run.sh -m lazy -k lazy-pages thp_lazy_guard
	timed $Z/zdtm_run.sh -m remote-lazy -k page-server thp_lazy_guard
	timed env CRIU_THP_GUARD=kill $Z/zdtm_run.sh -m lazy -k lazy-pages thp_lazy_guard
	timed $Z/zdtm_run.sh -m lazy -p none -k lazy-pages thp_lazy_guard
	# a thread inside a system call on a missing page cannot stop
	timed $Z/zdtm_run.sh -m lazy -k lazy-pages thp_lazy_guard_sys
fi

# khugepaged scanning without a pause: every moment a restore lets it see
# a small chunk of an hg VMA with THP enabled, it collapses it.  Pages a
# lazy restore sends are the task's own (not shared with a parent), so
# nothing else stops it.  The record tests' tasks have THP disabled.
K=/sys/kernel/mm/transparent_hugepage/khugepaged
sleep_ms=$(cat $K/scan_sleep_millisecs) pages=$(cat $K/pages_to_scan)
echo 0 >$K/scan_sleep_millisecs
echo 65536 >$K/pages_to_scan
timed $Z/zdtm_run.sh -m lazy,remote-lazy thp_record thp_record_shmem |
	sed 's/^RESULT \([^ ]*\)/RESULT \1+eager-khugepaged/'
echo "$sleep_ms" >$K/scan_sleep_millisecs
echo "$pages" >$K/pages_to_scan

# The tests can fail: break what thp_flags checks, from outside, after restore.
timed $Z/zdtm_run.sh -m plain -a $Z/tools/flip_none_to_hg.sh -e thp_flags

# Recording when maps cannot be read, strict, bad config, failed dumps.
timed $Z/record_failures.sh

# Restores that cannot be exact: a corrupt record, with and without strict.
timed $Z/restore_failures.sh

[ "$SUITE_FAULTS" = no ] && exit 0

# Dumps into a full or read-only images directory.
timed $Z/dump_faults.sh

# Faults during a lazy restore: the monitor killed, collapses failing,
# criu killed, the images directory read-only.
timed $Z/restore_faults.sh

# Three lazy restores at once, one daemon killed: each monitor guards its
# own daemon.
timed $Z/concurrent.sh 3

# 32-bit (compat) tasks: what the plugin injects takes i386's numbers.
if ! criu check --feature compat_cr >/dev/null 2>&1; then
	echo "INFO compat: this criu cannot dump 32-bit tasks (criu check --feature compat_cr): the _m32 tests not run"
elif [ ! -e /lib/ld-linux.so.2 ]; then
	echo "INFO compat: no 32-bit C library here (/lib/ld-linux.so.2): the _m32 tests not run"
else
	timed $Z/zdtm_run.sh -m plain,lazy thp_prctl_m32 thp_flags_m32
fi

# Signals pending while blocked, through the plugin's injections.
timed $Z/zdtm_run.sh -m plain,lazy thp_sigpending thp_sigstopped

# A criu without CAP_SYS_NICE; criu --unprivileged (CRIU 4.0 and later).
timed $Z/restricted.sh

# Load: a tree of 100 tasks, a task with 20,000 VMAs.
[ "$SUITE_LOAD" = no ] && SUITE_LOAD=
for l in ${SUITE_LOAD-thp_tree:plain,lazy thp_vmas:plain,lazy}; do
	timed $Z/zdtm_run.sh -m "${l#*:}" "${l%%:*}"
done
# More lazy tasks than the guard once held userfaultfds of (64), the page
# server slowed: none stopped, every one in the report and exact; and
# with the page server killed, every one caught.
if [ "${SUITE_LOAD-default}" ] && case " $ZDTM_MODES " in
	*" remote-lazy "*) true ;; *) false ;; esac; then
	for n in 100 300; do
		timed env THP_TREE_TASKS=$n ZDTM_SLOW=page-server ZDTM_TAG=$n \
			$Z/zdtm_run.sh -m remote-lazy thp_tree
		# and the page server killed once criu restore is done, every
		# task still owed pages (shapes that the hooks need not fetch
		# through the daemon slowed to 2 %): each one caught
		[ "$SUITE_GUARD" != no ] &&
			timed env THP_TREE_NO_STOP=1 THP_TREE_TASKS=$n \
				ZDTM_TAG=$n ZDTM_KILL_KB=0 ZDTM_SLOW_PCT=2 \
				$Z/zdtm_run.sh -m remote-lazy -k page-server thp_tree
	done
fi
