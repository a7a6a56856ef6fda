#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel/build.sh [OUTROOT]
#
# The test kernel: Debian's linux-source-6.1 with this directory's patch
# series applied in order (patch -p1, no fuzz), configured from tinyconfig
# plus config.fragment, built as one bzImage with everything built in.
# Checks every patch with checkpatch.pl --strict.  Also builds the series'
# selftest (madv_clr_hugepage) from the patched tree.  The result is
# cached in OUTROOT/<key> (default build/kernel), key = the source
# package's version, the fragment and the patches; OUTROOT/current points
# to the last one.  Prints the directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
root=${1:-$top/build/kernel}
tarball=/usr/src/linux-source-6.1.tar.xz
selftest=tools/testing/selftests/vm/madv_clr_hugepage.c

"$top/scripts/deps.sh"
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
patches=$(ls "$here"/0*.patch | grep -v '/0000-')
key=$( (echo "$version"; cat "$here/config.fragment" $patches) |
	sha256sum | cut -c1-12)
dir=$root/$key
if [ -f "$dir/bzImage" ] && [ -x "$dir/madv_clr_hugepage" ]; then
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

# Every line of the fragment must have survived olddefconfig.
check_config() {
	local line opt bad=0

	while read -r line; do
		case $line in
		CONFIG_*)
			grep -qxF "$line" "$src/.config" || {
				log "$line did not stick"; bad=1; }
			;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			! grep -q "^$opt=" "$src/.config" || {
				log "$opt is set, wanted off"; bad=1; }
			;;
		esac
	done <"$here/config.fragment"
	return $bad
}

rm -rf "$dir"
mkdir -p "$dir"
src=$root/src
rm -rf "$src"
mkdir -p "$src"
log "linux-source-6.1 $version into $src"
step tar -xf "$tarball" -C "$src" --strip-components=1
for p in $patches; do
	log "applying $(basename "$p")"
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
log "series applied, checkpatch --strict clean"
step make -C "$src" tinyconfig
step "$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" \
	"$here/config.fragment"
step make -C "$src" olddefconfig
check_config || { log "config fragment not applied"; exit 1; }

log "make -j$(nproc) bzImage (about 7 minutes on 2 cores)"
t0=$(date +%s)
step make -C "$src" -j"$(nproc)" bzImage
echo "$(($(date +%s) - t0))" >"$dir/build-seconds"
step gcc -O2 -Wall -static -I "$src/tools/testing/selftests" \
	-o "$dir/madv_clr_hugepage" "$src/$selftest"
cp "$src/.config" "$dir/config"
cp "$src/arch/x86/boot/bzImage" "$dir/bzImage"
log "bzImage built in $(cat "$dir/build-seconds") s: $dir"
rm -rf "$src"
ln -sfn "$key" "$root/current"
echo "$dir"
