#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian13.sh WHAT [ROOT]
#
# Debian 13 ("trixie") for the native test lane and the Debian 13 guest,
# fetched from the Debian archive this machine already uses, with an apt
# configuration of our own (sources list, package lists and cache under
# ROOT, default build/debian13): nothing is added to the host's sources
# and nothing is installed.  Packages are unpacked with dpkg-deb -x.
# DEBIAN_SUITE=sid takes Debian's newest instead (CRIU 4.2.1, Linux 7.x;
# default ROOT build/debian-sid), for criu, kernel and source.
# WHAT, and the path printed on success:
#   criu     criu and iptables (criu runs iptables-restore) with every
#            library they need, unpacked into ROOT/root;
#            ROOT/root/usr/sbin/criu is patched (patchelf --force-rpath) to
#            use that tree's loader and libraries, so it runs here as
#            "criu" (its comm matters: the monitor finds criu by name).
#            Prints ROOT/root.
#   sanitizers  criu (as above) and, into the same tree, Debian 13's
#            AddressSanitizer and UBSan runtimes (libasan8, libubsan1
#            and libstdc++6): the runtime a sanitized plugin needs inside
#            this criu, built for its C library.  Prints ROOT/root.
#   runc     criu (as above) and, into the same tree, runc with the
#            libraries it needs; ROOT/root/usr/sbin/runc is patched like
#            criu (it re-executes itself as the container's init, so it
#            must start by itself).  Prints ROOT/root.
#   podman   runc (as above) and, into the same tree, podman, conmon,
#            netavark, the containers-common configuration and the
#            libraries they link; podman, conmon and netavark patched like
#            criu.  Prints ROOT/root.
#   redis    criu (as above) and, into the same tree, redis-server,
#            redis-cli and redis-benchmark with jemalloc and every library
#            they need; the three patched like criu.  Prints ROOT/root.
#   kernel   the kernel linux-image-amd64 depends on, unpacked; prints
#            its tree (boot/vmlinuz-*, lib/modules/* or usr/lib/modules/*).
#   linux-source  the source of that kernel's version (linux-source-X.Y),
#            unpacked from its package; prints the tarball's path.
#   source   CRIU's upstream source of the same version (apt-get source
#            --download-only: the orig tarball, zdtm.py and its tests),
#            unpacked, with test/pycriu pointing at python3-pycriu's
#            package (the tarball's lib/pycriu lacks the modules CRIU's
#            build generates); prints its top directory.
# Each is kept once fetched; a new version in the archive is fetched anew.
set -euo pipefail

what=${1:?usage: debian13.sh criu|sanitizers|runc|podman|redis|kernel|linux-source|source [ROOT]}
top=$(cd "$(dirname "$0")/.." && pwd)
suite=${DEBIAN_SUITE:-trixie}
case $suite in
trixie) root=${2:-$top/build/debian13} ;;
*) root=${2:-$top/build/debian-$suite} ;;
esac
mkdir -p "$root"
root=$(cd "$root" && pwd)
apt=$root/apt
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
MIRROR=http://deb.debian.org/debian

log() {
	echo "debian13 ($suite): $*" >&2
}

APT_OPTS=(
	-o "Dir::Etc::sourcelist=$apt/sources.list"
	-o "Dir::Etc::sourceparts=-"
	-o "Dir::State::Lists=$apt/lists"
	-o "Dir::Cache=$apt/cache"
	-o "Dir::State::status=/dev/null"
	-o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=root"
	-o "Acquire::Retries=3"
)

# The package lists, fetched at most once a day.
apt_update() {
	local stamp=$apt/updated

	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	cat >"$apt/sources.list.new" <<EOF
deb [signed-by=$KEYRING] $MIRROR $suite main
deb-src [signed-by=$KEYRING] $MIRROR $suite main
EOF
	mv "$apt/sources.list.new" "$apt/sources.list"
	if [ -f "$stamp" ] && [ -n "$(find "$stamp" -mmin -1440)" ]; then
		return 0
	fi
	log "apt-get update ($suite lists into $apt)"
	if ! apt-get "${APT_OPTS[@]}" -q update >"$apt/update.log" 2>&1; then
		log "apt-get update failed; the end of $apt/update.log:"
		tail -n 5 "$apt/update.log" >&2
		# an earlier fetch can still serve
		[ -n "$(ls "$apt/lists" 2>/dev/null | grep "$suite")" ] || exit 1
		return 0
	fi
	touch "$stamp"
}

candidate() {
	apt-cache "${APT_OPTS[@]}" policy "$1" |
		sed -n 's/^ *Candidate: \(.*\)$/\1/p'
}

# Every package $1 needs (Depends and Pre-Depends, recursively).
closure() {
	apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends \
		--no-suggests --no-conflicts --no-breaks --no-replaces \
		--no-enhances "$1" | grep -v '^[ <]' | sort -u
}

