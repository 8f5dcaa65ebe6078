# hvmm in lkvm's place (docs/lkvm-options.md): kvmtool's options that give
# the guest something, seen from a guest. --pmu: Linux finds the PMUv3
# KVM emulates, on the PPI hvmm describes; --irqchip gicv3-its: Linux
# finds the ITS and allocates its tables; stolen time (on by default):
# Linux uses it, and with both vCPU threads on one host CPU sees time
# stolen; SVE (on by default) at the host's longest vector length; all of
# it also after rebooting in place. Without --pmu and --irqchip gicv3-its
# there is neither; with --no-pvtime no stolen time; --sve-max-vl caps the
# vector length, --disable-sve takes SVE away.
# Sourced by tests/boot/host-tests.sh.

hvmm_run linux_pmu run -k "$K" -i "$I" -c 2 -m 256 --pmu --irqchip=gicv3-its --dump-dtb /tmp/pmu.dtb \
	--vcpu-affinity 0 -p "quiet hvmm.test=lkvm"
sed -n 's/^hvmm-test: /#   linux_pmu: /p' "$out/linux_pmu.out"
expect linux_pmu "--pmu: Linux reports 'hw perfevents: enabled with armv8_pmuv3 PMU driver', exit 0" \
	rc_and linux_pmu 0 grep -q "hvmm-test: boot 1 dmesg: .*hw perfevents: enabled with armv8_pmuv3 PMU driver, [1-9]" \
	"$out/linux_pmu.out"
expect linux_pmu "--pmu: the guest has the armv8_pmuv3 event source and its arm-pmu interrupt (GICv3 23) on both CPUs" \
	sh -c "grep -qx 'hvmm-test: boot 1 pmu device: armv8_pmuv3' $out/linux_pmu.out &&
		grep -Eq '^hvmm-test: boot 1 interrupt: *[0-9]+: [0-9]+ [0-9]+ GICv3 23 Level arm-pmu\$' $out/linux_pmu.out"
