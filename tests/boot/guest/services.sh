#!/bin/sh
# What tests/boot/parts/services.sh looks for in a stock Linux guest: the
# SMCCC TRNG the kernel found at boot (it registers the smccc_trng platform
# device once TRNG_VERSION answers 1.0 or later, and seeds its random pool
# with TRNG_RND64), and KVM's PTP clock, which needs KVM's vendor hypervisor
# calls (Call UID, features) to have answered; then power off.
. /tests/lib.sh

if [ -d /sys/devices/platform/smccc_trng ]; then
	say "smccc_trng=present"
else
	say "smccc_trng=absent"
fi
say "ptp0 clock_name=$(cat /sys/class/ptp/ptp0/clock_name 2>/dev/null || echo none)"
[ -c /dev/ptp0 ] && say "dev ptp0=present"
say "hwrng available=$(cat /sys/class/misc/hw_random/rng_available 2>/dev/null)"
dmesg | grep -i -e trng -e ptp -e 'crng' -e 'random:' | sed 's/^/hvmm-test: dmesg: /'