# Download packages into $root/debs (kept) and unpack them into $1.
fetch_unpack() {
	local dest=$1 p f
	shift
	mkdir -p "$root/debs" "$dest"
	for p in "$@"; do
		f=$(ls "$root/debs/${p}_"*.deb 2>/dev/null | head -n1 || true)
		if [ -z "$f" ] || [ "$(dpkg-deb -f "$f" Version)" != "$(candidate "$p")" ]; then
			rm -f "$root/debs/${p}_"*.deb
			(cd "$root/debs" && apt-get "${APT_OPTS[@]}" -q download "$p" \
				>>"$apt/download.log" 2>&1) ||
				{ log "apt-get download $p failed (see $apt/download.log)"; exit 1; }
			f=$(ls "$root/debs/${p}_"*.deb)
		fi
		dpkg-deb -x "$f" "$dest"
	done
}

# patch_bin TREE FILE...: run FILE with TREE's loader and libraries.
patch_bin() {
	local dir=$1 b missing
	shift
	for b in "$@"; do
		patchelf --set-interpreter "$dir/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
			--force-rpath --set-rpath "$dir/usr/lib/x86_64-linux-gnu" \
			"$dir/$b"
		missing=$("$dir/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
			--list "$dir/$b" | grep 'not found' || true)
		[ -z "$missing" ] || { log "$b: $missing"; exit 1; }
	done
}

get_criu() {
	local ver dir=$root/root
	ver=$(candidate criu)
	[ -n "$ver" ] || { log "no criu in $suite's lists"; exit 1; }
	if [ "$(cat "$dir/.criu-version" 2>/dev/null)" = "$ver" ]; then
		echo "$dir"
		return
	fi
	log "criu $ver, iptables and their libraries into $dir"
	rm -rf "$dir"
	fetch_unpack "$dir" $( (closure criu; closure iptables) | sort -u)
	patch_bin "$dir" usr/sbin/criu
	if ! "$dir/usr/sbin/criu" --version >"$dir/.criu-check" 2>&1; then
		log "the unpacked criu does not start:"
		cat "$dir/.criu-check" >&2
		exit 1
	fi
	echo "$ver" >"$dir/.criu-version"
	echo "$dir"
}

get_sanitizers() {
	local dir pkgs="libasan8 libubsan1 libstdc++6 gcc-14-base" want p
	dir=$(get_criu)
	want=$(for p in $pkgs; do candidate "$p"; done | tr '\n' ' ')
	if [ "$(cat "$dir/.san-version" 2>/dev/null)" != "$want" ]; then
		log "$pkgs into $dir"
		# shellcheck disable=SC2086
		fetch_unpack "$dir" $pkgs
		echo "$want" >"$dir/.san-version"
	fi
	echo "$dir"
}

get_runc() {
	local dir want
	dir=$(get_criu)
	want=$(candidate runc)
	[ -n "$want" ] || { log "no runc in $suite's lists"; exit 1; }
	if [ "$(cat "$dir/.runc-version" 2>/dev/null)" != "$want" ]; then
		log "runc $want into $dir"
		# shellcheck disable=SC2046
		fetch_unpack "$dir" $(closure runc)
		patch_bin "$dir" usr/sbin/runc
		"$dir/usr/sbin/runc" --version >"$dir/.runc-check" 2>&1 ||
			{ log "the unpacked runc does not start:"; cat "$dir/.runc-check" >&2; exit 1; }
		echo "$want" >"$dir/.runc-version"
	fi
	echo "$dir"
}

# The libraries podman, conmon and netavark link, and theirs: named here,
# as libgpgme's Depends would pull gnupg and every pinentry.
PODMAN_PKGS="podman conmon netavark golang-github-containers-common
	golang-github-containers-image libsubid5 libsqlite3-0 libgpgme11t64
	libassuan9 libgpg-error0 libglib2.0-0t64 libffi8 libpcre2-8-0
	libmount1 libblkid1 libselinux1 libsystemd0 libcap2 libgcrypt20
	liblz4-1 liblzma5 libzstd1 libaudit1 libcap-ng0 libbsd0 libmd0
	libsemanage2 libsepol2 libbz2-1.0 libacl1 libattr1"

get_podman() {
	local dir want
	dir=$(get_runc)
	want=$(candidate podman)
	[ -n "$want" ] || { log "no podman in $suite's lists"; exit 1; }
	if [ "$(cat "$dir/.podman-version" 2>/dev/null)" != "$want" ]; then
		log "podman $want and its libraries into $dir"
		# shellcheck disable=SC2086
		fetch_unpack "$dir" $PODMAN_PKGS
		patch_bin "$dir" usr/bin/podman usr/bin/conmon \
			usr/lib/podman/netavark
		"$dir/usr/bin/podman" --version >"$dir/.podman-check" 2>&1 ||
			{ log "the unpacked podman does not start:"; cat "$dir/.podman-check" >&2; exit 1; }
		echo "$want" >"$dir/.podman-version"
	fi
	echo "$dir"
}

