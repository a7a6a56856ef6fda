#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# runc.sh [CASE...]: a runc container whose init is a zdtm test
# (thp_coverage: hg, nh and unadvised regions, huge and small), made
# from a bundle of our own (busybox, the test and its libraries; no
# registry), checkpointed and restored with `runc checkpoint` and `runc
# restore`.  runc drives `criu swrk`, which takes no plugin directory
# and, under podman, no environment: the plugin must come from CRIU's
# default directory or a `libdir` line of /etc/criu/runc.conf, and its
# settings from /etc/criu/thp.conf.  So runc runs here without any
# CRIU_THP_* or CRIU_LIBS_DIR variable, and every case writes the files
# it needs (and puts back what was there).  Cases (default: all):
#   usrlib       the plugin installed in /usr/lib/criu/: the restored
#                container is verified exact (criu-thp verify), and its
#                test passes (data, advice and huge pages as at dump)
#   libdir       the same with the plugin found through runc.conf
#   none         neither: no plugin in criu's log, and the restored
#                container is not exact (stock CRIU's THP state)
#   deleted      usrlib, the images directory removed right after the
#                restore, as podman does (without --keep): the monitor,
#                still at work, writes its report to /run/criu-thp
#   lazy         lazy migration, runc's way: `runc checkpoint
#                --lazy-pages --page-server 127.0.0.1:PORT` serves the
#                pages, `criu lazy-pages` fetches them into a copy of the
#                images, `runc restore --lazy-pages` under a new name.
#                The monitor's report shows the guard and the chunks
#                collapsed during postcopy; the monitor is not in the
#                container's cgroups; verify exact, test passes
#   pre-lazy     lazy after a pre-dump: `runc checkpoint --pre-dump`
#                into pre/, then the lazy checkpoint with --parent-path
#                ../pre; CRIU restores what the pre-dump has at once, the
#                rest lazily; report and verify exact
#   lazy-killed  lazy, the page server killed mid-transfer: the
#                container's task is stopped, not fed zero pages
#   redis        usrlib with Debian 12's redis-server as the container's
#                init instead of a test, filled over its socket: every
#                key back, THP_enabled as redis set it, verify exact
# RESULT lines as zdtm_run.sh (mode "runc", or "runc-v1").

# RUNC_CGROUP=v2 (default) or v1: the cgroup version runc and criu use
# (v2 as containers.sh's cgroup_v2 sets it up).  RUNC_NET=host: the
# containers share the network namespace of the runner (the Debian 12
# guest: CRIU 3.17.1 fails to dump a new one there, "-22 reported by
# netlink" as it dumps the namespace's links).
Z=$(cd "$(dirname "$0")" && pwd)
. "$Z/containers.sh"
[ "${RUNC_CGROUP:=v2}" = v2 ] && cgroup_v2 "$0" "$@"
LIB=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${ZDTM_WORK:-/tmp/zdtm}/runc
PORT=27277
# Two hosts (two_hosts.sh): the lazy cases' source side (runc run and
# checkpoint, the page server) in network namespace ZDTM_NET_SRC, their
# destination (criu lazy-pages, runc restore) in ZDTM_NET_DST, joined at
# ZDTM_ADDR, the source's address.
ADDR=${ZDTM_ADDR:-127.0.0.1}
SRC= DST=
[ -n "$ZDTM_NET_SRC" ] && SRC="nsenter --net=/run/netns/$ZDTM_NET_SRC"
[ -n "$ZDTM_NET_DST" ] && DST="nsenter --net=/run/netns/$ZDTM_NET_DST"
. "$Z/procs.sh"
. "$Z/results.sh"

MONITOR=${CRIU_THP_MONITOR:-$(command -v criu-thp)}
USRLIB=/usr/lib/criu
MODE=runc
[ "$RUNC_CGROUP" = v1 ] && MODE=runc-v1
unset CRIU_THP_MONITOR CRIU_LIBS_DIR CRIU_THP_CONFIG

rc() {
	runc --root "$W/state" "$@"
}

# rc_in WRAPPER ARG...: runc, in the network namespace WRAPPER enters
rc_in() {
	local w=$1
	shift
	$w runc --root "$W/state" "$@"
}

