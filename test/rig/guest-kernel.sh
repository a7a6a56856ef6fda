#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-kernel.sh CACHE_DIR
#
# Fetch Debian's current 6.1 kernel package (the one linux-image-amd64
# depends on) with apt-get download and unpack it under CACHE_DIR without
# installing anything.  Prints the unpacked tree's path; its boot/vmlinuz-*
# is the kernel and lib/modules/* its modules.  Reuses an earlier download.
set -euo pipefail

cache=${1:?usage: guest-kernel.sh CACHE_DIR}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

pkg_name() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-6\.1\.[0-9.-]*-amd64\)$/\1/p' |
		head -n1
}

pkg=$(pkg_name)
if [ -z "$pkg" ]; then
	apt-get update -q >/dev/null
	pkg=$(pkg_name)
fi
if [ -z "$pkg" ]; then
	# No archive reachable: use what an earlier run fetched, if anything.
	pkg=$(ls -1 "$cache" 2>/dev/null | grep '^linux-image-6\.1\.' | sort -V | tail -n1 || true)
	[ -n "$pkg" ] || { echo "guest-kernel: cannot find a Debian 6.1 kernel package" >&2; exit 1; }
fi

dir=$cache/$pkg
if [ ! -e "$dir/.unpacked" ]; then
	tmp=$(mktemp -d "$cache/.dl.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
		{ echo "guest-kernel: apt-get download $pkg failed" >&2; exit 1; }
	rm -rf "$dir"
	dpkg-deb -x "$tmp"/*.deb "$dir"
	touch "$dir/.unpacked"
fi
echo "$dir"
