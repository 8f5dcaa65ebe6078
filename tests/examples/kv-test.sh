#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Checks the example SMCCC handlers of examples/smccc-handlers/ on this
# machine (make examples-test): kv.py with python3, and kv.c built with the
# sanitizers (KV_HANDLER). Each case writes request lines to a handler's
# stdin and compares its answer lines byte for byte, its exit status (0) and
# its stderr (empty); every case runs against both handlers. Then the same
# cases run against broken copies of the handlers, each of which they must
# catch. Prints TAP lines and last "examples: N passed, N failed".
#
# usage: tests/examples/kv-test.sh KV_HANDLER
# PYTHON: the interpreter, by default Debian's (make deps installs it), the
# same Python 3.11 as in the emulated host.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/tap.sh

[ $# -eq 1 ] || { echo "usage: $0 KV_HANDLER" >&2; exit 2; }
kv_c=$1
python=${PYTHON:-/usr/bin/python3}
# hvmm starts handlers with its own environment: the flush check must not
# pass because the caller asked Python for unbuffered output.
unset PYTHONUNBUFFERED
# No __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1
kv_py=examples/smccc-handlers/kv.py kv_c_src=examples/smccc-handlers/kv.c
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "# $("$python" --version 2>&1) ($(command -v "$python")); $kv_c"

IMPLS=(py c)
# impl_cmd IMPL: the command of handler IMPL (py, c, or a broken copy in
# $work) into the array cmd.
impl_cmd() {
	case $1 in
	py) cmd=("$python" "$kv_py") ;;
	c) cmd=("$kv_c") ;;
	*.py) cmd=("$python" "$work/$1") ;;
	*) cmd=("$work/$1") ;;
	esac
}

OEM64=0xc3000000 OEM32=0x83000000
# r FN X1 X2 [VCPU CONDUIT [BASE]]: a request line, as hvmm writes it, for
# function FN of the range at BASE (OEM64), x3..x7 zero.
r() {
	printf '%s %s 0x%08x %s %s 0x0 0x0 0x0 0x0 0x0\n' "${4:-0}" "${5:-hvc}" \
		$((${6:-$OEM64} + $1)) "$2" "$3"
}

# case_begin DESC [BASE]: a new case; send and want add to its input and
# its expected answers, case_end runs it against each of IMPLS.
case_begin() {
	desc=$1 base=${2:-$OEM64}
	: >"$work/in"
	: >"$work/want"
}
send() { printf '%s\n' "$1" >>"$work/in"; }
want() { printf '%s\n' "$1" >>"$work/want"; }
case_end() {
	local impl status cmd
	for impl in "${IMPLS[@]}"; do
		impl_cmd "$impl"
		timeout -s KILL 60 "${cmd[@]}" "$base" <"$work/in" >"$work/got" 2>"$work/err"
		status=$?
		if [ "$status" = 0 ] && [ ! -s "$work/err" ] && cmp -s "$work/want" "$work/got"; then
			result "$impl: $desc" yes
		else
			result "$impl: $desc" no "$(echo "exit status $status"
				sed 's/^/stderr: /' "$work/err"
				diff -u "$work/want" "$work/got" | head -n 30 | cat -v)"
		fi
	done
}

basic_cases() {
	case_begin "PUT then GET gives the value back, COUNT the number of keys"
	send "$(r 0 0x2a 0x7)"; want 0x0
	send "$(r 0 0x1 0x1234abcd)"; want 0x0
	send "$(r 1 0x2a 0x0)"; want "0x0 0x7"
	send "$(r 1 0x1 0x0)"; want "0x0 0x1234abcd"
	send "$(r 2 0x0 0x0)"; want "0x0 0x2"
	case_end

	case_begin "GET of a missing key is -2 as a 64-bit word; an empty store counts 0"
	send "$(r 2 0x0 0x0)"; want "0x0 0x0"
	send "$(r 1 0x2a 0x0)"; want 0xfffffffffffffffe
	send "$(r 0 0x2a 0x0)"; want 0x0
	send "$(r 1 0x2b 0x0)"; want 0xfffffffffffffffe
	send "$(r 1 0x2a 0x0)"; want "0x0 0x0"
	case_end

	case_begin "PUT of a stored key replaces its value, and the count stays"
	send "$(r 0 0x5 0x1)"; want 0x0
	send "$(r 0 0x5 0x2)"; want 0x0
	send "$(r 1 0x5 0x0)"; want "0x0 0x2"
	send "$(r 2 0x0 0x0)"; want "0x0 0x1"
	case_end

	case_begin "keys and values with the top bit set are kept whole"
	send "$(r 0 0x8000000000000000 0xffffffffffffffff)"; want 0x0
	send "$(r 0 0xffffffffffffffff 0x8000000000000001)"; want 0x0
	send "$(r 0 0x0 0x8000000000000000)"; want 0x0
	send "$(r 1 0x8000000000000000 0x0)"; want "0x0 0xffffffffffffffff"
	send "$(r 1 0xffffffffffffffff 0x0)"; want "0x0 0x8000000000000001"
	send "$(r 1 0x0 0x0)"; want "0x0 0x8000000000000000"
	send "$(r 1 0x7fffffffffffffff 0x0)"; want 0xfffffffffffffffe
	send "$(r 2 0x0 0x0)"; want "0x0 0x3"
	case_end

	case_begin "SMC32 range: values used as given, neither sign-extended nor cut" $OEM32
	send "$(r 0 0xffffffff 0x80000000 1 smc $OEM32)"; want 0x0
	send "$(r 1 0xffffffff 0x0 1 smc $OEM32)"; want "0x0 0x80000000"
	send "$(r 1 0xffffffffffffffff 0x0 1 smc $OEM32)"; want 0xfffffffffffffffe
	send "$(r 2 0x0 0x0 1 smc $OEM32)"; want "0x0 0x1"
	case_end

	case_begin "one store for both conduits and every vCPU; x3..x7 ignored; digits in either case"
	send "$(r 0 0xab 0xcd 0 hvc)"; want 0x0
	send "$(r 1 0xab 0x0 3 smc)"; want "0x0 0xcd"
	send "4294967295 smc 0xC3000001 0xAB 0x0 0xffffffffffffffff 0x1 0x2 0x3 0x4"; want "0x0 0xcd"
	case_end
}

