#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# criu/build.sh: CRIU 4.2.1 (Debian sid's source package, fetched by
# scripts/debian13.sh) with this directory's series applied, built for
# this machine into build/criu-series.  Prints the path of the criu
# binary.  Kept once built; built again when a patch changes.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dest=$top/build/criu-series
tree=$dest/criu-4.2.1
patches=("$top"/criu/000[1-9]-*.patch)

src=$(DEBIAN_SUITE=sid "$top/scripts/debian13.sh" source)
stamp=$(cat "${patches[@]}" | sha256sum | cut -d' ' -f1)
if [ -x "$tree/criu/criu" ] && [ "$(cat "$dest/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$tree/criu/criu"
	exit 0
fi

rm -rf "$dest"
mkdir -p "$dest"
cp -a "$src" "$tree"
for p in "${patches[@]}"; do
	patch -d "$tree" -p1 -s --no-backup-if-mismatch <"$p" ||
		{ echo "criu/build.sh: ${p##*/} does not apply to $src" >&2; exit 1; }
done
echo "criu/build.sh: building CRIU 4.2.1 with ${#patches[@]} patches in $tree (log: $dest/build.log)" >&2
if ! make -C "$tree" -j"$(nproc)" criu >"$dest/build.log" 2>&1; then
	tail -n 20 "$dest/build.log" >&2
	echo "criu/build.sh: the build failed, see $dest/build.log" >&2
	exit 1
fi
echo "$stamp" >"$dest/stamp"
echo "$tree/criu/criu"