get_redis() {
	local dir want
	dir=$(get_criu)
	want=$(candidate redis-server)
	[ -n "$want" ] || { log "no redis-server in $suite's lists"; exit 1; }
	if [ "$(cat "$dir/.redis-version" 2>/dev/null)" != "$want" ]; then
		log "redis $want and its libraries into $dir"
		# shellcheck disable=SC2046
		fetch_unpack "$dir" $(closure redis-server)
		patch_bin "$dir" usr/bin/redis-check-rdb usr/bin/redis-cli \
			usr/bin/redis-benchmark
		"$dir/usr/bin/redis-server" --version >"$dir/.redis-check" 2>&1 ||
			{ log "the unpacked redis does not start:"; cat "$dir/.redis-check" >&2; exit 1; }
		echo "$want" >"$dir/.redis-version"
	fi
	echo "$dir"
}

# The packages of pkg $1 that hold its kernel and modules: itself, or
# (Linux 7.x in sid) its linux-binary-* and linux-modules-* dependencies.
kernel_parts() {
	echo "$1"
	apt-cache "${APT_OPTS[@]}" depends "$1" |
		sed -n 's/^ *Depends: \(linux-\(base\|binary\|modules\)-[^ ]*\)$/\1/p'
}

# Linux 7.x keeps the image in usr/lib/modules/VER/vmlinuz; give tree $1
# the 6.x layout, boot/vmlinuz-VER, that its users read.  0 when it has
# an image.
kernel_boot_layout() {
	local img ver
	for img in "$1"/usr/lib/modules/*/vmlinuz; do
		[ -f "$img" ] || continue
		ver=$(basename "$(dirname "$img")")
		mkdir -p "$1/boot"
		ln -sfn "../usr/lib/modules/$ver/vmlinuz" "$1/boot/vmlinuz-$ver"
	done
	ls "$1"/boot/vmlinuz-* >/dev/null 2>&1
}

get_kernel() {
	local pkg
	pkg=$(apt-cache "${APT_OPTS[@]}" depends linux-image-amd64 |
		sed -n 's/^ *Depends: \(linux-image-[0-9]*\.[0-9.]*[^ ]*-amd64\)$/\1/p' |
		head -n1)
	[ -n "$pkg" ] || { log "no linux-image-amd64 in $suite's lists"; exit 1; }
	if [ ! -e "$root/kernel/$pkg/.unpacked" ]; then
		log "$pkg into $root/kernel/$pkg"
		rm -rf "$root/kernel/$pkg"
		fetch_unpack "$root/kernel/$pkg" $(kernel_parts "$pkg")
		kernel_boot_layout "$root/kernel/$pkg" ||
			{ log "$pkg: no kernel image in its packages"; exit 1; }
		touch "$root/kernel/$pkg/.unpacked"
	fi
	echo "$root/kernel/$pkg"
}

# linux-source-X.Y of the kernel linux-image-amd64 depends on: the
# tarball it ships, /usr/src/linux-source-X.Y.tar.xz, unpacked from the
# package into ROOT/linux-source.
get_linux_source() {
	local ver pkg
	ver=$(candidate linux-image-amd64)
	pkg=linux-source-$(echo "$ver" | cut -d. -f1-2)
	if [ ! -e "$root/linux-source/.$pkg" ]; then
		log "$pkg into $root/linux-source"
		rm -rf "$root/linux-source"
		fetch_unpack "$root/linux-source" "$pkg"
		touch "$root/linux-source/.$pkg"
	fi
	ls "$root/linux-source/usr/src/$pkg".tar.* | head -n1
}

# Debian's own packaging tarball is not on every mirror: the orig
# tarball is the upstream source, and all that is needed.
get_source() {
	local ver up dir tarball
	ver=$(candidate criu)
	up=${ver%-*}
	up=${up#*:}
	dir=$root/src/criu-$up
	if [ -f "$dir/.unpacked" ]; then
		echo "$dir"
		return
	fi
	mkdir -p "$root/src"
	log "CRIU $up source (apt-get source criu=$ver) into $dir"
	(cd "$root/src" && apt-get "${APT_OPTS[@]}" -q source --download-only \
		"criu=$ver" >"$apt/source.log" 2>&1) || true
	tarball=$root/src/criu_$up.orig.tar.xz
	[ -f "$tarball" ] ||
		{ log "no $tarball (see $apt/source.log)"; exit 1; }
	rm -rf "$dir.tmp" "$root/pycriu"
	mkdir -p "$dir.tmp"
	tar -xJf "$tarball" -C "$dir.tmp" --strip-components=1
	fetch_unpack "$root/pycriu" python3-pycriu
	ln -sfn "$root/pycriu/usr/lib/python3/dist-packages/pycriu" \
		"$dir.tmp/test/pycriu"
	touch "$dir.tmp/.unpacked"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	echo "$dir"
}

apt_update
case $what in
criu) get_criu ;;
sanitizers) get_sanitizers ;;
runc) get_runc ;;
podman) get_podman ;;
redis) get_redis ;;
kernel) get_kernel ;;
linux-source) get_linux_source ;;
source) get_source ;;
*) echo "usage: debian13.sh criu|sanitizers|runc|podman|redis|kernel|linux-source|source [ROOT]" >&2; exit 2 ;;
esac
