#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/doc-paths.sh: no document names a file the repository lacks.
# Every path of the source tree that a document of the repository quotes
# (`plugin/...`, `test/...`, `scripts/...`, `docs/...`, `kernel/...`,
# `images/...`, `debian/...`, a README), in Markdown and in the man
# pages, must exist in the checkout; and no tracked file names a file
# outside it (FACTS.md, CRIU-4X.md, ../shared/).  Paths under build/ are
# made by the build and are left out, as are patterns (a '*', '<' or
# '$' in the path, or a placeholder in capitals: NAME, ID).  Prints each missing one; exit 1 if any.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bad=0 n=0
mapfile -t docs < <(git ls-files '*.md' '*.adoc')
while IFS=: read -r file line path; do
	n=$((n + 1))
	path=${path%%[),.:;]}
	path=${path%/}
	case $path in
	*'*'* | *'<'* | *'$'* | *'{'* | *[A-Z][A-Z]*) continue ;;	# NAME, ID
	esac
	[ -e "$path" ] && continue
	echo "$file:$line: names $path, which the repository lacks"
	bad=$((bad + 1))
done < <(grep -noE '(^|[^a-zA-Z0-9_./-])(plugin|test|scripts|docs|kernel|images|debian|\.ci)/[A-Za-z0-9_./*<>${}-]+' "${docs[@]}" |
	sed -E 's/^([^:]*:[0-9]*:)[^a-zA-Z.]*/\1/')
outside=$(git grep -nE 'FACTS\.md|CRIU-4X\.md|RUNTIMES\.md|ARCHITECTURE\.md|\.\./shared/' -- . ':!scripts/doc-paths.sh' || true)
if [ -n "$outside" ]; then
	echo "$outside" | sed 's/$/  <- a file outside the repository/'
	bad=$((bad + $(echo "$outside" | wc -l)))
fi
echo "doc-paths: ${#docs[@]} documents, $n paths, $([ $bad = 0 ] && echo clean || echo "$bad missing")"
[ $bad = 0 ]
