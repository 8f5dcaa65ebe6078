#!/bin/bash
# ptyrun's own tests (make ptyrun-test), native: it drives cat, sh and
# tests/tools/ttyprobe.c, and every check it makes is shown to fail when it
# should. Ends with "ptyrun: N passed, N failed".
# usage: tests/tools/ptyrun-test.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
P=$B/native/ptyrun
T=$B/native/ttyprobe
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptyrun-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

. tests/tap.sh

# check DESC STATUS PATTERN MAX_SECONDS PTYRUN-ARGS...: ptyrun (started
# through ${wrap[@]}, if set) must exit with STATUS within MAX_SECONDS, its
# stdout and stderr, lines joined with " | ", matching the ERE PATTERN (if
# not empty).
wrap=()
check() {
	local desc=$1 want=$2 pattern=$3 max=$4 out rc start ok=yes
	shift 4
	start=$(date +%s%N)
	out=$("${wrap[@]}" "$P" "$@" 2>&1)
	rc=$?
	local ms=$((($(date +%s%N) - start) / 1000000))
	[ "$rc" -eq "$want" ] || ok=no
	[ -z "$pattern" ] || grep -Eq -- "$pattern" <<<"$(sed -z 's/\n$//; s/\n/ | /g' <<<"$out")" || ok=no
	[ "$ms" -le $((max * 1000)) ] || ok=no
	result "$desc" $ok "exit $rc (want $want) after $ms ms (max ${max} s), output:
$out"
}

