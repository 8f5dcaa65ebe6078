#!/bin/bash
# Runs tests/boot/host-tests.sh inside the emulated arm64 KVM host (or, on an
# arm64 machine with a usable /dev/kvm, directly) and checks that it finished.
# usage: tests/boot/run.sh BUILD_DIR GUEST_KERNEL BUSYBOX
set -euo pipefail
cd "$(dirname "$0")/../.."

[ $# -eq 3 ] || { echo "usage: $0 BUILD_DIR GUEST_KERNEL BUSYBOX" >&2; exit 2; }
B=$1 kernel=$2 busybox=$3
log=$B/boot-tests.log
host_cpio=$B/emuhost-boot-tests.cpio
files=(
	"$B/hvmm=/hvmm"
	"$kernel=/guest/Image"
	"$B/guest-initramfs.cpio=/guest/initramfs.cpio"
)
for f in "$B"/guest/*.elf "$B"/guest/*.bin; do
	files+=("$f=/guest/bm/${f##*/}")
done
for f in "$B"/tools/*; do
	files+=("$f=/tools/${f##*/}")
done
files+=("tests/boot/sdei-answer.sh=/tools/sdei-answer.sh")

guest/linux/mkinitramfs.sh --init guest/emuhost/init "$busybox" "$host_cpio" "${files[@]}"
status=0
guest/emuhost/boot.sh --kernel "$kernel" --initrd "$host_cpio" --job tests/boot/host-tests.sh \
	--timeout 1500 --log "$log" || status=$?
if ! grep -Eq '^boot: [0-9]+ passed, [0-9]+ failed' "$log"; then
	echo "boot: the emulated host did not finish the boot tests (status $status); see $log" >&2
	echo "boot: 0 passed, 1 failed"
	exit 1
fi
exit "$status"