result() {
	result_line "$MODE" "$1" "$2" "$3" "$W/$1"/*.log "$W/$1"/*/*.log \
		"$W/$1"/*/thp-monitor.log
}

# The files a case may write, saved once and put back at exit.
save_etc() {
	save_files /etc/criu/runc.conf /etc/criu/thp.conf $USRLIB/thp_plugin.so
}

# plugin_at usrlib|libdir|none: where criu finds the plugin.
plugin_at() {
	rm -f /etc/criu/runc.conf $USRLIB/thp_plugin.so
	case $1 in
	usrlib) mkdir -p $USRLIB && cp "$LIB/thp_plugin.so" $USRLIB/ ;;
	libdir) echo "libdir $LIB" >/etc/criu/runc.conf ;;
	esac
	echo "monitor = $MONITOR" >/etc/criu/thp.conf
}

# make_bundle TEST: the rootfs (make_rootfs) and runc's config.  TEST
# "redis": Debian 12's redis-server (the host's redis-tools) serving on
# /tmp/redis.sock, no persistence, its stdio the container's own files
# (runc's are files of the host, which criu cannot dump).
make_bundle() {
	local b=$W/bundle args
	TEST=$1
	rm -rf "$b"
	args="[\"/bin/$1\", \"--pidfile=/tmp/test.pid\", \"--outfile=/tmp/test.out\"]"
	if [ "$1" = redis ]; then
		make_rootfs "$b/rootfs" /usr/bin/redis-check-rdb &&
			ln -s redis-check-rdb "$b/rootfs/bin/redis-server" ||
			return 1
		args='["/bin/sh", "-c", "exec /bin/redis-server --port 0 --unixsocket /tmp/redis.sock --pidfile /tmp/test.pid --dir /tmp --save \"\" --appendonly no --enable-debug-command yes </dev/null >/tmp/redis.out 2>&1"]'
	else
		make_rootfs "$b/rootfs" "$1" || return 1
	fi
	(cd "$b" && rc spec) || return 1
	jq --argjson a "$args" --arg net "$RUNC_NET" '
		.process.terminal = false | .root.readonly = false
		| .process.args = $a
		| .process.env += ["ZDTM_FOREGROUND=1"]
		| .linux.resources.devices = [{"allow": true, "access": "rwm"}]
		| if $net == "host" then .linux.namespaces |=
			map(select(.type != "network")) else . end' \
		"$b/config.json" >"$b/config.new" &&
		mv "$b/config.new" "$b/config.json"
}

# run NAME EXPECT: the container, started; its init's host pid in $pid
run() {
	local i=0 r=$W/bundle/rootfs
	rm -f "$r/tmp/test.pid" "$r/tmp/test.out"
	jq --arg e "THP_EXPECT=$2" '.process.env |= (map(select(startswith("THP_EXPECT=") | not)) + [$e])' \
		"$W/bundle/config.json" >"$W/bundle/config.new" &&
		mv "$W/bundle/config.new" "$W/bundle/config.json"
	rc_in "$SRC" run -d -b "$W/bundle" "$1" </dev/null >"$d/run.out" 2>&1 ||
		return 1
	while [ ! -s "$r/tmp/test.pid" ] && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	pid=$(rc state "$1" | jq -r .pid)
	[ -s "$r/tmp/test.pid" ]
}

# finish: the test's verdict (test_verdict); empty or why not.
finish() {
	test_verdict "$W/bundle/rootfs/tmp/test.out"
}

# verify IMG: criu-thp verify of $pid against IMG; 0 exact, 1 not.
verify() {
	criu-thp verify -D "$1" --pid "$pid" >"$d/verify.out" 2>&1
}

cleanup() {
	rc kill "$1" KILL 2>/dev/null
	rc delete -f "$1" 2>/dev/null
}

# plain CASE: run, checkpoint, restore, verify.
plain() {
	local why= note= expect=exact
	d=$W/$1
	mkdir -p "$d"
	plugin_at "$1"
	[ "$1" = none ] && expect=stock
	if ! run "ct-$1" $expect; then
		why="the container did not start: $(head -n 2 "$d/run.out")"
	elif ! rc checkpoint --image-path "$d/img" --work-path "$d/work" \
		"ct-$1" >"$d/checkpoint.out" 2>&1; then
		why="runc checkpoint failed: $(tail -n 2 "$d/checkpoint.out")"
	elif ! rc restore -d -b "$W/bundle" --image-path "$d/img" \
		--work-path "$d/work" "ct-$1" </dev/null >"$d/restore.out" 2>&1; then
		why="runc restore failed: $(tail -n 2 "$d/restore.out")"
	else
		pid=$(rc state "ct-$1" | jq -r .pid)
		why=$(check_plain "$1")
		note=$(sed -n 's/.*\(task [0-9]*: .* in [0-9.]* ms\).*/\1/p' \
			"$d/work/restore.log" | head -n 1)
		[ "$1" = none ] &&
			note="stock: $(grep -m1 '^task [0-9]*: [0-9]* differences' "$d/verify.out")"
	fi
	[ -z "$why" ] && why=$(finish)
	cleanup "ct-$1"
	result "$1" "$why" "$note"
}

