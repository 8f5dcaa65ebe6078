# The reference guest of asynchronous page faults (guest/baremetal/apf.c,
# docs/apf-guest.md): on 2 vCPUs, 4 tasks each read lazily populated pages,
# check every word against the source and do a fixed amount of work per
# page. Without --lazy-mem there is no service and the same workload runs
# synchronously on plain RAM; with --lazy-mem IMAGE,latency=1000 it runs
# with the protocol (async) and without (bm.apf=off), and hvmm's --stats
# must count what the guest took. Then the hostile rows (bm.mode=hostile).
# Sourced by tests/boot/host-tests.sh.

APF_GUEST="$BM/apf.elf"
APF_IMG="$out/apf-pattern.img"
# 2 vCPUs x 4 tasks x 32 pages (64 in the window row), 16 MiB into RAM:
# the image covers 20 MiB.
APF_TASKS=4 APF_PAGES=32 APF_WORK=16
APF_ALL_PAGES=$((2 * APF_TASKS * APF_PAGES))

# apf_val NAME FIELD: FIELD=N of the guest's "apf: total" line.
apf_val() { sed -n "s/^apf: total .* $2=\([0-9][0-9]*\).*/\1/p" "$out/$1.out" | head -n 1; }
# apf_passed NAME: exit 0, a plan, no failed check, PASSED.
apf_passed() {
	rc_is "$1" 0 && has_out "$1" "^bm: PASSED$" && grep -q '^1\.\.[1-9]' "$out/$1.out" &&
		! grep -q '^not ok' "$out/$1.out"
}
# apf_all_right NAME [PAGES [CPUS]]: no wrong word, every page of every
# task read (PAGES per task, 2 vCPUs unless CPUS), every unit of work done.
apf_all_right() {
	aa_all=$((${3:-2} * APF_TASKS * ${2:-$APF_PAGES}))
	[ "$(apf_val "$1" bad)" = 0 ] && [ "$(apf_val "$1" pages)" = "$aa_all" ] &&
		[ "$(apf_val "$1" work)" = "$((aa_all * APF_WORK))" ]
}
# apf_sync_right NAME: all right, and no notification taken.
apf_sync_right() { apf_all_right "$1" && [ "$(apf_val "$1" np)" = 0 ]; }
# apf_async_right NAME [PAGES [CPUS]]: all right, tasks blocked (np > 0)
# and each was woken by its token (ready == np).
apf_async_right() {
	ar_np=$(apf_val "$1" np)
	apf_all_right "$1" "$2" "$3" && [ "${ar_np:-0}" -gt 0 ] && [ "$(apf_val "$1" ready)" = "$ar_np" ]
}
# apf_stat_async NAME: the A of hvmm's "lazy-mem: N pages populated, T ms
# vCPU time blocked, A asynchronous" line.
apf_stat_async() {
	sed -n 's/.*lazy-mem: [0-9][0-9]* pages populated, [0-9][0-9]* ms vCPU time blocked, \([0-9][0-9]*\) asynchronous.*/\1/p' \
		"$out/$1.err" | head -n 1
}
# apf_stat_call NAME FUNCTION: how often --stats counted FUNCTION.
apf_stat_call() { sed -n "s/^hvmm: stats: $2  *0x[0-9a-f]* \([0-9][0-9]*\)\$/\1/p" "$out/$1.err" | head -n 1; }
# apf_stat_pf NAME: "A N R E" of hvmm's "async-pf: A asynchronous, S
# synchronous faults; N not-present and R ready tokens taken, E ready
# events raised" line.
apf_stat_pf() {
	sed -n 's/^hvmm: stats: async-pf: \([0-9]*\) asynchronous, [0-9]* synchronous faults; \([0-9]*\) not-present and \([0-9]*\) ready tokens taken, \([0-9]*\) ready events raised$/\1 \2 \3 \4/p' \
		"$out/$1.err" | head -n 1
}
# apf_stats_agree NAME: --stats counted exactly the guest's not-present
# (as asynchronous faults, as not-present tokens taken and as
# COMPLETE_AND_RESUME calls), its ready tokens, its TAKEs, and raised at
# least as many ready events as the guest's handler took.
apf_stats_agree() {
	sa_np=$(apf_val "$1" np)
	sa_rd=$(apf_val "$1" ready)
	set -- "$1" $(apf_stat_pf "$1")
	[ -n "$sa_np" ] && [ "$(apf_stat_async "$1")" = "$sa_np" ] && [ "$2" = "$sa_np" ] && [ "$3" = "$sa_np" ] &&
		[ "$4" = "$sa_rd" ] && [ "${5:-0}" -ge "$(apf_val "$1" ready_events)" ] &&
		[ "$(apf_stat_call "$1" SDEI_EVENT_COMPLETE_AND_RESUME)" = "$sa_np" ] &&
		[ "$(apf_stat_call "$1" APF_TAKE)" = "$(apf_val "$1" takes)" ]
}
apf_bad_words() {
	grep -q '^not ok .*every word every task read' "$out/$1.out" && has_out "$1" '^bm: FAILED' &&
		[ "$(apf_val "$1" bad)" -gt 0 ]
}
apf_log() { grep -E '^apf(-bench)?: ' "$out/$1.out" | sed "s/^/# $1: /"; }

