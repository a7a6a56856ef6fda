#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install.sh: `make install` into a scratch root: the plugin where
# Debian's criu looks for plugins, the command, both man pages (each
# renders, with its NAME), the bash completion (it completes the
# subcommands and their options); then `make uninstall` leaves no file.
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

# complete WORD...: what the completion offers for the last word
complete_words() {
	bash -c '. /usr/share/bash-completion/bash_completion
		. "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_criu_thp; echo "${COMPREPLY[*]}"' \
		"$root/usr/local/share/bash-completion/completions/criu-thp" "$@"
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

why=
[ "$(complete_words criu-thp '')" = "show verify monitor -v --verbose -h --help -V --version" ] ||
	why="criu-thp <TAB>: $(complete_words criu-thp '')"
[ "$(complete_words criu-thp monitor --k)" = --kill-on-death ] ||
	why="${why:+$why; }criu-thp monitor --k<TAB>: $(complete_words criu-thp monitor --k)"
[ "$(complete_words criu-thp -v show -)" = "-D --images-dir --json" ] ||
	why="${why:+$why; }criu-thp -v show -<TAB>: $(complete_words criu-thp -v show -)"
result completion "$why" "subcommands and their options"

why=
make -s uninstall DESTDIR="$root" >/dev/null 2>&1 ||
	why="make uninstall failed"
left=$(cd "$root" && find . -type f)
[ -z "$left" ] || why="${why:+$why; }left: $left"
result uninstall "$why"
