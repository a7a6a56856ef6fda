#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install.sh: `make install` into a scratch root: the plugin where
# Debian's criu looks for plugins, the command, both man pages (each
# renders, with its NAME), the bash completion (it completes the
# commands and their options as criu-thp's tables say: test/options.sh);
# then `make uninstall` leaves no file.
# RESULT lines as zdtm_run.sh (mode "install").
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

result() {
	if [ -z "$2" ]; then
		echo "RESULT $1 install - PASS${3:+ ($3)}"
	else
		echo "RESULT $1 install - FAIL $2"
	fi
}

why=
if ! make -s install DESTDIR="$root" >"$root.log" 2>&1; then
	why="make install failed: $(tail -n 2 "$root.log")"
else
	for f in usr/lib/criu/thp_plugin.so usr/local/bin/criu-thp \
		 usr/local/share/man/man1/criu-thp.1 \
		 usr/local/share/man/man7/criu-thp-plugin.7 \
		 usr/local/share/bash-completion/completions/criu-thp; do
		[ -s "$root/$f" ] || why="${why:-not installed: }$f "
	done
fi
rm -f "$root.log"
result files "$why" "$(cd "$root" && find . -type f | wc -l) files"

why=
for m in man1/criu-thp.1 man7/criu-thp-plugin.7; do
	n=$(MANWIDTH=80 man -l "$root/usr/local/share/man/$m" 2>/dev/null | grep -c '^NAME$\|^SYNOPSIS$\|^DESCRIPTION$')
	[ "$n" = 3 ] || why="${why}$m renders without NAME, SYNOPSIS and DESCRIPTION "
done
result man "$why" "criu-thp(1), criu-thp-plugin(7)"

# the installed completion and command agree with the man page
# (test/options.sh: the options of criu-thp and of each command)
why=$(test/options.sh "$root/usr/local/bin/criu-thp" \
	docs/man/criu-thp.1.adoc \
	"$root/usr/local/share/bash-completion/completions/criu-thp" |
	sed -n 's/^RESULT \([a-z]*\) options - FAIL /\1: /p' | tr '\n' ' ')
result completion "$why" "the commands and their options"

why=
make -s uninstall DESTDIR="$root" >/dev/null 2>&1 ||
	why="make uninstall failed"
left=$(cd "$root" && find . -type f)
[ -z "$left" ] || why="${why:+$why; }left: $left"
result uninstall "$why"
