#!/bin/sh
# Measurements, run inside the emulated arm64 KVM host. Prints
# "bench: NAME VALUE" lines for tests/bench/run.sh to tabulate.
# PEER=1: Linux boots timed beside lkvm; CALLS=1: the bare-metal guests'
# round-trip measurements.
H=/hvmm
MEM_MIB=256

uptime_cs() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }

# A VMM's resident set in KiB, leaving out the guest RAM mapping (the one
# mapping of at least MEM_MIB: lkvm maps 2 MiB more, to align it).
rss_without_guest_ram() {
	awk -v ram=$((MEM_MIB * 1024)) '
		/^[0-9a-f]+-[0-9a-f]+ / { skip = 0 }
		/^Size:/ { skip = ($2 >= ram) }
		/^Rss:/ { if (!skip) total += $2 }
		END { print total + 0 }' "/proc/$1/smaps"
}

# wait_for FILE TEXT PID: until TEXT is in FILE (0), or PID is gone (1).
wait_for() {
	while ! grep -q "$2" "$1" 2>/dev/null; do
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
	done
}

# Side by side with kvmtool (/bench/lkvm): the same kernel, initramfs,
# vCPUs and RAM, the two VMMs alternating. Three runs each of a 2-vCPU
# boot: "bench: peer_VMM_boot_cs" (start to init) and
# "bench: peer_VMM_rss_kib"; and with 64 vCPUs the time until Linux says
# it brought all of them up, "bench: peer_VMM_online64_cs" (the boot is
# not quiet there, so that the line reaches the console; the VMM is
# stopped then: on a 2-CPU emulated host, 64 vCPUs take minutes more to
# reach init). lkvm is told what hvmm does by default (console=ttyS0
# earlycon, no network).
# start_vmm VMM CPUS PARAMS OUT: VMM in the background, its output to OUT.
start_vmm() {
	case $1 in
	hvmm) "$H" run -k /guest/Image -i /guest/initramfs.cpio -c "$2" -m $MEM_MIB --name peer \
		-p "$3" </dev/null >"$4" 2>&1 & ;;
	lkvm) /bench/lkvm run -k /guest/Image -i /guest/initramfs.cpio -c "$2" -m $MEM_MIB --name peer \
		--nodefaults --network mode=none --loglevel warning \
		-p "console=ttyS0 earlycon $3" </dev/null >"$4" 2>&1 & ;;
	esac
}
# peer_run VMM CPUS PARAMS WAIT NAME: start VMM, time until WAIT shows.
peer_run() {
	out=/tmp/peer.out
	start=$(uptime_cs)
	start_vmm "$1" "$2" "$3" "$out"
	pid=$!
	if wait_for "$out" "$4" $pid; then
		echo "bench: peer_$1_$5 $(($(uptime_cs) - start))"
		if [ "$5" = boot_cs ]; then
			grep -q "hvmm-test: idle" "$out" || sleep 1
			echo "bench: peer_$1_rss_kib $(rss_without_guest_ram $pid)"
		else
			kill $pid
		fi
	else
		echo "bench: failed peer run $1 $5"
		tail -n 5 "$out"
	fi
	wait $pid
}
if [ "${PEER:-0}" = 1 ]; then
	for run in $(seq 1 "${PEER_RUNS:-3}"); do
		for vmm in hvmm lkvm; do
			peer_run $vmm 2 "quiet hvmm.test=idle" "hvmm-guest: init reached" boot_cs
		done
	done
	for run in $(seq 1 "${PEER64_RUNS:-2}"); do
		for vmm in hvmm lkvm; do
			peer_run $vmm 64 "hvmm.test=smp" "smp: Brought up 1 node, 64 CPUs" online64_cs
		done
	done
fi