# check_plain CASE: the plugin's part of a plain restore; empty or why not.
check_plain() {
	if [ "$1" = none ]; then
		grep -q 'thp: ' "$d/work/restore.log" &&
			{ echo "the plugin was loaded with neither $USRLIB nor runc.conf"; return; }
		verify "$d/img"
		case $? in
		0) echo "stock restore verified exact" ;;
		1) ;;
		*) echo "criu-thp verify failed: $(head -n 1 "$d/verify.out")" ;;
		esac
		return
	fi
	grep -q 'thp: criu-thp .* loaded for restore' "$d/work/restore.log" ||
		{ echo "the plugin was not loaded (restore.log)"; return; }
	# the monitor collapses right after the resume: verify after it
	if grep -q 'thp: monitor .* started' "$d/work/restore.log"; then
		wait_report "$d/img" ||
			{ echo "the monitor wrote no report in 60 s"; return; }
		jq -e '.cgroups_left > 0' "$d/img/thp-monitor.json" >/dev/null ||
			{ echo "the monitor did not leave the container's cgroups"; return; }
	fi
	verify "$d/img" ||
		echo "verify: $(grep -m1 'differs\|rror' "$d/verify.out")"
}

# redis: Debian 12's redis-server as the container's init, ZDTM_REDIS_KEYS
# (default 200,000) keys of 1,000 bytes written over its socket; with
# THP always it sets PR_SET_THP_DISABLE for itself.  Checkpointed and
# restored with the plugin in /usr/lib/criu/: every key back (DEBUG
# DIGEST), THP_enabled as redis set it, verify exact.
redis_ct() {
	local why= note= s=$W/bundle/rootfs/tmp/redis.sock dg thp
	d=$W/redis
	mkdir -p "$d"
	plugin_at usrlib
	if ! run ct-redis exact; then
		why="the container did not start: $(head -n 2 "$d/run.out")"
	elif ! redis-cli -s "$s" debug populate "${ZDTM_REDIS_KEYS:-200000}" \
		key 1000 >"$d/populate.out" 2>&1; then
		why="redis-cli debug populate failed: $(cat "$d/populate.out")"
	else
		dg=$(redis-cli -s "$s" debug digest)
		thp=$(thp_enabled "$pid")
	fi
	if [ -n "$why" ]; then
		:
	elif ! rc checkpoint --image-path "$d/img" --work-path "$d/work" \
		ct-redis >"$d/checkpoint.out" 2>&1; then
		why="runc checkpoint failed: $(tail -n 2 "$d/checkpoint.out")"
	elif ! rc restore -d -b "$W/bundle" --image-path "$d/img" \
		--work-path "$d/work" ct-redis </dev/null >"$d/restore.out" 2>&1; then
		why="runc restore failed: $(tail -n 2 "$d/restore.out")"
	else
		pid=$(rc state ct-redis | jq -r .pid)
		why=$(check_plain usrlib)
		if [ -z "$why" ] && [ "$(redis-cli -s "$s" debug digest)" != "$dg" ]; then
			why="DEBUG DIGEST changed"
		elif [ -z "$why" ] && [ "$(thp_enabled "$pid")" != "$thp" ]; then
			why="THP_enabled: $(thp_enabled "$pid"), was $thp"
		fi
		note="$(redis-cli -s "$s" dbsize) keys, DEBUG DIGEST equal, THP_enabled $thp, verify exact"
	fi
	cleanup ct-redis
	result redis "$why" "$note"
}

