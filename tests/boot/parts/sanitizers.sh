# hvmm built with AddressSanitizer, LeakSanitizer and UBSan (/hvmm-asan, the
# Makefile's hvmm-asan; tests/boot/run.sh adds it and its shared libraries):
# the PSCI and SDEI conformance guests, a Linux guest that hot-adds a vCPU,
# reboots and powers off, with a control-socket session (garbage included)
# in between, a stop from the host, a few other configurations and hvmm's
# error paths. Each run must pass as the plain hvmm does, exit with the usual
# status (a report exits 66), and print no sanitizer report. Sourced by the boot job,
# whose helpers it uses; docs/sanitizers.md says more.

san_h=$H
H=/hvmm-asan
# halt_on_error with abort_on_error=0: the first report ends hvmm with status
# 66 (exitcode), which no normal run gives; detect_leaks: LeakSanitizer looks
# for unreachable allocations when hvmm exits.
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=66:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1:print_summary=1
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=66
export ASAN_OPTIONS UBSAN_OPTIONS
# Every run below passes --no-sandbox: hvmm's seccomp filters allow only the
# system calls hvmm itself makes, and the sanitizer runtime makes others (at
# exit LeakSanitizer stops every thread with ptrace to scan their stacks and
# registers, and a report opens files and maps memory), which the filters
# would rightly kill.
NS=--no-sandbox

# san_clean NAME...: none of the runs' stderr holds a sanitizer report.
san_clean() {
	for san_f in "$@"; do
		! grep -Eq 'Sanitizer|runtime error' "$out/$san_f.err" || return 1
	done
}
# san_check NAME WHAT STATUS: exit status STATUS and a clean stderr.
san_check() {
	expect "$1" "asan: $2: exits $3" rc_is "$1" "$3"
	expect "$1" "asan: $2: no sanitizer report on stderr" san_clean "$1"
}

# san_bad_input NAME DESC STATUS PATTERN ARGS...: as expect_bad_input
# (exactly STATUS, one stderr line containing PATTERN), with hvmm-asan: the
# --no-sandbox warning is not counted, and a sanitizer report (status 66,
# more lines) fails it.
san_bad_input() {
	name=$1 desc=$2 want=$3 pattern=$4
	shift 4
	bad_input_args "asan: $desc" "$want" "$pattern" || return 1
	hvmm_run "$name" "$@"
	rc=$(rc_of "$name")
	lines=$(grep -vc 'warning: --no-sandbox' "$out/$name.err")
	[ "$rc" = "$want" ] && [ "$lines" -eq 1 ] && grep -qF -- "$pattern" "$out/$name.err" && san_clean "$name"
	result "asan: bad input: $desc (exit $rc, $want expected; $lines stderr line(s))" $? "$out/$name.err"
}
# san_time WHAT: how long the last group of runs took.
san_time() {
	now=$(date +%s)
	echo "# asan: $1: $((now - san_t)) s"
	san_t=$now
}

san_t0=$(date +%s) san_t=$(date +%s)
if [ ! -x "$H" ]; then
	result "asan: /hvmm-asan is in the emulated host" 1
