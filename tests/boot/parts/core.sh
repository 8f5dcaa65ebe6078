# The core checks: Linux guests of 1, 2 and 4 vCPUs; bare-metal ELF and raw
# images; a Linux guest's life (hotplug, cpuidle, the control socket, system
# suspend, stop); vCPU hot-add across an in-process reboot; the bare-metal
# PSCI conformance guest, racing CPU_ON, and the SDEI conformance guest.
# Sourced by tests/boot/host-tests.sh (or a BOOT_PARTS run).

# ---- Linux guests ----
linux_boot 1 smp
expect linux1 "1 vCPU: poweroff in the guest makes hvmm exit 0" rc_is linux1 0

linux_boot 2 smp_reboot --reboot=exit
expect linux2 "2 vCPUs: --stats shows CPU_ON served in userspace" \
	grep -Eq "stats: PSCI_CPU_ON +0xc4000003 [1-9]" "$out/linux2.err"
expect linux2 "2 vCPUs: reboot in the guest makes hvmm exit 3 (reset)" rc_is linux2 3

linux_boot 4 smp
expect linux4 "4 vCPUs: all CPUs online" has_out linux4 "hvmm-test: online=0-3"
expect linux4 "4 vCPUs: --stats counts 3 CPU_ON calls" \
	grep -Eq "stats: PSCI_CPU_ON +0xc4000003 3$" "$out/linux4.err"
expect linux4 "4 vCPUs: poweroff exits 0" rc_is linux4 0

# ---- bare-metal guests ----
hvmm_run bm_elf run -k "$BM/hello.elf" -c 1 -m 64 --stats
expect bm_elf "bare-metal ELF: loads, runs and passes its checks" has_out bm_elf "bm: PASSED"
expect bm_elf "bare-metal ELF: SYSTEM_OFF exits 0" rc_is bm_elf 0
expect bm_elf "bare-metal ELF: --stats counts PSCI_VERSION" \
	grep -Eq "stats: PSCI_VERSION +0x84000000 1$" "$out/bm_elf.err"

hvmm_run bm_raw run -k "$BM/hello.bin" -c 2 -m 64
expect bm_raw "raw binary: loaded at RAM + 0x80000 and passes its checks" has_out bm_raw "bm: PASSED"
expect bm_raw "raw binary: exits 0" rc_is bm_raw 0

hvmm_run bm_kernel_psci run -k "$BM/hello.elf" -m 64 --in-kernel-psci --stats
expect bm_kernel_psci "--in-kernel-psci: KVM serves PSCI and the guest passes" has_out bm_kernel_psci "bm: PASSED"
expect bm_kernel_psci "--in-kernel-psci: exits 0 and no call reached hvmm" \
	sh -c "[ \"\$(cat $out/bm_kernel_psci.rc)\" = 0 ] && grep -q 'served by KVM' $out/bm_kernel_psci.err"

hvmm_run dump run -k "$BM/hello.elf" -m 64 --dump-dtb /tmp/hvmm.dtb
expect dump "--dump-dtb writes a device tree blob, and the guest passes and exits 0" \
	rc_and dump 0 sh -c "[ \"\$(od -An -tx1 -N4 /tmp/hvmm.dtb | tr -d ' ')\" = d00dfeed ] && grep -q 'bm: PASSED' $out/dump.out"
expect dump "the device tree describes SDEI (arm,sdei-1.0)" grep -aq "arm,sdei-1.0" /tmp/hvmm.dtb
hvmm_run dump_nosdei run -k "$BM/hello.elf" -m 64 --no-sdei --dump-dtb /tmp/hvmm-nosdei.dtb
expect dump_nosdei "--no-sdei: no SDEI in the device tree, and the guest still runs and exits 0" \
	rc_and dump_nosdei 0 sh -c "! grep -aq 'arm,sdei-1.0' /tmp/hvmm-nosdei.dtb && grep -q 'bm: PASSED' $out/dump_nosdei.out"

# ---- Linux: hotplug, cpuidle, control socket, system suspend ----
bg_start life run -k "$K" -i "$I" -c 3 -m 256 --name life --stats --idle-states all -p "quiet hvmm.test=lifecycle"
bg_expect "hvmm-test: cpuidle" 400 "lifecycle: the guest boots and reports its hotplug and cpuidle figures"
out_has() { bg_output | grep -Eq -- "$1"; }
out_has "hotplug cycles=100 failures=0 online=0-2"
result "hotplug: 50 offline/online cycles of each secondary CPU, then all online" $? "$out/life.raw"
bg_output | sed -n 's/.*cpuidle standby \([0-9]*\) -> \([0-9]*\) powerdown \([0-9]*\) -> \([0-9]*\).*/\1 \2 \3 \4/p' >"$out/idle"
read -r sb0 sb1 pd0 pd1 <"$out/idle"
[ "${sb1:-0}" -gt "${sb0:-0}" ] && [ "${pd1:-0}" -gt "${pd0:-0}" ]
result "cpuidle: PSCI standby ($sb0 -> $sb1) and power-down ($pd0 -> $pd1) usage grows" $? "$out/life.raw"