# checkpoint_lazy NAME: runc checkpoint --lazy-pages serving the pages
# on 127.0.0.1:PORT; $cpt its pid once the page server is ready (the \0
# runc writes to the status fd), 1 if it is not within 60 s.
checkpoint_lazy() {
	rm -f "$d/status"
	mkfifo "$d/status" || return 1
	exec 8<>"$d/status"
	exec 9>"$d/status"	# write-only: runc refuses a read-write fd
	rc_in "$SRC" checkpoint --lazy-pages --page-server "$ADDR:$PORT" \
		--status-fd 9 --image-path "$d/src" --work-path "$d/src" \
		${PRE:+--parent-path ../pre} \
		"$1" >"$d/checkpoint.out" 2>&1 9>&9 &
	cpt=$!
	exec 9>&-
	timeout 60 dd bs=1 count=1 <&8 >/dev/null 2>&1
	local ret=$?
	exec 8<&-
	return $ret
}

# The destination: a copy of the images, criu lazy-pages fetching from
# the page server, runc restore --lazy-pages under NAME; $lp, $pid.
restore_lazy() {
	local i=0
	cp -a "$d/src/." "$d/dst/" && rm -f "$d/dst"/*.log || return 1
	$DST criu lazy-pages --page-server --address "$ADDR" --port $PORT \
		-D "$d/dst" -W "$d/dst" -o lazy-pages.log -v4 \
		>/dev/null 2>&1 &
	lp=$!
	while [ ! -S "$d/dst/lazy-pages.socket" ] && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	rc_in "$DST" restore -d --lazy-pages -b "$W/bundle" \
		--image-path "$d/dst" --work-path "$d/dst" "$1" \
		</dev/null >"$d/restore.out" 2>&1 || return 1
	pid=$(rc state "$1" | jq -r .pid)
}

# wait_report [DIR]: up to 60 s for the monitor's report in DIR ($d/dst).
wait_report() {
	wait_file "${1:-$d/dst}/thp-monitor.json"
}

# in_container NAME PID: 0 if PID is in one of the container's cgroups
in_container() {
	rc ps --format json "$1" 2>/dev/null | jq -e --argjson p "$2" 'index($p) != null' >/dev/null
}

# The monitor's part of a lazy migration; empty or why not.
check_lazy() {
	local r=$d/dst/thp-monitor.json mon
	mon=$(sed -n 's/.*monitor .* started for .*/&/p' "$d/dst/restore.log" | head -n 1)
	if ! grep -q 'thp: criu-thp .* loaded for restore' "$d/dst/restore.log"; then
		echo "the plugin was not loaded (restore.log)"
	elif [ -z "$mon" ]; then
		echo "no monitor started (restore.log)"
	elif ! grep -q 'monitor: guarded' "$d/dst/restore.log"; then
		echo "the task was not guarded: $(grep -m1 'monitor' "$d/dst/restore.log")"
	elif [ -n "$monpid" ] && in_container "$2" "$monpid"; then
		echo "the monitor ($monpid) is in the container's cgroups: $(rc ps "$2" | tr '\n' ' ')"
	elif ! wait_report; then
		echo "the monitor wrote no report in 60 s"
	elif ! jq -e '.cgroups_left > 0' "$r" >/dev/null; then
		echo "the monitor did not leave the container's cgroups (report: cgroups_left $(jq .cgroups_left "$r"))"
	elif ! jq -e '.guard.state == "normal end"' "$r" >/dev/null; then
		echo "guard: $(jq -c .guard "$r")"
	elif ! jq -e '[.tasks[].collapsed_during_postcopy] | add > 0' "$r" >/dev/null; then
		echo "no chunk collapsed during postcopy: $(jq -c '[.tasks[] | {pid, collapsed, collapsed_during_postcopy}]' "$r")"
	elif ! verify "$d/dst"; then
		echo "verify: $(grep -m1 'differs\|rror' "$d/verify.out")"
	fi
}

# slow_server [slow]: with "slow", the page server (the dumping criu) gets
# a tenth of a CPU, so that it can be killed mid-transfer.
slow_server() {
	[ -n "$1" ] && cpu_limit "$(pgrep -f 'criu: dump' | head -n 1)" 10
	return 0
}

# migrate [slow]: ct-src started, checkpointed with --lazy-pages and restored
# as ct-dst (checkpoint_lazy, restore_lazy); $why set if that failed.
migrate() {
	if ! run ct-src lazy; then
		why="the container did not start: $(head -n 2 "$d/run.out")"
	elif [ -n "$PRE" ] && ! rc_in "$SRC" checkpoint --pre-dump \
		--image-path "$d/pre" --work-path "$d/pre" ct-src \
		>"$d/predump.out" 2>&1; then
		why="runc checkpoint --pre-dump failed: $(tail -n 2 "$d/predump.out")"
	elif ! checkpoint_lazy ct-src; then
		why="runc checkpoint --lazy-pages did not get ready: $(tail -n 2 "$d/checkpoint.out")"
	elif ! slow_server "$1"; then
		:
	elif ! restore_lazy ct-dst; then
		why="runc restore --lazy-pages failed: $(tail -n 2 "$d/restore.out")"
	fi
}

