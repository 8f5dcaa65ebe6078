# Helpers of the boot tests (busybox sh), sourced by the job that runs inside
# the emulated host: tests/boot/host-tests.sh, or the job tests/boot/run.sh
# writes for a chosen part (make boot-tests BOOT_PARTS=...).

H=/hvmm
K=/guest/Image
I=/guest/initramfs.cpio
BM=/guest/bm
out=/tmp/boot-tests
mkdir -p "$out"
n=0 pass=0 fail=0
# Set (to the reason) once a step a guest in the background depends on has
# failed: every check after it, up to the end of that guest's run, fails too
# (its result line says why) rather than pass on a guest in the wrong state.
bg_broken='' bg_over=1
# The control sockets live under $HOME/.hvmm.
HOME=${HOME:-/}
export HOME

# result DESC STATUS [LOG...]: one TAP line; on failure, the logs' tails.
# While bg_broken is set every check fails, whatever its own status.
result() {
	desc=$1 status=$2
	shift 2
	n=$((n + 1))
	if [ "$status" = 0 ] && [ -z "$bg_broken" ]; then
		pass=$((pass + 1))
		echo "ok $n - $desc"
	else
		fail=$((fail + 1))
		if [ -n "$bg_broken" ]; then
			echo "not ok $n - $desc (not trusted: $bg_broken)"
		else
			echo "not ok $n - $desc"
		fi
		for f in "$@"; do
			[ -f "$f" ] && tail -n 15 "$f" | sed "s|^|#   ${f##*/}: |"
		done
	fi
}

# A run of its own, once the background guest has exited, no longer
# depends on that guest.
bg_independent() {
	[ -z "$bg_over" ] || bg_broken=''
}

# hvmm_run NAME ARGS...: run hvmm with no terminal; NAME.out/.err/.rc.
hvmm_run() {
	name=$1
	shift
	bg_independent
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
	bg_broken='' bg_over=''
	rm -f "$out/$bg.in"
	mkfifo "$out/$bg.in"
	timeout -s KILL 900 "$H" "$@" <"$out/$bg.in" >"$out/$bg.raw" 2>"$out/$bg.err" &
	bg_pid=$!
	exec 3>"$out/$bg.in"
}
bg_send() { printf '%s\n' "$1" >&3; }
bg_output() { tr -d '\r' <"$out/$bg.raw"; }
# bg_wait PATTERN SECONDS: until the guest prints PATTERN (0), or gives up.
# Once the run is broken it does not wait: the checks fail anyway.
bg_wait() {
	i=0
	[ -z "$bg_broken" ] || i=$(($2 * 5))
	while [ $i -lt $(($2 * 5)) ]; do
		bg_output | grep -q -- "$1" && return 0
		kill -0 $bg_pid 2>/dev/null || break
		sleep 0.2
		i=$((i + 1))
	done
	bg_output | grep -q -- "$1"
}
# bg_require DESC STATUS [LOG...]: a check the rest of the background
# guest's run depends on: on failure the run is broken (see bg_broken).
bg_require() {
	br_desc=$1 br_status=$2
	shift 2
	result "$br_desc" "$br_status" "$@"
	[ "$br_status" = 0 ] || [ -n "$bg_broken" ] || bg_broken="'$br_desc' failed"
}
# bg_expect PATTERN SECONDS DESC: bg_wait as a check the rest depends on.
bg_expect() {
	bg_wait "$1" "$2"
	be_status=$?
	bg_require "$3" $be_status "$out/$bg.raw" "$out/$bg.err"
	return $be_status
}
# bg_finish: wait for hvmm to exit; NAME.out/.rc as for hvmm_run. In a
# broken run the guest may never get to its end: after 60 s hvmm gets a
# SIGTERM (its status then fails the run's exit check).
bg_finish() {
	exec 3>&-
	if [ -n "$bg_broken" ]; then
		bf_i=0
		while kill -0 $bg_pid 2>/dev/null && [ $bf_i -lt 300 ]; do
			sleep 0.2
			bf_i=$((bf_i + 1))
		done
		kill -TERM $bg_pid 2>/dev/null
	fi
	wait $bg_pid
	echo $? >"$out/$bg.rc"
	bg_output >"$out/$bg.out"
	bg_over=1
}
# sdei_conformance NAME OPTION...: the bare-metal SDEI conformance guest on
# 4 vCPUs, run as NAME in the background. It asks for host-raised events
# (1001 inside a normal handler, 1000 on two vCPUs, shared 2000);
# sdei-answer.sh raises each with hvmm sdei signal. Afterwards NAME.out/.rc
# as for hvmm_run, and sdei_answered is how many of its 4 requests were
# answered; a signal that failed says so in NAME_answer.err.
sdei_conformance() {
	sc_name=$1
	shift
	bg_start "$sc_name" run -k "$BM/sdei_conformance.elf" -c 4 -m 64 --name "$sc_name" "$@"
	sdei_answered=$(sh /tools/sdei-answer.sh "$H" "$out/$sc_name.raw" "$sc_name" "$bg_pid" \
		</dev/null 2>"$out/${sc_name}_answer.err")
	bg_finish
}
# sdei_all_answered NAME: all 4 requests of NAME's guest answered, every
# hvmm sdei signal succeeded.
sdei_all_answered() { [ "$sdei_answered" = 4 ] && [ ! -s "$out/$1_answer.err" ]; }
# ctl NAME ARGS...: a client command; NAME.out/.err/.rc.
ctl() {
	name=$1
	shift
	bg_independent
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
	result "$desc" $? "$out/$name.out" "$out/$name.err" "$out/$name.rc"
}

