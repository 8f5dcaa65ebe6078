#!/bin/sh
# Helpers shared by the guest test scripts.

say() { echo "hvmm-test: $*"; }

# The boot number hvmm puts in the device tree: 1, then 2 after a reset.
boot_count() {
	od -An -tx1 /proc/device-tree/chosen/hvmm,boot-count 2>/dev/null | tr -d ' \n' |
		sed 's/^0*//; s/^$/0/'
}

# Block until the host types a line on the console.
wait_host() {
	say "waiting for the host: $*"
	read -r _line
}

cpus_online() { cat /sys/devices/system/cpu/online; }
cpus_offline() { cat /sys/devices/system/cpu/offline; }

# Total usage count of the idle state called NAME over all CPUs.
idle_usage() {
	total=0
	for s in /sys/devices/system/cpu/cpu*/cpuidle/state*; do
		[ "$(cat "$s/name" 2>/dev/null)" = "$1" ] || continue
		total=$((total + $(cat "$s/usage")))
	done
	echo "$total"
}
