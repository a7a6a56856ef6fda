#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest job of `make test`: every zdtm test in every mode, plus the
# checks that the rig itself works.  Prints RESULT lines (zdtm_run.sh).
Z=/opt/criu-thp/zdtm

echo "INFO kernel $(uname -r), THP $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
if setsid criu check --all >/tmp/criu-check.log 2>&1; then
	echo "RESULT criu-check-all - - PASS"
else
	echo "RESULT criu-check-all - - FAIL"
	sed 's/^/LOG /' /tmp/criu-check.log
fi

for t in $Z/static/*; do
	case $t in *.desc|*.h) continue ;; esac
	t=$(basename "$t")
	$Z/zdtm_run.sh "$t"			# every mode, plugin via -L
	$Z/zdtm_run.sh -m plain -p env "$t"	# plugin via CRIU_LIBS_DIR
	$Z/zdtm_run.sh -m plain,pre -p none "$t"	# stock criu, no plugin
done

# The tests can fail: break what thp_flags checks, from outside, after restore.
$Z/zdtm_run.sh -m plain -a $Z/tools/flip_none_to_hg.sh -e thp_flags

# Recording when maps cannot be read, strict, bad config, failed dumps.
$Z/record_failures.sh

# Restores that cannot be exact: a corrupt record, with and without strict.
$Z/restore_failures.sh
