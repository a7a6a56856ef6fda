#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/style.sh [FILE...]
#
# The kernel coding style of the project's C: checkpatch.pl --no-tree -f
# of Debian's linux-source-6.1 over every tracked .c and .h outside
# kernel/ (whose patches kernel/build.sh checks with --strict), or over
# the FILEs named.  checkpatch is taken out of the source tarball once,
# into build/checkpatch.  Prints what it finds; exit 1 if anything.
#
# Rules left out, each a kernel convention that userspace C cannot or
# should not follow:
#   VOLATILE      a signal handler's flag is a volatile sig_atomic_t (C11
#                 7.14.1.1); the rule is about the kernel's memory model
#   ARRAY_SIZE    userspace has no ARRAY_SIZE() macro
#   PREFER_DEFINED_ATTRIBUTE_MACRO  neither: __printf(), __weak and
#                 __aligned() come from the kernel's compiler_attributes.h
#   AVOID_EXTERNS labels defined in inline assembly (thp_rseq.c)
#   STATIC_CONST_CHAR_ARRAY  mkdtemp() templates must be writable
#   MACRO_WITH_FLOW_CONTROL  libFuzzer's entry points defined by a macro
#                 (test/fuzz/fuzz.h), their return included
#   SPLIT_STRING  the project's rule is stricter than checkpatch's: no
#                 line over 100 columns, a long message included (split
#                 at a space, so that grepping for a few words still
#                 finds it); checked below
# The protobuf-c types (images/*.proto) are typedefs checkpatch must know
# (--typedefsfile), or it reads "ThpChunkRun *const *r" as a product.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/checkpatch
tarball=/usr/src/linux-source-6.1.tar.xz
IGNORE=VOLATILE,ARRAY_SIZE,PREFER_DEFINED_ATTRIBUTE_MACRO,AVOID_EXTERNS
IGNORE=$IGNORE,STATIC_CONST_CHAR_ARRAY,MACRO_WITH_FLOW_CONTROL,SPLIT_STRING

if [ ! -x "$out/scripts/checkpatch.pl" ]; then
	[ -f "$tarball" ] || {
		echo "style: $tarball missing (scripts/deps.sh installs linux-source-6.1)" >&2
		exit 1
	}
	mkdir -p "$out"
	tar -xf "$tarball" -C "$out" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi

# thp_chunk_run -> ThpChunkRun, as protobuf-c names the C types
sed -n 's/^\(message\|enum\) \([a-z_0-9]*\).*/\2/p' images/*.proto |
	sed -E 's/(^|_)([a-z])/\U\2/g' >"$out/typedefs"

files=("$@")
[ $# -gt 0 ] || mapfile -t files < <(git ls-files '*.c' '*.h' | grep -v '^kernel/')
found=$("$out/scripts/checkpatch.pl" --no-tree -q --terse --show-types \
	--typedefsfile "$out/typedefs" --ignore "$IGNORE" -f "${files[@]}" |
	grep -v '^total: ' || true)
# checkpatch lets a line run long for a string: we do not
long=$(for f in "${files[@]}"; do
	expand -t 8 "$f" | awk -v f="$f" 'length > 100 {
		printf "%s:%d: LONG_LINE: %d columns, over 100\n", f, NR, length }'
done)
found=$(printf '%s\n%s' "$found" "$long" | sed '/^$/d')
[ -z "$found" ] || echo "$found"
echo "style: ${#files[@]} files, $([ -z "$found" ] && echo clean || echo "$(echo "$found" | wc -l) findings")"
[ -z "$found" ]
