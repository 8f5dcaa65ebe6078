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
# The control sockets live under $HOME/.hvmm.
HOME=${HOME:-/}
export HOME

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

boot_summary() {
	echo "boot: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
