#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs libFuzzer targets one after another (never two at once: the other
# cores are busy with QEMU), each for SECONDS, starting from its checked-in
# seeds (tests/fuzz/corpus/<target>) and what earlier runs found
# (BUILD/fuzz/corpus/<target>). Prints one line per target,
#   fuzz_firmware: 171234 execs, cov 1002, ft 5711 in 60 s: ok
# and last "fuzz: N passed, M failed". A crash, leak, timeout, or a target
# that does not start is a failure; the input is kept as
# BUILD/fuzz/artifacts/<target>-crash-<sha1> and the report's end printed.
# Reproduce with: BUILD/fuzz/<target> FILE (fuzz_firmware: FUZZ_TRACE=1 too).
#
# usage: tests/fuzz/run.sh SECONDS BUILD TARGET-BINARY...
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=$1 build=$2
shift 2
passed=0 failed=0
# No target is no test: that cannot pass.
if [ $# -eq 0 ]; then
	echo "fuzz: no fuzz target given"
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi

for bin in "$@"; do
	t=${bin##*/}
	work=$build/fuzz/corpus/$t
	log=$build/fuzz/$t.log
	mkdir -p "$work" "$build/fuzz/artifacts"
	dict=()
	[ -f "tests/fuzz/$t.dict" ] && dict=("-dict=tests/fuzz/$t.dict")
	start=$(date +%s)
	"$bin" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$build/fuzz/artifacts/$t-" "${dict[@]}" \
		"$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
	status=$?
	took=$(($(date +%s) - start))
	done_line=$(grep -a -E '[[:space:]]DONE[[:space:]]' "$log" | tail -n1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	# A run that executed no input fuzzed nothing, whatever its status.
	if [ "$status" -eq 0 ] && [ -n "$done_line" ] && [ "${execs:-0}" -gt 0 ]; then
		echo "$t: ${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?} in $took s: ok"
		passed=$((passed + 1))
		continue
	fi
	# Other jobs on the machine can stall a process for many seconds: a
	# timeout whose input replays in time is the machine, not a hang.
	slow=$(sed -n "s|.*Test unit written to \($build/fuzz/artifacts/$t-timeout-[0-9a-f]*\).*|\1|p" "$log" | tail -n1)
	if [ "$status" -eq 70 ] && [ -n "$slow" ] && "$bin" -timeout=60 -runs=1 "$slow" >/dev/null 2>&1; then
		echo "$t: ${execs:-?} execs in $took s: ok (stopped by a stall of the machine; $slow replays in time)"
		passed=$((passed + 1))
		continue
	fi
	echo "$t: FAILED (status $status after ${execs:-?} execs, $took s); end of $log:"
	grep -a -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)' "$log" | tail -n 25 | sed 's/^/    /'
	failed=$((failed + 1))
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
