#!/bin/sh
# kvmtool's options seen from Linux: what it found of the PMU (--pmu:
# driver, device, its interrupt) and of the ITS (--irqchip gicv3-its), in
# each of two boots: the first reboots in place (a new VM, set up again
# by hvmm's sandboxed main thread), the second powers off.
. /tests/lib.sh
n=$(boot_count)
dmesg | grep -e "hw perfevents" | sed "s/^/hvmm-test: boot $n dmesg: /"
for d in /sys/bus/event_source/devices/armv8_pmuv3*; do
	[ -e "$d" ] && say "boot $n pmu device: ${d##*/}"
done
grep arm-pmu /proc/interrupts | sed "s/  */ /g; s/^/hvmm-test: boot $n interrupt: /"
dmesg | grep -e "ITS" | sed "s/^/hvmm-test: boot $n dmesg: /"
[ -e /proc/device-tree/pmu/compatible ] && say "boot $n pmu node: $(tr -d '\0' </proc/device-tree/pmu/compatible)"
if [ "$n" = 1 ]; then
	say "boot 1 rebooting"
	sleep 1
	reboot -f
fi
