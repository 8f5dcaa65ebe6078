#!/bin/bash
# Runs cmocka unit-test binaries; prints "unit: N passed, N failed".
# Every test cmocka ran counts once: passed, or failed. A skipped test is a
# failure (a test that cannot run here is a test that did not pass; its
# name is printed), and so is one cmocka reports as an error (a setup or
# teardown that failed), which its "FAILED" summary leaves out. A binary
# that dies without cmocka's summary, runs no test, or exits non-zero with
# every test passed counts as one failure more.
set -uo pipefail
passed=0 failed=0 skipped=0
for bin in "$@"; do
	output=$("$bin" 2>&1)
	status=$?
	printf '%s\n' "$output"
	name=${bin##*/}
	run=$(printf '%s\n' "$output" | sed -n 's/^\[==========\] \([0-9]*\) test(s) run\.$/\1/p' | tail -n1)
	p=$(printf '%s\n' "$output" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p' | tail -n1)
	s=$(printf '%s\n' "$output" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s), listed below:$/\1/p' | tail -n1)
	if [ -z "$run" ] || [ -z "$p" ]; then
		# No summary: whatever passed before it died, the binary failed.
		echo "unit: $name exited with status $status before its summary"
		failed=$((failed + 1))
		continue
	fi
	s=${s:-0}
	if [ "$run" -eq 0 ]; then
		echo "unit: $name ran no test"
		failed=$((failed + 1))
		continue
	fi
	# Everything that neither passed nor was skipped failed (cmocka's own
	# FAILED count leaves out tests whose setup failed).
	f=$((run - p - s))
	passed=$((passed + p))
	failed=$((failed + f + s))
	skipped=$((skipped + s))
	if [ "$s" -gt 0 ]; then
		printf '%s\n' "$output" | sed -n '/^\[  SKIPPED \] [0-9]* test(s), listed below:$/,$p' |
			sed -n 's/^\[  SKIPPED \] \([A-Za-z_][A-Za-z0-9_]*\)$/\1/p' | sort -u |
			while read -r t; do echo "unit: $name: $t was skipped (counted as failed)"; done
	fi
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		echo "unit: $name exited with status $status although every test passed"
		failed=$((failed + 1))
	fi
done
if [ "$skipped" -gt 0 ]; then
	echo "unit: $passed passed, $failed failed ($skipped of them skipped)"
else
	echo "unit: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
