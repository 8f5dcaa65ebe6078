#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Checks the client-only hvmm built for this machine (make native-client):
# it starts, has every client subcommand, finds no VM where there is none,
# and refuses run with one line and the usage status (docs/exit-status.md).
# Prints one line per check and last "native-client: N passed, N failed".
#
# usage: tests/native-client.sh BINARY
set -uo pipefail
bin=$1
passed=0 failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run COMMAND...: its output into $work/out and $work/err, its exit status
# into $status; each check then counts itself with ok or bad.
run() {
	"$@" >"$work/out" 2>"$work/err"
	status=$?
}
ok() { echo "native-client: $1: ok"; passed=$((passed + 1)); }
bad() {
	echo "native-client: $1: FAILED ($2)"
	sed 's/^/  stdout: /' "$work/out"
	sed 's/^/  stderr: /' "$work/err"
	failed=$((failed + 1))
}
lines() { wc -l <"$1" | tr -d ' '; }

run "$bin" help
if [ "$status" -ne 0 ]; then
	bad help "status $status"
elif ! grep -q '^ usage: hvmm COMMAND \[ARGS\]$' "$work/out"; then
	bad help "no usage line"
elif ! grep -q '^ The most commonly used hvmm commands are:$' "$work/out"; then
	bad help "not in lkvm's shape (no 'The most commonly used hvmm commands are:')"
else
	missing=
	for c in run version help control-relay list stop pause resume stat cpu debug sdei socket; do
		grep -Eq "^   $c +[a-z]" "$work/out" || missing="$missing $c"
	done
	if [ -n "$missing" ]; then bad help "does not list:$missing"; else ok help; fi
fi

# Started as lkvm (a link in lkvm's place), it names itself so: runners
# recognise an lkvm by its help.
ln -s "$(realpath "$bin")" "$work/lkvm"
run "$work/lkvm" --help
if [ "$status" -eq 0 ] && grep -q '^ The most commonly used lkvm commands are:$' "$work/out" &&
	grep -q "^ See 'lkvm help COMMAND'" "$work/out"; then ok "help as lkvm"
else bad "help as lkvm" "status $status"; fi

# help COMMAND is that command's --help; an unknown one is one line, 2.
run "$bin" help stat
if [ "$status" -eq 0 ] && grep -q '^usage: hvmm stat' "$work/out"; then ok "help stat"
else bad "help stat" "status $status"; fi
run "$bin" help frobnicate
if [ "$status" -eq 2 ] && [ "$(lines "$work/err")" = 1 ] &&
	grep -q "unknown command 'frobnicate'" "$work/err"; then ok "help frobnicate"
else bad "help frobnicate" "status $status"; fi

run "$bin" version
if [ "$status" -eq 0 ] && grep -Eq '^hvmm [0-9]' "$work/out"; then ok version
else bad version "status $status"; fi

# Every client subcommand is there: its --help is a usage text, status 0.
for c in list stop pause resume stat cpu debug sdei socket; do
	run "$bin" "$c" --help
	if [ "$status" -eq 0 ] && grep -q "^usage: hvmm $c" "$work/out"; then ok "$c --help"
	else bad "$c --help" "status $status"; fi
done

# No VM in an empty socket directory: nothing printed, status 0.
mkdir -m 0700 "$work/runtime"
run env XDG_RUNTIME_DIR="$work/runtime" "$bin" list
if [ "$status" -eq 0 ] && [ ! -s "$work/out" ] && [ ! -s "$work/err" ]; then ok list
else bad list "status $status"; fi

run env XDG_RUNTIME_DIR="$work/runtime" "$bin" stop --name nobody
if [ "$status" -eq 1 ] && grep -qx "hvmm: no VM named 'nobody' is running" "$work/err"; then
	ok "stop, no such VM"
else
	bad "stop, no such VM" "status $status"
fi

# run: the options are read as the real hvmm reads them (a bad one: status
# 2; --help: the options, status 0); valid ones get one line saying why it
# cannot run here, status 1, as on a machine without /dev/kvm.
run "$bin" run -k Image -c 2
if [ "$status" -eq 1 ] && [ "$(lines "$work/err")" = 1 ] && [ ! -s "$work/out" ] &&
	grep -q 'built without KVM support for this machine.*\./run\.sh' "$work/err"; then
	ok run
else
	bad run "status $status"
fi
run "$bin" run -k Image --no-such-option
if [ "$status" -eq 2 ] && [ "$(lines "$work/err")" = 1 ] &&
	grep -qx "hvmm run: unknown option '--no-such-option' (see 'hvmm run --help')" "$work/err"; then
	ok "run, a bad option"
else
	bad "run, a bad option" "status $status"
fi
run "$bin" run --help
if [ "$status" -eq 0 ] && grep -q '^usage: hvmm run' "$work/out"; then
	ok "run --help"
else
	bad "run --help" "status $status"
fi

# socket: where a VM's socket would be, the directory made 0700.
mkdir "$work/home"
run env -u XDG_RUNTIME_DIR HOME="$work/home" "$bin" socket --name g1
if [ "$status" -eq 0 ] && [ "$(cat "$work/out")" = "$work/home/.hvmm/g1.sock" ] &&
	[ "$(stat -c %a "$work/home/.hvmm")" = 700 ]; then
	ok socket
else
	bad socket "status $status"
fi

echo "native-client: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
