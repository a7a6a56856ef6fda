# SPDX-License-Identifier: GPL-2.0
#
# containers.sh: sourced by runc.sh and podman.sh - what both do with a
# container whose init is a zdtm test.

# cgroup_v2 SCRIPT ARG...: Debian 12 and 13 mount cgroup v2 alone; this
# machine mounts the v1 controllers on /sys/fs/cgroup and v2 on
# /sys/fs/cgroup/unified.  Run SCRIPT again where Debian's runtimes would
# run: in a mount namespace of its own with the v2 hierarchy on
# /sys/fs/cgroup.  Returns only when there is nothing to do.
cgroup_v2() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] &&
		[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] ||
		return 0
	exec unshare --mount --propagation private sh -c \
		'mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup && exec "$0" "$@"' \
		"$@"
}

# make_rootfs DIR TEST: busybox, zdtm test TEST (as /bin/TEST; or the
# program TEST names by its absolute path, as /bin/its name) and the
# libraries it links, in DIR.
make_rootfs() {
	local r=$1 t=$Z/static/$2 l
	case $2 in /*) t=$2 ;; esac
	# busybox's own sh says "busybox" for it, not a path
	mkdir -p "$r/bin" "$r/tmp" "$r/proc" "$r/sys" "$r/dev" &&
		cp "$(PATH=$PATH:/bin which busybox 2>/dev/null || echo /bin/busybox)" "$r/bin/busybox" &&
		ln -s busybox "$r/bin/sh" && cp "$t" "$r/bin/${t##*/}" || return 1
	# the loader lists what ldd would (the guests have no ldd)
	for l in $(/lib64/ld-linux-x86-64.so.2 --list "$t" | grep -o '/[^ ]*'); do
		mkdir -p "$r$(dirname "$l")" && cp -L "$l" "$r$l" || return 1
	done
}

# test_verdict OUTFILE: SIGTERM to the test ($pid), then its verdict in
# OUTFILE; empty, or why it did not pass.
test_verdict() {
	local i=0
	kill -TERM "$pid" 2>/dev/null
	while ! grep -q 'PASS\|FAIL' "$1" 2>/dev/null && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	grep -q PASS "$1" 2>/dev/null ||
		echo "the restored test did not pass: $(grep -m1 FAIL "$1" 2>/dev/null || tail -n 1 "$1" 2>/dev/null)"
}

# save_files FILE...: each FILE that exists copied into $W/saved, and
# whether /etc/criu was there; /etc/criu made; put_back_files at exit
# puts them back (and removes what the run added).
save_files() {
	local f
	SAVED_FILES="$*"
	mkdir -p "$W/saved"
	[ -d /etc/criu ] || touch "$W/saved/etc-criu.made"
	mkdir -p /etc/criu
	for f in "$@"; do
		[ -e "$f" ] && cp -a "$f" "$W/saved/$(basename "$f")"
	done
	trap put_back_files EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
}

put_back_files() {
	local f
	[ -n "${PUT_BACK_FIRST:-}" ] && $PUT_BACK_FIRST
	for f in $SAVED_FILES; do
		rm -f "$f"
		[ -e "$W/saved/$(basename "$f")" ] &&
			cp -a "$W/saved/$(basename "$f")" "$f"
	done
	[ -f "$W/saved/etc-criu.made" ] && rmdir /etc/criu 2>/dev/null
}
