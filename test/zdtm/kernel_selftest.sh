#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kernel_selftest.sh patched|stock
#
# Run the kernel series' selftest (madv_clr_hugepage, kselftest harness)
# and print one RESULT line per case.  On the test kernel ("patched")
# every case must pass; on a kernel without the series ("stock") every
# case must skip because MADV_CLR_HUGEPAGE is not supported there.
T=$(cd "$(dirname "$0")/.." && pwd)/kernel/madv_clr_hugepage
want=${1:?usage: kernel_selftest.sh patched|stock}

if [ ! -x $T ]; then
	echo "RESULT madv_clr_hugepage $want selftest FAIL not in the initramfs (run kernel/build.sh)"
	exit 0
fi
$T >/tmp/selftest.log 2>&1
echo "INFO selftest on $(uname -r): $(grep '^# Totals' /tmp/selftest.log)"

# "#  RUN           clr.NAME ..." names the case "ok N ..." ends.  On the
# test kernel one RESULT per case; on a stock one, one for all.
awk -v want="$want" '
/^#  RUN / { name = $3; next }
/^(not )?ok [0-9]+/ {
	i = index($0, "# SKIP")
	skip = i ? substr($0, i + 7) : ""
	n++
	if (want == "patched") {
		pass = $1 == "ok" && skip == ""
		why = skip != "" ? "(skipped: " skip ")" : pass ? "" : "(failed)"
		printf "RESULT madv_clr_hugepage:%s patched selftest %s %s\n",
		       name, pass ? "PASS" : "FAIL", why
	} else if ($1 != "ok" || skip != "MADV_CLR_HUGEPAGE not supported") {
		bad = bad " " name
	}
}
END {
	if (!n)
		print "RESULT madv_clr_hugepage " want " selftest FAIL no case ran"
	else if (want == "stock" && bad == "")
		print "RESULT madv_clr_hugepage stock selftest PASS (all " n " cases skip: MADV_CLR_HUGEPAGE not supported)"
	else if (want == "stock")
		print "RESULT madv_clr_hugepage stock selftest FAIL (not skipped as unsupported:" bad ")"
}' /tmp/selftest.log
if grep -q '^not ok' /tmp/selftest.log; then
	sed 's/^/LOG /' /tmp/selftest.log
fi
exit 0
