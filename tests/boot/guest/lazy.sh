#!/bin/sh
# Under --lazy-mem: CPUs seen, memory the guest fills and reads back (tmpfs
# pages are guest RAM: first touches of lazy pages), then, with
# hvmm.lazy_wait, wait for the host to look at hvmm stat.
. /tests/lib.sh
say "cpus=$(grep -c ^processor /proc/cpuinfo)"
dd if=/dev/urandom of=/tmp/lazy.a bs=1M count=8 2>/dev/null
cp /tmp/lazy.a /tmp/lazy.b
if cmp -s /tmp/lazy.a /tmp/lazy.b; then say "lazy memory: 8 MiB written, copied and compared"; fi
rm -f /tmp/lazy.a /tmp/lazy.b
case " $(cat /proc/cmdline) " in
*" hvmm.lazy_wait "*) wait_host "lazy stat" ;;
esac
# hvmm.lazy_reboot: the first boot resets the VM, the second powers off;
# each starts from the source again.
case " $(cat /proc/cmdline) " in
*" hvmm.lazy_reboot "*)
	say "lazy boot $(boot_count)"
	if [ "$(boot_count)" = 1 ]; then
		say "rebooting"
		sleep 1   # reboot -f does not wait for the serial port to drain
		reboot -f
	fi
	;;
esac
