#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# flip_none_to_hg.sh PID RUNDIR: an after-restore hook for zdtm_run.sh -a.
# Puts VM_HUGEPAGE on the first 2 MiB of the test's "region none" from
# outside the task, so a test that checks advice must report FAIL.
addr=$(sed -n 's/.*region none at \(0x[0-9a-f]*\)-.*/\1/p' \
	"$2/test.out.inprogress" | head -n1)
[ -n "$addr" ] || { echo "no 'region none' in the test output" >&2; exit 1; }
exec "$(dirname "$0")/thp_madvise" "$1" "$addr" 0x200000 hg
