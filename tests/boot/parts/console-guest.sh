# The console guest (guest/baremetal/console.c): every way a run can end
# (power off, reset with --reboot=exit, an in-place reboot then power off,
# Ctrl-A x, hvmm stop) with its exact status, and its line shell driven
# through the console. Console input is a FIFO (bg_start), once a pipe.
# Sourced by tests/boot/host-tests.sh; prints how long each run took.

CG="$BM/console.elf"

# Milliseconds since the host booted (/proc/uptime has hundredths).
cg_ms() {
	read -r cg_up _ </proc/uptime
	cg_int=${cg_up%.*} cg_frac=${cg_up#*.}
	echo $(((cg_int * 100 + ${cg_frac#0}) * 10))
}

# cg_start NAME ARGS...: the console guest in the background as VM NAME.
cg_start() {
	cg_name=$1
	shift
	cg_t0=$(cg_ms)
	bg_start "$cg_name" run -k "$CG" -c 1 -m 64 --name "$cg_name" "$@"
}

# cg_end: wait up to 60 s for hvmm to exit (each run should take well under
# a second), kill it if it does not (its status then fails the check), and
# collect NAME.out/.rc; prints the run's wall time.
cg_end() {
	cg_i=0
	while kill -0 "$bg_pid" 2>/dev/null && [ $cg_i -lt 1200 ]; do
		sleep 0.05
		cg_i=$((cg_i + 1))
	done
	if kill -0 "$bg_pid" 2>/dev/null; then
		echo "# console-guest: $cg_name still running after 60 s, killing it"
		cg_pid=$(hvmm_pid "$cg_name" 2>/dev/null) && kill -KILL "$cg_pid"
	fi
	bg_finish
	cg_t1=$(cg_ms)
	echo "# console-guest: $cg_name took $((cg_t1 - cg_t0)) ms, rc $(rc_of "$cg_name")," \
		"$(grep -c . "$out/$cg_name.err") stderr line(s)"
}

# cg_end_after WHAT: cg_end, also saying how long the exit took after WHAT
# (cg_sent, set right before it was done).
cg_end_after() {
	cg_end
	echo "# console-guest: $cg_name exited $((cg_t1 - cg_sent)) ms after $1"
}

# cg_lines NAME LINE: how many lines of NAME's output are exactly LINE.
cg_lines() { grep -cxF -- "$2" "$out/$1.out"; }

# cg_cpu_ticks PID: user + system clock ticks the process (all its threads,
# vCPUs included) has used so far: fields 14 and 15 of /proc/PID/stat.
cg_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# cg_idle NAME: whether the waiting guest keeps its host CPU idle: over 2 s,
# hvmm uses under a quarter of one CPU (a spinning vCPU would use all of it).
cg_idle() {
	cg_used="? (no hvmm process found)"
	cg_p=$(hvmm_pid "$1" 2>/dev/null) || return 1
	cg_c0=$(cg_cpu_ticks "$cg_p") || return 1
	sleep 2
	cg_c1=$(cg_cpu_ticks "$cg_p") || return 1
	cg_used=$((cg_c1 - cg_c0))
	# Linux counts these in USER_HZ, 100 a second on every architecture.
	[ "$cg_used" -lt 50 ]
}

cg_part_t0=$(cg_ms)

# ---- exits the guest asks for ----
cg_start cg_off -p "bm.do=off"
cg_end
expect cg_off "console guest: bm.do=off prints boot 1 and exits 0" \
	sh -c "[ \"\$(cat $out/cg_off.rc)\" = 0 ] && grep -qxF 'bm-console: boot 1' $out/cg_off.out && grep -qxF 'bm-console: SYSTEM_OFF' $out/cg_off.out"

cg_start cg_reset -p "bm.do=reset" --reboot=exit
cg_end
[ "$(rc_of cg_reset)" = 3 ] && [ "$(cg_lines cg_reset 'bm-console: boot 1')" = 1 ] &&
	[ "$(cg_lines cg_reset 'bm-console: SYSTEM_RESET')" = 1 ] && ! has_out cg_reset 'boot 2'
result "console guest: bm.do=reset with --reboot=exit exits 3 after one boot" $? \
	"$out/cg_reset.out" "$out/cg_reset.err"

cg_start cg_reboot -p "bm.do=reset-then-off"
cg_end
[ "$(rc_of cg_reboot)" = 0 ] && [ "$(cg_lines cg_reboot 'bm-console: boot 1')" = 1 ] &&
	[ "$(cg_lines cg_reboot 'bm-console: boot 2')" = 1 ] &&
	[ "$(grep -xF -e 'bm-console: SYSTEM_RESET' -e 'bm-console: SYSTEM_OFF' "$out/cg_reboot.out" | tr '\n' ,)" = \
		"bm-console: SYSTEM_RESET,bm-console: SYSTEM_OFF," ]
result "console guest: bm.do=reset-then-off reboots in place (boot 1, boot 2) and exits 0" $? \
	"$out/cg_reboot.out" "$out/cg_reboot.err"

cg_start cg_stats -p "bm.do=stats-off" --stats
cg_end
[ "$(rc_of cg_stats)" = 0 ] && grep -Eq "stats: PSCI_VERSION +0x84000000 2$" "$out/cg_stats.err" &&
	grep -Eq "stats: PSCI_FEATURES +0x8400000a 1$" "$out/cg_stats.err" &&
	grep -Eq "stats: PSCI_SYSTEM_OFF +0x84000008 1$" "$out/cg_stats.err" &&
	grep -q '^bm-console: called PSCI_VERSION twice' "$out/cg_stats.out"
result "console guest: bm.do=stats-off: --stats counts its PSCI_VERSION x2, FEATURES, SYSTEM_OFF; exits 0" $? \
	"$out/cg_stats.out" "$out/cg_stats.err"

# Commands piped in, which hvmm reads before the guest's first instruction:
# the guest must not lose them when it turns the UART's FIFOs on.
printf 'echo piped\noff\n' >"$out/cg_pipe.in"
cg_t0=$(cg_ms)
cat "$out/cg_pipe.in" | timeout -s KILL 60 "$H" run -k "$CG" -c 1 -m 64 >"$out/cg_pipe.raw" 2>"$out/cg_pipe.err"
echo $? >"$out/cg_pipe.rc"
echo "# console-guest: cg_pipe took $(($(cg_ms) - cg_t0)) ms, rc $(rc_of cg_pipe)"
tr -d '\r' <"$out/cg_pipe.raw" >"$out/cg_pipe.out"
rc_is cg_pipe 0 && [ "$(cg_lines cg_pipe piped)" = 1 ]
result "console guest shell: commands piped in before it starts run (echo piped, off: exit 0)" $? \
	"$out/cg_pipe.out" "$out/cg_pipe.err"

# ---- the shell, driven through the console ----
cg_start cg_sh
bg_wait '^bm> ' 30 && bg_output | grep -qxF 'bm-console: boot 1'
result "console guest shell: prints boot 1 and a prompt" $? "$out/cg_sh.raw" "$out/cg_sh.err"
cg_idle cg_sh
result "console guest shell: waiting for input keeps the host CPU idle ($cg_used ticks in 2 s)" $?
bg_send "echo hello"
bg_wait '^hello$' 30
result "console guest shell: echo hello answers hello" $? "$out/cg_sh.raw"
bg_send "frob x"
bg_wait '^bm-console: unknown command: frob x$' 30
result "console guest shell: an unknown command is reported" $? "$out/cg_sh.raw"
printf 'abc\003' >&3
bg_wait '^bm-console: interrupt$' 30 && bg_output | grep -qxF 'bm> abc^C'
result "console guest shell: Ctrl-C prints ^C and the interrupt line" $? "$out/cg_sh.raw"
bg_send "echo after-interrupt"
bg_wait '^after-interrupt$' 30
result "console guest shell: Ctrl-C dropped the line typed before it" $? "$out/cg_sh.raw"
printf '\001\001' >&3
bg_send "echo after-ctrl-a"
bg_wait '^after-ctrl-a$' 30 && [ "$(bg_output | grep -cxF 'bm-console: ctrl-a')" = 1 ]
result "console guest shell: Ctrl-A Ctrl-A passes one Ctrl-A to the guest" $? "$out/cg_sh.raw"
printf 'echo abX\177c\r\n' >&3
bg_wait '^abc$' 30 && ! bg_output | grep -q '^abXc$'
result "console guest shell: DEL erases, CR LF ends one line" $? "$out/cg_sh.raw"
bg_send "boot"
bg_send "echo after-boot"
bg_wait '^after-boot$' 30 && [ "$(bg_output | grep -cxF 'bm-console: boot 1')" = 2 ]
result "console guest shell: boot prints the boot count again" $? "$out/cg_sh.raw"
cg_sent=$(cg_ms)
bg_send "off"
cg_end_after "off"
expect cg_sh "console guest shell: off exits 0" \
	sh -c "[ \"\$(cat $out/cg_sh.rc)\" = 0 ] && grep -qxF 'bm-console: SYSTEM_OFF' $out/cg_sh.out"

# ---- exits the host causes ----
cg_start cg_ax -p "bm.do=wait"
bg_wait '^bm-console: waiting$' 30
result "console guest: bm.do=wait says it waits" $? "$out/cg_ax.raw"
cg_idle cg_ax
result "console guest: bm.do=wait keeps the host CPU idle ($cg_used ticks in 2 s)" $?
cg_sent=$(cg_ms)
printf '\001x' >&3
cg_end_after "Ctrl-A x"
expect cg_ax "console guest: bm.do=wait, Ctrl-A x exits 4" rc_is cg_ax 4

cg_start cg_stop -p "bm.do=wait"
bg_wait '^bm-console: waiting$' 30
result "console guest: bm.do=wait is up for hvmm stop" $? "$out/cg_stop.raw"
cg_sent=$(cg_ms)
ctl cg_stopc stop --name cg_stop
cg_end_after "hvmm stop"
[ "$(rc_of cg_stopc)" = 0 ] && [ "$(rc_of cg_stop)" = 4 ]
result "console guest: bm.do=wait, hvmm stop exits 4" $? "$out/cg_stop.out" "$out/cg_stop.err" "$out/cg_stopc.err"

echo "# console-guest: the part took $(($(cg_ms) - cg_part_t0)) ms"
