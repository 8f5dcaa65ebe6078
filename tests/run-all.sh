#!/bin/bash
# The whole suite (make test): build, unit tests, the native client, the
# example SMCCC handlers, uAPI check, short fuzz runs, device-tree
# validation, boot tests.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
B=${BUILD_DIR:-build}
mkdir -p "$B"
passed=0 failed=0

# stage NAME COMMAND...: run a stage, add up its counts from the
# "NAME: N passed, N failed" line it prints (into its log), or one failure if
# it printed none, ran no test, or exited non-zero with no failure counted.
stage() {
	local name=$1 log=$B/test-$1.log
	shift
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	local status=${PIPESTATUS[0]}
	local line
	line=$(grep -Eo "^$name: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n1)
	if [ -z "$line" ]; then
		echo "$name: stage failed (status $status) before reporting results"
		failed=$((failed + 1))
		return
	fi
	local p f
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')
	passed=$((passed + p))
	failed=$((failed + f))
	# A stage that ran nothing checked nothing: it did not pass.
	if [ $((p + f)) -eq 0 ]; then
		echo "$name: ran no test"
		failed=$((failed + 1))
	fi
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$name: exited with status $status although no test failed"
		failed=$((failed + 1))
	fi
}

build() {
	if make -s all guests native-tools; then echo "build: 1 passed, 0 failed"; else echo "build: 0 passed, 1 failed"; return 1; fi
}
uapi() {
	if make -s uapi-check; then echo "uapi: 1 passed, 0 failed"; else echo "uapi: 0 passed, 1 failed"; return 1; fi
}

stage build build
stage unit make -s unit
stage ptyrun make -s ptyrun-test
stage native-client make -s native-client-test
stage examples make -s examples-test
stage uapi uapi
stage fuzz make -s fuzz-smoke
stage dt make -s dt-validate
stage boot make -s boot-tests
stage runsh make -s runsh-test

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
