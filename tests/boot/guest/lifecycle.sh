#!/bin/sh
# CPU hotplug, cpuidle, control-socket checks, system suspend twice, then
# wait to be stopped from the host. The host test drives the other side.
. /tests/lib.sh
cycles=50

say "boot $(boot_count) cpus=$(grep -c ^processor /proc/cpuinfo)"

# 50 offline/online cycles of every secondary CPU.
done_cycles=0 failures=0
for dir in /sys/devices/system/cpu/cpu[0-9]*; do
	[ "${dir##*/cpu}" = 0 ] && continue
	i=0
	while [ $i -lt $cycles ]; do
		echo 0 >"$dir/online" || failures=$((failures + 1))
		echo 1 >"$dir/online" || failures=$((failures + 1))
		i=$((i + 1))
		done_cycles=$((done_cycles + 1))
	done
done
say "hotplug cycles=$done_cycles failures=$failures online=$(cpus_online)"

# The PSCI idle states get used while the guest idles.
sb=$(idle_usage cpu-standby) pd=$(idle_usage cpu-powerdown)
sleep 3
say "cpuidle standby $sb -> $(idle_usage cpu-standby) powerdown $pd -> $(idle_usage cpu-powerdown)"

wait_host "control socket checks"

say "mem_sleep $(cat /sys/power/mem_sleep)"
echo deep >/sys/power/mem_sleep 2>/dev/null
for n in 1 2; do
	say "suspending $n"
	# The serial driver gives its transmitter only ~30 ms to drain
	# when it suspends; a line still queued then would only come out
	# after the resume the host waits to send. Let it drain first.
	sleep 2
	if echo mem >/sys/power/state; then
		say "resumed $n online=$(cpus_online)"
	else
		say "suspend $n failed"
	fi
done

wait_host "stop me"
sleep 600
