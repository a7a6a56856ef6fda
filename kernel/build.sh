#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel/build.sh [--check] [SERIES [OUTROOT]]
#
# The test kernel of one of this directory's patch series, SERIES being
# its directory's version (default 6.1):
#   linux-6.1   Debian 12's linux-source-6.1 (installed by deps.sh)
#   linux-6.12  Debian 13's linux-source-6.12 (scripts/debian13.sh)
#   linux-7.2   Debian sid's newest, linux-source-7.2 at the time of
#               writing (DEBIAN_SUITE=sid scripts/debian13.sh): when sid
#               moves on, this says so and fails
# The source is unpacked, the series applied in order (patch -p1, no
# fuzz), every patch checked with checkpatch.pl --strict, the tree
# configured from tinyconfig plus config.fragment and built as one
# bzImage with everything built in; the series' selftest
# (madv_clr_hugepage) is built from the patched tree.  --check stops
# short of the bzImage: it compiles only the objects the series changes
# (mm/madvise.o, mm/khugepaged.o) and the selftest.  The result is cached
# in OUTROOT/<key> (default build/kernel), key = the source, the
# fragment, the patches and --check; OUTROOT/current points to the last
# one.  Prints the directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
check=
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
series=${1:-6.1}
root=${2:-$top/build/kernel}
sdir=$here/linux-$series
[ -d "$sdir" ] || { echo "kernel: no series $sdir" >&2; exit 2; }

"$top/scripts/deps.sh"
# The mm selftests moved from vm/ to mm/ in 6.3.
selftest=tools/testing/selftests/mm/madv_clr_hugepage.c
case $series in
6.1)
	tarball=/usr/src/linux-source-6.1.tar.xz
	selftest=tools/testing/selftests/vm/madv_clr_hugepage.c
	;;
6.12)
	tarball=$("$top/scripts/debian13.sh" linux-source)
	;;
*)
	tarball=$(DEBIAN_SUITE=sid "$top/scripts/debian13.sh" linux-source)
	;;
esac
case $(basename "$tarball") in
linux-source-$series.tar.*) ;;
*)
	echo "kernel: the series is for linux-source-$series, Debian has $(basename "$tarball"): rebase it" >&2
	exit 1
	;;
esac
fragment=$here/config.fragment
patches=$(ls "$sdir"/0*.patch | grep -v '/0000-')
key=$( (stat -c '%n %s' "$tarball"; echo "$check"; cat "$fragment" $patches) |
	sha256sum | cut -c1-12)
dir=$root/$key
if [ -x "$dir/madv_clr_hugepage" ] && { [ -n "$check" ] || [ -f "$dir/bzImage" ]; }; then
	ln -sfn "$key" "$root/current"
	echo "$dir"
	exit 0
fi

log() {
	echo "kernel: $*" >&2
}

# Run a step with its output in the log; show the log's tail if it fails.
step() {
	if ! "$@" >>"$dir/build.log" 2>&1; then
		log "failed: $*; the end of $dir/build.log:"
		tail -n 30 "$dir/build.log" >&2
		exit 1
	fi
}

# Whether this kernel's Kconfig has the option CONFIG_$1 at all.
kconfig_has() {
	grep -rqsE --include='Kconfig*' "^[[:space:]]*(menu)?config $1\$" \
		"$src"
}

# Every line of the fragment must have survived olddefconfig; an option
# the kernel no longer has (BASE_FULL went in 6.12) is said and skipped.
check_config() {
	local line opt bad=0

	while read -r line; do
		case $line in
		CONFIG_*)
			grep -qxF "$line" "$src/.config" && continue
			opt=${line%%=*}
			if kconfig_has "${opt#CONFIG_}"; then
				log "$line did not stick"
				bad=1
			else
				log "$opt: not an option of linux-$series"
			fi
			;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			! grep -q "^$opt=" "$src/.config" || {
				log "$opt is set, wanted off"; bad=1; }
			;;
		esac
	done <"$fragment"
	return $bad
}

rm -rf "$dir"
mkdir -p "$dir"
src=$root/src
rm -rf "$src"
mkdir -p "$src"
log "$(basename "$tarball") into $src"
step tar -xf "$tarball" -C "$src" --strip-components=1
for p in $patches; do
	log "applying linux-$series/$(basename "$p")"
	step patch -p1 -N --fuzz=0 -d "$src" -i "$p"
done
# The tarball has no git history: checkpatch cannot look up the upstream
# commits the messages cite (UNKNOWN_COMMIT_ID), and a new file in a
# directory MAINTAINERS already covers still asks whether it needs an
# update (FILE_PATH_CHANGES).
for p in $patches; do
	step env GIT_DIR=/nonexistent "$src/scripts/checkpatch.pl" --strict \
		--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$p"
done
log "linux-$series series applied, checkpatch --strict clean"
step make -C "$src" tinyconfig
step "$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" \
	"$fragment"
step make -C "$src" olddefconfig
check_config || { log "config fragment not applied"; exit 1; }

t0=$(date +%s)
if [ -n "$check" ]; then
	log "make mm/madvise.o mm/khugepaged.o"
	step make -C "$src" -j"$(nproc)" mm/madvise.o mm/khugepaged.o
else
	log "make -j$(nproc) bzImage (4 to 7 minutes on 2 cores)"
	step make -C "$src" -j"$(nproc)" bzImage
	cp "$src/arch/x86/boot/bzImage" "$dir/bzImage"
fi
echo "$(($(date +%s) - t0))" >"$dir/build-seconds"
step gcc -O2 -Wall -static -I "$src/tools/testing/selftests" \
	-o "$dir/madv_clr_hugepage" "$src/$selftest"
cp "$src/.config" "$dir/config"
log "linux-$series ${check:+objects }built in $(cat "$dir/build-seconds") s: $dir"
rm -rf "$src"
ln -sfn "$key" "$root/current"
echo "$dir"
