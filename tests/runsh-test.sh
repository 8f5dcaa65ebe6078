#!/bin/bash
# ./run.sh as the README shows it, from this machine, on a terminal: the
# emulated arm64 host boots, hvmm inside it gives the guest's shell to the
# terminal, a typed command is answered, poweroff ends it with 0, Ctrl-A x
# with 4, and the terminal is left as it was. The VM's control socket is
# forwarded here: build/native/hvmm lists it and hot-adds a vCPU, which the
# guest brings online. Misuse is refused at once with one line. Also the
# boot tests' own entry point, run from a terminal.
# Ends with "runsh: N passed, N failed".
# usage: tests/runsh-test.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
P=$B/native/ptyrun
H=build/native/hvmm     # what ./run.sh builds and tells users to run
tmp=$(mktemp -d "${TMPDIR:-/tmp}/runsh-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
PROMPT='hvmm-guest:/# '

. tests/tap.sh

# pty DESC PTYRUN-ARGS...: ptyrun must succeed; the terminal's output must
# hold no "Bad system call" (the shell's word for a death by SIGSYS).
pty() {
	local desc=$1 ok=yes out
	shift
	out=$("$P" --log "$tmp/log" "$@" 2>&1) || ok=no
	! grep -aq 'Bad system call' "$tmp/log" || ok=no
	result "$desc" $ok "$out
--- the terminal's last lines:
$(tr -d '\r' <"$tmp/log" | tail -n 15)"
}

# Built before anything is timed: ./run.sh makes these itself.
make -s all guests native-tools >/dev/null || { echo "runsh: 0 passed, 1 failed"; exit 1; }

# ---- as the README shows it ----
# The VM's name is not given: ./run.sh names it, and hvmm list here finds
# it through the forwarded socket.
pty "./run.sh: the guest's shell answers a command; hvmm list and stat reach the VM from this machine; poweroff exits 0; the terminal is restored" \
	--timeout 600 --expect-termios --expect-status 0 \
	--wait "$PROMPT@400" --send 'uname -m\r' --wait 'aarch64\n@30' \
	--run "$H list | grep -Eqx 'guest-[0-9]+'" \
	--run "$H stat --name \"\$($H list)\" | grep -q '^vcpu 1: '" \
	--send 'poweroff\r' -- ./run.sh

# ---- hot-add, and a disk, from this machine ----
# -d IMAGE: the emulated host gets the image as a disk of its own, so what
# the guest writes through hvmm lands in the file here.
mkdir -p "$tmp/disk-src"
echo "from this machine" >"$tmp/disk-src/hello.txt"
mke2fs -q -F -t ext4 -d "$tmp/disk-src" "$tmp/user.ext4" 16M >/dev/null
name=runsh-$$
pty "./run.sh --max-cpus 2 -c 1 -d IMAGE: hvmm cpu enable 1 from this machine, the guest onlines CPU 1, hvmm stat shows it on; the guest mounts this machine's ext4 image, reads its file, writes one; Ctrl-A x exits 4" \
	--timeout 600 --expect-termios --expect-status 4 \
	--wait "$PROMPT@400" --run "$H list | grep -qx $name" \
	--run "$H cpu enable 1 --name $name >/dev/null" \
	--send 'echo 1 >/sys/devices/system/cpu/cpu1/online; cat /sys/devices/system/cpu/online\r' \
	--wait '0-1\n@60' --run "$H stat --name $name | grep -Eq '^vcpu 1: (on|suspended) '" \
	--send 'mkdir -p /mnt && mount /dev/vda /mnt && cat /mnt/hello.txt\r' --wait 'from this machine\n@60' \
	--send 'echo typed in the guest >/mnt/typed.txt; umount /mnt && echo unmounted-$((6*7))\r' --wait 'unmounted-42@60' \
	--send '\x01x' -- ./run.sh -c 1 --max-cpus 2 --name "$name" -d "$tmp/user.ext4"
ok=yes
e2fsck -fn "$tmp/user.ext4" >"$tmp/fsck" 2>&1 || ok=no
[ "$(debugfs -R 'cat /typed.txt' "$tmp/user.ext4" 2>/dev/null)" = "typed in the guest" ] || ok=no
result "./run.sh -d IMAGE: afterwards the image here passes e2fsck -fn and holds the file the guest wrote" $ok \
	"$(cat "$tmp/fsck")"
# The forwarded socket goes with the VM.
ok=yes
sock=$($H socket --name "$name")
[ ! -e "$sock" ] || ok=no
result "the forwarded socket is removed when ./run.sh ends" $ok "$sock is still there"

# ---- misuse: refused before anything boots ----
# check DESC STATUS PATTERN MAX_SECONDS COMMAND...: its status, one line on
# stderr matching the ERE, within the time (no emulated host booted).
check() {
	local desc=$1 want=$2 pattern=$3 max=$4 rc start ms ok=yes
	shift 4
	start=$(date +%s%N)
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$rc" -eq "$want" ] || ok=no
	[ -z "$pattern" ] || { [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -Eq -- "$pattern" "$tmp/err"; } || ok=no
	[ "$ms" -le $((max * 1000)) ] || ok=no
	result "$desc" $ok "exit $rc (want $want) after $ms ms; stderr: $(cat "$tmp/err")"
}
check "./run.sh --bogus: one line naming the option, exit 2, nothing booted" 2 \
	"^hvmm run: unknown option '--bogus'" 20 ./run.sh --bogus
check "./run.sh -c: one line saying it needs a value, exit 2" 2 "'-c' needs a value" 20 ./run.sh -c
check "./run.sh -k with a missing file: one line, exit 1" 1 '^run.sh: no such file: /nonexistent/Image$' 20 \
	./run.sh -k /nonexistent/Image
check "./run.sh -d with a missing image: one line, exit 1" 1 '^run.sh: no such image: /nonexistent.img$' 20 \
	./run.sh -d /nonexistent.img,ro
ok=yes
./run.sh --help >"$tmp/out" 2>"$tmp/err" || ok=no
grep -q '^usage: ./run.sh' "$tmp/out" && grep -q -- '--max-cpus' "$tmp/out" || ok=no
result "./run.sh --help: its usage and hvmm run's options, exit 0" $ok "$(cat "$tmp/out" "$tmp/err")"

# ---- the boot tests' entry point, from a terminal ----
# make boot-tests runs QEMU on the terminal it was started from; the
# terminal must come back as it was.
pty "make boot-tests from a terminal: its part passes and the terminal is restored" \
	--timeout 400 --expect-termios --expect-status 0 --wait ' passed, 0 failed@380' \
	-- env BOOT_LOG="$tmp/boot.log" make -s boot-tests BOOT_PARTS=console-guest

tap_summary runsh
