#!/bin/sh
# Boot tests, run inside the emulated arm64 KVM host as its /job.sh (busybox
# sh). Prints TAP lines and ends with "boot: N passed, N failed".
#
# Files (put there by tests/boot/run.sh): /hvmm, /guest/Image,
# /guest/initramfs.cpio, /guest/bm/*, /tests/lib.sh (the helpers),
# /tests/parts/*.sh. Each part is a group of checks; run_part marks where
# it begins and ends.

. /tests/lib.sh

echo "boot tests: $(uname -r), $(grep -c ^processor /proc/cpuinfo) host CPUs"

# ---- the groups of checks (tests/boot/parts/*.sh), in name order ----
# tests/boot/run.sh lists the parts the tree has in /tests/parts.list: each
# one missing here, or that does not parse, is a failed check (run_part).
if [ -s /tests/parts.list ]; then
	for part in $(cat /tests/parts.list); do
		run_part "$part"
	done
else
	result "boot parts: /tests/parts.list (written by tests/boot/run.sh) is missing or empty" 1
fi

boot_summary