bg_expect "waiting for the host: control" 60 "lifecycle: the guest waits for the control-socket checks"
sb_threads=$(sandboxed_threads "$(hvmm_pid life || echo none)")
[ "$sb_threads" = "5 5" ]
result "sandbox: every thread of the Linux guest's hvmm is filtered (threads, filtered: $sb_threads); the checks below run under it" $?
ctl list list
expect list "hvmm list shows the running VM (exit 0)" rc_and list 0 grep -qx life "$out/list.out"
expect_bad_input same_name "a second VM with a running VM's name" 1 "a VM named 'life' is already running" \
	run -k "$BM/hello.elf" -m 64 --name life
ctl stat stat --name life
expect stat "hvmm stat: a power state for each of the 3 vCPUs (exit 0)" \
	rc_and stat 0 sh -c "grep -Ec '^vcpu [0-2]: (on|suspended) ' $out/stat.out | grep -qx 3"
expect stat "hvmm stat: per-function call counts" grep -Eq "PSCI_CPU_ON +0xc4000003 [1-9]" "$out/stat.out"
expect stat "SDEI: CPU hotplug and idle made the guest mask and unmask its PEs" \
	sh -c "grep -Eq 'SDEI_PE_MASK +0xc400002b [1-9]' $out/stat.out && grep -Eq 'SDEI_PE_UNMASK +0xc400002c [1-9]' $out/stat.out"
expect stat "hvmm stat: SDEI events and their state" grep -Eq "^sdei event 1000: private normal" "$out/stat.out"
ctl pause pause --name life
ctl stat_paused stat --name life
expect stat_paused "hvmm pause: the VM reports paused (both exit 0)" \
	rc_and stat_paused 0 sh -c "[ \"\$(cat $out/pause.rc)\" = 0 ] && grep -q '^state: paused' $out/stat_paused.out"
ctl pause2 pause --name life
expect pause2 "hvmm pause twice: the second is refused with a reason" \
	sh -c "[ \"\$(cat $out/pause2.rc)\" = 1 ] && [ \$(wc -l <$out/pause2.err) -eq 1 ]"
ctl dump debug --dump --name life
expect dump "hvmm debug --dump: registers of every vCPU (while paused; exit 0)" \
	rc_and dump 0 sh -c "grep -c '^vcpu [0-9]:' $out/dump.out | grep -qx 3 && grep -q ' pc ' $out/dump.out"
ctl resume resume --name life
ctl stat_resumed stat --name life
expect stat_resumed "hvmm resume: running again (both exit 0)" \
	rc_and stat_resumed 0 sh -c "[ \"\$(cat $out/resume.rc)\" = 0 ] && grep -q '^state: running' $out/stat_resumed.out"
ctl enable_bad cpu enable 9 --name life
expect enable_bad "hvmm cpu enable 9: no such vCPU, one-line error" \
	sh -c "[ \"\$(cat $out/enable_bad.rc)\" = 1 ] && [ \$(wc -l <$out/enable_bad.err) -eq 1 ]"
ctl disable_on cpu disable 1 --name life
expect disable_on "hvmm cpu disable of an online vCPU is refused with a reason" \
	sh -c "[ \"\$(cat $out/disable_on.rc)\" = 1 ] && grep -q offline $out/disable_on.err"
printf 'complete garbage\n' >/tmp/g1
printf 'hvmm/999 stat\n' >/tmp/g2
head -c 5000 /dev/zero | tr '\0' 'A' >/tmp/g3
printf '\001\002\377\000\n' >/tmp/g4
for g in 1 2 3 4; do
	raw garbage$g /tmp/g$g life
	expect garbage$g "garbage message $g to the socket gets an error reply" \
		rc_and garbage$g 0 grep -q '^error' "$out/garbage$g.out"
done
ctl sdei_noevent sdei signal 4242 --vcpu 0 --name life
expect sdei_noevent "hvmm sdei signal of an unknown event: one-line error" \
	sh -c "[ \"\$(cat $out/sdei_noevent.rc)\" = 1 ] && grep -q 'no SDEI event 4242' $out/sdei_noevent.err"
