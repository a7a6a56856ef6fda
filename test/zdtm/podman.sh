#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# podman.sh [CASE...]: `podman container checkpoint` and `podman
# container restore` (podman's runtime: runc) of a container whose init
# is the zdtm test thp_coverage, from an image made with `podman import`
# of a rootfs of our own (busybox, the test, its libraries; no registry).
# podman runs the runtime, and so criu, with a bare environment: the
# plugin is found in /usr/lib/criu/ and its settings come from
# /etc/criu/thp.conf.  podman's own state (storage: vfs, configuration,
# signature policy) lives under the work directory; nothing of the
# host's podman is used.  Cases (default: both):
#   keep     --keep on both sides: the checkpoint directory stays; the
#            restored container is verified exact against it, and its
#            test passes
#   deleted  without --keep: podman deletes the checkpoint directory
#            right after the restore, while the monitor works (it waits
#            3 s: CRIU_THP_FAULT=monitor-slow, through the criu wrapper
#            below); its report goes to /run/criu-thp and says exact
# RESULT lines as zdtm_run.sh (mode "podman").

Z=$(cd "$(dirname "$0")" && pwd)
. "$Z/containers.sh"
cgroup_v2 "$0" "$@"
LIB=${PLUGIN_DIR:-/opt/criu-thp/lib}
W=${ZDTM_WORK:-/tmp/zdtm}/podman
USRLIB=/usr/lib/criu
MONITOR=${CRIU_THP_MONITOR:-$(command -v criu-thp)}
. "$Z/procs.sh"
. "$Z/results.sh"

