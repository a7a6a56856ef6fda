#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KERNEL_TREE OUT.cpio.gz
#
# The guest's root file system: busybox, criu with every library it loads,
# iptables, the kernel modules CRIU needs (FACTS.md section 4), pid 1 and
# its setup script, and this project's plugin, command, zdtm tests and
# tools, and the kernel series' selftest if kernel/build.sh has run.  The plugin goes to /opt/criu-thp/lib, not to criu's default
# directory, so a run loads it only when asked (-L or CRIU_LIBS_DIR).
# Expects `make all zdtm` to have run.
set -euo pipefail

ktree=${1:?usage: mkinitramfs.sh KERNEL_TREE OUT.cpio.gz}
out=${2:?usage: mkinitramfs.sh KERNEL_TREE OUT.cpio.gz}
top=$(cd "$(dirname "$0")/../.." && pwd)
B=$top/build

# Load order matters: libcrc32c only soft-depends on crc32c_generic.
MODULES="crc32c_generic libcrc32c nfnetlink nf_tables unix_diag inet_diag
	 tcp_diag udp_diag raw_diag af_packet_diag netlink_diag tun veth
	 macvlan autofs4"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# Copy a file to the same path in the stage, following symlinks.
put() {
	mkdir -p "$stage$(dirname "$2")"
	cp -L "$1" "$stage$2"
}

# A dynamically linked program and every library ldd lists for it.
put_elf() {
	local lib
	put "$1" "${2:-$1}"
	for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[ -e "$stage$lib" ] || put "$lib" "$lib"
	done
}

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root}
mkdir -p "$stage"/lib/modules "$stage"/opt/criu-thp/{lib,zdtm/static,zdtm/tools}

put /bin/busybox /bin/busybox
for a in $(/bin/busybox --list); do
	[ -e "$stage/bin/$a" ] || ln -s busybox "$stage/bin/$a"
done

put_elf /usr/sbin/criu
put_elf /usr/bin/jq			# reads criu-thp show --json
put_elf /usr/sbin/xtables-nft-multi
for t in iptables iptables-restore iptables-save ip6tables \
	 ip6tables-restore ip6tables-save; do
	ln -s xtables-nft-multi "$stage/usr/sbin/$t"
done
for ext in /usr/lib/x86_64-linux-gnu/xtables/*.so; do
	put_elf "$ext"
done

kver=$(basename "$(ls -d "$ktree"/lib/modules/*)")
for m in $MODULES; do
	f=$(find "$ktree/lib/modules/$kver" -name "$m.ko" | head -n1)
	[ -n "$f" ] || { echo "mkinitramfs: module $m not in $ktree" >&2; exit 1; }
	cp "$f" "$stage/lib/modules/$m.ko"
done
echo $MODULES | tr ' ' '\n' >"$stage/etc/guest-modules"
echo "$kver" >"$stage/etc/guest-modules-release"

echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"

gcc -static -O2 -Wall -Wextra -Werror -o "$stage/init" "$top/test/rig/init.c"
install -m 0755 "$top/test/rig/init.sh" "$stage/init.sh"

put_elf "$top/plugin/thp_plugin.so" /opt/criu-thp/lib/thp_plugin.so
put_elf "$top/plugin/criu-thp" /usr/local/bin/criu-thp
for t in "$B"/zdtm/static/*; do
	put_elf "$t" "/opt/criu-thp/zdtm/static/$(basename "$t")"
done
for d in "$top"/test/zdtm/static/*.desc; do
	cp "$d" "$stage/opt/criu-thp/zdtm/static/"
done
for t in "$B"/zdtm/tools/*; do
	put_elf "$t" "/opt/criu-thp/zdtm/tools/$(basename "$t")"
done
if [ -d "$B/bench" ]; then
	mkdir -p "$stage/opt/criu-thp/bench"
	for t in "$B"/bench/*; do
		[ -f "$t" ] || continue
		put_elf "$t" "/opt/criu-thp/bench/$(basename "$t")"
	done
fi
# The kernel series' selftest, when the test kernel was built
if [ -x "$B/kernel/current/madv_clr_hugepage" ]; then
	mkdir -p "$stage/opt/criu-thp/kernel"
	cp "$B/kernel/current/madv_clr_hugepage" "$stage/opt/criu-thp/kernel/"
fi
for s in zdtm_run.sh record_failures.sh restore_failures.sh kernel_selftest.sh; do
	install -m 0755 "$top/test/zdtm/$s" "$stage/opt/criu-thp/zdtm/$s"
done
cp "$top"/test/zdtm/tools/*.sh "$top"/test/zdtm/tools/*.jq \
	"$stage/opt/criu-thp/zdtm/tools/"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
