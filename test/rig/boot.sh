#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# boot.sh -k VMLINUZ -i INITRD -j JOB -t THP_MODE -o OUTDIR [-s SECONDS] [-m MEM] [-1]
#
# Boot the guest under QEMU (software emulation) with JOB, an executable
# script, appended to the initramfs as /job.  The job's output arrives on
# the second serial port: OUTDIR/results.log; the console (kernel and
# setup messages) goes to OUTDIR/console.log.  A guest still running after
# SECONDS (default 1200) is killed.  Exit status 0 when the job ran to its
# end, whatever it reported; 1 otherwise, with the console's tail printed.
# One guest at a time: two emulated guests on two cores halve each other.
# -1 runs both vCPUs in one host thread (TCG's thread=single): Debian's
# 6.12 kernel patches its own code at run time (static keys, int3 first),
# and with a thread per vCPU TCG can still run the old code on the other
# vCPU after the int3 is gone - "Oops: int3" in __schedule, a panic.
set -euo pipefail

timeout_s=1200 mem=4G accel=tcg
while getopts k:i:j:t:o:s:m:1 opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	j) job=$OPTARG ;;
	t) thp=$OPTARG ;;
	o) outdir=$OPTARG ;;
	s) timeout_s=$OPTARG ;;
	m) mem=$OPTARG ;;
	1) accel=tcg,thread=single ;;
	*) exit 2 ;;
	esac
done
: "${kernel:?-k VMLINUZ}" "${initrd:?-i INITRD}" "${job:?-j JOB}" "${thp:?-t THP_MODE}" "${outdir:?-o OUTDIR}"
case $thp in always|madvise|never) ;; *) echo "boot: bad THP mode $thp" >&2; exit 2 ;; esac

mkdir -p "$outdir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
install -m 0755 "$job" "$work/job"
(cd "$work" && echo job | cpio -o -H newc --quiet | gzip -1 >job.cpio.gz)
cat "$initrd" "$work/job.cpio.gz" >"$work/initrd"
: >"$outdir/console.log"
: >"$outdir/results.log"

rc=0
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 \
	-accel "$accel" -m "$mem" -smp 2,sockets=2,cores=1,threads=1 \
	-kernel "$kernel" -initrd "$work/initrd" \
	-append "console=ttyS0 panic=-1 quiet transparent_hugepage=$thp" \
	-display none -monitor none -nic none -no-reboot \
	-serial "file:$outdir/console.log" -serial "file:$outdir/results.log" \
	</dev/null || rc=$?
# The serial line discipline turns "\n" into "\r\n".
sed -i 's/\r$//' "$outdir/results.log" "$outdir/console.log"

if grep -q '^GUEST-JOB-EXIT' "$outdir/results.log"; then
	exit 0
fi
if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "boot: guest killed after ${timeout_s}s; console tail:" >&2
else
	echo "boot: guest ended (qemu status $rc) before its job finished; console tail:" >&2
fi
tail -n 40 "$outdir/console.log" >&2
exit 1
