#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/names.sh [OBJDIR]
#
# Every name a file of plugin/ exports carries the file's name as its
# prefix: foo_bar.c exports foo_bar or foo_bar_*, nothing else, so that a
# name says where it is defined.  Reads the global symbols of the objects
# in OBJDIR (default build/obj, from `make all`) of every plugin/*/*.c.
# The exceptions are names others choose for us:
#   main            criu_thp.c, the command's entry
#   CR_PLUGIN_DESC  thp_plugin.c, the descriptor criu looks up
#   thp_log*        log_criu.c and log_stderr.c, the two implementations
#                   of thp_log.h (one linked into each binary)
# Prints each other name with its file; exit 1 if any.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
obj=${1:-$top/build/obj}
bad=0 n=0
for src in "$top"/plugin/*/*.c; do
	f=$(basename "$src" .c)
	o=$obj/$f.o
	if [ ! -f "$o" ]; then
		echo "names: $o missing (run make all first)" >&2
		exit 1
	fi
	n=$((n + 1))
	while read -r name; do
		case $f:$name in
		criu_thp:main | thp_plugin:CR_PLUGIN_DESC | log_*:thp_log*) continue ;;
		"$f:$f" | "$f:$f"_*) continue ;;
		esac
		echo "$src: exports $name, not $f or ${f}_*"
		bad=$((bad + 1))
	done < <(nm --defined-only -g "$o" | awk '{ print $3 }')
done
echo "names: $n files, $([ $bad = 0 ] && echo clean || echo "$bad names without their file's prefix")"
[ $bad = 0 ]
