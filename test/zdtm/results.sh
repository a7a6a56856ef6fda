# SPDX-License-Identifier: GPL-2.0
#
# results.sh: sourced by the failure and fault scripts - their RESULT
# lines, in zdtm_run.sh's format, and for a failure the telling lines of
# its logs.

# result_line MODE NAME WHY NOTE [LOG...]: PASS when WHY is empty; the
# third field is $RESULT_PLUGIN (default "plugin").
result_line() {
	local mode=$1 name=$2 why=$3 note=$4 p=${RESULT_PLUGIN:-plugin} f
	shift 4
	if [ -z "$why" ]; then
		echo "RESULT $name $mode $p PASS${note:+ ($note)}"
		return
	fi
	echo "RESULT $name $mode $p FAIL $why"
	for f in "$@"; do
		[ -f "$f" ] &&
			grep -E 'Error|Warn|thp:|FAIL|"problem"|killing|guarded|report' "$f" |
			head -n 20 | sed "s|^|LOG $name/$(basename "$f"): |"
	done
}
