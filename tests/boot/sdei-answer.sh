#!/bin/sh
# Answers the SDEI conformance guest's requests for host-raised events while
# its hvmm runs: each line "bm: waiting for host event EVENT [on cpu N]" gets
# one `hvmm sdei signal EVENT [--vcpu N] --name VM`. Prints how many it
# answered. usage: sdei-answer.sh HVMM OUTPUT-FILE VM-NAME HVMM-PID
hvmm=$1 output=$2 vm=$3 pid=$4
answered=0

answer_new_requests() {
	requests=$(tr -d '\r' <"$output" | grep 'bm: waiting for host event ')
	n=$(printf '%s' "$requests" | grep -c .)
	while [ "$answered" -lt "$n" ]; do
		answered=$((answered + 1))
		line=$(printf '%s\n' "$requests" | sed -n "${answered}p")
		event=${line#*bm: waiting for host event }
		event=${event%% *}
		cpu=$(printf '%s\n' "$line" | sed -n 's/.* on cpu \([0-9]*\)$/\1/p')
		"$hvmm" sdei signal "$event" ${cpu:+--vcpu "$cpu"} --name "$vm" >/dev/null 2>&1 ||
			echo "sdei-answer: hvmm sdei signal $event ${cpu:+--vcpu $cpu} failed" >&2
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
echo "$answered"