# gone PID: the process is dead (a zombie is), within 2 s of a SIGKILL.
gone() {
	local i
	[ "$1" -gt 1 ] || return 1
	for i in $(seq 20); do
		[ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# size_is DESC FILE BYTES
size_is() {
	local size
	size=$(stat -c %s "$2" 2>/dev/null || echo none)
	result "$1" "$([ "$size" = "$3" ] && echo yes || echo no)" "$2: $size bytes, want $3"
}

# ---- the terminal ----
check "cat on the pty: a line sent, its echo and cat's copy seen, Ctrl-D ends it" 0 '^ptyrun: status 0$' 10 \
	--send 'hello\r' --wait 'hello\nhello\n' --send '\x04' --expect-status 0 --expect-termios -- cat
check "a program leaving the terminal raw fails --expect-termios, naming the fields" 1 \
	'left changed.*c_iflag 0x500 -> 0x0 \(-ICRNL -IXON\).*c_lflag .*-ICANON -ECHO' 10 \
	--expect-termios --expect-status 0 -- "$T" raw
check "a program restoring the terminal passes --expect-termios" 0 '' 10 \
	--wait raw --expect-termios --expect-status 0 -- "$T" raw-restore
check "stty -echo without restoring fails --expect-termios" 1 'c_lflag .*\(-ECHO\)' 10 \
	--expect-termios -- sh -c 'stty -echo'
check "the program leads a new session, the pty its controlling terminal, in the foreground" 0 '' 10 \
	--wait 'fd0=tty fd1=tty fd2=tty leader=yes ctty=yes fg=yes size=80x24' -- "$T" info
check "--size sets the window size" 0 '' 10 --size 132x50 --wait 'size=132x50' -- "$T" info
# Started like a background job of a script: SIGINT and SIGQUIT ignored, and
# with a descriptor open beyond 2.
wrap=(sh -c 'trap "" INT QUIT; exec 5</dev/null; exec "$@"' sh)
check "what ptyrun's caller ignored is default again, no signal blocked, no stray fd" 0 '' 10 \
	--wait 'sigint=default mask=empty fds=0' -- "$T" info
wrap=()
check "Ctrl-C on the pty kills the foreground program with SIGINT" 0 \
	'^ptyrun: killed by signal 2 \(SIGINT\)$' 10 --send '\x03' --expect-signal INT -- cat
check "--hangup: the program gets SIGHUP" 0 'killed by signal 1 \(SIGHUP\)' 10 \
	--hangup --expect-signal HUP -- cat
check "--hangup on a program ignoring SIGHUP: the timeout kills it, a clean failure" 1 \
	'timed out after 2 s.*killed by signal 9 \(SIGKILL\)' 8 \
	--timeout 2 --wait ready --hangup --expect-status 0 -- "$T" ignore-hup

# ---- output: no deadlock, byte for byte ----
check "4 MB to the pty: drained, no deadlock" 0 '' 30 \
	--log "$tmp/flood-pty" --expect-status 0 -- "$T" flood 4000000
size_is "the log has every byte the pty gave (ONLCR: one CR per line)" "$tmp/flood-pty" 4062500
check "4 MB to a stdout pipe and 62500 lines counted" 0 '' 30 --stdout pipe \
	--log "$tmp/flood-pipe" --expect-lines stdout 62500 --expect-status 0 -- "$T" flood 4000000
size_is "the log has every byte of the pipe" "$tmp/flood-pipe" 4000000
check "--expect-lines fails on a wrong count" 1 '2 lines on stderr, expected 3' 10 \
	--stderr pipe --expect-lines stderr 3 -- sh -c 'echo a >&2; echo b >&2'
check "--wait finds text in a file: stdout" 0 '' 10 --stdout file:"$tmp/out" --wait done \
	--expect-lines stdout 1 --expect-status 0 -- sh -c 'echo done'
size_is "the file: stdout has the program's output" "$tmp/out" 5
check "--stdout and --stderr to one file share it (>X 2>&1)" 0 '' 10 --stdout file:"$tmp/both" \
	--stderr file:"$tmp/both" --expect-lines stdout 2 -- sh -c 'echo out; echo err >&2'
check "each --wait searches only after the previous match" 1 '"one@1": not seen in 1 s' 10 \
	--wait one --wait 'one@1' -- sh -c 'echo one two; sleep 5'
check "--wait in order" 0 '' 10 --wait one --wait two -- sh -c 'echo one two'
check "--wait times out, the program is killed" 1 'not seen in 1 s.*killed by signal 9' 8 \
	--wait 'never@1' -- sleep 30
check "--wait fails when the program exits first" 1 'exited and its output ended first.*status 0' 8 \
	--wait never -- true
check "a process left holding the pty fails the run" 1 'stayed open 2 s' 10 \
	-- sh -c "trap '' HUP; sleep 30 & echo \$! >$tmp/left; echo started"
pid=$(cat "$tmp/left" 2>/dev/null || echo 0)
result "... and ptyrun kills it" "$(gone "$pid" && echo yes || echo no)" "pid $pid still there"

# ---- input ----
check "--stdin pipe: --send, --close-stdin, cat's copy on a stdout pipe" 0 '' 10 --stdin pipe \
	--stdout pipe --send 'abc\n' --close-stdin --wait abc --expect-lines stdout 1 --expect-status 0 -- cat
check "--stdin closed: the program's fd 0 is closed (probe)" 0 '' 10 \
	--stdin closed --wait 'fd0=closed fd1=tty' --expect-status 0 -- "$T" info
check "--stdin closed: /proc/self/fd/0 does not exist" 1 'exit status [1-9]' 10 \
	--stdin closed --expect-status 0 -- sh -c 'ls -l /proc/self/fd/0'
check "--stdin null --stdout null --stderr null: no pty, no controlling terminal" 0 '' 10 \
	--stdin null --stdout pipe --stderr null --wait 'fd0=other fd1=other fd2=other leader=yes ctty=no' -- "$T" info

# ---- exit status and signals ----
check "--expect-status fails on another status" 1 'exit status 3, expected status 0' 10 \
	--expect-status 0 -- sh -c 'exit 3'
check "a death by a signal is reported and fails --expect-status 0" 1 \
	'killed by signal [0-9]+ \(SIGUSR1\), expected status 0' 10 --expect-status 0 -- sh -c 'kill -USR1 $$'
check "--signal TERM and --expect-signal TERM" 0 'killed by signal 15 \(SIGTERM\)' 10 \
	--wait ready --signal TERM --expect-signal SIGTERM -- "$T" ignore-hup
check "a program that cannot be started" 1 'cannot run /nonexistent: No such file' 10 -- /nonexistent

# ptyrun interrupted: it fails and takes the program with it.
out=$(timeout -s TERM 1 "$P" -- sh -c "echo \$\$ >$tmp/pid; exec sleep 30" 2>&1)
pid=$(cat "$tmp/pid" 2>/dev/null || echo 0)
ok=no
grep -q 'interrupted by SIGTERM' <<<"$out" && gone "$pid" && ok=yes
result "ptyrun interrupted by SIGTERM fails and kills the program" $ok "pid $pid; output: $out"

# ---- steps beside the program ----
check "--wait-raw sees the program take the terminal" 0 '^ptyrun: status 0$' 10 \
	--wait-raw@5 --send x --expect-termios --expect-status 0 -- "$T" raw-key
check "--wait-raw fails when the terminal stays canonical" 1 'wait-raw: the program exited' 10 \
	--wait-raw@5 -- sh -c 'sleep 0.3'
check "--run runs a command between steps and must succeed" 0 '' 10 \
	--wait 'ready' --run "touch $tmp/ran" --send 'go\r' --expect-status 0 \
	-- sh -c "echo ready; read x; test -f $tmp/ran"
check "--run fails on a command's non-zero status" 1 'exited with 3' 10 --run 'exit 3' -- sleep 2
check "--wait-cmd retries until the command succeeds" 0 '' 10 \
	--wait-cmd "test -f $tmp/later@5" --expect-status 0 -- sh -c "sleep 0.5; touch $tmp/later; sleep 0.2"
check "--wait-cmd gives up after its limit" 1 'did not succeed in 1 s' 10 \
	--wait-cmd 'false@1' -- sleep 3

# ---- usage ----
check "usage error: no program" 2 'no PROGRAM' 5
check "usage error: bad escape" 2 'bad escape' 5 --send 'a\q' -- true
check "usage error: --expect-termios without a pty" 2 'needs a stream on the pty' 5 \
	--stdin null --stdout null --stderr null --expect-termios -- true
check "usage error: --close-stdin without --stdin pipe" 2 'needs --stdin pipe' 5 --close-stdin -- true

tap_summary ptyrun
