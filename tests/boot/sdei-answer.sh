#!/bin/sh
# Answers the SDEI conformance guest's requests for host-raised events while
# its hvmm runs: each line "bm: waiting for host event EVENT [on cpu N]" gets
# one `hvmm sdei signal EVENT [--vcpu N] --name VM`. Prints how many it
# answered; a signal that fails is reported on stderr with hvmm's status
# and message. usage: sdei-answer.sh HVMM OUTPUT-FILE VM-NAME HVMM-PID
hvmm=$1 output=$2 vm=$3 pid=$4
answered=0 answering=

# answer EVENT [CPU]: one hvmm sdei signal, in the background: the next
# request must not wait for this client to exit (hvmm-asan's LeakSanitizer
# takes over ten seconds at exit in the emulated host, and the guest waits
# 30 s for each event).
answer() {
	err=$("$hvmm" sdei signal "$1" ${2:+--vcpu "$2"} --name "$vm" </dev/null 2>&1 >/dev/null)
	status=$?
	[ "$status" -eq 0 ] ||
		echo "sdei-answer: hvmm sdei signal $1${2:+ --vcpu $2} failed (status $status): $err" >&2
}

# Only complete lines count: the guest may be half-way through one ("...
# event 1000 on c"), which read as a request would be answered wrongly.
snapshot=$output.answer
answer_new_requests() {
	cat "$output" >"$snapshot"
	if [ -n "$(tail -c 1 "$snapshot")" ]; then
		requests=$(sed '$d' "$snapshot" | tr -d '\r' | grep 'bm: waiting for host event ')
	else
		requests=$(tr -d '\r' <"$snapshot" | grep 'bm: waiting for host event ')
	fi
	n=$(printf '%s' "$requests" | grep -c .)
	while [ "$answered" -lt "$n" ]; do
		answered=$((answered + 1))
		line=$(printf '%s\n' "$requests" | sed -n "${answered}p")
		event=${line#*bm: waiting for host event }
		event=${event%% *}
		cpu=$(printf '%s\n' "$line" | sed -n 's/.* on cpu \([0-9]*\)$/\1/p')
		answer "$event" "$cpu" &
		answering="$answering $!"
	done
}

# Running, and not merely a zombie: the caller waits on this script, so it
# cannot reap hvmm until we return, and kill -0 succeeds on a zombie.
running() {
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)
	[ "$state" != Z ]
}

while running "$pid"; do
	answer_new_requests
	sleep 0.3
done
answer_new_requests
[ -z "$answering" ] || wait $answering
echo "$answered"