else
	# The dynamic loader finds the sanitizer runtimes, and they read the options.
	ctl asan_version version
	expect asan_version "asan: hvmm-asan starts (its shared libraries are found)" \
		sh -c "[ \"\$(cat $out/asan_version.rc)\" = 0 ] && grep -q '^hvmm ' $out/asan_version.out"
	ASAN_OPTIONS=help=1 timeout -s KILL 30 "$H" version </dev/null >"$out/asan_help.out" 2>"$out/asan_help.err"
	echo $? >"$out/asan_help.rc"
	expect asan_help "asan: the ASan runtime is loaded and reads ASAN_OPTIONS (hvmm version exits 0)" \
		rc_and asan_help 0 has_err asan_help "detect_leaks"

	# ---- PSCI conformance: 3 vCPUs, a 4th hot-added through the socket ----
	bg_start asan_conf run -k "$BM/psci_conformance.elf" --cpus 3 --max-cpus 4 -m 64 \
		--name asan_conf --stats $NS
	bg_expect "bm: waiting for cpu 3" 300 "asan: PSCI conformance guest asks the host for vCPU 3"
	ctl asan_conf_enable cpu enable 3 --name asan_conf
	bg_finish
	expect asan_conf "asan: PSCI conformance guest passes" has_out asan_conf "bm: PASSED"
	expect asan_conf "asan: PSCI conformance guest: no TAP check failed" \
		sh -c "! grep -q '^not ok' $out/asan_conf.out"
	san_check asan_conf "PSCI conformance guest" 0
	san_check asan_conf_enable "hvmm cpu enable 3 (client)" 0
	san_time "PSCI conformance"

	# ---- SDEI conformance: events raised from the host ----
	sdei_conformance asan_sdei --stats $NS
	expect asan_sdei "asan: SDEI conformance guest passes" has_out asan_sdei "bm: PASSED"
	expect asan_sdei "asan: SDEI conformance guest: no TAP check failed" \
		sh -c "! grep -q '^not ok' $out/asan_sdei.out"
	sdei_all_answered asan_sdei
	result "asan: SDEI: 4 events raised with hvmm sdei signal ($sdei_answered)" $? \
		"$out/asan_sdei.out" "$out/asan_sdei_answer.err"
	san_check asan_sdei "SDEI conformance guest" 0
	san_time "SDEI conformance"

	# ---- Linux: hot-add, a control-socket session, reboot, poweroff ----
	bg_start asan_linux run -k "$K" -i "$I" -c 2 --max-cpus 4 -m 256 --name asan_linux \
		--stats $NS -p "quiet hvmm.test=hotadd"
	bg_expect "waiting for cpu2" 300 "asan: Linux: the guest boots and waits for CPU 2"
	ctl asan_enable2 cpu enable 2 --name asan_linux
	expect asan_enable2 "asan: Linux: hvmm cpu enable 2 exits 0" rc_is asan_enable2 0
	bg_expect "waiting for the host: cpu2 is up" 60 "asan: Linux: the guest waits with CPU 2 up"
	bg_output | grep -q "after enable online=0-2"
	bg_require "asan: Linux: hvmm cpu enable 2, the guest onlines CPU 2" $? "$out/asan_linux.raw"

	# The guest now waits for a line on its console: the control thread's turn.
	ctl asan_list list
	ctl asan_stat stat --name asan_linux
	ctl asan_pause pause --name asan_linux
	ctl asan_stat_paused stat --name asan_linux
	ctl asan_pause2 pause --name asan_linux
	ctl asan_dump debug --dump --name asan_linux
	ctl asan_resume resume --name asan_linux
	ctl asan_stat_running stat --name asan_linux
	ctl asan_enable9 cpu enable 9 --name asan_linux
	ctl asan_sdei_none sdei signal 4242 --vcpu 0 --name asan_linux
	printf 'complete garbage\n' >/tmp/asan_g1
	printf 'hvmm/999 stat\n' >/tmp/asan_g2
	head -c 5000 /dev/zero | tr '\0' 'A' >/tmp/asan_g3
	printf '\001\002\377\000\n' >/tmp/asan_g4
	printf 'stat' >/tmp/asan_g5
	: >/tmp/asan_g6
	for g in 1 2 3 4 5 6; do
		raw asan_garbage$g /tmp/asan_g$g asan_linux
	done
	ctl asan_stat_after stat --name asan_linux
	san_bad_input asan_same_name "a second VM with a running VM's name" 1 \
		"a VM named 'asan_linux' is already running" run -k "$BM/hello.elf" -m 64 --name asan_linux $NS
	expect asan_list "asan: hvmm list shows the VM (exit 0)" rc_and asan_list 0 grep -qx asan_linux "$out/asan_list.out"
	expect asan_stat "asan: hvmm stat: a line for each of the 4 vCPUs, vCPU 3 disabled (exit 0)" \
		rc_and asan_stat 0 sh -c "grep -Ec '^vcpu [0-3]: ' $out/asan_stat.out | grep -qx 4 && grep -q '^vcpu 3: disabled' $out/asan_stat.out"
	expect asan_stat_paused "asan: hvmm pause: the VM reports paused (both exit 0)" \
		rc_and asan_stat_paused 0 sh -c "[ \"\$(cat $out/asan_pause.rc)\" = 0 ] && grep -q '^state: paused' $out/asan_stat_paused.out"
	expect asan_pause2 "asan: a second pause is refused" rc_is asan_pause2 1
	expect asan_dump "asan: hvmm debug --dump: registers of the 3 vCPUs that are on (exit 0)" \
		rc_and asan_dump 0 sh -c "grep -c '^vcpu [0-9]:' $out/asan_dump.out | grep -Eq '^[34]$' && grep -q ' pc ' $out/asan_dump.out"
	expect asan_stat_running "asan: hvmm resume: running again (both exit 0)" \
		rc_and asan_stat_running 0 sh -c "[ \"\$(cat $out/asan_resume.rc)\" = 0 ] && grep -q '^state: running' $out/asan_stat_running.out"
	expect asan_enable9 "asan: hvmm cpu enable 9 is refused" rc_is asan_enable9 1
	expect asan_sdei_none "asan: hvmm sdei signal of an unknown event is refused" rc_is asan_sdei_none 1
	for g in 1 2 3 4 5 6; do
		expect asan_garbage$g "asan: garbage message $g gets an error reply" \
			rc_and asan_garbage$g 0 grep -q '^error' "$out/asan_garbage$g.out"
	done
	expect asan_stat_after "asan: after the garbage the VM still answers (exit 0)" \
		rc_and asan_stat_after 0 grep -q '^state: running' "$out/asan_stat_after.out"
	expect asan_stat_after "asan: control clients: no sanitizer report on stderr" san_clean \
		asan_list asan_stat asan_pause asan_stat_paused asan_pause2 asan_dump asan_resume \
		asan_stat_running asan_enable9 asan_sdei_none asan_stat_after asan_enable2 asan_disable2

	bg_send go
	bg_expect "waiting for the host: cpu2 is down" 60 "asan: Linux: the guest offlines CPU 2 and waits"
	ctl asan_disable2 cpu disable 2 --name asan_linux
	expect asan_disable2 "asan: Linux: hvmm cpu disable 2 exits 0" rc_is asan_disable2 0
	bg_send go
	bg_expect "waiting for the host: rebooted" 300 "asan: Linux: the guest resets and boots again"
	bg_send go
	bg_finish
	[ "$(grep -c 'hvmm-guest: init reached' "$out/asan_linux.out")" -eq 2 ]
	result "asan: Linux: reboot in the guest, init reached again in the same hvmm" $? "$out/asan_linux.out"
	bg_output | grep -q "boot 2 online=0-1 offline=2-3"
	result "asan: Linux: after the reset vCPU 2 is still disabled" $? "$out/asan_linux.out"
	expect asan_linux "asan: Linux: --stats at exit counts both boots' CPU_ON calls" \
		grep -Eq "stats: PSCI_CPU_ON +0xc4000003 [2-9]" "$out/asan_linux.err"
	san_check asan_linux "Linux guest (hot-add, control session, reboot, poweroff)" 0
	[ ! -e "$HOME/.hvmm/asan_linux.sock" ]
	result "asan: the control socket is removed at exit" $?
	san_time "Linux"

	# ---- stopped from the host ----
	bg_start asan_stop run -k "$BM/psci_conformance.elf" --cpus 1 --max-cpus 2 -m 64 \
		--name asan_stop $NS
	bg_expect "bm: waiting for cpu 1" 300 "asan: the guest to stop runs and waits"
	ctl asan_stop_cmd stop --name asan_stop
	san_check asan_stop_cmd "hvmm stop (client)" 0
	bg_finish
	san_check asan_stop "a guest stopped with hvmm stop" 4

	# ---- other configurations: a written DTB, one more SDEI event, KVM's PSCI ----
	hvmm_run asan_dtb run -k "$BM/hello.elf" -c 2 -m 64 --dump-dtb /tmp/asan.dtb \
		--sdei-event 7,shared,critical --psci-suspend-format original --idle-states standby --stats $NS
	expect asan_dtb "asan: --dump-dtb, --sdei-event, original format: the guest passes" \
		sh -c "grep -q 'bm: PASSED' $out/asan_dtb.out && [ \"\$(od -An -tx1 -N4 /tmp/asan.dtb | tr -d ' ')\" = d00dfeed ]"
	san_check asan_dtb "--dump-dtb, --sdei-event, original format" 0
	hvmm_run asan_kpsci run -k "$BM/hello.elf" -m 64 --in-kernel-psci --no-sdei --stats $NS
	expect asan_kpsci "asan: --in-kernel-psci --no-sdei: the guest passes" has_out asan_kpsci "bm: PASSED"
	san_check asan_kpsci "--in-kernel-psci --no-sdei" 0
	san_time "stop and other configurations"

	# ---- error paths: hvmm gives up part-way and must still free everything ----
	# One of each kind (bad-input.sh has them all): a file that cannot be read,
	# an ELF and an Image the loader rejects, a missing initrd, a VM KVM
	# refuses, a bad option and a client for no VM. A report adds lines and
	# status 66, so san_bad_input fails on it.
	head -c 100 "$BM/hello.elf" >/tmp/asan_trunc-phdr.elf
	head -c 1000000 "$K" >/tmp/asan_trunc.Image
	san_bad_input asan_missing "missing kernel file" 1 "kernel '/nonexistent': No such file or directory" \
		run -k /nonexistent $NS
	san_bad_input asan_trunc_phdr "ELF cut inside its program headers" 1 \
		"kernel '/tmp/asan_trunc-phdr.elf': truncated ELF" run -k /tmp/asan_trunc-phdr.elf -m 64 $NS
	san_bad_input asan_trunc_image "truncated Image" 1 "truncated Image: the file has 1000000 bytes" \
		run -k /tmp/asan_trunc.Image -m 64 $NS
	san_bad_input asan_lowlink "ELF segment outside RAM" 1 "is outside RAM 0x40000000-" \
		run -k "$BM/hello-lowlink.elf" -m 64 $NS
	san_bad_input asan_missing_initrd "missing initrd file" 1 "initrd '/nonexistent': No such file or directory" \
		run -k "$K" -i /nonexistent -m 64 $NS
	san_bad_input asan_cpus_many "more vCPUs than KVM allows" 1 "--cpus 4000: KVM on this host allows at most" \
		run -k "$BM/hello.elf" --cpus 4000 -m 64 $NS
	san_bad_input asan_sdei_dup "--sdei-event reusing a default event" 2 \
		"--sdei-event '1000,private,normal': event 1000 is one of hvmm's default events" \
		run -k "$K" --sdei-event 7,shared,normal --sdei-event 1000,private,normal $NS
	san_bad_input asan_no_vm "a client command for a VM that is not running" 1 \
		"hvmm: no VM named 'nosuchvm' is running" stat --name nosuchvm
	san_time "error paths"
fi
echo "# asan: all: $(($(date +%s) - san_t0)) s"
H=$san_h
unset ASAN_OPTIONS UBSAN_OPTIONS
