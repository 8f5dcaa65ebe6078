#!/bin/sh
# --pmu: what Linux found of the PMU (driver, device, its interrupt).
. /tests/lib.sh
dmesg | grep -e "hw perfevents" | sed 's/^/hvmm-test: dmesg: /'
for d in /sys/bus/event_source/devices/armv8_pmuv3*; do
	[ -e "$d" ] && say "pmu device: ${d##*/}"
done
grep arm-pmu /proc/interrupts | sed 's/  */ /g; s/^/hvmm-test: interrupt: /'
[ -e /proc/device-tree/pmu/compatible ] && say "pmu node: $(tr -d '\0' </proc/device-tree/pmu/compatible)"
say "pmu done"
