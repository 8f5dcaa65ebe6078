# The SMC conduit (hvmm run --psci-conduit smc): what KVM hands hvmm for an
# SMC, the device tree that names it, the PSCI and SDEI conformance guests
# and a Linux guest calling through it, and --in-kernel-psci with it.
# Sourced by tests/boot/host-tests.sh (or a BOOT_PARTS run).

# smc_fdt NAME DTB NODE PROP: the string property, as fdtprop prints it,
# into NAME.out (status in NAME.rc).
smc_fdt() {
	/tools/fdtprop "$2" "$3" "$4" >"$out/$1.out" 2>"$out/$1.err"
	echo $? >"$out/$1.rc"
}
# smc_conf_checks NAME WHAT: a conformance guest's run passed every check,
# with the conduit it reported, and powered off with status 0.
smc_conf_checks() {
	grep '^not ok' "$out/$1.out" | sed "s/^/#   $1: /"
	expect "$1" "$2 with --psci-conduit smc passes" has_out "$1" "bm: PASSED"
	expect "$1" "$2 with --psci-conduit smc: no TAP check failed, SYSTEM_OFF exits 0" \
		rc_and "$1" 0 sh -c "! grep -q '^not ok' $out/$1.out"
	expect "$1" "$2: the guest found method smc in /psci and made its calls with SMC" \
		grep -Eq '^ok [0-9]+ - device tree: /psci has method = smc, the conduit every call' "$out/$1.out"
}

# ---- KVM: an SMC exits like an HVC, flagged, with the PC past it ----
timeout -s KILL 60 /tools/smccc_exit >"$out/smccc_exit.out" 2>"$out/smccc_exit.err"
echo $? >"$out/smccc_exit.rc"
sed 's/^/#   smccc_exit: /' "$out/smccc_exit.out"
expect smccc_exit "KVM: every fact of an HVC and an SMC exit holds (smccc_exit exits 0, 13 checks)" \
	rc_and smccc_exit 0 grep -qx 'smccc_exit: 13 passed, 0 failed' "$out/smccc_exit.out"
expect smccc_exit "KVM: an SMC #0 to a forwarded range exits with KVM_HYPERCALL_EXIT_SMC set, an HVC with it clear" \
	sh -c "grep -Eq '^ok [0-9]+ - SMC #0: flags bit 0 \(KVM_HYPERCALL_EXIT_SMC\) is set, no other bit set \(0x1\)$' $out/smccc_exit.out &&
		grep -Eq '^ok [0-9]+ - HVC #0: flags bit 0 \(KVM_HYPERCALL_EXIT_SMC\) is clear, no other bit set \(0x0\)$' $out/smccc_exit.out"
expect smccc_exit "KVM: at an SMC exit the PC already points past the SMC" \
	grep -Eq '^ok [0-9]+ - SMC #0: the PC already points past it' "$out/smccc_exit.out"

# ---- the device tree ----
hvmm_run smc_dump run -k "$BM/hello.elf" -m 64 --psci-conduit smc --stats --dump-dtb /tmp/hvmm-smc.dtb
expect smc_dump "--psci-conduit smc: the bare-metal guest passes through SMC and exits 0" \
	rc_and smc_dump 0 has_out smc_dump "bm: PASSED"
expect smc_dump "--psci-conduit smc: --stats counts the PSCI_VERSION made with SMC" \
	grep -Eq "stats: PSCI_VERSION +0x84000000 1$" "$out/smc_dump.err"
smc_fdt smc_dt_psci /tmp/hvmm-smc.dtb /psci method
expect smc_dt_psci "--psci-conduit smc: the dumped device tree's /psci has method smc" \
	rc_and smc_dt_psci 0 grep -qx smc "$out/smc_dt_psci.out"
smc_fdt smc_dt_sdei /tmp/hvmm-smc.dtb /firmware/sdei method
expect smc_dt_sdei "--psci-conduit smc: the dumped device tree's /firmware/sdei has method smc" \
	rc_and smc_dt_sdei 0 grep -qx smc "$out/smc_dt_sdei.out"
hvmm_run hvc_dump run -k "$BM/hello.elf" -m 64 --dump-dtb /tmp/hvmm-hvc.dtb
smc_fdt hvc_dt_psci /tmp/hvmm-hvc.dtb /psci method
smc_fdt hvc_dt_sdei /tmp/hvmm-hvc.dtb /firmware/sdei method
expect hvc_dump "without --psci-conduit: /psci and /firmware/sdei have method hvc, and the guest passes" \
	rc_and hvc_dump 0 sh -c "grep -qx hvc $out/hvc_dt_psci.out && grep -qx hvc $out/hvc_dt_sdei.out &&
		grep -q 'bm: PASSED' $out/hvc_dump.out"

# ---- --in-kernel-psci: KVM serves PSCI over SMC itself ----
hvmm_run smc_kpsci run -k "$BM/hello.elf" -m 64 --in-kernel-psci --psci-conduit smc --stats \
	--dump-dtb /tmp/hvmm-smc-kpsci.dtb
