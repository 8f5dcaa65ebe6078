#!/bin/sh
# Boot tests, run inside the emulated arm64 KVM host as its /job.sh (busybox
# sh). Prints TAP lines and ends with "boot: N passed, N failed".
#
# Files (put there by tests/boot/run.sh): /hvmm, /guest/Image,
# /guest/initramfs.cpio, /guest/bm/*.

H=/hvmm
K=/guest/Image
I=/guest/initramfs.cpio
BM=/guest/bm
out=/tmp/boot-tests
mkdir -p "$out"
n=0 pass=0 fail=0

# result DESC STATUS [LOG...]: one TAP line; on failure, the logs' tails.
result() {
	desc=$1 status=$2
	shift 2
	n=$((n + 1))
	if [ "$status" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - $desc"
	else
		fail=$((fail + 1))
		echo "not ok $n - $desc"
		for f in "$@"; do
			[ -f "$f" ] && tail -n 15 "$f" | sed "s|^|#   ${f##*/}: |"
		done
	fi
}

# hvmm_run NAME ARGS...: run hvmm with no terminal; NAME.out/.err/.rc.
hvmm_run() {
	name=$1
	shift
	timeout -s KILL 300 "$H" "$@" </dev/null >"$out/$name.raw" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
	# The guest's serial console ends lines with CR LF.
	tr -d '\r' <"$out/$name.raw" >"$out/$name.out"
}

rc_of() { cat "$out/$1.rc"; }

# ---- a guest in the background, driven from here ----
# bg_start NAME ARGS...: hvmm in the background; its console input comes
# from a FIFO this shell keeps open on fd 3 (bg_send writes to it).
bg_start() {
	bg=$1
	shift
	rm -f "$out/$bg.in"
	mkfifo "$out/$bg.in"
	timeout -s KILL 900 "$H" "$@" <"$out/$bg.in" >"$out/$bg.raw" 2>"$out/$bg.err" &
	bg_pid=$!
	exec 3>"$out/$bg.in"
}
bg_send() { printf '%s\n' "$1" >&3; }
bg_output() { tr -d '\r' <"$out/$bg.raw"; }
# bg_wait PATTERN SECONDS: until the guest prints PATTERN (0), or gives up.
bg_wait() {
	i=0
	while [ $i -lt $(($2 * 5)) ]; do
		bg_output | grep -q -- "$1" && return 0
		kill -0 $bg_pid 2>/dev/null || break
		sleep 0.2
		i=$((i + 1))
	done
	bg_output | grep -q -- "$1"
}
# bg_finish: wait for hvmm to exit; NAME.out/.rc as for hvmm_run.
bg_finish() {
	exec 3>&-
	wait $bg_pid
	echo $? >"$out/$bg.rc"
	bg_output >"$out/$bg.out"
}
# ctl NAME ARGS...: a client command; NAME.out/.err/.rc.
ctl() {
	name=$1
	shift
	timeout -s KILL 30 "$H" "$@" </dev/null >"$out/$name.out" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
}
# raw NAME BYTES-FILE VM: send a file's bytes to VM's control socket.
raw() {
	timeout -s KILL 30 /tools/ctlraw "$HOME/.hvmm/$3.sock" <"$2" >"$out/$1.out" 2>"$out/$1.err"
	echo $? >"$out/$1.rc"
}

# expect NAME DESC COMMAND...: a check on run NAME's files.
expect() {
	name=$1 desc=$2
	shift 2
	"$@" >/dev/null 2>&1
	result "$desc" $? "$out/$name.out" "$out/$name.err"
}

has_out() { grep -q -- "$2" "$out/$1.out"; }
has_err() { grep -q -- "$2" "$out/$1.err"; }
rc_is() { [ "$(rc_of "$1")" = "$2" ]; }

# A bad input: non-zero exit that is not a crash (signals give 128+), and
# exactly one line on stderr that mentions what is wrong.
expect_bad_input() {
	name=$1 desc=$2 pattern=$3
	shift 3
	hvmm_run "$name" "$@"
	rc=$(rc_of "$name")
	lines=$(wc -l <"$out/$name.err")
	[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] && [ "$lines" -eq 1 ] && has_err "$name" "$pattern"
	result "bad input: $desc (exit $rc, $lines stderr line(s))" $? "$out/$name.err"
}

linux_boot() {
	cpus=$1 script=$2 name=linux$1
	shift 2
	hvmm_run "$name" run -k "$K" -i "$I" -c "$cpus" -m 256 --stats -p "quiet hvmm.test=$script" "$@"
	expect "$name" "$cpus vCPU(s): Linux guest reaches init" has_out "$name" "hvmm-guest: init reached"
	expect "$name" "$cpus vCPU(s): /proc/cpuinfo shows $cpus CPUs" has_out "$name" "hvmm-test: cpus=$cpus\$"
	expect "$name" "$cpus vCPU(s): dmesg shows PSCIv1.1 detected" has_out "$name" "psci: PSCIv1.1 detected in firmware"
	expect "$name" "$cpus vCPU(s): dmesg shows SDEIv1.1 detected" has_out "$name" "sdei: SDEIv1.1 (0x68766d6d) detected in firmware"
}

echo "boot tests: $(uname -r), $(grep -c ^processor /proc/cpuinfo) host CPUs"

# ---- Linux guests ----
linux_boot 1 smp
expect linux1 "1 vCPU: poweroff in the guest makes hvmm exit 0" rc_is linux1 0

HOME=${HOME:-/}
export HOME
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
expect dump "--dump-dtb writes a device tree blob" \
	sh -c "[ \"\$(od -An -tx1 -N4 /tmp/hvmm.dtb | tr -d ' ')\" = d00dfeed ]"
expect dump "the device tree describes SDEI (arm,sdei-1.0)" grep -aq "arm,sdei-1.0" /tmp/hvmm.dtb
hvmm_run dump_nosdei run -k "$BM/hello.elf" -m 64 --no-sdei --dump-dtb /tmp/hvmm-nosdei.dtb
expect dump_nosdei "--no-sdei: no SDEI in the device tree, and the guest still runs" \
	sh -c "! grep -aq 'arm,sdei-1.0' /tmp/hvmm-nosdei.dtb && grep -q 'bm: PASSED' $out/dump_nosdei.out"

# ---- Linux: hotplug, cpuidle, control socket, system suspend ----
bg_start life run -k "$K" -i "$I" -c 3 -m 256 --name life --stats -p "quiet hvmm.test=lifecycle"
bg_wait "hvmm-test: cpuidle" 400
out_has() { bg_output | grep -Eq -- "$1"; }
out_has "hotplug cycles=100 failures=0 online=0-2"
result "hotplug: 50 offline/online cycles of each secondary CPU, then all online" $? "$out/life.raw"
bg_output | sed -n 's/.*cpuidle standby \([0-9]*\) -> \([0-9]*\) powerdown \([0-9]*\) -> \([0-9]*\).*/\1 \2 \3 \4/p' >"$out/idle"
read -r sb0 sb1 pd0 pd1 <"$out/idle"
[ "${sb1:-0}" -gt "${sb0:-0}" ] && [ "${pd1:-0}" -gt "${pd0:-0}" ]
result "cpuidle: PSCI standby ($sb0 -> $sb1) and power-down ($pd0 -> $pd1) usage grows" $? "$out/life.raw"

bg_wait "waiting for the host: control" 60
ctl list list
expect list "hvmm list shows the running VM" grep -qx life "$out/list.out"
expect_bad_input same_name "a second VM with a running VM's name" "already running" \
	run -k "$BM/hello.elf" -m 64 --name life
ctl stat stat --name life
expect stat "hvmm stat: a power state for each of the 3 vCPUs" \
	sh -c "grep -Ec '^vcpu [0-2]: (on|suspended) ' $out/stat.out | grep -qx 3"
expect stat "hvmm stat: per-function call counts" grep -Eq "PSCI_CPU_ON +0xc4000003 [1-9]" "$out/stat.out"
expect stat "SDEI: CPU hotplug and idle made the guest mask and unmask its PEs" \
	sh -c "grep -Eq 'SDEI_PE_MASK +0xc400002b [1-9]' $out/stat.out && grep -Eq 'SDEI_PE_UNMASK +0xc400002c [1-9]' $out/stat.out"
expect stat "hvmm stat: SDEI events and their state" grep -Eq "^sdei event 1000: private normal" "$out/stat.out"
ctl pause pause --name life
ctl stat_paused stat --name life
expect stat_paused "hvmm pause: the VM reports paused" \
	sh -c "[ \"\$(cat $out/pause.rc)\" = 0 ] && grep -q '^state: paused' $out/stat_paused.out"
ctl pause2 pause --name life
expect pause2 "hvmm pause twice: the second is refused with a reason" \
	sh -c "[ \"\$(cat $out/pause2.rc)\" = 1 ] && [ \$(wc -l <$out/pause2.err) -eq 1 ]"
ctl dump debug --dump --name life
expect dump "hvmm debug --dump: registers of every vCPU (while paused)" \
	sh -c "grep -c '^vcpu [0-9]:' $out/dump.out | grep -qx 3 && grep -q ' pc ' $out/dump.out"
ctl resume resume --name life
ctl stat_resumed stat --name life
expect stat_resumed "hvmm resume: running again" grep -q '^state: running' "$out/stat_resumed.out"
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
	expect garbage$g "garbage message $g to the socket gets an error reply" grep -q '^error' "$out/garbage$g.out"
done
ctl sdei_noevent sdei signal 4242 --vcpu 0 --name life
expect sdei_noevent "hvmm sdei signal of an unknown event: one-line error" \
	sh -c "[ \"\$(cat $out/sdei_noevent.rc)\" = 1 ] && grep -q 'no SDEI event 4242' $out/sdei_noevent.err"
ctl sdei_shared sdei signal 2000 --vcpu 1 --name life
expect sdei_shared "hvmm sdei signal of a shared event with --vcpu is refused" \
	sh -c "[ \"\$(cat $out/sdei_shared.rc)\" = 1 ] && grep -q 'shared' $out/sdei_shared.err"
ctl stat_after stat --name life
expect stat_after "after the garbage the VM still answers and runs" grep -q '^state: running' "$out/stat_after.out"
bg_send go

bg_wait "suspending 1" 60 && sleep 2
ctl stat_susp stat --name life
expect stat_susp "system suspend: hvmm stat shows the VM suspended" grep -q '^state: system-suspended' "$out/stat_susp.out"
bg_send ""
bg_wait "resumed 1" 60
result "system suspend: console input wakes the guest" $? "$out/life.raw" "$out/life.err"
bg_wait "suspending 2" 60 && sleep 2
ctl resume_susp resume --name life
bg_wait "resumed 2" 60
result "system suspend: hvmm resume wakes the guest" $? "$out/life.raw" "$out/life.err"
bg_wait "waiting for the host: stop" 60
ctl stop stop --name life
bg_finish
expect life "hvmm stop: the VM stops with status 4" rc_is life 4
expect life "the lifecycle guest used SYSTEM_SUSPEND twice" \
	grep -Eq "stats: PSCI_SYSTEM_SUSPEND +0xc400000e 2$" "$out/life.err"
[ ! -e "$HOME/.hvmm/life.sock" ]
result "the control socket is removed at exit" $?

# ---- Linux: vCPU hot-add, and a reset keeps it ----
bg_start hotadd run -k "$K" -i "$I" -c 2 --max-cpus 4 -m 256 --name hotadd -p "quiet hvmm.test=hotadd"
bg_wait "waiting for cpu2" 200
out_has "boot 1 online=0-1 offline=2-3"
result "hot-add: --cpus 2 --max-cpus 4 boots with CPUs 2-3 offline" $? "$out/hotadd.raw"
ctl st_disabled stat --name hotadd
expect st_disabled "hot-add: hvmm stat shows vCPUs 2-3 disabled" \
	sh -c "grep -q '^vcpu 2: disabled' $out/st_disabled.out && grep -q '^vcpu 3: disabled' $out/st_disabled.out"
ctl enable2 cpu enable 2 --name hotadd
bg_wait "after enable" 60
out_has "after enable online=0-2"
result "hot-add: hvmm cpu enable 2, then the guest onlines CPU 2" $? "$out/hotadd.raw"
bg_wait "waiting for the host: cpu2 is up" 30
ctl disable2_on cpu disable 2 --name hotadd
expect disable2_on "hot-add: disabling CPU 2 while it is online is refused" rc_is disable2_on 1
bg_send go
bg_wait "waiting for the host: cpu2 is down" 60
ctl disable2 cpu disable 2 --name hotadd
expect disable2 "hot-add: hvmm cpu disable 2 once the guest offlined it" rc_is disable2 0
bg_send go
bg_wait "boot 2" 200
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
bg_wait "bm: waiting for cpu 3" 120
ctl conf_enable cpu enable 3 --name conf
bg_finish
expect conf "PSCI conformance guest (extended power_state format) passes" has_out conf "bm: PASSED"
expect conf "PSCI conformance guest: no TAP check failed" sh -c "! grep -q '^not ok' $out/conf.out"
grep -E '^(not ok|bench:)' "$out/conf.out" | sed 's/^/#   conformance: /'
hvmm_run conf_orig run -k "$BM/psci_conformance.elf" -c 2 -m 64 --psci-suspend-format original
expect conf_orig "PSCI conformance guest (original power_state format) passes" has_out conf_orig "bm: PASSED"

# ---- bare-metal SDEI conformance guest ----
# It asks for host-raised events (1001 inside a normal handler, 1000 on two
# vCPUs, shared 2000); sdei-answer.sh raises each with hvmm sdei signal.
bg_start sdei run -k "$BM/sdei_conformance.elf" -c 4 -m 64 --name sdei --stats
answered=$(sh /tools/sdei-answer.sh "$H" "$out/sdei.raw" sdei $bg_pid)
bg_finish
expect sdei "SDEI conformance guest passes (4 vCPUs)" has_out sdei "bm: PASSED"
expect sdei "SDEI conformance guest: no TAP check failed" sh -c "! grep -q '^not ok' $out/sdei.out"
[ "$answered" = 4 ]
result "SDEI: the guest got its 4 events raised from the host with hvmm sdei signal ($answered)" $? "$out/sdei.out"
expect sdei "SDEI: --stats counts the guest's EVENT_COMPLETE calls" \
	grep -Eq "stats: SDEI_EVENT_COMPLETE +0xc4000025 [1-9]" "$out/sdei.err"
grep -E '^(not ok|bench:)' "$out/sdei.out" | sed 's/^/#   sdei: /'
hvmm_run sdei_off run -k "$BM/sdei_conformance.elf" -c 2 -m 64 --no-sdei
expect sdei_off "--no-sdei: the SDEI guest finds no SDEI and passes" has_out sdei_off "bm: PASSED"

# ---- bad inputs ----
: >/tmp/empty
head -c 100 "$BM/hello.elf" >/tmp/trunc-phdr.elf
head -c 66000 "$BM/hello.elf" >/tmp/trunc-data.elf
head -c 1000000 "$K" >/tmp/trunc.Image
expect_bad_input missing "missing kernel file" "No such file" run -k /nonexistent
expect_bad_input empty "empty kernel file" "empty" run -k /tmp/empty
expect_bad_input trunc_phdr "ELF cut inside its program headers" "truncated ELF" run -k /tmp/trunc-phdr.elf -m 64
expect_bad_input trunc_data "ELF cut inside a segment" "truncated ELF" run -k /tmp/trunc-data.elf -m 64
expect_bad_input trunc_image "truncated Image" "truncated Image" run -k /tmp/trunc.Image -m 64
expect_bad_input lowlink "ELF segment outside RAM" "outside RAM" run -k "$BM/hello-lowlink.elf" -m 64
expect_bad_input image_big "Image whose image_size exceeds RAM" "RAM is 32 MiB" run -k "$K" -m 32
expect_bad_input ram_small "RAM too small for kernel + initrd" "RAM too small" run -k "$K" -i "$I" -m 37
expect_bad_input missing_initrd "missing initrd file" "initrd" run -k "$K" -i /nonexistent -m 64
expect_bad_input cpus0 "--cpus 0" "cpus" run -k "$K" --cpus 0
expect_bad_input cpus_many "more vCPUs than KVM allows" "at most" run -k "$BM/hello.elf" --cpus 4000 -m 64
expect_bad_input unknown_opt "unknown option" "unknown option" run -k "$K" --bogus
expect_bad_input no_kernel "no kernel" "no kernel" run -m 64
expect_bad_input network "--network mode=tap" "mode=none" run -k "$K" --network mode=tap
expect_bad_input console "--console virtio" "serial" run -k "$K" --console virtio
expect_bad_input unknown_cmd "unknown command" "unknown command" frobnicate
expect_bad_input max_cpus "--max-cpus below --cpus" "more than --max-cpus" run -k "$K" --cpus 4 --max-cpus 2
expect_bad_input reboot_mode "--reboot sometimes" "reset or exit" run -k "$K" --reboot sometimes
expect_bad_input suspend_fmt "--psci-suspend-format odd" "extended or original" run -k "$K" --psci-suspend-format odd
expect_bad_input idle_states "--idle-states deep" "idle-states" run -k "$K" --idle-states deep
expect_bad_input bad_name "--name with a slash" "name" run -k "$K" --name a/b
expect_bad_input no_vm "a client command for a VM that is not running" "no VM named" stat --name nosuchvm
expect_bad_input cpu_usage "cpu with no action" "" cpu --name x
expect_bad_input sdei_event "--sdei-event with a bad type" "shared or private" run -k "$K" --sdei-event 7,global,normal
expect_bad_input sdei_dup "--sdei-event reusing a default event" "default" run -k "$K" --sdei-event 1000,private,normal

echo "boot: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
