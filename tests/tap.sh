# TAP lines for the native test scripts (bash), sourced: each check calls
# result, the script ends with tap_summary NAME, whose line
# "NAME: N passed, N failed" tests/run-all.sh counts.

n=0 passed=0 failed=0

# result DESC yes|no [DETAIL]: one TAP line; on failure the detail, indented.
result() {
	n=$((n + 1))
	if [ "$2" = yes ]; then
		passed=$((passed + 1))
		echo "ok $n - $1"
	else
		failed=$((failed + 1))
		echo "not ok $n - $1"
		printf '%s\n' "${3:-}" | tail -n 40 | sed 's/^/#   /'
	fi
}

# tap_summary NAME: the summary line; the status says whether all passed.
tap_summary() {
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