expect smc_kpsci "--in-kernel-psci --psci-conduit smc: KVM answers PSCI over SMC, the guest passes and exits 0" \
	rc_and smc_kpsci 0 sh -c "grep -q 'bm: PASSED' $out/smc_kpsci.out && grep -q 'served by KVM' $out/smc_kpsci.err"
smc_fdt smc_kpsci_psci /tmp/hvmm-smc-kpsci.dtb /psci method
smc_fdt smc_kpsci_sdei /tmp/hvmm-smc-kpsci.dtb /firmware/sdei method
expect smc_kpsci "--in-kernel-psci --psci-conduit smc: /psci has method smc, and there is no SDEI node" \
	sh -c "grep -qx smc $out/smc_kpsci_psci.out && [ \"\$(cat $out/smc_kpsci_sdei.rc)\" = 1 ]"

# ---- bare-metal PSCI conformance guest over SMC ----
# As in core.sh: vCPU 3 starts disabled and the guest asks for it.
bg_start conf_smc run -k "$BM/psci_conformance.elf" --cpus 3 --max-cpus 4 -m 64 --name conf_smc \
	--psci-conduit smc --stats
bg_expect "bm: waiting for cpu 3" 120 "PSCI conformance guest (SMC): asks the host for vCPU 3"
ctl conf_smc_enable cpu enable 3 --name conf_smc
expect conf_smc_enable "PSCI conformance guest (SMC): hvmm cpu enable 3 exits 0" rc_is conf_smc_enable 0
bg_finish
smc_conf_checks conf_smc "PSCI conformance guest"
expect conf_smc "PSCI conformance guest (SMC): --stats counts its CPU_ON64 calls" \
	grep -Eq "stats: PSCI_CPU_ON +0xc4000003 [1-9]" "$out/conf_smc.err"
grep -E '^(not ok|bench:)' "$out/conf_smc.out" | sed 's/^/#   conformance (SMC): /'

# ---- bare-metal SDEI conformance guest over SMC ----
sdei_conformance sdei_smc --psci-conduit smc --stats
smc_conf_checks sdei_smc "SDEI conformance guest"
expect sdei_smc "SDEI conformance guest (SMC): /firmware/sdei has method smc too" \
	grep -Eq '^ok [0-9]+ - device tree: /firmware/sdei has method = smc, as /psci has$' "$out/sdei_smc.out"
sdei_all_answered sdei_smc
result "SDEI (SMC): the guest got its 4 events raised from the host with hvmm sdei signal ($sdei_answered)" $? \
	"$out/sdei_smc.out" "$out/sdei_smc_answer.err"
expect sdei_smc "SDEI (SMC): --stats counts the guest's EVENT_COMPLETE calls" \
	grep -Eq "stats: SDEI_EVENT_COMPLETE +0xc4000025 [1-9]" "$out/sdei_smc.err"
grep -E '^(not ok|bench:)' "$out/sdei_smc.out" | sed 's/^/#   sdei (SMC): /'

# ---- a Linux guest over SMC: SMP, CPU hotplug, SDEI, power-off ----
hvmm_run linux_smc run -k "$K" -i "$I" -c 3 -m 256 --stats --psci-conduit smc -p "quiet hvmm.test=conduit"
expect linux_smc "Linux (SMC): reaches init with 3 CPUs, all online" \
	sh -c "grep -q 'hvmm-guest: init reached' $out/linux_smc.out && grep -qx 'hvmm-test: cpus=3 online=0-2' $out/linux_smc.out"
expect linux_smc "Linux (SMC): the guest's device tree gives PSCI and SDEI method smc" \
	grep -qx "hvmm-test: method psci=smc sdei=smc" "$out/linux_smc.out"
expect linux_smc "Linux (SMC): dmesg shows PSCIv1.1 detected" has_out linux_smc "psci: PSCIv1.1 detected in firmware"
expect linux_smc "Linux (SMC): dmesg shows SDEIv1.1 detected" \
	has_out linux_smc "sdei: SDEIv1.1 (0x68766d6d) detected in firmware"
expect linux_smc "Linux (SMC): each secondary CPU goes offline (CPU_OFF) and online again (CPU_ON)" \
	sh -c "grep -qx 'hvmm-test: cpu1 down online=0,2 offline=1' $out/linux_smc.out &&
		grep -qx 'hvmm-test: cpu2 down online=0-1 offline=2' $out/linux_smc.out &&
		grep -qx 'hvmm-test: hotplug cycled=2 failures=0 online=0-2' $out/linux_smc.out"
expect linux_smc "Linux (SMC): --stats counts 4 CPU_ON (2 at boot, 2 after hotplug), 2 CPU_OFF, 1 SYSTEM_OFF" \
	sh -c "grep -Eq 'stats: PSCI_CPU_ON +0xc4000003 4$' $out/linux_smc.err &&
		grep -Eq 'stats: PSCI_CPU_OFF +0x84000002 2$' $out/linux_smc.err &&
		grep -Eq 'stats: PSCI_SYSTEM_OFF +0x84000008 1$' $out/linux_smc.err"
expect linux_smc "Linux (SMC): poweroff exits 0" rc_is linux_smc 0
