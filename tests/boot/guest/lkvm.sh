#!/bin/sh
# kvmtool's options seen from Linux: what it found of the PMU (--pmu:
# driver, device, its interrupt), of the ITS (--irqchip gicv3-its), of
# stolen time (on unless --no-pvtime) and of SVE (on unless --disable-sve,
# its length capped by --sve-max-vl), in each of two boots: the first
# reboots in place (a new VM, set up again by hvmm's sandboxed main
# thread), the second powers off. With lkvm.once on the kernel command
# line there is one boot.
. /tests/lib.sh
n=$(boot_count)
dmesg | grep -e "hw perfevents" -e "ITS" -e "arm-pv" -e "SVE:" | sed "s/^/hvmm-test: boot $n dmesg: /"
say "boot $n sve in cpuinfo: $(grep -c '^Features.* sve' /proc/cpuinfo)"
for d in /sys/bus/event_source/devices/armv8_pmuv3*; do
	[ -e "$d" ] && say "boot $n pmu device: ${d##*/}"
done
grep arm-pmu /proc/interrupts | sed "s/  */ /g; s/^/hvmm-test: boot $n interrupt: /"
[ -e /proc/device-tree/pmu/compatible ] && say "boot $n pmu node: $(tr -d '\0' </proc/device-tree/pmu/compatible)"
# Stolen time: one busy loop per CPU for 3 s. Run with both vCPU threads
# on one host CPU (--vcpu-affinity), each vCPU waits about half the time.
steal() { awk '/^cpu / { print $9 }' /proc/stat; }
s0=$(steal)
for c in $(seq 2 "$(grep -c ^processor /proc/cpuinfo)"); do
	timeout 3 sh -c 'while :; do :; done' &
done
timeout 3 sh -c 'while :; do :; done'
wait
say "boot $n steal ticks: $(($(steal) - s0))"
if [ "$n" = 1 ] && ! grep -q lkvm.once /proc/cmdline; then
	say "boot 1 rebooting"
	sleep 1
	reboot -f
fi