result() {
	result_line podman "$1" "$2" "$3" "$W/$1"/*.log
}

# podman with its state under $W; HOME for its signature policy.
pm() {
	HOME=$W/home CONTAINERS_CONF=$W/containers.conf \
		CONTAINERS_STORAGE_CONF=$W/storage.conf podman "$@"
}

# podman's configuration: runc, conmon and netavark beside podman, no
# network, no pids limit (this machine's v2 hierarchy has no pids
# controller), the host's criu through a wrapper first in PATH (podman
# keeps PATH): CRIU_FAULT=130 is what criu needs on this machine
# (host.sh), and podman would drop it.
setup() {
	local bin lib
	bin=$(dirname "$(readlink -f "$(command -v podman)")")
	lib=$(readlink -f "$bin/../lib/podman")
	rm -rf "$W"
	mkdir -p "$W/home/.config/containers" "$W/bin" "$W/out"
	echo '{"default": [{"type": "insecureAcceptAnything"}]}' \
		>"$W/home/.config/containers/policy.json"
	cat >"$W/containers.conf" <<-EOF
	[engine]
	helper_binaries_dir = ["$lib"]
	conmon_path = ["$bin/conmon"]
	runtime = "runc"
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	[engine.runtimes]
	runc = ["$(command -v runc)"]
	[containers]
	netns = "none"
	pids_limit = 0
	EOF
	cat >"$W/storage.conf" <<-EOF
	[storage]
	driver = "vfs"
	graphroot = "$W/storage"
	runroot = "$W/run"
	EOF
	CRIU_BIN=$(readlink -f "$(command -v criu)")
	criu_wrapper
	chmod +x "$W/bin/criu"
	PATH=$W/bin:$PATH
	mkdir -p $USRLIB
	PUT_BACK_FIRST=remove_containers
	save_files /etc/criu/thp.conf $USRLIB/thp_plugin.so
	cp "$LIB/thp_plugin.so" $USRLIB/
	echo "monitor = $MONITOR" >/etc/criu/thp.conf
	image
}

# criu_wrapper [VAR=VALUE...]: $W/bin/criu, which gives criu
# CRIU_FAULT=130, the sanitizers' settings of a SAN=1 lane (podman drops
# them too) and VAR=VALUE.
criu_wrapper() {
	{
		echo '#!/bin/sh'
		echo 'export CRIU_FAULT=130'
		[ -n "$ASAN_OPTIONS" ] && echo "export ASAN_OPTIONS='$ASAN_OPTIONS'"
		[ -n "$UBSAN_OPTIONS" ] && echo "export UBSAN_OPTIONS='$UBSAN_OPTIONS'"
		for v in "$@"; do
			echo "export $v"
		done
		echo "exec $CRIU_BIN \"\$@\""
	} >"$W/bin/criu"
}

remove_containers() {
	pm rm -af >/dev/null 2>&1
}

# The image: make_rootfs of thp_coverage, imported.
image() {
	make_rootfs "$W/rootfs" thp_coverage &&
		tar -C "$W/rootfs" -cf "$W/rootfs.tar" . &&
		pm import "$W/rootfs.tar" localhost/thp-coverage:test >/dev/null
}

# start NAME: the container; $pid its init's host pid, once ready.
start() {
	local i=0
	pm run -d --name "$1" -v "$W/out:/out" -e ZDTM_FOREGROUND=1 \
		-e THP_EXPECT=exact localhost/thp-coverage:test \
		/bin/thp_coverage --pidfile=/out/$1.pid --outfile=/out/$1.out \
		>"$d/run.log" 2>&1 || return 1
	while [ ! -s "$W/out/$1.pid" ] && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	pid=$(pm inspect -f '{{.State.Pid}}' "$1")
	[ -s "$W/out/$1.pid" ]
}

# finish NAME: the test's verdict (test_verdict); empty or why not.
finish() {
	test_verdict "$W/out/$1.out"
}

keep() {
	local why= cp= late=
	d=$W/keep
	mkdir -p "$d"
	if ! start ct-keep; then
		why="the container did not start: $(tail -n 1 "$d/run.log")"
	elif ! pm container checkpoint --keep ct-keep >"$d/checkpoint.log" 2>&1; then
		why="podman container checkpoint failed: $(tail -n 1 "$d/checkpoint.log")"
	elif ! pm container restore --keep ct-keep >"$d/restore.log" 2>&1; then
		why="podman container restore failed: $(tail -n 1 "$d/restore.log")"
	else
		pid=$(pm inspect -f '{{.State.Pid}}' ct-keep)
		cp=$W/storage/vfs-containers/$(pm inspect -f '{{.Id}}' ct-keep)/userdata/checkpoint
		cp "$cp/../restore.log" "$d/criu-restore.log" 2>/dev/null
		# the monitor, if the restore needs one, works after the
		# resume: verify after it
		grep -q 'thp: monitor .* started' "$d/criu-restore.log" &&
			! wait_file "$cp/thp-monitor.json" && late=1
		if ! grep -q 'thp: criu-thp .* loaded for restore' "$d/criu-restore.log"; then
			why="the plugin was not loaded (restore.log)"
		elif [ -n "$late" ]; then
			why="the monitor wrote no report in 60 s"
		elif ! criu-thp verify -D "$cp" --pid "$pid" >"$d/verify.log" 2>&1; then
			why="verify: $(grep -m1 'differs\|rror' "$d/verify.log")"
		fi
	fi
	[ -z "$why" ] && why=$(finish ct-keep)
	pm rm -f ct-keep >/dev/null 2>&1
	result keep "$why" "checkpoint directory kept, verify exact"
}

deleted() {
	local why= cp= mon= r=
	d=$W/deleted
	mkdir -p "$d"
	criu_wrapper CRIU_THP_FAULT=monitor-slow
	if ! start ct-deleted; then
		why="the container did not start: $(tail -n 1 "$d/run.log")"
	elif ! pm container checkpoint ct-deleted >"$d/checkpoint.log" 2>&1; then
		why="podman container checkpoint failed: $(tail -n 1 "$d/checkpoint.log")"
	elif ! pm container restore ct-deleted >"$d/restore.log" 2>&1; then
		why="podman container restore failed: $(tail -n 1 "$d/restore.log")"
	else
		pid=$(pm inspect -f '{{.State.Pid}}' ct-deleted)
		cp=$W/storage/vfs-containers/$(pm inspect -f '{{.Id}}' ct-deleted)/userdata/checkpoint
		mon=$(monitor_pids "$cp" | head -n 1)
		[ -n "$mon" ] && wait_gone "$mon"
		r=/run/criu-thp/thp-monitor.$mon.json
		if [ -d "$cp" ]; then
			why="podman kept the checkpoint directory"
		elif [ -z "$mon" ]; then
			why="no monitor running when podman restore returned: $(pgrep -af "criu-thp[^ ]*( -v)? monitor" | cut -c1-150)"
		elif [ ! -f "$r" ]; then
			why="no report in /run/criu-thp"
		elif ! jq -e '.tasks[0].exact and .cgroups_left > 0' "$r" >/dev/null; then
			why="the report: $(jq -c '{cgroups_left, tasks: [.tasks[] | {exact, failed}]}' "$r")"
		fi
	fi
	[ -z "$why" ] && why=$(finish ct-deleted)
	[ -n "$mon" ] && rm -f "$r" "${r%.json}.log"
	rmdir /run/criu-thp 2>/dev/null
	pm rm -f ct-deleted >/dev/null 2>&1
	result deleted "$why" "checkpoint directory deleted by podman, report in /run/criu-thp"
}

if ! command -v podman >/dev/null; then
	echo "RESULT podman podman - FAIL no podman in PATH"
	exit 0
fi
if ! setup >"$W.setup.log" 2>&1; then
	echo "RESULT podman-setup podman - FAIL $(tail -n 1 "$W.setup.log")"
	exit 0
fi
echo "INFO podman: $(pm --version), runtime $(runc --version | head -n 1)"
for c in ${*:-keep deleted}; do
	case $c in
	keep) keep ;;
	deleted) deleted ;;
	*) echo "RESULT $c podman plugin FAIL no such case" ;;
	esac
done