unsupported_cases() {
	case_begin "unknown functions in the range and IDs outside it are unsupported"
	send "$(r 0 0x1 0x1)"; want 0x0
	send "$(r 3 0x1 0x0)"; want unsupported
	send "$(r 15 0x1 0x0)"; want unsupported
	send "$(r -1 0x1 0x0)"; want unsupported
	send "0 hvc 0xffffffff 0x1 0x0 0x0 0x0 0x0 0x0 0x0"; want unsupported
	send "0 hvc 0x0 0x1 0x0 0x0 0x0 0x0 0x0 0x0"; want unsupported
	send "$(r 1 0x1 0x0)"; want "0x0 0x1"
	case_end

	# Each malformed line is a PUT but for one flaw: COUNT at the end shows
	# none of them stored anything, and that the handler went on.
	case_begin "malformed lines are unsupported, store nothing, and the handler goes on"
	local p="0 hvc 0xc3000000" a="0x0 0x0 0x0 0x0 0x0"
	local bad=(
		"" " " "$p 0x1 0x2 0x0 0x0 0x0 0x0" "$p 0x1 0x2 $a 0x0"
		"0 svc 0xc3000000 0x1 0x2 $a" "0 HVC 0xc3000000 0x1 0x2 $a" "0 hvcc 0xc3000000 0x1 0x2 $a"
		"-1 hvc 0xc3000000 0x1 0x2 $a" "x hvc 0xc3000000 0x1 0x2 $a" "0x0 hvc 0xc3000000 0x1 0x2 $a"
		"4294967296 hvc 0xc3000000 0x1 0x2 $a" "00000000000 hvc 0xc3000000 0x1 0x2 $a"
		"0 hvc c3000000 0x1 0x2 $a" "0 hvc 0Xc3000000 0x1 0x2 $a" "0 hvc 0xc30000000 0x1 0x2 $a"
		"$p 0x 0x2 $a" "$p 1 0x2 $a" "$p 0X1 0x2 $a" "$p 0xg 0x2 $a" "$p 0x1 -0x2 $a"
		"$p 0x1 0x00000000000000002 $a" "$p 0x1 0x2 0x0 0x0 0x0 0x0 +0x0"
		"$p  0x1 0x2 $a" " $p 0x1 0x2 $a" "$p 0x1 0x2 $a " "$p	0x1 0x2 $a"
		"$p 0x1 0x2 $a"$'\r' "$p 0x1 0x2 $a"$'\xff' "$p 0x1 0x2 0x０ 0x0 0x0 0x0 0x0"
	)
	local b
	for b in "${bad[@]}"; do
		send "$b"; want unsupported
	done
	printf '%s 0x1 0x2\0 %s\n' "$p" "$a" >>"$work/in"; want unsupported
	head -c 100000 /dev/zero | tr '\0' 7 >>"$work/in"; send ""; want unsupported
	send "$(r 2 0x0 0x0)"; want "0x0 0x0"
	case_end
}

end_cases() {
	case_begin "a last line without a newline is answered, then exit 0"
	send "$(r 0 0x3 0x4)"; want 0x0
	r 1 0x3 0x0 | tr -d '\n' >>"$work/in"; want "0x0 0x4"
	case_end

	case_begin "no input: no answer, exit 0"
	case_end

	case_begin "a base without 0x is taken as hex too" c3000000
	send "$(r 2 0x0 0x0)"; want "0x0 0x0"
	case_end

	case_begin "4096 keys fit; a new key then gets -3, a stored one can still be replaced"
	local i
	for ((i = 0; i < 4096; i++)); do
		printf '0 hvc 0xc3000000 0x%x 0x%x 0x0 0x0 0x0 0x0 0x0\n' $((i << 52 | i)) $i
		echo 0x0 >&3
	done >>"$work/in" 3>>"$work/want"
	send "$(r 0 0x1000 0x1)"; want 0xfffffffffffffffd
	send "$(r 0 0xfff0000000000fff 0x99)"; want 0x0
	send "$(r 1 0xfff0000000000fff 0x0)"; want "0x0 0x99"
	send "$(r 1 0x1000 0x0)"; want 0xfffffffffffffffe
	send "$(r 2 0x0 0x0)"; want "0x0 0x1000"
	case_end
}