has_out() { grep -q -- "$2" "$out/$1.out"; }
has_err() { grep -q -- "$2" "$out/$1.err"; }
rc_is() { [ "$(rc_of "$1")" = "$2" ]; }
# rc_and NAME STATUS COMMAND...: run NAME exited with STATUS, and COMMAND
# (a check on its files) succeeds.
rc_and() {
	rc_is "$1" "$2" || return 1
	shift 2
	"$@"
}

# ctl_until NAME SECONDS PATTERN ARGS...: the client command ARGS, again
# every 0.2 s, until it exits 0 with a line matching the extended regex
# PATTERN (0), or SECONDS have passed (1). NAME.* hold the last try.
ctl_until() {
	cu_name=$1 cu_pattern=$3
	cu_end=$(($(date +%s) + $2))
	shift 3
	while :; do
		ctl "$cu_name" "$@"
		rc_is "$cu_name" 0 && grep -Eq -- "$cu_pattern" "$out/$cu_name.out" && return 0
		[ "$(date +%s)" -lt "$cu_end" ] || return 1
		sleep 0.2
	done
}

# bad_input_args DESC STATUS PATTERN: a test-writing error in a bad-input
# row (an expected status that is not a failure's, an empty pattern, which
# would match anything) is a failed check, and the row does not run.
bad_input_args() {
	case $2 in
	'' | *[!0-9]* | 0)
		result "bad input: $1: test error: expected status '$2' is not a failure status" 1
		return 1 ;;
	esac
	if [ -z "$3" ]; then
		result "bad input: $1: test error: empty pattern for the message" 1
		return 1
	fi
}

# expect_bad_input NAME DESC STATUS PATTERN ARGS...: a bad input. hvmm exits
# with exactly STATUS (docs/exit-status.md: 1 hvmm failed, 2 wrong command
# line) and prints exactly one line on stderr, which contains PATTERN (a
# fixed string: part of the message hvmm gives, never empty).
expect_bad_input() {
	name=$1 desc=$2 want=$3 pattern=$4
	shift 4
	bad_input_args "$desc" "$want" "$pattern" || return 1
	hvmm_run "$name" "$@"
	rc=$(rc_of "$name")
	lines=$(wc -l <"$out/$name.err")
	[ "$rc" = "$want" ] && [ "$lines" -eq 1 ] && grep -qF -- "$pattern" "$out/$name.err"
	result "bad input: $desc (exit $rc, $want expected; $lines stderr line(s))" $? "$out/$name.err"
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

# hvmm_pid NAME: the pid of the hvmm running the VM NAME (not its timeout).
hvmm_pid() {
	for d in /proc/[0-9]*; do
		[ "$(tr '\0' '\n' <"$d/cmdline" 2>/dev/null | head -n 2 | tr '\n' ' ')" = "$H run " ] || continue
		tr '\0' '\n' <"$d/cmdline" 2>/dev/null | grep -qx -- "$1" && { echo "${d#/proc/}"; return 0; }
	done
	return 1
}
# sandboxed_threads PID: "N M": threads of PID, and how many of those run
# under a seccomp filter (Seccomp: 2 in their /proc status).
sandboxed_threads() {
	sbt_all=0 sbt_filtered=0
	for sbt in /proc/"$1"/task/*/status; do
		[ -f "$sbt" ] || continue
		sbt_all=$((sbt_all + 1))
		grep -q '^Seccomp:[[:space:]]*2$' "$sbt" && sbt_filtered=$((sbt_filtered + 1))
	done
	echo "$sbt_all $sbt_filtered"
}

# run_part NAME: source /tests/parts/NAME.sh into this shell. A part that is
# missing, does not parse, or makes no check is a failed check.
run_part() {
	part_name=$1 part_file=/tests/parts/$1.sh
	if [ ! -f "$part_file" ]; then
		result "boot part $part_name: $part_file is missing" 1
		return 1
	fi
	if ! sh -n "$part_file" >"$out/part-$part_name.sh-n" 2>&1; then
		result "boot part $part_name: $part_file does not parse" 1 "$out/part-$part_name.sh-n"
		return 1
	fi
	part_n0=$n part_t0=$(host_uptime)
	# tests/boot/run.sh reads these lines: after a stalled emulated host it
	# knows which parts ended and reruns the rest.
	echo "# part $part_name: begins at $part_t0 s, after row $n"
	. "$part_file"
	[ "$n" -gt "$part_n0" ] || result "boot part $part_name: made no check" 1
	echo "# part $part_name: ends, $((n - part_n0)) rows in $(($(host_uptime) - part_t0)) s"
}

# Whole seconds since the emulated host booted.
host_uptime() {
	read -r up _ </proc/uptime
	echo "${up%.*}"
}

# The whole run fails if it made no check at all.
boot_summary() {
	echo "boot: $pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$n" -gt 0 ]
}
