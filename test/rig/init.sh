#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest setup (docs/kernel-and-criu-facts.md section 4), then the job
# the host appended as /job: its standard output goes to the second
# serial port, which the host reads as the results; everything else stays
# on the console.

export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

# A root that pivot_root(2) accepts, for a job that asks for one (a line
# "# guest: own root": runc, and criu restoring a container, pivot into
# the container's root): the initramfs is the rootfs, which cannot be
# pivoted away; a copy of it in a tmpfs moved over / can.
own_root() {
	local f
	mkdir /newroot && mount -t tmpfs tmpfs /newroot || return 1
	for f in /*; do
		case $f in
		/proc|/sys|/dev|/tmp|/run|/newroot) mkdir -p /newroot$f ;;
		*) cp -a $f /newroot/ || return 1 ;;
		esac
	done
	cd /newroot && mount -o move /newroot / && exec chroot . /bin/sh /init.sh moved
}
if [ "$1" != moved ] && grep -q '^# guest: own root' /job 2>/dev/null; then
	own_root
	echo "init: no root of its own: the job's containers will not start"
fi

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null

# Debian's kernel needs its modules; the test kernel has them built in.
if [ "$(uname -r)" = "$(cat /etc/guest-modules-release)" ]; then
	for m in $(cat /etc/guest-modules); do
		insmod /lib/modules/"$m".ko || echo "init: insmod $m failed"
	done
fi
ip link set lo up

if [ -x /job ]; then
	/job >/dev/ttyS1 2>&1
	echo "GUEST-JOB-EXIT $?" >/dev/ttyS1
else
	echo "GUEST-JOB-EXIT 127 (no /job)" >/dev/ttyS1
fi
sync
