#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh THP_MODE JOB OUTDIR [TIMEOUT]
#
# Everything a guest run needs, from nothing: the kernel, an initramfs
# with the current build, then one boot.  GUEST=12 (the default) is
# Debian 12: its 6.1 kernel (cached in build/guest/kernel) and its CRIU
# 3.17.1.  GUEST=13 is Debian 13: its 6.12 kernel and CRIU 4.1.1 with
# their libraries (scripts/debian13.sh, cached in build/debian13).
# GUEST=sid is Debian sid: its newest kernel (Linux 7.x) and CRIU 4.2.1
# (cached in build/debian-sid).
# KERNEL=PATH boots that bzImage instead (the test kernel of
# kernel/build.sh, which has everything built in).  INITRD_KEEP=1 boots
# the initramfs an earlier call built for the same GUEST, if there is
# one (scripts/run-tests.sh: one per run).  Expects `make all zdtm` to
# have run.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
thp=$1 job=$2 out=$3 timeout_s=${4:-1200}

case ${GUEST:-12} in
12)
	ktree=$("$top/test/rig/guest-kernel.sh" "$top/build/guest/kernel")
	croot=
	single=
	;;
13)
	ktree=$("$top/scripts/debian13.sh" kernel)
	croot=$("$top/scripts/debian13.sh" criu)
	single=-1	# boot.sh: its 6.12 kernel needs TCG's thread=single
	;;
sid)
	ktree=$(DEBIAN_SUITE=sid "$top/scripts/debian13.sh" kernel)
	croot=$(DEBIAN_SUITE=sid "$top/scripts/debian13.sh" criu)
	single=-1
	;;
*)
	echo "guest: GUEST=12, 13 or sid" >&2
	exit 2
	;;
esac
initrd=$top/build/guest/base${GUEST:-12}.cpio.gz
[ "${INITRD_KEEP:-}" = 1 ] && [ -s "$initrd" ] ||
	"$top/test/rig/mkinitramfs.sh" "$ktree" "$initrd" $croot
exec "$top/test/rig/boot.sh" -k "${KERNEL:-$(ls "$ktree"/boot/vmlinuz-*)}" \
	-i "$initrd" -j "$job" -t "$thp" -o "$out" -s "$timeout_s" $single
