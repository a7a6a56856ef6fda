#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# no_predump.sh WORKDIR: in the native lane (test/native/host.sh), show
# that stock criu cannot pre-dump on this kernel either, and why: one
# RESULT line, PASS when `criu pre-dump --track-mem` of a plain process
# fails without the plugin for want of memory tracking (and so pre and
# pre-lazy run in the Debian 13 guest instead); FAIL when it works (then
# the lane must run them) or fails for another reason.
set -uo pipefail
w=${1:?usage: no_predump.sh WORKDIR}
rm -rf "$w"
mkdir -p "$w/img"
setsid sleep 600 </dev/null >/dev/null 2>&1 &
pid=$!
sleep 0.2
if criu pre-dump -t "$pid" -D "$w/img" -o pre-dump.log --track-mem \
	>/dev/null 2>&1; then
	echo "RESULT pre-dump-native - stock FAIL criu pre-dump works here: run the pre modes natively"
elif why=$(grep -m1 -i 'dirty\|track' "$w/img/pre-dump.log"); then
	echo "RESULT pre-dump-native - stock PASS (stock criu cannot pre-dump here: ${why#*: })"
else
	echo "RESULT pre-dump-native - stock FAIL criu pre-dump failed for another reason: $(grep -m1 Error "$w/img/pre-dump.log")"
fi
kill -9 "$pid"
