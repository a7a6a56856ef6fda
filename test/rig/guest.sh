#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh THP_MODE JOB OUTDIR [TIMEOUT]
#
# Everything a guest run needs, from nothing: Debian's kernel (cached in
# build/guest/kernel), an initramfs with the current build, then one boot.
# KERNEL=PATH boots that bzImage instead (the test kernel of
# kernel/build.sh, which has everything built in).  Expects
# `make all zdtm` to have run.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
thp=$1 job=$2 out=$3 timeout_s=${4:-1200}

ktree=$("$top/test/rig/guest-kernel.sh" "$top/build/guest/kernel")
"$top/test/rig/mkinitramfs.sh" "$ktree" "$top/build/guest/base.cpio.gz"
exec "$top/test/rig/boot.sh" -k "${KERNEL:-$(ls "$ktree"/boot/vmlinuz-*)}" \
	-i "$top/build/guest/base.cpio.gz" -j "$job" -t "$thp" -o "$out" \
	-s "$timeout_s"
