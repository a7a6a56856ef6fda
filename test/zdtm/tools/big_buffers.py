#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# big_buffers.py PIDFILE OUTFILE: what any Python program does that holds
# big buffers: two of 32 MiB (malloc: mmapped chunks) and 100,000 small
# objects (pymalloc's own arenas), all written.  Run under
# GLIBC_TUNABLES=glibc.malloc.hugetlb=1, glibc madvises the big chunks
# MADV_HUGEPAGE and the small objects' arenas get nothing.  Writes its
# pid to PIDFILE; on SIGUSR1 checks every byte and writes PASS or FAIL to
# OUTFILE, then exits.
import os
import signal
import sys

MIB = 1 << 20


def make():
    big = [bytearray(b'\x5a') * (32 * MIB), bytearray(b'\xa5') * (32 * MIB)]
    small = [bytes([i % 251]) * 300 for i in range(100000)]
    return big, small


def check(big, small):
    for b in big:
        if b.count(b[0:1]) != len(b):
            return 'FAIL: a big buffer changed'
    for i, s in enumerate(small):
        if s != bytes([i % 251]) * 300:
            return 'FAIL: small object %d changed' % i
    return 'PASS'


def main():
    big, small = make()

    def on_usr1(signum, frame):
        with open(sys.argv[2], 'w') as f:
            f.write(check(big, small) + '\n')
        sys.exit(0)

    signal.signal(signal.SIGUSR1, on_usr1)
    with open(sys.argv[1], 'w') as f:
        f.write('%d\n' % os.getpid())
    while True:
        signal.pause()


main()
