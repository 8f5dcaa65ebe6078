#!/bin/sh
# vCPU hot-add, run with --cpus 2 --max-cpus 4: CPUs 2-3 start disabled;
# the host enables and disables CPU 2 while the guest brings it up and
# down; then a reset shows the state survives it.
. /tests/lib.sh
cpu2=/sys/devices/system/cpu/cpu2/online
boot=$(boot_count)
say "boot $boot online=$(cpus_online) offline=$(cpus_offline)"
if [ "$boot" != 1 ]; then
	say "boot $boot sdei: $(dmesg | grep -c 'SDEIv1.1 .* detected')"
	wait_host "rebooted"   # the host looks at the new VM's threads
	exit 0    # init powers off
fi

say "waiting for cpu2"
i=0
until echo 1 >$cpu2 2>/dev/null; do
	i=$((i + 1))
	[ $i -ge 120 ] && break
	sleep 0.5
done
say "after enable online=$(cpus_online)"

wait_host "cpu2 is up"
echo 0 >$cpu2
say "cpu2 offline online=$(cpus_online)"
wait_host "cpu2 is down"
if echo 1 >$cpu2 2>/dev/null; then
	say "cpu2 came up although disabled"
else
	say "cpu2 refused after disable"
fi
reboot -f
