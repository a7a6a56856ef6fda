#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages that building, the guest rig and the tests
# need.  Idempotent: quiet and fast when everything is there already.
set -euo pipefail

PACKAGES=(
	make gcc clang libc6-dev pkg-config
	gcc-multilib				# the 32-bit (compat) tests
	protobuf-c-compiler libprotobuf-c-dev	# images/thp.proto
	libcmocka-dev				# host unit tests
	libclang-rt-14-dev			# libFuzzer, ASan, UBSan (clang)
	criu					# plugin header, libcompel, guest criu
	qemu-system-x86 busybox-static cpio kmod gzip	# the guest rig
	iptables				# criu runs it in the guest
	jq					# the guest runner reads show --json
	asciidoctor man-db bash-completion	# make man; test/install.sh
	redis-tools				# apps.sh in the guest: redis 7.0 (no service)
	openjdk-17-jdk-headless			# apps.sh natively: a JVM (java runs its source)
	procps util-linux			# pgrep, pkill, nsenter, unshare (runc, two hosts)
	runc tar				# runc.sh in the Debian 12 guest: runc 1.1.5
	python3 python3-yaml python3-protobuf iproute2	# CRIU's zdtm.py
	apt dpkg patchelf			# apt-get download, dpkg-deb -x; Debian 13 criu
	dpkg-dev debhelper lintian		# make deb (scripts/deb.sh)
	linux-source-6.1 xz-utils patch		# kernel/build.sh: the test kernel
	bison flex bc libelf-dev
	protobuf-compiler libprotobuf-dev libcap-dev libnl-3-dev	# criu/build.sh:
	libnl-route-3-dev libnet1-dev libaio-dev libbsd-dev libgnutls28-dev	# CRIU 4.2.1
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing ${missing[*]}; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
