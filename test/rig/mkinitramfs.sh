#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KERNEL_TREE OUT.cpio.gz [CRIU_ROOT]
#
# The guest's root file system: busybox, criu with every library it loads,
# iptables, the kernel modules CRIU needs
# (docs/kernel-and-criu-facts.md section 4), pid 1 and its setup script,
# and this project's test tree (stage.sh) with the libraries its programs
# load.  criu is the host's (Debian 12's 3.17.1),
# or with CRIU_ROOT the one unpacked there with its own libraries
# (scripts/debian13.sh criu: Debian 13's 4.1.1); the guest's libraries
# are then that tree's, and the host's fill in only what it lacks.
# Expects `make all zdtm` to have run.
set -euo pipefail

usage="usage: mkinitramfs.sh KERNEL_TREE OUT.cpio.gz [CRIU_ROOT]"
ktree=${1:?$usage}
out=${2:?$usage}
croot=${3:-}
top=$(cd "$(dirname "$0")/../.." && pwd)

# Load order matters: libcrc32c only soft-depends on crc32c_generic.
MODULES="crc32c_generic libcrc32c nfnetlink nf_tables unix_diag inet_diag
	 tcp_diag udp_diag raw_diag af_packet_diag netlink_diag tun veth
	 macvlan autofs4 overlay x_tables nft_compat xt_mark"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# Copy a file to the same path in the stage, following symlinks.
put() {
	mkdir -p "$stage$(dirname "$2")"
	cp -L "$1" "$stage$2"
}

# The libraries a dynamically linked program loads, unless already there.
put_libs() {
	local lib
	for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[ -e "$stage$lib" ] || put "$lib" "$lib"
	done
}

# A dynamically linked program and every library ldd lists for it.
put_elf() {
	put "$1" "${2:-$1}"
	put_libs "$1"
}

# The installed packages PKG... depend on, and theirs, and so on (each
# alternative that is installed), PKG... included; one a line.
dep_closure() {
	local todo=("$@") seen=" " p d
	while [ ${#todo[@]} -gt 0 ]; do
		p=${todo[0]}
		todo=("${todo[@]:1}")
		case $seen in *" $p "*) continue ;; esac
		[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] ||
			continue
		seen="$seen$p "
		echo "$p"
		for d in $(dpkg-query -W -f='${Depends},${Pre-Depends}' "$p" |
			   tr ',|' '\n\n' | sed 's/(.*)//; s/:any//; s/ //g'); do
			todo+=("$d")
		done
	done
}

# package.sh: dpkg, to install the package of `make deb`; its database
# knows what that one depends on (the criu, libc6 and libprotobuf-c1 of
# its Depends: line) and what those depend on, as this host has them:
# the guest's files are this host's.
put_dpkg() {
	local p db=$stage/var/lib/dpkg

	for p in /usr/bin/dpkg /usr/bin/dpkg-deb /usr/bin/dpkg-query \
		 /usr/bin/dpkg-split /usr/bin/dpkg-trigger \
		 /usr/sbin/start-stop-daemon /usr/sbin/ldconfig; do
		put_elf "$p"
	done
	rm -f "$stage/bin/dpkg" "$stage/bin/dpkg-deb"	# busybox's applets
	mkdir -p "$db/info" "$db/updates" "$db/triggers" "$stage/etc/dpkg"
	touch "$db/available"
	: >"$db/status"
	for p in $(dep_closure criu libc6 libprotobuf-c1); do
		dpkg-query -s "$p" >>"$db/status"
		echo >>"$db/status"
		cp /var/lib/dpkg/info/"$p".list "$db/info/" 2>/dev/null ||
			cp /var/lib/dpkg/info/"$p":amd64.list "$db/info/"
	done
}

# Merged /usr, as on Debian: one copy of each library whichever path a
# program names it by.
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,usr/lib,usr/lib64,etc,proc,sys,dev,tmp,run,root}
ln -s usr/lib "$stage/lib"
ln -s usr/lib64 "$stage/lib64"
mkdir -p "$stage"/lib/modules

put /bin/busybox /bin/busybox
for a in $(/bin/busybox --list); do
	[ -e "$stage/bin/$a" ] || ln -s busybox "$stage/bin/$a"
done

