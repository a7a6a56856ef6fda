#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# two_hosts.sh: a lazy migration between two "hosts" - two network
# namespaces, thp-src (10.99.0.1) and thp-dst (10.99.0.2), joined by a
# veth pair - in the shape of a real one: the process and the dumping
# criu, which serves its pages, on the source; the images copied to a
# directory of the destination (as scp would), criu lazy-pages fetching
# the pages from 10.99.0.1, and the restore there.
#   bare   zdtm_run.sh's migrate mode (criu dump --lazy-pages) with
#          thp_coverage, with the plugin and without (stock CRIU must
#          come back with fewer huge pages)
#   runc   runc.sh's lazy case (runc checkpoint --lazy-pages)
# Each must end with the restored process exact and the monitor's report
# showing chunks collapsed during postcopy.  RESULT lines as zdtm_run.sh.

Z=$(cd "$(dirname "$0")" && pwd)
A=thp-src
B=thp-dst
# iproute2's ip by its path: busybox sh runs its own applet (no netns)
# for the bare name
IP=ip
[ -x /usr/bin/ip ] && IP=/usr/bin/ip

netns_down() {
	$IP netns del $A 2>/dev/null
	$IP netns del $B 2>/dev/null
}

netns_up() {
	netns_down
	$IP netns add $A && $IP netns add $B &&
		$IP link add thp-veth-a type veth peer name thp-veth-b &&
		$IP link set thp-veth-a netns $A &&
		$IP link set thp-veth-b netns $B &&
		$IP -n $A addr add 10.99.0.1/24 dev thp-veth-a &&
		$IP -n $B addr add 10.99.0.2/24 dev thp-veth-b &&
		$IP -n $A link set lo up && $IP -n $B link set lo up &&
		$IP -n $A link set thp-veth-a up &&
		$IP -n $B link set thp-veth-b up
}

trap netns_down EXIT
if ! netns_up >/tmp/two_hosts.log 2>&1; then
	echo "RESULT two-hosts migrate - FAIL cannot join two network namespaces: $(tail -n 1 /tmp/two_hosts.log)"
	exit 0
fi
export ZDTM_NET_SRC=$A ZDTM_NET_DST=$B ZDTM_ADDR=10.99.0.1
for how in libdir none; do
	"$Z/zdtm_run.sh" -m migrate -p $how thp_coverage |
		sed 's/^RESULT thp_coverage migrate/RESULT thp_coverage two-hosts/'
done
if command -v runc >/dev/null; then
	ZDTM_WORK=${ZDTM_WORK:-/tmp/zdtm}/two_hosts "$Z/runc.sh" lazy |
		sed 's/^RESULT lazy runc/RESULT runc-lazy two-hosts/'
fi
