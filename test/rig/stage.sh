#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stage.sh DEST
#
# Lay this project's test tree out under DEST the way the guest has it
# and the native lane runs it: the plugin in DEST/opt/criu-thp/lib (not
# criu's default directory, so a run loads it only when asked: -L or
# CRIU_LIBS_DIR), criu-thp in DEST/usr/local/bin, the zdtm tests, their
# .desc files, tools and scripts in DEST/opt/criu-thp/zdtm, the
# benchmarks in DEST/opt/criu-thp/bench, the kernel series' selftest
# in DEST/opt/criu-thp/kernel and the Debian package (make deb) in
# DEST/opt/criu-thp/deb when they were built.  Files only: the
# guest's initramfs adds the libraries (mkinitramfs.sh).  Expects
# `make all zdtm` to have run.  STAGE_PLUGIN and STAGE_CMD: another
# build of the plugin and of criu-thp (host.sh's SAN=1).
set -euo pipefail

dest=${1:?usage: stage.sh DEST}
top=$(cd "$(dirname "$0")/../.." && pwd)
B=$top/build
O=$dest/opt/criu-thp

mkdir -p "$O"/{lib,zdtm/static,zdtm/tools} "$dest/usr/local/bin"
install -m 0644 "${STAGE_PLUGIN:-$top/plugin/thp_plugin.so}" "$O/lib/thp_plugin.so"
install -m 0755 "${STAGE_CMD:-$top/plugin/criu-thp}" "$dest/usr/local/bin/criu-thp"
install -m 0755 "$B"/zdtm/static/* "$O/zdtm/static/"
install -m 0644 "$top"/test/zdtm/static/*.desc "$O/zdtm/static/"
install -m 0755 "$B"/zdtm/tools/* "$O/zdtm/tools/"
install -m 0755 "$top"/test/zdtm/tools/*.sh "$top"/test/zdtm/tools/*.py \
	"$top"/test/zdtm/tools/*.java "$O/zdtm/tools/"
install -m 0644 "$top"/test/zdtm/tools/*.jq "$O/zdtm/tools/"
install -m 0755 "$top"/test/zdtm/*.sh "$O/zdtm/"
if [ -n "$(ls "$B"/bench/ 2>/dev/null)" ]; then
	mkdir -p "$O/bench"
	install -m 0755 "$B"/bench/* "$O/bench/"
fi
if [ -n "$(ls "$B"/deb/criu-thp_*_amd64.deb 2>/dev/null)" ]; then
	mkdir -p "$O/deb"		# package.sh: the package of make deb
	install -m 0644 "$B"/deb/criu-thp_*_amd64.deb "$O/deb/"
fi
if [ -x "$B/kernel/current/madv_clr_hugepage" ]; then
	mkdir -p "$O/kernel"
	install -m 0755 "$B/kernel/current/madv_clr_hugepage" "$O/kernel/"
fi