# interactive IMPL: the answer to each request comes while stdin is still
# open (the handler flushes it), and closing stdin ends the handler with 0.
interactive() {
	local impl=$1 pid a1='' a2='' status cmd i
	impl_cmd "$impl"
	rm -f "$work/to" "$work/from"
	mkfifo "$work/to" "$work/from"
	"${cmd[@]}" $OEM64 <"$work/to" >"$work/from" 2>"$work/err" &
	pid=$!
	exec 3>"$work/to" 4<"$work/from"
	r 0 0x10 0x20 >&3
	read -r -t 5 a1 <&4 && r 1 0x10 0x0 >&3 && read -r -t 5 a2 <&4
	exec 3>&-
	for ((i = 0; i < 100; i++)); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL $pid 2>/dev/null
	wait $pid
	status=$?
	exec 4<&-
	local ok=no
	[ "$a1" = 0x0 ] && [ "$a2" = "0x0 0x20" ] && [ "$status" = 0 ] && [ ! -s "$work/err" ] && ok=yes
	result "$impl: each answer arrives before the next request; closing stdin exits 0" $ok \
		"answers '$a1', '$a2'; exit status $status; $(cat "$work/err")"
}

# usage IMPL DESC ARG...: a bad command line: status 2, one line on stderr,
# nothing on stdout.
usage() {
	local impl=$1 desc=$2 status cmd
	shift 2
	impl_cmd "$impl"
	timeout -s KILL 60 "${cmd[@]}" "$@" </dev/null >"$work/out" 2>"$work/err"
	status=$?
	local ok=no
	[ "$status" = 2 ] && [ ! -s "$work/out" ] && [ "$(wc -l <"$work/err")" = 1 ] &&
		grep -q '^usage: ' "$work/err" && ok=yes
	result "$impl: $desc: usage on stderr, exit 2" $ok "exit status $status; $(cat "$work/out" "$work/err")"
}

all_checks() {
	local impl
	basic_cases
	unsupported_cases
	end_cases
	for impl in "${IMPLS[@]}"; do
		interactive "$impl"
		usage "$impl" "no argument"
		usage "$impl" "a base that is not hex" 0xzz
		usage "$impl" "a base past 32 bits" 0x1c3000000
		usage "$impl" "two arguments" $OEM64 $OEM64
	done
}

all_checks

# ---- the checks catch broken handlers ----
# mutant NAME SOURCE SED-SCRIPT WHAT: a copy of SOURCE changed by SED-SCRIPT
# (kv.c is then compiled), checked like the real handlers in a subshell of
# its own; at least one of its checks must fail.
mutant() {
	local name=$1 src=$2 script=$3 what=$4 bad
	sed -e "$script" "$src" >"$work/$name.src"
	if cmp -s "$src" "$work/$name.src"; then
		result "broken copy $name: test error: '$script' changes nothing in $src" no
		return
	fi
	case $name in
	*.py) mv "$work/$name.src" "$work/$name" ;;
	*) ${HOSTCC:-gcc} -std=gnu11 -O1 -x c "$work/$name.src" -o "$work/$name" || {
		result "broken copy $name does not build" no
		return
	} ;;
	esac
	(IMPLS=("$name"); all_checks) >"$work/$name.log" 2>&1
	bad=$(grep -c '^not ok' "$work/$name.log")
	result "the checks catch $what ($name: $bad of $(grep -c '^\(not \)\?ok' "$work/$name.log") fail)" \
		"$([ "$bad" -gt 0 ] && echo yes || echo no)"
}
mutant missing-1.py "$kv_py" 's/^NOT_FOUND = -2/NOT_FOUND = -1/' "a missing key answered -1"
mutant topbit.py "$kv_py" 's/store\[x\[0\]\] = x\[1\]$/store[x[0]] = x[1] \& (MASK64 >> 1)/' \
	"values losing their top bit"
mutant lenient.py "$kv_py" 's/{1,16}/{1,17}/' "17-digit words taken as requests"
mutant noflush.py "$kv_py" '/out\.flush()/d' "answers held back until exit (no flush)"
mutant unbounded.py "$kv_py" 's/^MAX_KEYS = 4096/MAX_KEYS = 4097/' "a store that takes a 4097th key"
mutant missing-1-c "$kv_c_src" 's/^#define NOT_FOUND ((uint64_t)-2)/#define NOT_FOUND ((uint64_t)-1)/' \
	"a missing key answered -1 (kv.c)"
mutant noflush-c "$kv_c_src" 's/return fflush(stdout) == 0 \&\& /return /' \
	"answers held back until exit (kv.c, no flush)"
mutant lenient-c "$kv_c_src" 's/n > 10)$/n > 11)/' "11-digit vCPU numbers taken as requests (kv.c)"

tap_summary examples
