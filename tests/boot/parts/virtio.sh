# The virtio devices (docs/virtio.md) through a Linux guest, sandbox on as
# shipped. The emulated host has two disks of its own from the build
# machine: /dev/vda, an ext4 image the guest writes (the build machine
# checks it with e2fsck and reads the new file back after this run:
# tests/boot/run.sh), and /dev/vdb, an ext4 image the guest gets read-only.
# Image files made here in /tmp serve the rest.
# Sourced by tests/boot/host-tests.sh.

# --console virtio and --rng, output to a file: the guest's init and its
# test run on hvc0 (the kernel's console), whose output reaches hvmm's
# stdout; Linux's hw_random uses virtio_rng and reads entropy from it.
hvmm_run vcons run -k "$K" -i "$I" -c 1 -m 256 --console virtio --rng --dump-dtb /tmp/vcons.dtb \
	-p "quiet hvmm.test=virtio virtio.do=console,rng"
sed -n 's/^hvmm-test: /#   vcons: /p' "$out/vcons.out"
expect vcons "--console virtio: the test runs on /dev/hvc0, the kernel's console, and its output reaches stdout; exit 0" \
	rc_and vcons 0 sh -c "grep -qx 'hvmm-test: tty: /dev/hvc0 console: hvc0' $out/vcons.out &&
		grep -qx 'hvmm-guest: test virtio exit status 0' $out/vcons.out"
expect vcons "--rng: Linux's current hw_random is virtio_rng.0" \
	grep -qx 'hvmm-test: rng current: virtio_rng.0' "$out/vcons.out"
expect vcons "--rng: 4 KiB from /dev/hwrng hold more than 200 distinct byte values" \
	sh -c "v=\$(sed -n 's/^hvmm-test: rng distinct bytes: //p' $out/vcons.out); [ \"\${v:-0}\" -gt 200 ]"
