# SPDX-License-Identifier: GPL-2.0
#
# bench_lib.sh: sourced by the native benchmark jobs (growth, load,
# collapse).

# raise_map_count: 64,000 VMAs and criu's own mappings during a restore
# pass the default vm.max_map_count (65530): raised for the job, put back
# when it exits.
raise_map_count() {
	mmc=/proc/sys/vm/max_map_count
	mmc_was=$(cat $mmc)
	trap 'echo "$mmc_was" >$mmc' EXIT
	[ "$mmc_was" -ge 262144 ] || echo 262144 >$mmc
}

# banner: the first BENCH line, what the figures were measured on.
banner() {
	echo "BENCH kernel $(uname -r), THP $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled), $(criu --version | head -n1), $(nproc) CPUs, $(($(sed -n 's/MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo) >> 20)) GiB"
}

# now: the time in seconds; secs T0 T1: T1 - T0, to 10 ms.
now() { date +%s.%N; }
secs() { awk "BEGIN { printf \"%.2f\", $2 - $1 }"; }

# gone PID: once PID has exited.
gone() {
	while kill -0 "$1" 2>/dev/null; do sleep 0.05; done
}
