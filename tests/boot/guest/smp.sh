#!/bin/sh
# Report what the boot tests check: CPUs seen, PSCI detected; then power off.
echo "hvmm-test: cpus=$(grep -c ^processor /proc/cpuinfo)"
echo "hvmm-test: online=$(cat /sys/devices/system/cpu/online)"
dmesg | grep -i -e psci -e sdei | sed 's/^/hvmm-test: dmesg: /'
