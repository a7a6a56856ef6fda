# SPDX-License-Identifier: GPL-2.0
#
# bench_lib.sh: sourced by the native benchmark jobs (growth, load).

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