expect linux_pmu "--pmu: the device tree's /pmu is arm,armv8-pmuv3 on PPI 7 (INTID 23), level high" \
	sh -c "[ \"\$(/tools/fdtprop /tmp/pmu.dtb /pmu compatible)\" = arm,armv8-pmuv3 ] &&
		[ \"\$(/tools/fdtprop /tmp/pmu.dtb /pmu interrupts u32)\" = '0x1 0x7 0x4' ]"
expect linux_pmu "--pmu: after rebooting in place Linux finds the PMU again, and powers off" \
	sh -c "grep -q 'hvmm-test: boot 2 dmesg: .*hw perfevents: enabled with armv8_pmuv3 PMU driver' $out/linux_pmu.out &&
		grep -qx 'hvmm-test: boot 2 pmu device: armv8_pmuv3' $out/linux_pmu.out &&
		grep -q 'test lkvm exit status 0' $out/linux_pmu.out"
expect linux_pmu "--irqchip gicv3-its: Linux finds the ITS at 0x8080000 and allocates its device table, in both boots" \
	sh -c "[ \"\$(grep -c 'hvmm-test: boot [12] dmesg: .*ITS \[mem 0x08080000-0x0809ffff\]' $out/linux_pmu.out)\" = 2 ] &&
		[ \"\$(grep -c 'hvmm-test: boot [12] dmesg: .*ITS@0x0000000008080000: allocated [0-9]* Devices' $out/linux_pmu.out)\" = 2 ]"
expect linux_pmu "--irqchip gicv3-its: the device tree's ITS is arm,gic-v3-its under the GIC" \
	sh -c "[ \"\$(/tools/fdtprop /tmp/pmu.dtb /interrupt-controller@8000000/msi-controller@8080000 compatible)\" = arm,gic-v3-its ]"
expect linux_pmu "stolen time: Linux uses it ('arm-pv: using stolen time PV') and counts time stolen, in both boots" \
	sh -c "[ \"\$(grep -c 'hvmm-test: boot [12] dmesg: .*arm-pv: using stolen time PV' $out/linux_pmu.out)\" = 2 ] &&
		[ \"\$(grep -Ec 'hvmm-test: boot [12] steal ticks: [1-9][0-9]*\$' $out/linux_pmu.out)\" = 2 ]"
expect linux_pmu "SVE by default: Linux finds it on both CPUs at the host's longest vector length, in both boots" \
	sh -c "[ \"\$(grep -c 'hvmm-test: boot [12] sve in cpuinfo: 2\$' $out/linux_pmu.out)\" = 2 ] &&
		[ \"\$(grep -c 'hvmm-test: boot [12] dmesg: .*SVE: maximum available vector length [0-9]* bytes per vector' $out/linux_pmu.out)\" = 2 ]"
hvmm_run linux_nopv run -k "$K" -i "$I" -c 2 -m 256 --no-pvtime --vcpu-affinity 0 --sve-max-vl 256 \
	-p "quiet hvmm.test=lkvm lkvm.once"
sed -n 's/^hvmm-test: /#   linux_nopv: /p' "$out/linux_nopv.out"
expect linux_nopv "--no-pvtime: Linux finds no stolen time and counts none, exit 0" \
	rc_and linux_nopv 0 sh -c "grep -qx 'hvmm-test: boot 1 steal ticks: 0' $out/linux_nopv.out &&
		! grep -q 'arm-pv' $out/linux_nopv.out && ! grep -q 'boot 2' $out/linux_nopv.out"
expect linux_nopv "--sve-max-vl 256: Linux's longest SVE vector is 32 bytes" \
	grep -q 'hvmm-test: boot 1 dmesg: .*SVE: maximum available vector length 32 bytes per vector' "$out/linux_nopv.out"
hvmm_run linux_nosve run -k "$K" -i "$I" -c 2 -m 256 --disable-sve -p "quiet hvmm.test=lkvm lkvm.once"
sed -n 's/^hvmm-test: /#   linux_nosve: /p' "$out/linux_nosve.out"
expect linux_nosve "--disable-sve: Linux finds no SVE, exit 0" \
	rc_and linux_nosve 0 sh -c "grep -qx 'hvmm-test: boot 1 sve in cpuinfo: 0' $out/linux_nosve.out &&
		! grep -q 'SVE: maximum' $out/linux_nosve.out"
hvmm_run nopmu run -k "$BM/hello.elf" -c 1 -m 64 --dump-dtb /tmp/nopmu.dtb
expect nopmu "without --pmu and --irqchip gicv3-its: no /pmu node, no ITS in the device tree" \
	rc_and nopmu 0 sh -c "! /tools/fdtprop /tmp/nopmu.dtb /pmu compatible >/dev/null 2>&1 &&
		! /tools/fdtprop /tmp/nopmu.dtb /interrupt-controller@8000000/msi-controller@8080000 compatible >/dev/null 2>&1"

# --aarch32: a 32-bit bare-metal guest (guest/baremetal32/hello32.S) makes
# its PSCI calls as SMC32 with HVC and with SMC; hvmm serves both.
hvmm_run a32 run --aarch32 -k "$BM/hello32.bin" -m 64 -c 1 --stats
sed 's/^/#   a32: /' "$out/a32.out"
expect a32 "--aarch32: the A32 guest's PSCI_VERSION over HVC and over SMC both answer 1.1, SYSTEM_OFF exits 0" \
	rc_and a32 0 sh -c "grep -qx 'a32: hvc PSCI_VERSION 1.1' $out/a32.out &&
		grep -qx 'a32: smc PSCI_VERSION 1.1' $out/a32.out && grep -qx 'a32: SYSTEM_OFF' $out/a32.out"
expect a32 "--aarch32: --stats counts the guest's two PSCI_VERSION calls and its SYSTEM_OFF, served by hvmm" \
	sh -c "grep -Eq 'stats: PSCI_VERSION +0x84000000 2\$' $out/a32.err &&
		grep -Eq 'stats: PSCI_SYSTEM_OFF +0x84000008 1\$' $out/a32.err"
expect_bad_input a32_mem "--aarch32 with RAM past 4 GiB" 2 "--aarch32 with --mem 4096: a 32-bit guest reaches RAM below 4 GiB only" \
	run --aarch32 -k "$BM/hello32.bin" -m 4096

# --hugetlbfs: a Linux guest's 256 MiB of RAM are 128 huge pages of the
# mount while it runs (reserved at each boot's mapping, or faulted in),
# and all of them are free again after it.
echo 160 >/proc/sys/vm/nr_hugepages
mkdir -p /tmp/huge
mount -t hugetlbfs none /tmp/huge
huge_used() { awk '/^HugePages_Total/ { t = $2 } /^HugePages_Free/ { f = $2 } /^HugePages_Rsvd/ { r = $2 } END { print t - f + r }' /proc/meminfo; }
timeout -s KILL 300 "$H" run -k "$K" -i "$I" -c 2 -m 256 --hugetlbfs /tmp/huge -p "quiet hvmm.test=idle" \
	</dev/null >"$out/huge.raw" 2>"$out/huge.err" &
huge_pid=$!
i=0
while ! grep -q "hvmm-test: idle" "$out/huge.raw" 2>/dev/null && [ $i -lt 1500 ]; do
	sleep 0.1
	i=$((i + 1))
done
huge_during=$(huge_used)
wait $huge_pid
echo $? >"$out/huge.rc"
tr -d '\r' <"$out/huge.raw" >"$out/huge.out"
huge_after=$(huge_used)
expect huge "--hugetlbfs: Linux boots with its RAM in 128 huge pages of the mount ($huge_during during, $huge_after after), exit 0" \
	rc_and huge 0 sh -c "grep -q 'hvmm-guest: init reached' $out/huge.out && [ '$huge_during' = 128 ] && [ '$huge_after' = 0 ]"
expect_bad_input huge_notfs "--hugetlbfs on a directory that is no hugetlbfs" 1 "--hugetlbfs '/tmp': not a hugetlbfs mount" \
	run -k "$BM/hello.elf" -m 64 --hugetlbfs /tmp
expect_bad_input huge_size "--hugetlbfs with RAM not a whole number of huge pages" 1 \
	"guest RAM (3 MiB) is not a whole number of its 2048 KiB pages" run -k "$BM/hello.elf" -m 3 --hugetlbfs /tmp/huge
umount /tmp/huge
echo 0 >/proc/sys/vm/nr_hugepages

# --debug-mmio: each UART access the bare-metal guest makes is a line;
# --override-bad-firmware-cntfrq: the timer node's clock-frequency.
hvmm_run dbg_mmio run -k "$BM/hello.elf" -m 64 -c 1 --debug-mmio --override-bad-firmware-cntfrq 12345678 \
	--dump-dtb /tmp/cntfrq.dtb
expect dbg_mmio "--debug-mmio: the guest's 'h' written to the UART is a line (uart+0x0 len 1 data 0x68), exit 0" \
	rc_and dbg_mmio 0 grep -q "hvmm: mmio: vCPU 0 write uart+0x0 len 1 data 0x68\$" "$out/dbg_mmio.err"
expect dbg_mmio "--override-bad-firmware-cntfrq 12345678: the timer node's clock-frequency" \
	sh -c "[ \"\$(/tools/fdtprop /tmp/cntfrq.dtb /timer clock-frequency u32)\" = 0xbc614e ]"