# lazy: runc's lazy migration over 127.0.0.1.
lazy() {
	local why= cpt lp monpid c=${PRE:+pre-}lazy
	d=$W/$c
	mkdir -p "$d/src" "$d/dst"
	plugin_at usrlib
	migrate
	if [ -z "$why" ]; then
		monpid=$(monitor_pids "$d/dst" | head -n 1)
		if [ -n "$PRE" ]; then
			why=$(check_pre_lazy)
		else
			why=$(check_lazy x ct-dst)
		fi
		wait $lp || why=${why:-criu lazy-pages exited $?}
		wait $cpt || why=${why:-runc checkpoint exited $?}
	fi
	[ -z "$why" ] && why=$(finish)
	note=$(jq -r '"guard \(.guard.state), \([.tasks[].collapsed_during_postcopy] | add) chunks collapsed during postcopy"' "$d/dst/thp-monitor.json" 2>/dev/null)
	[ -n "$PRE" ] && [ -z "$why" ] && why=$(check_parent)
	[ -n "$PRE" ] && note="$note; $(du -sk "$d/pre" | cut -f1) KiB pre-dumped"
	kill -9 $lp $cpt 2>/dev/null
	cleanup ct-dst
	cleanup ct-src
	result $c "$why" "$note"
}

# After a pre-dump CRIU restores the pages the pre-dump has from the
# parent images, at once; only those changed since come lazily (none,
# for thp_coverage): the task may reach its hook with every page in,
# and then it is not lazy.  Guarded if lazy, report and verify exact;
# empty or why not.
check_pre_lazy() {
	local r=$d/dst/thp-monitor.json
	if ! grep -q 'thp: criu-thp .* loaded for restore' "$d/dst/restore.log"; then
		echo "the plugin was not loaded (restore.log)"
	elif ! grep -q 'monitor: guarded\|monitor: not lazy' "$d/dst/restore.log" &&
		! grep -q ' 0 of 0 lazy guarded' "$d/dst/restore.log"; then
		echo "a lazy task not guarded: $(grep -m1 'lazy guarded' "$d/dst/restore.log")"
	elif ! wait_report; then
		echo "the monitor wrote no report in 60 s"
	elif ! jq -e '[.tasks[] | select(.exact | not)] | length == 0' "$r" >/dev/null; then
		echo "report: $(jq -c '[.tasks[] | {pid, exact, differences}]' "$r")"
	elif ! verify "$d/dst"; then
		echo "verify: $(grep -m1 'differs\|rror' "$d/verify.out")"
	fi
}

# After a pre-dump: the lazy dump named it its parent, and the pages of
# the pre-dump were there to serve; empty or why not.
check_parent() {
	if [ "$(readlink "$d/src/parent")" != ../pre ]; then
		echo "the lazy dump has no parent ../pre: $(ls -l "$d/src/parent" 2>&1)"
	elif ! ls "$d/pre"/pages-*.img >/dev/null 2>&1; then
		echo "the pre-dump wrote no pages"
	fi
}

# lazy_killed: the page server (the dumping criu) killed once 32 MiB of
# thp_lazy_guard's 192 are in: the container's task must be stopped, the
# pages it lacks reported lost and still absent.
lazy_killed() {
	local why= cpt lp r
	d=$W/lazy-killed
	r=$d/dst/thp-monitor.json
	mkdir -p "$d/src" "$d/dst"
	plugin_at usrlib
	migrate slow
	if [ -n "$why" ]; then
		:
	# criu swrk calls itself "criu: dump ..." once it dumps
	elif ! kill_mid_transfer "$pid" 32768 \
		"$(pgrep -f 'criu: dump' | head -n 1)" 30; then
		why="the restored task did not reach 32 MiB"
	else
		if ! wait_report; then
			why="the monitor wrote no report in 60 s"
		elif ! jq -e '.guard.state == "daemon died"' "$r" >/dev/null; then
			why="guard: $(jq -c .guard "$r") (killed too late?)"
		elif ! jq -e '[.tasks[] | select((.stopped or .killed) and .lost_pages > 0)] | length > 0' "$r" >/dev/null; then
			why="no task stopped with lost pages: $(jq -c '[.tasks[] | {pid, stopped, lost_pages}]' "$r")"
		elif why=$(guard_state "$r" "$pid" T) && [ -n "$why" ]; then
			why="the container's $why"
		elif grep -q FAIL "$W/bundle/rootfs/tmp/test.out"* 2>/dev/null; then
			why="the test read a wrong page"
		fi
	fi
	note=$(jq -r '"guard \(.guard.state): stopped in \(.guard.stop_ms) ms, \([.tasks[].lost_pages] | add) pages lost"' "$r" 2>/dev/null)
	kill -9 $lp $cpt 2>/dev/null
	cleanup ct-dst
	cleanup ct-src
	result lazy-killed "$why" "$note"
}