# ---- no --lazy-mem: no service, the workload runs synchronously ----
hvmm_run apf_plain run -k "$APF_GUEST" -c 2 -m 64 -p "bm.apf_src=zero bm.apf_expect=sync"
expect apf_plain "apf guest without --lazy-mem: APF_VERSION is NOT_SUPPORTED, the workload runs synchronously and passes" \
	apf_passed apf_plain
expect apf_plain "apf guest without --lazy-mem: every page read, every word right, all the work done, no notification" \
	apf_sync_right apf_plain
apf_log apf_plain

# The check can fail: plain RAM is zero, not the pattern the guest expects.
hvmm_run apf_wrong run -k "$APF_GUEST" -c 2 -m 64 -p "bm.apf_pages=2"
expect apf_wrong "apf guest: words that are not the source's are found and fail the run" apf_bad_words apf_wrong

hvmm_run apf_badarg run -k "$APF_GUEST" -c 1 -m 64 -p "bm.apf_tasks=9"
expect apf_badarg "apf guest: bm.apf_tasks=9 is refused in one line and fails the run" \
	sh -c "grep -q '^bm: bad bm.apf_tasks (a number from 1 to 8 expected)' '$out/apf_badarg.out' &&
		grep -q '^bm: FAILED' '$out/apf_badarg.out' && ! grep -q '^apf: total' '$out/apf_badarg.out'"

# ---- --lazy-mem with the patterned image ----
# The lazy-mem part's image: the word at guest physical address A is
# A ^ 0x5a5a5a5a5a5a5a5a, which the guest checks (bm.apf_src=pattern).
/tools/lazyimg "$APF_IMG" 20 >"$out/apf_image.out" 2>&1
result "apf: the patterned image is written (20 MiB)" $? "$out/apf_image.out"

hvmm_run apf_sync run -k "$APF_GUEST" -c 2 -m 64 --stats \
	--lazy-mem "$APF_IMG,latency=1000" -p "bm.apf=off bm.apf_expect=sync"
expect apf_sync "apf sync (bm.apf=off, the same lazy image): the guest passes" apf_passed apf_sync
expect apf_sync "apf sync: every word right, every page read, all the work done, no notification" \
	apf_sync_right apf_sync
apf_sync_stats() {
	[ "$(apf_stat_async apf_sync)" = 0 ] && grep -Eq 'lazy-mem: [1-9][0-9]* pages populated' "$out/apf_sync.err" &&
		[ "$(apf_stat_pf apf_sync)" = "0 0 0 0" ]
}
expect apf_sync "apf sync: hvmm's --stats counts pages populated, no asynchronous fault and no token" apf_sync_stats
apf_log apf_sync


hvmm_run apf_async run -k "$APF_GUEST" -c 2 -m 64 --stats \
	--lazy-mem "$APF_IMG,latency=1000" -p "bm.apf_expect=async"
expect apf_async "apf async (--lazy-mem IMAGE,latency=1000, 2 vCPUs): the protocol is used and the guest passes" \
	apf_passed apf_async
expect apf_async "apf async: every word right, every page read, all the work done; tasks blocked on not-present ($(apf_val apf_async np)) and each was woken by ready" \
	apf_async_right apf_async
expect apf_async "apf async: hvmm's --stats agrees with the guest: asynchronous faults, not-present and ready tokens, ready events ($(apf_stat_pf apf_async)), COMPLETE_AND_RESUME and APF_TAKE calls" \
	apf_stats_agree apf_async
