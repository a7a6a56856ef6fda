#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# plot-coverage.sh CSV PNG THP_MODE: huge pages (MiB) and RSS over time
# after a lazy restore, one pair of lines per "how" (stock, plugin), from
# the CSV that `scripts/bench.sh MODE lazy` writes.
set -eu
csv=$1 png=$2 mode=$3
gnuplot <<EOP
set datafile separator ","
set terminal pngcairo size 800,420 font ",10" noenhanced
set output "$png"
set title "Remote lazy restore of 1 GiB (512 MiB recorded huge), THP $mode: huge pages over time"
set xlabel "seconds after criu restore started"
set ylabel "MiB"
set key at graph 0.98, graph 0.78 right top
set grid
plot "< grep '^plugin,' $csv" using 2:(\$3/1024) with lines lw 2 title "AnonHugePages, plugin", \
     "< grep '^stock,' $csv" using 2:(\$3/1024) with lines lw 2 title "AnonHugePages, stock", \
     "< grep '^plugin,' $csv" using 2:(\$4/1024) with lines dt 2 title "RSS (pages arrived), plugin", \
     "< grep '^stock,' $csv" using 2:(\$4/1024) with lines dt 2 title "RSS (pages arrived), stock"
EOP