# deleted: the images directory removed right after runc restore returns,
# as podman does unless --keep, while the monitor still works (it waits
# 3 s before its first collapse: CRIU_THP_FAULT=monitor-slow).  Its
# report and log go to /run/criu-thp, the task ends exact, the test
# passes.
deleted() {
	local why= mon= r=
	d=$W/deleted
	mkdir -p "$d"
	plugin_at usrlib
	if ! run ct-deleted exact; then
		why="the container did not start: $(head -n 2 "$d/run.out")"
	elif ! rc checkpoint --image-path "$d/img" --work-path "$d/work" \
		ct-deleted >"$d/checkpoint.out" 2>&1; then
		why="runc checkpoint failed: $(tail -n 2 "$d/checkpoint.out")"
	elif ! CRIU_THP_FAULT=monitor-slow rc restore -d -b "$W/bundle" \
		--image-path "$d/img" --work-path "$d/work" ct-deleted \
		</dev/null >"$d/restore.out" 2>&1; then
		why="runc restore failed: $(tail -n 2 "$d/restore.out")"
	else
		pid=$(rc state ct-deleted | jq -r .pid)
		mon=$(monitor_pids "$d/img" | head -n 1)
		rm -rf "$d/img"
		[ -n "$mon" ] && wait_gone "$mon"
		r=/run/criu-thp/thp-monitor.$mon.json
		if [ -z "$mon" ]; then
			why="no monitor running when runc restore returned"
		elif [ ! -f "$r" ]; then
			why="no report in /run/criu-thp"
		elif ! jq -e '.tasks[0].exact and .cgroups_left > 0' "$r" >/dev/null; then
			why="the report: $(jq -c '{cgroups_left, tasks: [.tasks[] | {exact, failed}]}' "$r")"
		fi
	fi
	[ -z "$why" ] && why=$(finish)
	[ -n "$mon" ] && rm -f "$r" "${r%.json}.log"
	rmdir /run/criu-thp 2>/dev/null
	cleanup ct-deleted
	result deleted "$why" "report in /run/criu-thp"
}

# bundle TEST: the bundle of TEST, made unless it is already there.
bundle() {
	[ "$TEST" = "$1" ] && return 0
	if ! make_bundle "$1" >"$W/bundle.log" 2>&1; then
		TEST=
		return 1
	fi
	echo "INFO runc: $(rc --version | head -n 1), cgroup $(awk '$2 == "/sys/fs/cgroup" { t = $3 } END { print t }' /proc/mounts), bundle of $1"
}

save_etc
rm -rf "$W/state" "$W/bundle"
mkdir -p "$W/state"
if ! command -v runc >/dev/null; then
	echo "RESULT runc $MODE - FAIL no runc in PATH"
	exit 0
fi
TEST=
for c in ${*:-usrlib libdir none deleted lazy lazy-killed}; do
	rm -rf "${W:?}/$c"
	t=thp_coverage
	[ "$c" = lazy-killed ] && t=thp_lazy_guard
	[ "$c" = redis ] && t=redis
	if ! bundle $t; then
		echo "RESULT $c $MODE plugin FAIL cannot make the bundle of $t: $(tail -n 1 "$W/bundle.log")"
		continue
	fi
	case $c in
	usrlib|libdir|none) plain "$c" ;;
	lazy) lazy ;;
	pre-lazy) PRE=1 lazy ;;
	deleted) deleted ;;
	lazy-killed) lazy_killed ;;
	redis) redis_ct ;;
	*) echo "RESULT $c $MODE plugin FAIL no such case" ;;
	esac
done
