#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# options.sh [CRIU_THP [MAN_PAGE [COMPLETION]]]
#
# criu-thp's options as its tables define them - what `criu-thp --help`
# and `criu-thp COMMAND --help` print, generated from the tables - against
# what the man page (docs/man/criu-thp.1.adoc: "=== Global options" and
# "=== COMMAND options") and the bash completion
# (scripts/bash-completion/criu-thp, run as bash would) offer: the same
# options for criu-thp and for each command, none missing, none extra.
# -v and -h, which every command takes, are the man page's global ones.
# RESULT lines as zdtm_run.sh's (mode "options"); exit 1 on a difference.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$top/plugin/criu-thp}
man=${2:-$top/docs/man/criu-thp.1.adoc}
comp=${3:-$top/scripts/bash-completion/criu-thp}
bad=0

result() {
	if [ -z "$2" ]; then
		echo "RESULT $1 options - PASS${3:+ ($3)}"
	else
		echo "RESULT $1 options - FAIL $2"
		bad=1
	fi
}

# The option words of a --help text's "Options:" lines, sorted.
help_opts() {
	sed -n 's/^  \(-[a-zA-Z]\), \(--[a-z-]*\).*/\1\n\2/p
		s/^      \(--[a-z-]*\).*/\1/p' | sort
}

# The commands of criu-thp --help's "Commands:" lines.
help_cmds() {
	sed -n '/^Commands:/,/^$/s/^  \([a-z]\+\) .*/\1/p'
}

# The option words of the man page's "=== TITLE" section, sorted.
man_opts() {
	awk -v t="=== $1" '$0 == t { on = 1; next } /^==/ { on = 0 }
		on && /^\*-/ { print }' "$man" |
		grep -o '\*--\?[a-zA-Z][a-z-]*\*' | tr -d '*' | sort
}

# What the completion offers for the last of WORD... (after "criu-thp").
complete_words() {
	bash -c '. /usr/share/bash-completion/bash_completion
		. "$0"
		COMP_WORDS=(criu-thp "$@"); COMP_CWORD=$#
		COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
		_criu_thp; printf "%s\n" "${COMPREPLY[@]}"' "$comp" "$@" | sort
}

# what WANT HAVE: "missing ...; extra ..." or nothing
differ() {
	local miss extra
	miss=$(comm -23 <(echo "$1") <(echo "$2") | tr '\n' ' ')
	extra=$(comm -13 <(echo "$1") <(echo "$2") | tr '\n' ' ')
	echo "${miss:+missing ${miss% }}${miss:+${extra:+; }}${extra:+extra ${extra% }}"
}

[ -x "$bin" ] || { echo "options: $bin missing (make all)" >&2; exit 1; }
[ -r /usr/share/bash-completion/bash_completion ] ||
	{ echo "options: bash-completion not installed" >&2; exit 1; }

global=$("$bin" --help | help_opts)
common=$(printf '%s\n' -v --verbose -h --help | sort)
cmds=$("$bin" --help | help_cmds)
why=$(differ "$global" "$(man_opts 'Global options')")
result global "${why:+man page: $why}" "$(echo $global)"
# the words after "criu-thp " are the commands and the global options
why=$(differ "$(printf '%s\n' $cmds $global | sort)" "$(complete_words "")")
result commands "${why:+completion: $why}" "$(echo $cmds)"
for c in $cmds; do
	opts=$("$bin" "$c" --help | help_opts)
	why=$(differ "$(comm -23 <(echo "$opts") <(echo "$common"))" \
		"$(man_opts "$c options")")
	w2=$(differ "$opts" "$(complete_words "$c" -)")
	[ -z "$(comm -23 <(echo "$common") <(echo "$opts"))" ] ||
		why="${why:+$why; }--help does not list -v and -h"
	why="${why:+man page: $why}${why:+${w2:+; }}${w2:+completion: $w2}"
	result "$c" "$why" "$(echo $opts)"
done
exit $bad
