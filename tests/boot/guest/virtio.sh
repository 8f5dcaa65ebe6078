#!/bin/sh
# The virtio devices seen from Linux. What it does is chosen on the kernel
# command line with virtio.do=WHAT[,WHAT...]:
#   console  which terminal this script has, and the kernel's console
#   rng      read /dev/hwrng: which rng is current, and 4 KiB from it
#   ext4     the ring features vda's driver took; mount /dev/vda (ext4 made
#            on the build machine), read hello.txt, write new.txt, sync,
#            unmount
#   ro       /dev/vdb is read-only: the kernel says so, a write fails,
#            a read-only mount works
#   reboot   first boot: both disks' sizes, a pattern written to /dev/vdb
#            and a marker to /dev/vda, reboot in place; second boot: the
#            marker read back
. /tests/lib.sh
what=
for arg in $(cat /proc/cmdline); do
	case $arg in virtio.do=*) what=${arg#virtio.do=} ;; esac
done
for d in /proc/device-tree/virtio_mmio@*; do
	[ -e "$d" ] && say "dt node ${d##*/}$([ -e "$d/dma-coherent" ] && echo ' dma-coherent')"
done
size_of() { cat "/sys/block/$1/size" 2>/dev/null || echo none; }
# feature_bit DISK N: 1 if DISK's driver took feature bit N (sysfs writes
# one character per bit, bit 0 first).
feature_bit() { cut -c"$(($2 + 1))" "/sys/block/$1/device/features" 2>/dev/null || echo none; }
do_one() {
case $1 in
console)
	say "tty: $(tty) console: $(cat /sys/class/tty/console/active)"
	;;
rng)
	say "rng current: $(cat /sys/class/misc/hw_random/rng_current)"
	# 4 KiB, then how many distinct byte values: random data has nearly 256.
	say "rng distinct bytes: $(dd if=/dev/hwrng bs=4096 count=1 2>/dev/null | od -An -v -tx1 | tr ' ' '\n' |
		grep -v '^$' | sort -u | wc -l)"
	;;
ext4)
	say "vda sectors: $(size_of vda) ro: $(cat /sys/block/vda/ro)"
	say "vda ring features: indirect $(feature_bit vda 28) event_idx $(feature_bit vda 29)"
	mkdir -p /mnt
	mount -t ext4 /dev/vda /mnt && say "mounted"
	say "hello.txt: $(cat /mnt/hello.txt)"
	echo "written by the guest through virtio-blk" >/mnt/new.txt
	dd if=/dev/urandom of=/mnt/big.bin bs=1M count=4 2>/dev/null
	say "big.bin md5: $(md5sum </mnt/big.bin | cut -d' ' -f1)"
	sync
	umount /mnt && say "unmounted"
	;;
ro)
	say "vdb ro: $(cat /sys/block/vdb/ro)"
	if dd if=/dev/zero of=/dev/vdb bs=512 count=1 oflag=direct 2>/dev/null; then
		say "raw write: accepted"
	else
		say "raw write: refused"
	fi
	# Past the guest kernel's own check: the write reaches hvmm, which
	# must answer it with an I/O error.
	blockdev --setrw /dev/vdb
	if dd if=/dev/zero of=/dev/vdb bs=512 count=1 oflag=direct 2>/dev/null; then
		say "raw write after setrw: accepted"
	else
		say "raw write after setrw: refused"
	fi
	mkdir -p /mnt
	mount -t ext4 -o ro /dev/vdb /mnt && say "ro mount hello.txt: $(cat /mnt/hello.txt)"
	umount /mnt
	;;
reboot)
	n=$(boot_count)
	if [ "$n" = 1 ]; then
		say "vda sectors: $(size_of vda) vdb sectors: $(size_of vdb)"
		dd if=/dev/zero bs=1k count=64 2>/dev/null | tr '\0' 'v' >/tmp/pattern
		dd if=/tmp/pattern of=/dev/vdb bs=64k count=1 oflag=direct 2>/dev/null && say "pattern written"
		echo "marker from boot 1" | dd of=/dev/vda bs=512 count=1 conv=sync oflag=direct 2>/dev/null
		say "boot 1 wrote the marker"
		sleep 1
		reboot -f
	fi
	say "boot $n read: $(dd if=/dev/vda bs=512 count=1 2>/dev/null | tr -d '\0' | head -n1)"
	;;
*)
	say "no virtio.do=$1"
	exit 2
	;;
esac
}
[ -n "$what" ] || { say "no virtio.do= on the command line"; exit 2; }
for one in $(echo "$what" | tr , ' '); do
	do_one "$one"
done
