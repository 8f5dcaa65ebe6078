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