if [ -n "$croot" ]; then
	# That tree's loader and libraries first; its criu back on them.
	cp -a "$croot/usr/lib" "$croot/usr/lib64" "$stage/usr/"
	install -m 0755 "$croot/usr/sbin/criu" "$stage/usr/sbin/criu"
	patchelf --set-interpreter /lib64/ld-linux-x86-64.so.2 --remove-rpath \
		"$stage/usr/sbin/criu"
else
	put_elf /usr/sbin/criu
fi
put_elf /usr/bin/jq			# reads criu-thp show --json
put_elf /usr/bin/setpriv		# restricted.sh: a criu with fewer caps
# apps.sh: Debian 12's redis (redis-tools: redis-check-rdb is the server
# too, by the name it runs as); not in Debian 13's guest, which does not
# run it
if [ -z "$croot" ]; then
	for b in redis-check-rdb redis-cli redis-benchmark; do
		put_elf /usr/bin/$b
	done
	ln -s redis-check-rdb "$stage/usr/bin/redis-server"
	# runc.sh: Debian 12's runc 1.1.5, and GNU tar, with which criu
	# dumps a container's tmpfs mounts (busybox's lacks its options)
	put_elf /usr/sbin/runc
	put_elf /usr/bin/tar
	put_elf /usr/bin/pgrep		# runc.sh lazy-killed: the page server
	put_elf /usr/bin/ip		# two_hosts.sh: network namespaces
	mkdir -p "$stage/var" && ln -s ../run "$stage/var/run"	# ip netns
	put_dpkg
fi
# iptables from the same release as criu's libraries: criu runs it
if [ -n "$croot" ]; then
	install -m 0755 "$croot/usr/sbin/xtables-nft-multi" "$stage/usr/sbin/"
else
	put_elf /usr/sbin/xtables-nft-multi
	for ext in /usr/lib/x86_64-linux-gnu/xtables/*.so; do
		put_elf "$ext"
	done
fi
for t in iptables iptables-restore iptables-save ip6tables \
	 ip6tables-restore ip6tables-save; do
	ln -s xtables-nft-multi "$stage/usr/sbin/$t"
done

# Debian 13 compresses its modules; busybox's insmod takes them plain.
# Debian 13 also moved them to /usr/lib/modules.
mdir=
for d in "$ktree"/lib/modules/* "$ktree"/usr/lib/modules/*; do
	[ -d "$d" ] && mdir=$d && break
done
[ -n "$mdir" ] || { echo "mkinitramfs: no modules in $ktree" >&2; exit 1; }
kver=$(basename "$mdir")
# A module the kernel lacks is left out when no module of the list
# depends on it: built in, or gone (Linux 7.x builds nfnetlink into
# netfilter, and crc32c is library code with no libcrc32c).
loaded= needed= files=
for m in $MODULES; do
	f=$(find "$mdir" -name "$m.ko*" | head -n1)
	files="$files $m=${f:-}"
	[ -n "$f" ] && needed="$needed,$(modinfo -F depends "$f")"
done
for mf in $files; do
	m=${mf%%=*} f=${mf#*=}
	if [ -z "$f" ]; then
		case ",$needed," in
		*",$m,"*)
			echo "mkinitramfs: module $m not in $ktree" >&2
			exit 1 ;;
		esac
		echo "mkinitramfs: $m not a module of $kver, and nothing needs it" >&2
		continue
	fi
	case $f in
	*.ko.xz) xz -dc "$f" >"$stage/lib/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$stage/lib/modules/$m.ko" ;;
	*) cp "$f" "$stage/lib/modules/$m.ko" ;;
	esac
	loaded="$loaded $m"
done
echo $loaded | tr ' ' '\n' >"$stage/etc/guest-modules"
echo "$kver" >"$stage/etc/guest-modules-release"

echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"

gcc -static -O2 -Wall -Wextra -Werror -o "$stage/init" "$top/test/rig/init.c"
install -m 0755 "$top/test/rig/init.sh" "$stage/init.sh"

"$top/test/rig/stage.sh" "$stage"
while read -r f; do
	put_libs "$f"			# nothing for scripts and static ones
done < <(find "$stage/opt" "$stage/usr/local" -type f -perm -u+x -o -name '*.so')

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
