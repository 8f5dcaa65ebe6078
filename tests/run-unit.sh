#!/bin/bash
# Runs cmocka unit-test binaries; prints "unit: N passed, N failed".
# A binary that dies without cmocka's summary counts as one failure.
set -uo pipefail
passed=0 failed=0
for bin in "$@"; do
	output=$("$bin" 2>&1)
	status=$?
	printf '%s\n' "$output"
	p=$(printf '%s\n' "$output" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	f=$(printf '%s\n' "$output" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$status" -ne 0 ] && [ -z "$f" ]; then
		echo "unit: ${bin##*/} exited with status $status before its summary"
		failed=$((failed + 1))
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