ctl sdei_shared sdei signal 2000 --vcpu 1 --name life
expect sdei_shared "hvmm sdei signal of a shared event with --vcpu is refused" \
	sh -c "[ \"\$(cat $out/sdei_shared.rc)\" = 1 ] && grep -q 'shared' $out/sdei_shared.err"
ctl stat_after stat --name life
expect stat_after "after the garbage the VM still answers and runs (exit 0)" \
	rc_and stat_after 0 grep -q '^state: running' "$out/stat_after.out"
bg_send go

# The guest says it suspends, then writes to /sys/power/state: hvmm stat
# says when the VM has got there.
bg_expect "suspending 1" 60 "system suspend: the guest starts its first suspend"
ctl_until stat_susp 60 '^state: system-suspended' stat --name life
bg_require "system suspend: hvmm stat shows the VM suspended" $? "$out/stat_susp.out" "$out/stat_susp.err" "$out/life.raw"
bg_send ""
bg_expect "resumed 1" 60 "system suspend: console input wakes the guest"
bg_expect "suspending 2" 60 "system suspend: the guest starts its second suspend"
ctl_until stat_susp2 60 '^state: system-suspended' stat --name life
bg_require "system suspend: hvmm stat shows the VM suspended again" $? "$out/stat_susp2.out" "$out/stat_susp2.err" "$out/life.raw"
ctl resume_susp resume --name life
expect resume_susp "system suspend: hvmm resume of the suspended VM exits 0" rc_is resume_susp 0
bg_expect "resumed 2" 60 "system suspend: hvmm resume wakes the guest"
bg_expect "waiting for the host: stop" 60 "lifecycle: the guest waits to be stopped"
ctl stop stop --name life
expect stop "hvmm stop exits 0" rc_is stop 0
bg_finish
expect life "hvmm stop: the VM stops with status 4" rc_is life 4
expect life "the lifecycle guest used SYSTEM_SUSPEND twice" \
	grep -Eq "stats: PSCI_SYSTEM_SUSPEND +0xc400000e 2$" "$out/life.err"
[ ! -e "$HOME/.hvmm/life.sock" ]
result "the control socket is removed at exit" $?

# ---- Linux: vCPU hot-add, and a reset keeps it ----
bg_start hotadd run -k "$K" -i "$I" -c 2 --max-cpus 4 -m 256 --name hotadd -p "quiet hvmm.test=hotadd"
bg_expect "waiting for cpu2" 200 "hot-add: the guest boots and waits for CPU 2"
out_has "boot 1 online=0-1 offline=2-3"
result "hot-add: --cpus 2 --max-cpus 4 boots with CPUs 2-3 offline" $? "$out/hotadd.raw"
ctl st_disabled stat --name hotadd
expect st_disabled "hot-add: hvmm stat shows vCPUs 2-3 disabled (exit 0)" \
	rc_and st_disabled 0 sh -c "grep -q '^vcpu 2: disabled' $out/st_disabled.out && grep -q '^vcpu 3: disabled' $out/st_disabled.out"
ctl enable2 cpu enable 2 --name hotadd
expect enable2 "hot-add: hvmm cpu enable 2 exits 0" rc_is enable2 0
bg_expect "after enable" 60 "hot-add: the guest tries CPU 2 again"
out_has "after enable online=0-2"
bg_require "hot-add: hvmm cpu enable 2, then the guest onlines CPU 2" $? "$out/hotadd.raw"
bg_expect "waiting for the host: cpu2 is up" 30 "hot-add: the guest waits with CPU 2 up"
ctl disable2_on cpu disable 2 --name hotadd
expect disable2_on "hot-add: disabling CPU 2 while it is online is refused" rc_is disable2_on 1
bg_send go
bg_expect "waiting for the host: cpu2 is down" 60 "hot-add: the guest offlines CPU 2 and waits"
ctl disable2 cpu disable 2 --name hotadd
expect disable2 "hot-add: hvmm cpu disable 2 once the guest offlined it" rc_is disable2 0
bg_send go
bg_expect "waiting for the host: rebooted" 200 "reboot: the guest resets and boots again in the same hvmm"
sb_threads=$(sandboxed_threads "$(hvmm_pid hotadd || echo none)")
[ "$sb_threads" = "6 6" ]
result "sandbox: after the guest reset the new VM's threads are filtered too (threads, filtered: $sb_threads)" $?
bg_send go
out_has "cpu2 refused after disable"
result "hot-add: the guest cannot bring a disabled vCPU up" $? "$out/hotadd.raw"
bg_finish
out_has "boot 2 online=0-1 offline=2-3"
result "reboot: the guest restarts in the same hvmm, CPU 2 still disabled" $? "$out/hotadd.out"
[ "$(grep -c 'hvmm-guest: init reached' "$out/hotadd.out")" -eq 2 ]
result "reboot: init reached twice" $? "$out/hotadd.out"
out_has "boot 2 sdei: 1"
result "reboot: SDEI is found again after the reset (its state was reset)" $? "$out/hotadd.out"
expect hotadd "reboot then poweroff: hvmm exits 0" rc_is hotadd 0

