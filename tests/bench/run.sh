#!/bin/bash
# make bench: runs tests/bench/host-bench.sh in the emulated arm64 KVM host
# and prints each figure beside its target (medians of the runs).
# usage: tests/bench/run.sh BUILD_DIR GUEST_KERNEL BUSYBOX
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 3 ] || { echo "usage: $0 BUILD_DIR GUEST_KERNEL BUSYBOX" >&2; exit 2; }
B=$1 kernel=$2 busybox=$3
log=$B/bench.log

guest/linux/mkinitramfs.sh --init guest/emuhost/init "$busybox" "$B/emuhost-bench.cpio" \
	"$B/hvmm=/hvmm" "$kernel=/guest/Image" "$B/guest-initramfs.cpio=/guest/initramfs.cpio"
guest/emuhost/boot.sh --kernel "$kernel" --initrd "$B/emuhost-bench.cpio" \
	--job tests/bench/host-bench.sh --timeout 900 --log "$log" >/dev/null

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "" }'; }
values() { tr -d '\r' <"$log" | sed -n "s/^bench: $1 //p"; }

boot_cs=$(values boot_to_init_cs | median)
rss=$(values rss_kib | median)
runs=$(values boot_to_init_cs | wc -l)
[ -n "$boot_cs" ] && [ -n "$rss" ] || { echo "bench: no measurements; see $log" >&2; exit 1; }

verdict() { if [ "$1" -eq 1 ]; then echo met; else echo MISSED; fi; }
boot_s=$(awk -v c="$boot_cs" 'BEGIN { printf "%.1f", c / 100 }')
printf '%-58s %12s %12s  %s\n' "measure (median of $runs runs, emulated arm64 host)" "figure" "target" "verdict"
printf '%-58s %12s %12s  %s\n' "Linux guest, 2 vCPUs: hvmm start to guest init" "$boot_s s" "< 20.0 s" \
	"$(verdict $((boot_cs < 2000)))"
printf '%-58s %12s %12s  %s\n' "hvmm resident memory, guest RAM excluded" "$rss KiB" "< 1024 KiB" \
	"$(verdict $((rss < 1024)))"
