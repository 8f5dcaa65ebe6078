# python3 in the emulated host (Debian's arm64 python3.11-minimal, which
# tests/boot/run.sh ships with its shared libraries and the minimal standard
# library), and the example SMCCC handlers of examples/smccc-handlers/
# (/examples/kv.py, /examples/kv-handler): both answer a few requests there
# as they do on the build machine, where tests/examples/kv-test.sh checks
# them fully. Sourced by the boot job, whose helpers it uses.

# ex_run NAME COMMAND...: COMMAND with ex_in as stdin; NAME.out/.err/.rc.
ex_run() {
	ex_name=$1
	shift
	timeout -s KILL 120 "$@" <"$out/ex_in" >"$out/$ex_name.out" 2>"$out/$ex_name.err"
	echo $? >"$out/$ex_name.rc"
}
# ex_exact NAME WANT: run NAME exited 0, printed exactly WANT, and nothing on stderr.
ex_exact() {
	rc_is "$1" 0 && [ "$(cat "$out/$1.out")" = "$2" ] && [ ! -s "$out/$1.err" ]
}

: >"$out/ex_in"
ex_run py_version python3 -c 'import sys; print(sys.version_info[:2])'
expect py_version "python3: sys.version_info[:2] is (3, 11), with nothing on stderr" ex_exact py_version "(3, 11)"
# The standard library is where the interpreter looks by itself (no
# PYTHONHOME), the modules the handler needs import, and hashlib, without
# OpenSSL there, falls back on its built-in digests (tests/boot/run.sh).
ex_run py_stdlib python3 -c 'import hashlib, os, re, signal, sys
print(sys.prefix, sys.exec_prefix, os.__file__, hashlib.sha256(b"").hexdigest()[:8])'
expect py_stdlib "python3: prefix /usr, the standard library in /usr/lib/python3.11; re, signal and hashlib import" \
	ex_exact py_stdlib "/usr /usr /usr/lib/python3.11/os.py e3b0c442"

# PUT, GET, GET of a missing key, COUNT, a function out of the store's
# three, a malformed line, and the store still there after it.
ex_req() { printf '0 hvc 0xc300000%s %s %s 0x0 0x0 0x0 0x0 0x0\n' "$1" "$2" "$3"; }
{
	ex_req 0 0x8000000000000001 0xfffffffffffffff0
	ex_req 1 0x8000000000000001 0x0
	ex_req 1 0x2 0x0
	ex_req 2 0x0 0x0
	ex_req 3 0x0 0x0
	echo 'not a request'
	ex_req 2 0x0 0x0
} >"$out/ex_in"
ex_want='0x0
0x0 0xfffffffffffffff0
0xfffffffffffffffe
0x0 0x1
unsupported
unsupported
0x0 0x1'
ex_run ex_kv_py python3 /examples/kv.py 0xc3000000
expect ex_kv_py "kv.py under python3: the answers to PUT, GET, COUNT, an unknown function and a malformed line" \
	ex_exact ex_kv_py "$ex_want"
ex_run ex_kv_c /examples/kv-handler 0xc3000000
expect ex_kv_c "kv-handler (kv.c, static arm64): the same answers" ex_exact ex_kv_c "$ex_want"

# Both stores behind hvmm: the bare-metal guest's bm.kv checks PUT through
# HVC, GET through SMC, a missing key, COUNT and an unknown function; the
# handler answers them all (a bad answer would be a warning on stderr).
for ex_h in "python3 /examples/kv.py" "/examples/kv-handler"; do
	ex_n=ex_guest_${ex_h##*/}
	ex_n=${ex_n%.py}
	hvmm_run "$ex_n" run -k "$BM/smccc_handler.elf" -c 1 -m 64 -p bm.kv --stats \
		--smccc-handler "0xc3000000+0x10=$ex_h 0xc3000000"
	expect "$ex_n" "$ex_h as --smccc-handler: the guest's PUT/GET/COUNT checks pass through HVC and SMC, exit 0" \
		rc_and "$ex_n" 0 sh -c "grep -q 'bm: PASSED' '$out/$ex_n.out' && ! grep -q '^not ok' '$out/$ex_n.out'"
	expect "$ex_n" "$ex_h as --smccc-handler: --stats counts its 6 calls, and nothing else is on stderr" \
		sh -c "grep -Eq 'stats: --smccc-handler +0xc3000000 2$' '$out/$ex_n.err' &&
			grep -Eq 'stats: --smccc-handler +0xc3000001 2$' '$out/$ex_n.err' &&
			grep -Eq 'stats: --smccc-handler +0xc3000002 1$' '$out/$ex_n.err' &&
			grep -Eq 'stats: --smccc-handler +0xc3000007 1$' '$out/$ex_n.err' &&
			! grep -v 'stats: ' '$out/$ex_n.err' | grep -q ."
done