expect vcons "virtio devices in the device tree: virtio,mmio at 0x9010000 on SPI 16 and 0x9010200 on SPI 17, edge, dma-coherent" \
	sh -c "[ \"\$(/tools/fdtprop /tmp/vcons.dtb /virtio_mmio@9010000 compatible)\" = virtio,mmio ] &&
		[ \"\$(/tools/fdtprop /tmp/vcons.dtb /virtio_mmio@9010000 interrupts u32)\" = '0x0 0x10 0x1' ] &&
		[ \"\$(/tools/fdtprop /tmp/vcons.dtb /virtio_mmio@9010200 interrupts u32)\" = '0x0 0x11 0x1' ] &&
		grep -qx 'hvmm-test: dt node virtio_mmio@9010000 dma-coherent' $out/vcons.out &&
		grep -qx 'hvmm-test: dt node virtio_mmio@9010200 dma-coherent' $out/vcons.out"

# -d: an ext4 disk made on the build machine (the emulated host's /dev/vda,
# a block device as hvmm's image), mounted, read, written, synced.
if [ -b /dev/vda ] && [ -b /dev/vdb ]; then
	hvmm_run vblk run -k "$K" -i "$I" -c 2 -m 256 -d /dev/vda -d /dev/vdb,ro -p "quiet hvmm.test=virtio virtio.do=ext4,ro"
	sed -n 's/^hvmm-test: /#   vblk: /p' "$out/vblk.out"
	expect vblk "-d: Linux mounts the ext4 disk and reads the build machine's hello.txt, exit 0" \
		rc_and vblk 0 sh -c "grep -qx 'hvmm-test: mounted' $out/vblk.out &&
			grep -qx 'hvmm-test: hello.txt: hello from the build machine' $out/vblk.out"
	expect vblk "-d: the disk's size is the image's (32 MiB: 65536 sectors), writable" \
		grep -qx 'hvmm-test: vda sectors: 65536 ro: 0' "$out/vblk.out"
	expect vblk "-d: Linux's virtio-blk driver took indirect descriptors and VIRTIO_F_RING_EVENT_IDX" \
		grep -qx 'hvmm-test: vda ring features: indirect 1 event_idx 1' "$out/vblk.out"
	expect vblk "-d: after writing and syncing, Linux unmounts the disk cleanly" \
		grep -qx 'hvmm-test: unmounted' "$out/vblk.out"
	expect vblk "-d FILE,ro (the second disk): Linux sees a read-only disk and refuses to write it" \
		sh -c "grep -qx 'hvmm-test: vdb ro: 1' $out/vblk.out &&
			grep -qx 'hvmm-test: raw write: refused' $out/vblk.out"
	expect vblk "-d FILE,ro: a write that gets past the guest's check is answered with an I/O error" \
		grep -qx 'hvmm-test: raw write after setrw: refused' "$out/vblk.out"
	expect vblk "-d FILE,ro: a read-only mount reads hello.txt" \
		grep -qx 'hvmm-test: ro mount hello.txt: hello from the build machine' "$out/vblk.out"
else
	result "-d: the emulated host has its two test disks (/dev/vda, /dev/vdb)" 1
fi

# root=/dev/vda: the initramfs mounts the disk and hands over to its
# /sbin/init (tests/boot/run.sh puts busybox and an init script there).
hvmm_run vroot run -k "$K" -i "$I" -c 1 -m 256 -d /guest/root.ext4 -p "quiet root=/dev/vda"
expect vroot "-d IMAGE -p root=/dev/vda: the guest switches to the disk's /sbin/init (PID 1, / is ext4), which powers off: exit 0" \
	rc_and vroot 0 sh -c "grep -qx 'hvmm-guest: switching to root /dev/vda (ro)' $out/vroot.out &&
		grep -Eq '^rootfs-init: pid 1, / is ext4 [0-9]+ mounts' $out/vroot.out"

# Two disks at once, files here, and a guest reset with them attached:
# boot 1 sees both, writes a pattern to vdb and a marker to vda, and
# reboots in place; the new VM's devices serve the same images (hvmm's
# device threads outlive the boot) and boot 2 reads the marker.
dd if=/dev/zero of=/tmp/reboot.img bs=1M count=1 2>/dev/null
dd if=/dev/zero of=/tmp/two.img bs=1M count=8 2>/dev/null
hvmm_run vreboot run -k "$K" -i "$I" -c 2 -m 256 -d /tmp/reboot.img -d /tmp/two.img \
	-p "quiet hvmm.test=virtio virtio.do=reboot"
sed -n 's/^hvmm-test: /#   vreboot: /p' "$out/vreboot.out"
expect vreboot "two -d disks: vda and vdb with their images' sizes, in the order given" \
	grep -qx 'hvmm-test: vda sectors: 2048 vdb sectors: 16384' "$out/vreboot.out"
expect vreboot "two -d disks: the pattern the guest wrote to vdb is in the second image file" \
	sh -c "grep -qx 'hvmm-test: pattern written' $out/vreboot.out &&
		[ \"\$(dd if=/tmp/two.img bs=64k count=1 2>/dev/null | tr -d v | wc -c)\" = 0 ]"
expect vreboot "-d across an in-process reboot: boot 2 reads the marker boot 1 wrote, exit 0" \
	rc_and vreboot 0 sh -c "grep -qx 'hvmm-test: boot 1 wrote the marker' $out/vreboot.out &&
		grep -qx 'hvmm-test: boot 2 read: marker from boot 1' $out/vreboot.out"

# The hostile driver (guest/baremetal/virtio_hostile.c) against --rng
# through the real path: each broken ring puts the device in NEEDS_RESET
# with one warning line, and after a reset the device answers again.
hvmm_run vhostile run -k "$BM/virtio_hostile.elf" -c 1 -m 64 --rng
grep -E '^(ok|not ok) ' "$out/vhostile.out" | sed 's/^/# vhostile: /'
expect vhostile "hostile virtqueues (loops, chains longer than the queue, buffers outside RAM, 4 GiB lengths, nested and looping indirect tables, bad heads and indices, bad queue set-ups): every row passes, exit 0" \
	rc_and vhostile 0 sh -c "[ \"\$(grep -c '^ok ' $out/vhostile.out)\" = 14 ] && ! grep -q '^not ok' $out/vhostile.out"
expect vhostile "hostile virtqueues: one warning line each (11), nothing else on stderr" \
	sh -c "[ \"\$(grep -c 'virtio-rng: .*; the device stops until the guest resets it' $out/vhostile.err)\" = 11 ] &&
		[ \"\$(wc -l <$out/vhostile.err)\" = 11 ]"
