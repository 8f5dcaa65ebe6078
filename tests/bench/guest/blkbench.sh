#!/bin/sh
# make bench's disk figures, inside the guest (hvmm or lkvm alike): the
# first disk written, then read, in 1 MiB direct requests, then 3 s of
# 4 KiB direct reads at random places (tests/bench/blkbench.c).
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -b /dev/vda ] && break
	sleep 0.2
done
blkbench /dev/vda seqwrite
blkbench /dev/vda seqread
blkbench /dev/vda randread 3
