#!/bin/bash
# make bench: measurements in the emulated arm64 KVM host, each printed beside
# its target. Figures are medians over the runs; times under TCG are not those
# of real hardware, ratios taken within one run are what compare.
# usage: tests/bench/run.sh BUILD_DIR GUEST_KERNEL BUSYBOX
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 3 ] || { echo "usage: $0 BUILD_DIR GUEST_KERNEL BUSYBOX" >&2; exit 2; }
B=$1 kernel=$2 busybox=$3
# kvmtool's lkvm, static for aarch64: the peer measured in the same boot.
lkvm=${LKVM:-}
if [ -z "$lkvm" ] || [ ! -f "$lkvm" ]; then
	echo "bench: no lkvm to measure beside hvmm at '$lkvm' (make bench LKVM=PATH; config.mk names the default)" >&2
	exit 1
fi

# The disk benchmark's guest: the test guest's init and modules, with
# blkbench and its script (tests/bench/guest/blkbench.sh).
modules=${kernel%/*}/modules
guest/linux/mkinitramfs.sh "$busybox" "$B/bench-guest.cpio" "$B/bench/blkbench=/bin/blkbench" \
	tests/bench/guest/blkbench.sh=/tests/blkbench.sh tests/boot/guest/lib.sh=/tests/lib.sh \
	"$modules/virtio_mmio.ko=/lib/modules/virtio_mmio.ko" "$modules/virtio_blk.ko=/lib/modules/virtio_blk.ko" \
	"$modules/virtio-rng.ko=/lib/modules/virtio-rng.ko"
guest/linux/mkinitramfs.sh --init guest/emuhost/init "$busybox" "$B/emuhost-bench.cpio" \
	"$B/hvmm=/hvmm" "$kernel=/guest/Image" "$B/guest-initramfs.cpio=/guest/initramfs.cpio" \
	"$B/bench-guest.cpio=/guest/bench-initramfs.cpio" \
	"$B/guest/psci_conformance.elf=/guest/bm/psci_conformance.elf" \
	"$B/guest/sdei_conformance.elf=/guest/bm/sdei_conformance.elf" \
	"$B/guest/apf.elf=/guest/bm/apf.elf" "$B/tools/lazyimg=/bench/lazyimg" \
	tests/boot/sdei-answer.sh=/bench/sdei-answer.sh \
	tests/bench/host-bench.sh=/bench/host-bench.sh "$B/examples/kv-handler=/bench/kv-handler" "$lkvm=/bench/lkvm"

# bench_in_host LOG CPU-MODEL ENV...: one boot of the emulated host.
bench_in_host() {
	local log=$1 cpu=$2 job=$B/bench-job.sh
	shift 2
	printf '#!/bin/sh\nexport %s\nsh /bench/host-bench.sh\n' "$*" >"$job"
	guest/emuhost/boot.sh --kernel "$kernel" --initrd "$B/emuhost-bench.cpio" --cpu "$cpu" \
		--job "$job" --timeout 900 --log "$log" >/dev/null
}
echo "bench: measuring (one boot of the emulated host, a few minutes)..." >&2
bench_in_host "$B/bench.log" max,pauth-impdef=on PEER=1 CALLS=1 DISK=1

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "" }'; }
values() { tr -d '\r' <"$1" | sed -n "s/^bench: $2 //p"; }
need() { [ -n "$2" ] || { echo "bench: no $1 measured; see $B/bench*.log" >&2; exit 1; }; }

boot_cs=$(values "$B/bench.log" peer_hvmm_boot_cs | median)
rss=$(values "$B/bench.log" peer_hvmm_rss_kib | median)
lkvm_boot_cs=$(values "$B/bench.log" peer_lkvm_boot_cs | median)
lkvm_rss=$(values "$B/bench.log" peer_lkvm_rss_kib | median)
online64_cs=$(values "$B/bench.log" peer_hvmm_online64_cs | median)
lkvm_online64_cs=$(values "$B/bench.log" peer_lkvm_online64_cs | median)
psci=$(values "$B/bench.log" psci_version_ticks)
smccc=$(values "$B/bench.log" smccc_version_ticks)
mmio=$(values "$B/bench.log" mmio_read_ticks)
handler=$(values "$B/bench.log" user_handler_ticks)
cpu_on=$(values "$B/bench.log" cpu_on_latency_ticks)
freq=$(values "$B/bench.log" cntfrq | head -n1)
sdei_in=$(values "$B/bench.log" sdei_signal_to_handler_ticks)
sdei_out=$(values "$B/bench.log" sdei_handler_to_resume_ticks)
sdei_psci=$(values "$B/bench.log" sdei_run_psci_version_ticks)
sdei_floor=$(values "$B/bench.log" sdei_floor_ticks)
lazy=$(values "$B/bench.log" lazy_page_ticks)
lazy_mmio=$(values "$B/bench.log" lazy_run_mmio_read_ticks)
disk_hvmm_seqread=$(values "$B/bench.log" disk_hvmm_seqread | median)
disk_lkvm_seqread=$(values "$B/bench.log" disk_lkvm_seqread | median)
disk_hvmm_seqwrite=$(values "$B/bench.log" disk_hvmm_seqwrite | median)
disk_lkvm_seqwrite=$(values "$B/bench.log" disk_lkvm_seqwrite | median)
disk_hvmm_randread=$(values "$B/bench.log" disk_hvmm_randread | median)
disk_lkvm_randread=$(values "$B/bench.log" disk_lkvm_randread | median)
for v in disk_hvmm_seqread disk_lkvm_seqread disk_hvmm_seqwrite disk_lkvm_seqwrite disk_hvmm_randread disk_lkvm_randread; do
	need "$v" "${!v}"
done
for v in boot_cs rss lkvm_boot_cs lkvm_rss online64_cs lkvm_online64_cs psci smccc mmio handler cpu_on freq sdei_in sdei_out sdei_psci sdei_floor lazy lazy_mmio; do need "$v" "${!v}"; done
sdei_total=$((sdei_in + sdei_out))

verdict() { if [ "$1" -eq 1 ]; then echo met; else echo MISSED; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", b ? a / b : 0 }'; }
secs() { awk -v c="$1" 'BEGIN { printf "%.1f s", c / 100 }'; }
us() { awk -v t="$1" -v f="$freq" 'BEGIN { printf "%.0f us", t * 1000000 / f }'; }
row() { printf '%-62s %-32s %-30s %s\n' "$@"; }

row "measure (emulated arm64 host, TCG)" "figure" "target" "verdict"
row "Linux guest, 2 vCPUs: hvmm start to guest init" "$(secs "$boot_cs")" "< 20.0 s" \
	"$(verdict $((boot_cs < 2000)))"
row "  beside lkvm (same kernel, initramfs, 2 vCPUs, 256 MiB)" "$(secs "$boot_cs") vs $(secs "$lkvm_boot_cs") ($(ratio "$boot_cs" "$lkvm_boot_cs"))" \
	"<= 0.75 x lkvm" "$(verdict $((boot_cs * 100 <= lkvm_boot_cs * 75)))"
row "hvmm resident memory, guest RAM excluded" "$rss KiB" "< 1024 KiB" "$(verdict $((rss < 1024)))"
row "  beside lkvm's" "$rss vs $lkvm_rss KiB ($(ratio "$rss" "$lkvm_rss"))" "<= 0.8 x lkvm" \
	"$(verdict $((rss * 10 <= lkvm_rss * 8)))"
row "64 vCPUs: start until Linux brought all up (PSCI: hvmm vs KVM)" \
	"$(secs "$online64_cs") vs $(secs "$lkvm_online64_cs") ($(ratio "$online64_cs" "$lkvm_online64_cs"))" \
	"<= 1.2 x lkvm" "$(verdict $((online64_cs * 10 <= lkvm_online64_cs * 12)))"
row "forwarded call round trip (PSCI_VERSION, served by hvmm)" "$psci ticks ($(us "$psci"))" \
	"<= 1.2 x MMIO read" "$(verdict $((psci * 10 <= mmio * 12)))"
row "guest MMIO read served by hvmm's UART" "$mmio ticks ($(us "$mmio"))" "(reference)" "-"
row "call answered by a C --smccc-handler (examples, kv COUNT)" "$handler ticks ($(us "$handler"))" \
	"(vs forwarded call: $(awk -v h="$handler" -v p="$psci" 'BEGIN { printf "%.1fx", h / p }'))" "-"
row "in-kernel call round trip (SMCCC_VERSION, KVM)" "$smccc ticks ($(us "$smccc"))" "(reference)" "-"
row "CPU_ON latency: request to the target's first instruction" "$cpu_on ticks ($(us "$cpu_on"))" \
	"(reported)" "-"
row "SDEI: EVENT_SIGNAL to handler entry" "$sdei_in ticks ($(us "$sdei_in"))" "(part of the next row)" "-"
row "SDEI: handler entry to resumption after EVENT_COMPLETE" "$sdei_out ticks ($(us "$sdei_out"))" \
	"(part of the next row)" "-"
row "SDEI: signal to resumption" "$sdei_total ticks" "<= 4 x forwarded call ($sdei_psci)" \
	"$(verdict $((sdei_total <= 4 * sdei_psci)))"
row "  against its floor: 2 exits + its 46 register ioctls" "$sdei_total vs $sdei_floor ticks ($(awk -v a="$sdei_total" -v b="$sdei_floor" 'BEGIN { printf "%.2fx", a / b }'))" \
	"<= 1.2 x floor" "$(verdict $((sdei_total * 10 <= sdei_floor * 12)))"
row "lazy page served synchronously (--lazy-mem zero): first load" "$lazy ticks ($(us "$lazy"))" \
	"<= 4.5 x MMIO read ($lazy_mmio)" "$(verdict $((lazy * 10 <= lazy_mmio * 45)))"
# The reference workload: work done in the same guest time, asynchronous
# protocol on against off, at each page latency.
for lat in 100 1000 10000; do
	on=$(values "$B/bench.log" "apf_work_on_$lat")
	off=$(values "$B/bench.log" "apf_work_off_$lat")
	need "apf_work_on_$lat" "$on"
	need "apf_work_off_$lat" "$off"
	label="async page faults, reference workload, latency $lat us"
	ratio=$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.2fx", b ? a / b : 0 }')
	if [ "$lat" = 1000 ]; then
		row "$label" "$on vs $off work ($ratio)" ">= 1.4x synchronous" "$(verdict $((on * 10 >= off * 14)))"
	else
		row "$label" "$on vs $off work ($ratio)" "(reported)" "-"
	fi
done
# virtio-blk beside lkvm's, same 64 MiB image in the emulated host's tmpfs,
# direct I/O in the guest.
for m in "seqread:sequential read, 1 MiB direct:KiB/s" "seqwrite:sequential write, 1 MiB direct:KiB/s" \
	"randread:random read, 4 KiB direct:reads/s"; do
	key=${m%%:*} rest=${m#*:}
	label=${rest%%:*} unit=${rest#*:}
	h=disk_hvmm_$key l=disk_lkvm_$key
	row "virtio-blk $label (64 MiB image)" "${!h} vs ${!l} $unit ($(ratio "${!h}" "${!l}"))" ">= 1.0 x lkvm" \
		"$(verdict $((${!h} >= ${!l})))"
done