expect apf_async "apf async: service 1.1, \"page ready\" on the PPI the guest named (no SDEI_EVENT_COMPLETE: no ready handler ran)" \
	sh -c "grep -q '^apf: mode=async ready=ppi (service 1.1)' '$out/apf_async.out' &&
		! grep -q 'stats: SDEI_EVENT_COMPLETE ' '$out/apf_async.err'"
apf_log apf_async

# The same with "page ready" as the SDEI event 3001 (protocol 1.0's way).
hvmm_run apf_async_sdei run -k "$APF_GUEST" -c 2 -m 64 --stats \
	--lazy-mem "$APF_IMG,latency=1000" -p "bm.apf_expect=async bm.apf_ready=sdei"
apf_sdei_ready() {
	apf_passed apf_async_sdei && apf_async_right apf_async_sdei && apf_stats_agree apf_async_sdei &&
		grep -q '^apf: mode=async ready=sdei (service 1.1)' "$out/apf_async_sdei.out" &&
		[ "$(apf_stat_call apf_async_sdei SDEI_EVENT_COMPLETE)" = "$(apf_val apf_async_sdei ready_events)" ]
}
expect apf_async_sdei "apf async, ready as SDEI event 3001: every word right, tasks woken, --stats agrees, one SDEI_EVENT_COMPLETE per ready handler" \
	apf_sdei_ready
apf_log apf_async_sdei

# 4 vCPUs, each with its own ready PPI line and its own tokens.
hvmm_run apf_4 run -k "$APF_GUEST" -c 4 -m 64 --stats --lazy-mem "$APF_IMG,latency=1000" \
	-p "bm.apf_expect=async bm.apf_pages=16"
apf_4_ok() {
	apf_passed apf_4 && apf_async_right apf_4 16 4 && apf_stats_agree apf_4 &&
		[ "$(grep -c '^apf: cpu=[0-3] np_events=[1-9]' "$out/apf_4.out")" = 4 ]
}
expect apf_4 "apf async with 4 vCPUs: every word right, every vCPU's tasks blocked and woke, --stats agrees" apf_4_ok
apf_log apf_4 | grep total

hvmm_run apf_zero run -k "$APF_GUEST" -c 2 -m 64 --lazy-mem zero,latency=1000 \
	-p "bm.apf_src=zero bm.apf_expect=async bm.apf_pages=8"
apf_zero_ok() { apf_async_right apf_zero 8 && apf_passed apf_zero; }
expect apf_zero "apf async from --lazy-mem zero: every word is zero, tasks blocked and woke, the guest passes" apf_zero_ok

# A fixed window of guest time, as make bench runs it: the one line it reads.
hvmm_run apf_window run -k "$APF_GUEST" -c 2 -m 64 --lazy-mem "$APF_IMG,latency=1000" \
	-p "bm.apf_ms=300 bm.apf_pages=64 bm.apf_latency_us=1000"
apf_window_ok() {
	grep -Eq '^apf-bench: mode=async latency_us=1000 cpus=2 tasks=4 work=[1-9][0-9]* pages=[1-9][0-9]* exhausted=[0-9]+ elapsed_us=[1-9][0-9]*$' \
		"$out/apf_window.out" && apf_passed apf_window
}
expect apf_window "apf bench line: a 300 ms window prints mode=async, work and elapsed_us, and passes" apf_window_ok
apf_log apf_window | grep bench

# ---- hostile rows (guest/baremetal/apf_hostile.c) ----
# 20 ms a page: an outstanding page cannot land in the few calls between
# the not-present handler and CPU_OFF or SYSTEM_RESET.
hvmm_run apf_hostile run -k "$APF_GUEST" -c 2 -m 64 --lazy-mem "$APF_IMG,latency=20000" -p "bm.mode=hostile"
apf_hostile_ok() {
	apf_passed apf_hostile && [ "$(grep -c '^1\.\.[1-9]' "$out/apf_hostile.out")" = 2 ] &&
		has_out apf_hostile '^apf-hostile: boot 1 done, resetting with a fault outstanding$' &&
		has_out apf_hostile '^apf-hostile: boot 2$' && ! grep -q '# SKIP' "$out/apf_hostile.out"
}
expect apf_hostile "apf hostile: bad arguments, undeliverable events, twice, DISABLE with a token out, racing ENABLE/DISABLE, CPU_OFF and a reset with faults outstanding: every row passes in both boots" \
	apf_hostile_ok
grep -E '^(not ok|ok) ' "$out/apf_hostile.out" | sed 's/^/# apf_hostile: /'
