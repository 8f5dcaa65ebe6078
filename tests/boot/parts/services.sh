# The SMCCC services beside PSCI and SDEI: hvmm's vendor service
# (docs/hvmm-service.md) and TRNG (docs/trng.md). The services guest
# (guest/baremetal/services.c) runs all its checks, writes through
# DEBUG_WRITE and ends hvmm with HVMM_EXIT's status; with --no-trng KVM
# answers TRNG and hvmm counts none of it. A stock Linux guest seeds itself
# from hvmm's TRNG and still finds KVM's PTP clock (KVM's vendor hypervisor
# calls, which hvmm does not claim). With --lazy-mem the guest checks the
# async-pf service's answers. Sourced by tests/boot/host-tests.sh.

SV="$BM/services.elf"

# sv_stat NAME FUNCTION FID COUNT: --stats of run NAME counted FUNCTION
# (0xFID, lower case) exactly COUNT times (an extended regex: [1-9][0-9]*
# for "at least once").
sv_stat() { grep -Eq "stats: $2 +$3 $4\$" "$out/$1.err"; }
# sv_before NAME FIRST SECOND: run NAME's output has the line FIRST, and
# before the line SECOND.
sv_before() {
	sb_a=$(grep -nxF -- "$2" "$out/$1.out" | head -n 1 | cut -d: -f1)
	sb_b=$(grep -nxF -- "$3" "$out/$1.out" | head -n 1 | cut -d: -f1)
	[ -n "$sb_a" ] && [ -n "$sb_b" ] && [ "$sb_a" -lt "$sb_b" ]
}
# sv_vendor_stats NAME: the services guest's vendor calls, each counted.
sv_vendor_stats() {
	sv_stat "$1" HVMM_CALL_UID 0x8200ff01 1 && sv_stat "$1" HVMM_CALL_COUNT 0x8200ff00 1 &&
		sv_stat "$1" HVMM_REVISION 0x8200ff03 1 && sv_stat "$1" HVMM_DEBUG_WRITE 0xc2000001 4 &&
		sv_stat "$1" HVMM_EXIT 0x82000000 2
}
# sv_passed NAME: the guest printed its plan, no failed check, and PASSED.
sv_passed() {
	has_out "$1" "bm: PASSED" && grep -q '^1\.\.[1-9]' "$out/$1.out" && ! grep -q '^not ok' "$out/$1.out"
}

# ---- the services guest, hvmm's TRNG ----
hvmm_run sv run -k "$SV" -c 1 -m 64 --stats
expect sv "services guest: every check passes, and HVMM_EXIT's default status makes hvmm exit 7 (rc $(rc_of sv))" \
	rc_and sv 7 sv_passed sv
expect sv "services guest: its DEBUG_WRITE line is on hvmm's stdout, before the guest's first UART line" \
	sv_before sv "bm-services: DEBUG_WRITE before any UART access" "bm-services: the UART from here on"
sv_line128="bm-services: 128 bytes $(printf '%104s' '' | tr ' ' '=')"
expect sv "services guest: a DEBUG_WRITE of 128 bytes (x2..x17) arrives whole" \
	grep -qxF -- "$sv_line128" "$out/sv.out"
expect sv "services guest: the HVMM_EXIT line came through the UART, and nothing after it" \
	sh -c "[ \"\$(tail -n 1 $out/sv.out)\" = 'bm-services: HVMM_EXIT with status 7' ]"
expect sv "services guest: --stats names the vendor calls (UID, count, revision, 4 DEBUG_WRITE, 2 HVMM_EXIT)" \
	sv_vendor_stats sv
sv_stat sv TRNG_VERSION 0x84000050 1 && sv_stat sv TRNG_GET_UUID 0x84000052 1 &&
	sv_stat sv TRNG_FEATURES 0x84000051 7 && sv_stat sv TRNG_RND64 0xc4000053 '[1-9][0-9]*' &&
	sv_stat sv TRNG_RND32 0x84000053 '[1-9][0-9]*'
result "services guest: --stats names the TRNG calls hvmm served (VERSION, GET_UUID, 7 FEATURES, RND64, RND32)" $? \
	"$out/sv.err"
expect sv "services guest: without lazy memory the async-pf range is not claimed (APF_VERSION: KVM's NOT_SUPPORTED, no APF_ call in --stats)" \
	sh -c "grep -q '^ok .*APF_VERSION' $out/sv.out && ! grep -q 'stats: APF_' $out/sv.err"

