#!/bin/sh
# The conduit as a Linux guest sees it (hvmm run --psci-conduit): the method
# the device tree gives PSCI and SDEI, what the kernel found, and every
# secondary CPU taken offline and online again once (PSCI CPU_OFF, then
# CPU_ON, through that conduit). Then init powers off.
. /tests/lib.sh

# A device-tree string property as the guest's kernel has it.
dt_string() { tr -d '\0' <"/proc/device-tree/$1" 2>/dev/null || echo none; }

say "cpus=$(grep -c ^processor /proc/cpuinfo) online=$(cpus_online)"
say "method psci=$(dt_string psci/method) sdei=$(dt_string firmware/sdei/method)"
dmesg | grep -i -e psci -e sdei | sed 's/^/hvmm-test: dmesg: /'

cycled=0 failures=0
for dir in /sys/devices/system/cpu/cpu[0-9]*; do
	cpu=${dir##*/cpu}
	[ "$cpu" = 0 ] && continue
	echo 0 >"$dir/online" || failures=$((failures + 1))
	say "cpu$cpu down online=$(cpus_online) offline=$(cpus_offline)"
	echo 1 >"$dir/online" || failures=$((failures + 1))
	cycled=$((cycled + 1))
done
say "hotplug cycled=$cycled failures=$failures online=$(cpus_online)"
