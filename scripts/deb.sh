#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/deb.sh: the Debian package of criu-thp (debian/), built with
# dpkg-buildpackage from a copy of the tree's files (tracked and new, not
# ignored) in build/deb/criu-thp, so that nothing is written beside the
# checkout.  Then lintian, which must report no error.  Prints the
# package's path.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/deb
src=$out/criu-thp

"$top/scripts/deps.sh"
rm -rf "$out"
mkdir -p "$src"
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src"
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	echo "deb: dpkg-buildpackage failed; the end of $out/build.log:" >&2
	tail -n 30 "$out/build.log" >&2
	exit 1
}
deb=$out/criu-thp_${version}_amd64.deb
lintian --fail-on error "$deb" >"$out/lintian.log" 2>&1 || {
	echo "deb: lintian reports errors ($out/lintian.log):" >&2
	cat "$out/lintian.log" >&2
	exit 1
}
echo "$deb"