# The bare-metal conformance guest times a forwarded call (PSCI_VERSION), one
# KVM answers itself (SMCCC_VERSION), an MMIO read served by hvmm's UART,
# a call answered by the C example handler (the key-value store's COUNT)
# and CPU_ON latency, all in guest counter ticks, in one run.
if [ "${CALLS:-0}" = 1 ]; then
	"$H" run -k /guest/bm/psci_conformance.elf -c 2 -m 64 -p bm.bench=handler \
		--smccc-handler 0xc3000000+0x10='/bench/kv-handler 0xc3000000' </dev/null 2>&1 | tr -d '\r' |
		grep -E '^bench: |^bm: '
	# A lazy page served synchronously (every page of RAM lazy, from zero, no
	# latency), beside an MMIO read of the same run (renamed).
	"$H" run -k /guest/bm/psci_conformance.elf -c 2 -m 64 --name lazybench -p bm.bench=lazy \
		--lazy-mem zero </dev/null 2>&1 | tr -d '\r' | grep -E '^bench: (lazy_page_ticks|mmio_read_ticks) ' |
		sed 's/^bench: mmio_read_ticks/bench: lazy_run_mmio_read_ticks/'
	# The reference workload of docs/apf-guest.md (2 vCPUs, 4 tasks each,
	# 2 s of guest time) with the asynchronous protocol and without, at three
	# page latencies: "bench: apf_work_MODE_LATENCY N".
	/bench/lazyimg /tmp/apf.img 48 >/dev/null
	for lat in 100 1000 10000; do
		for mode in on off; do
			"$H" run -k /guest/bm/apf.elf -c 2 -m 128 --name apfbench --lazy-mem "/tmp/apf.img,latency=$lat" \
				-p "bm.apf=$mode bm.apf_ms=2000 bm.apf_pages=512 bm.apf_work=64 bm.apf_latency_us=$lat" \
				</dev/null 2>&1 | tr -d '\r' | grep -E '^apf-bench: ' |
				sed -n "s/^apf-bench: .* work=\([0-9]*\) .*exhausted=0 .*/bench: apf_work_${mode}_$lat \1/p"
		done
	done
	rm -f /tmp/apf.img
	# The SDEI round trip, beside a forwarded call measured in the same run
	# (renamed so it is not mistaken for the PSCI guest's).
	"$H" run -k /guest/bm/sdei_conformance.elf -c 2 -m 64 --name sdeibench </dev/null >/tmp/sdei.out 2>&1 &
	sh /bench/sdei-answer.sh "$H" /tmp/sdei.out sdeibench $! >/dev/null
	wait
	tr -d '\r' </tmp/sdei.out | grep -E '^bench: |^bm: ' | sed 's/^bench: psci_version_ticks/bench: sdei_run_psci_version_ticks/'
fi

# virtio-blk beside lkvm's: the same 64 MiB image in this host's tmpfs, the
# guest's blkbench (tests/bench/guest/blkbench.sh), the VMMs alternating:
# "bench: disk_VMM_MODE VALUE".
if [ "${DISK:-0}" = 1 ]; then
	dd if=/dev/zero of=/tmp/disk.img bs=1M count=64 2>/dev/null
	for run in $(seq 1 "${DISK_RUNS:-2}"); do
		for vmm in hvmm lkvm; do
			case $vmm in
			hvmm) "$H" run -k /guest/Image -i /guest/bench-initramfs.cpio -c 2 -m $MEM_MIB -d /tmp/disk.img \
				-p "quiet hvmm.test=blkbench" ;;
			lkvm) /bench/lkvm run -k /guest/Image -i /guest/bench-initramfs.cpio -c 2 -m $MEM_MIB \
				-d /tmp/disk.img --nodefaults --network mode=none --loglevel warning \
				-p "console=ttyS0 earlycon quiet hvmm.test=blkbench" ;;
			esac </dev/null 2>&1 | tr -d '\r' | tee /tmp/disk.out |
				sed -n "s/^blkbench: \([a-z]*\) \([0-9]*\) .*/bench: disk_${vmm}_\1 \2/p"
			grep -q '^blkbench: randread' /tmp/disk.out || { echo "bench: failed disk run $vmm"; tail -n 5 /tmp/disk.out; }
		done
	done
	rm -f /tmp/disk.img
fi
