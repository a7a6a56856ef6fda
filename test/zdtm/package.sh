#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# package.sh: the Debian package of `make deb` (staged in
# /opt/criu-thp/deb) with Debian 12's dpkg and CRIU 3.17.1, in the guest:
#   install  dpkg -i; the plugin where Debian's CRIU looks for plugins
#            (/usr/lib/criu), criu-thp in /usr/bin, the man pages, the
#            completion and /etc/criu/thp.conf, a conffile
#   works    thp_coverage dumped and restored plain and lazily with the
#            package's plugin, its criu-thp the only one on PATH (the
#            plugin starts it as the monitor), its thp.conf read
#   remove   dpkg -r: every file gone but the conffile
#   purge    dpkg -P: the conffile gone too, nothing left of the package
# RESULT lines as zdtm_run.sh's, "dpkg" in the plugin field.
Z=$(cd "$(dirname "$0")" && pwd)
. "$Z/results.sh"
RESULT_PLUGIN=dpkg
deb=$(ls /opt/criu-thp/deb/criu-thp_*_amd64.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ]; then
	echo "INFO package: no package staged (make deb did not run)"
	exit 0
fi
FILES="/usr/lib/criu/thp_plugin.so /usr/bin/criu-thp
	/usr/share/man/man1/criu-thp.1.gz /usr/share/man/man7/criu-thp-plugin.7.gz
	/usr/share/bash-completion/completions/criu-thp"
CONF=/etc/criu/thp.conf
# Debian's dpkg by its path: busybox sh runs its own dpkg applet for the
# bare name, whatever comes first in PATH.
DPKG=/usr/bin/dpkg
DPKG_QUERY=/usr/bin/dpkg-query
log=/tmp/package.log

# missing FILE...: the ones not there
missing() {
	for f in "$@"; do
		[ -e "$f" ] || printf '%s ' "$f"
	done
}

# present FILE...: the ones still there
present() {
	for f in "$@"; do
		[ -e "$f" ] && printf '%s ' "$f"
	done
}

why=
if ! $DPKG -i "$deb" >$log 2>&1; then
	why="dpkg -i failed: $(tail -n 3 $log | tr '\n' ' ')"
elif [ -n "$(missing $FILES $CONF)" ]; then
	why="not installed: $(missing $FILES $CONF)"
elif ! $DPKG_QUERY -W -f='${Conffiles}' criu-thp | grep -q " $CONF "; then
	why="$CONF is not a conffile"
elif ! /usr/bin/criu-thp --version >/dev/null 2>&1; then
	why="/usr/bin/criu-thp --version fails"
fi
result_line install package "$why" "$($DPKG_QUERY -W -f='${Package} ${Version}' criu-thp)"
if [ -n "$why" ]; then
	sed 's/^/LOG package install: /' $log
	exit 0
fi

# Only the package's criu-thp on PATH: the staged one aside.
mv /usr/local/bin/criu-thp /usr/local/bin/criu-thp.staged
PLUGIN_DIR=/usr/lib/criu "$Z/zdtm_run.sh" -m plain,lazy thp_coverage |
	sed 's/^RESULT \([^ ]*\)/RESULT \1+package/'
mv /usr/local/bin/criu-thp.staged /usr/local/bin/criu-thp

why=
if ! $DPKG -r criu-thp >$log 2>&1; then
	why="dpkg -r failed: $(tail -n 3 $log | tr '\n' ' ')"
elif [ -n "$(present $FILES)" ]; then
	why="left after dpkg -r: $(present $FILES)"
elif [ ! -e $CONF ]; then
	why="dpkg -r removed the conffile $CONF"
fi
result_line remove package "$why" "" $log

why=
if ! $DPKG -P criu-thp >$log 2>&1; then
	why="dpkg -P failed: $(tail -n 3 $log | tr '\n' ' ')"
elif [ -e $CONF ]; then
	why="left after dpkg -P: $CONF"
elif $DPKG_QUERY -W criu-thp >/dev/null 2>&1; then
	why="dpkg still knows criu-thp: $($DPKG_QUERY -W criu-thp)"
fi
result_line purge package "$why" "" $log