# ---- bare-metal PSCI conformance guest ----
# --cpus 3 --max-cpus 4: vCPU 3 starts disabled; the guest asks for it.
bg_start conf run -k "$BM/psci_conformance.elf" --cpus 3 --max-cpus 4 -m 64 --name conf --stats
bg_expect "bm: waiting for cpu 3" 120 "PSCI conformance guest: asks the host for vCPU 3"
ctl conf_enable cpu enable 3 --name conf
expect conf_enable "PSCI conformance guest: hvmm cpu enable 3 exits 0" rc_is conf_enable 0
bg_finish
expect conf "PSCI conformance guest (extended power_state format) passes" has_out conf "bm: PASSED"
expect conf "PSCI conformance guest: no TAP check failed" sh -c "! grep -q '^not ok' $out/conf.out"
expect conf "PSCI conformance guest: SYSTEM_OFF exits 0" rc_is conf 0
grep -E '^(not ok|bench:)' "$out/conf.out" | sed 's/^/#   conformance: /'
hvmm_run conf_orig run -k "$BM/psci_conformance.elf" -c 2 -m 64 --psci-suspend-format original
expect conf_orig "PSCI conformance guest (original power_state format) passes" has_out conf_orig "bm: PASSED"
expect conf_orig "PSCI conformance guest (original format): no TAP check failed, exits 0" \
	rc_and conf_orig 0 sh -c "! grep -q '^not ok' $out/conf_orig.out"

# Racing CPU_ON: 9 vCPUs, 8 of them race for the 9th, 10 rounds; by
# default every loser gets ALREADY_ON (as from KVM), with --psci-on-pending
# ALREADY_ON or ON_PENDING.
race_ok() {
	has_out "$1" "bm: PASSED" && ! grep -q '^not ok' "$out/$1.out" && rc_is "$1" 0 &&
		grep -q "^# CPU_ON race: 8 racers, 10 rounds, losers saw ALREADY_ON $2" "$out/$1.out"
}
hvmm_run conf_race run -k "$BM/psci_conformance.elf" -c 9 -m 64 -p "bm.only=race bm.race_rounds=10"
expect conf_race "CPU_ON race, 8 vCPUs for one target, 10 rounds: one SUCCESS a round, every loser ALREADY_ON (70 of them)" \
	race_ok conf_race "70 times, ON_PENDING 0\$"
grep '^# CPU_ON race' "$out/conf_race.out" | sed 's/^/#   /'
hvmm_run conf_race_pending run -k "$BM/psci_conformance.elf" -c 9 -m 64 --psci-on-pending \
	-p "bm.only=race bm.race_rounds=10 bm.race=on_pending"
expect conf_race_pending "CPU_ON race with --psci-on-pending: one SUCCESS a round, the losers ALREADY_ON or ON_PENDING" \
	race_ok conf_race_pending ""
grep '^# CPU_ON race' "$out/conf_race_pending.out" | sed 's/^/#   /'

# ---- bare-metal SDEI conformance guest, its events raised from the host ----
sdei_conformance sdei --stats
expect sdei "SDEI conformance guest passes (4 vCPUs)" has_out sdei "bm: PASSED"
expect sdei "SDEI conformance guest: no TAP check failed" sh -c "! grep -q '^not ok' $out/sdei.out"
expect sdei "SDEI conformance guest: SYSTEM_OFF exits 0" rc_is sdei 0
sdei_all_answered sdei
result "SDEI: the guest got its 4 events raised from the host with hvmm sdei signal ($sdei_answered)" $? \
	"$out/sdei.out" "$out/sdei_answer.err"
expect sdei "SDEI: --stats counts the guest's EVENT_COMPLETE calls" \
	grep -Eq "stats: SDEI_EVENT_COMPLETE +0xc4000025 [1-9]" "$out/sdei.err"
grep -E '^(not ok|bench:)|waiting for host' "$out/sdei.out" | sed 's/^/#   sdei: /'
hvmm_run sdei_off run -k "$BM/sdei_conformance.elf" -c 2 -m 64 --no-sdei
expect sdei_off "--no-sdei: the SDEI guest finds no SDEI and passes" has_out sdei_off "bm: PASSED"
expect sdei_off "--no-sdei: the SDEI guest: no TAP check failed, exits 0" \
	rc_and sdei_off 0 sh -c "! grep -q '^not ok' $out/sdei_off.out"
