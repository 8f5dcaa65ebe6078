# The seccomp sandbox on a running hvmm: every thread is filtered, a vCPU
# thread that tries to open a file, start a program or start a process ends
# hvmm with one line naming the thread and the call, and --no-sandbox lets
# the same probes through. Sourced by tests/boot/host-tests.sh.

# sandbox_probe PROBE SYSCALL VCPU: a fresh idle VM, then the probe.
# (ctl and friends set $name: these use sb_ names.)
sandbox_probe() {
	sb_probe=$1 sb_call=$2 sb_vcpu=$3 sb_what=$4 sb=sbx_$1
	bg_start "$sb" run -k "$BM/idle.elf" -c 2 -m 64 --name "$sb"
	bg_expect "bm: idling" 60 "sandbox: the idle guest for the $sb_probe probe runs"
	sb_threads=$(sandboxed_threads "$(hvmm_pid "$sb" || echo none)")
	# main, control, and one thread per vCPU
	[ "$sb_threads" = "4 4" ]
	result "sandbox: all threads of a running hvmm are under a seccomp filter (threads, filtered: $sb_threads)" $?
	ctl "${sb}_ctl" debug --probe-sandbox "$sb_probe" --vcpu "$sb_vcpu" --name "$sb"
	bg_finish
	sb_line="hvmm: sandbox: the vCPU $sb_vcpu thread made a forbidden system call: $sb_call; stopping hvmm"
	rc_is "$sb" 1 && [ "$(grep -c . "$out/$sb.err")" -eq 1 ] && grep -qxF "$sb_line" "$out/$sb.err"
	result "sandbox: a vCPU thread that tries to $sb_what ($sb_call) ends hvmm, status 1, one line" $? \
		"$out/$sb.err" "$out/${sb}_ctl.err"
	# hvmm ends while the client waits for its reply: an error, status 1.
	rc_is "${sb}_ctl" 1 && [ "$(grep -c . "$out/${sb}_ctl.err")" -eq 1 ]
	result "sandbox: the probing client reports one line and fails (status 1)" $? "$out/${sb}_ctl.err" \
		"$out/${sb}_ctl.rc"
}

sandbox_probe open openat 1 "open a file"
sandbox_probe exec execve 0 "start a program"
sandbox_probe fork clone 1 "start a process"

bg_start nosbx run -k "$BM/idle.elf" -c 2 -m 64 --name nosbx --no-sandbox
bg_expect "bm: idling" 60 "--no-sandbox: the idle guest runs"
sb_threads=$(sandboxed_threads "$(hvmm_pid nosbx || echo none)")
[ "$sb_threads" = "4 0" ]
result "--no-sandbox: no thread is filtered (threads, filtered: $sb_threads)" $?
for probe in open exec fork; do
	ctl "nosbx_$probe" debug --probe-sandbox "$probe" --vcpu 1 --name nosbx
	expect "nosbx_$probe" "--no-sandbox: the $probe probe goes through and the VM runs on" \
		sh -c "[ \"\$(cat $out/nosbx_$probe.rc)\" = 0 ] && grep -q 'without its sandbox' $out/nosbx_$probe.out"
done
ctl nosbx_stop stop --name nosbx
expect nosbx_stop "--no-sandbox: hvmm stop exits 0" rc_is nosbx_stop 0
bg_finish
expect nosbx "--no-sandbox: a warning says so, and hvmm stop ends it (status 4)" \
	sh -c "[ \"\$(cat $out/nosbx.rc)\" = 4 ] && grep -q 'warning: --no-sandbox' $out/nosbx.err"

# One filter per thread: the vCPU threads (named vcpuN) are started before
# the main thread's sandbox, so none carries the main filter too; with
# kvmtool's --vcpu-affinity they run on the CPUs it names.
bg_start onefilter run -k "$BM/idle.elf" -c 2 -m 64 --name onefilter --vcpu-affinity 1
bg_expect "bm: idling" 60 "one filter: the idle guest runs, --vcpu-affinity 1"
of_pid=$(hvmm_pid onefilter || echo none)
of_bad=0 of_vcpus=0
for of_t in /proc/"$of_pid"/task/*; do
	[ -f "$of_t/status" ] || { of_bad=1; continue; }
	grep -q '^Seccomp_filters:[[:space:]]*1$' "$of_t/status" || of_bad=1
	case $(cat "$of_t/comm") in
	vcpu[0-9]*)
		of_vcpus=$((of_vcpus + 1))
		grep -q '^Cpus_allowed_list:[[:space:]]*1$' "$of_t/status" || of_bad=1
		;;
	esac
done
[ "$of_bad" = 0 ] && [ "$of_vcpus" = 2 ]
result "one filter: every thread of hvmm has exactly one seccomp filter; vcpu0 and vcpu1 run on CPU 1 only (--vcpu-affinity 1)" $? \
	"/proc/$of_pid/task"
ctl onefilter_stop stop --name onefilter
bg_finish
expect onefilter "one filter: hvmm stop ends it (status 4)" rc_is onefilter 4
