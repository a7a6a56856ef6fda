#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# restricted.sh: the plugin in a criu with fewer privileges than root's.
#   no-sys-nice   criu without CAP_SYS_NICE (setpriv drops it from the
#                 bounding and inheritable sets of the runner, the tests
#                 and criu; still uid 0): the kernel
#                 refuses process_madvise() on another process, so the
#                 plugin and its monitor inject madvise() instead.
#                 thp_coverage and thp_prctl through zdtm_run.sh, plain
#                 and lazy: each must end exact (the runner's verify and
#                 the monitor's report), and restore.log must say why,
#                 once.
#   unprivileged  CRIU 4.0 and later: criu --unprivileged as nobody with
#                 CAP_CHECKPOINT_RESTORE alone, on thp_coverage run as
#                 nobody (small form), plain (4.1.1 has no lazy pages
#                 when unprivileged).  The plugin's files must not be
#                 open to others; the restored task must be exact
#                 with the plugin and not exact without it, and pass.
# RESULT lines as zdtm_run.sh.

Z=$(cd "$(dirname "$0")" && pwd)
LIB=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${ZDTM_WORK:-/tmp/zdtm}/restricted
NOBODY=65534
. "$Z/procs.sh"
. "$Z/results.sh"

CRIU_BIN=$(command -v criu)
# util-linux's: the guests' busybox sh would run its own applet, which
# has no --bounding-set, before anything on PATH.
SETPRIV=/usr/bin/setpriv
no_sys_nice() {
	local t m r log why
	# The tests too: criu cannot restore a capability it lacks.
	$SETPRIV --inh-caps=-sys_nice --bounding-set=-sys_nice \
		"$Z/zdtm_run.sh" -w "$W/no-nice" -m plain,lazy \
		thp_coverage thp_prctl thp_inject_threads >"$W/no-nice.out" 2>&1
	while read -r r t m p rest; do
		[ "$r" = RESULT ] || continue
		log=$W/no-nice/$t.$m.plugin/img/restore.log
		why=
		case "$rest" in
		PASS*)	;;
		*)	why="zdtm_run.sh: $rest" ;;
		esac
		if [ -z "$why" ] && [ "$(grep -c 'criu has no CAP_SYS_NICE' "$log")" != 1 ]; then
			why="restore.log does not say once that criu has no CAP_SYS_NICE"
		elif [ -z "$why" ] && [ "$m" = lazy ] &&
			! grep -q 'no CAP_SYS_NICE: each task is stopped' "${log%/*}/thp-monitor.log"; then
			why="thp-monitor.log does not say it injects"
		fi
		result_line "$m" "no-sys-nice:$t" "$why" "exact through injected madvise()" \
			"$log"
	done <"$W/no-nice.out"
	grep '^LOG' "$W/no-nice.out" | head -n 20
	grep -q '^RESULT' "$W/no-nice.out" && return
	echo "RESULT no-sys-nice - plugin FAIL no result from zdtm_run.sh under setpriv"
	tail -n 5 "$W/no-nice.out" | sed 's/^/LOG no-sys-nice: /'
}

# as_nobody CMD...: CMD as nobody; with CAP_CHECKPOINT_RESTORE when
# CAPS is set.
as_nobody() {
	$SETPRIV --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		${CAPS:+--inh-caps=+checkpoint_restore --ambient-caps=+checkpoint_restore} \
		"$@"
}

# A file of the plugin readable or writable by others ($1: directory).
open_to_others() {
	find "$1" -maxdepth 1 -name 'thp-*' -perm /066 -printf '%f %m\n' |
		head -n 3 | tr '\n' ' '
}

# unpriv_restore LABEL [-L LIB]: restore $d/img as nobody; $pid runs.
unpriv_restore() {
	local label=$1
	shift
	CAPS=1 as_nobody "$CRIU_BIN" restore --unprivileged -v4 "$@" \
		-D "$d/img" -o "restore-$label.log" -d >/dev/null 2>&1
}

# unprivileged: thp_coverage (small form) run as nobody, dumped and
# restored by criu --unprivileged, stock then with the plugin.  Plain
# only: CRIU 4.1.1 has no lazy pages when unprivileged (its kerndat skips
# the userfaultfd probe, criu/kerndat.c:1319; `criu lazy-pages` then
# exits 1 without a word, criu/uffd.c:1416).
unprivileged() {
	local mode=plain why= exact stock
	d=$W/unprivileged
	mkdir -p "$d/img"
	chown -R $NOBODY:$NOBODY "$d"
	# No new privileges for the test: this machine's bounding set lacks
	# CAP_SYS_RESOURCE, and criu's restorer, without CAP_SETPCAP, may
	# leave a capability in a task's bounding set only under NNP.
	if ! as_nobody --no-new-privs env THP_EXPECT=exact THP_SMALL=1 \
		"$Z/static/thp_coverage" --pidfile="$d/test.pid" \
		--outfile="$d/test.out"; then
		result_line "$mode" unprivileged "the test does not start as nobody" ""
		return
	fi
	pid=$(cat "$d/test.pid")
	if ! CAPS=1 as_nobody "$CRIU_BIN" dump --unprivileged -v4 -L "$LIB" \
		-D "$d/img" -o dump.log -t "$pid" >/dev/null 2>&1; then
		why="criu dump --unprivileged failed"
	elif [ -n "$(open_to_others "$d/img")" ]; then
		why="open to others: $(open_to_others "$d/img")"
	elif ! unpriv_restore stock; then
		why="stock criu restore --unprivileged failed"
	else
		stock=$(criu-thp verify -D "$d/img" --pid "$pid" 2>&1 | tail -n 1)
		kill -9 "$pid"
		wait_gone "$pid"
		# the monitor collapses after the restore (async): verify
		# once it is done, or the runner races it (and its kill_tree
		# below killed the task under the monitor's injections)
		if ! unpriv_restore plugin -L "$LIB"; then
			why="criu restore --unprivileged with the plugin failed"
		elif ! wait_gone $(monitor_pids "$d/img"); then
			why="the monitor still runs after 60 s"
		elif ! exact=$(criu-thp verify -D "$d/img" --pid "$pid" 2>&1); then
			why="not exact: $(echo "$exact" | tail -n 3 | tr '\n' ' ')"
		elif echo "$stock" | grep -q '^exact'; then
			why="the stock restore was exact too: the test proves nothing"
		elif [ -n "$(open_to_others "$d/img")" ]; then
			why="open to others: $(open_to_others "$d/img")"
		elif grep -q Error "$d"/img/*.log; then
			why="errors in criu's logs"
		else
			kill -TERM "$pid"
			wait_gone "$pid"
			grep -q PASS "$d/test.out" || why="the restored test did not PASS"
		fi
	fi
	kill_tree "$pid"
	result_line "$mode" unprivileged "$why" "exact as nobody with CAP_CHECKPOINT_RESTORE; stock: $stock" \
		"$d"/img/*.log "$d/test.out"
	rm -f "$d"/img/pages-*.img
}

rm -rf "$W"
mkdir -p "$W"
if [ ! -x $SETPRIV ]; then
	echo "RESULT restricted - - FAIL no setpriv (util-linux) on this system"
	exit 0
fi
no_sys_nice
if criu --help 2>&1 | grep -q -- --unprivileged; then
	unprivileged
else
	echo "RESULT unprivileged - - SKIP $(criu --version | head -n 1) has no --unprivileged (CRIU 4.0 and later)"
fi