# ---- --lazy-mem: the async-pf service (docs/async-pf.md) answers ----
hvmm_run sv_apf run -k "$SV" -c 1 -m 64 --stats --lazy-mem zero -p "bm.apf=1"
expect sv_apf "--lazy-mem: the services guest's async-pf checks pass: VERSION 1.1, bad ENABLE/TAKE parameters, DENIED twice, a synchronous fault with the events unregistered (rc $(rc_of sv_apf))" \
	rc_and sv_apf 7 sv_passed sv_apf
sv_stat sv_apf APF_VERSION 0xc2000010 1 && sv_stat sv_apf APF_ENABLE 0xc2000011 7 &&
	sv_stat sv_apf APF_DISABLE 0xc2000012 3 && sv_stat sv_apf APF_TAKE 0xc2000013 3 &&
	grep -Eq '^hvmm: stats: lazy-mem: [1-9][0-9]* pages populated, [0-9]+ ms vCPU time blocked, 0 asynchronous$' "$out/sv_apf.err"
result "--lazy-mem: --stats names the async-pf calls (1 VERSION, 7 ENABLE, 3 DISABLE, 3 TAKE) and 0 asynchronous faults" $? \
	"$out/sv_apf.err"

# ---- --no-trng: KVM's TRNG, and an exit status of the guest's choice ----
hvmm_run sv_kvm run -k "$SV" -c 1 -m 64 --stats --no-trng -p "bm.trng=kvm bm.exit=42"
expect sv_kvm "--no-trng: the services guest finds KVM's TRNG UUID, passes, and bm.exit=42 makes hvmm exit 42 (rc $(rc_of sv_kvm))" \
	rc_and sv_kvm 42 sv_passed sv_kvm
! grep -q 'stats: TRNG_' "$out/sv_kvm.err" && sv_vendor_stats sv_kvm
result "--no-trng: hvmm served no TRNG call, and still every vendor call" $? "$out/sv_kvm.err"

# ---- a stock Linux guest ----
hvmm_run sv_linux run -k "$K" -i "$I" -c 2 -m 256 --stats -p "quiet hvmm.test=services"
expect sv_linux "Linux: boots with hvmm's TRNG and powers off (exit 0)" \
	rc_and sv_linux 0 has_out sv_linux "hvmm-guest: test services exit status 0"
expect sv_linux "Linux: found SMCCC TRNG (the smccc_trng device)" has_out sv_linux "hvmm-test: smccc_trng=present"
expect sv_linux "Linux: --stats shows hvmm served its TRNG_VERSION probe and TRNG_RND64 seeding" \
	sh -c "grep -Eq 'stats: TRNG_VERSION +0x84000050 [1-9][0-9]*\$' $out/sv_linux.err &&
		grep -Eq 'stats: TRNG_RND64 +0xc4000053 [1-9][0-9]*\$' $out/sv_linux.err"
expect sv_linux "Linux: KVM's PTP clock is there (/sys/class/ptp/ptp0 is 'KVM virtual PTP'): KVM's vendor hypervisor calls still answer" \
	has_out sv_linux "hvmm-test: ptp0 clock_name=KVM virtual PTP\$"

hvmm_run sv_linux_kvm run -k "$K" -i "$I" -c 2 -m 256 --stats --no-trng -p "quiet hvmm.test=services"
expect sv_linux_kvm "Linux --no-trng: boots, finds KVM's TRNG and its PTP clock, powers off (exit 0)" \
	rc_and sv_linux_kvm 0 sh -c "grep -q 'hvmm-test: smccc_trng=present' $out/sv_linux_kvm.out &&
		grep -q 'hvmm-test: ptp0 clock_name=KVM virtual PTP\$' $out/sv_linux_kvm.out"
expect sv_linux_kvm "Linux --no-trng: hvmm counted no TRNG call (and did serve PSCI)" \
	sh -c "! grep -q 'stats: TRNG_' $out/sv_linux_kvm.err && grep -Eq 'stats: PSCI_CPU_ON +0xc4000003 1\$' $out/sv_linux_kvm.err"

# For the log: what each Linux guest showed, and what hvmm counted for it.
for sv_run in sv_linux sv_linux_kvm; do
	sed -n "s/^hvmm-test: /# services: $sv_run: /p" "$out/$sv_run.out"
	grep -E 'stats: (TRNG|HVMM)_' "$out/$sv_run.err" | sed "s/^hvmm: /# services: $sv_run: /"
done
