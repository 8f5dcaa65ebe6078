# --lazy-mem: guest RAM fetched on first touch (docs/lazy-mem.md). Linux
# boots with all RAM lazy from zero and from an image on 1, 2 and 4 vCPUs;
# a bare-metal guest checks every word of a patterned image, zeros past its
# end, that its writes are never lost, and that a reset starts from the
# source again; a slow fetch never holds up hvmm stop or Ctrl-A x; bad
# option values get one line. Sourced by tests/boot/host-tests.sh.

LZ_IMG=/tmp/lazy-10m.img
/tools/lazyimg "$LZ_IMG" 10
lz_stats() { grep -Eq "^hvmm: stats: lazy-mem: [1-9][0-9]* pages populated, [0-9]+ ms vCPU time blocked, 0 asynchronous$" "$out/$1.err" &&
	grep -Eq "^hvmm: stats: async-pf: 0 asynchronous, [0-9]+ synchronous faults; 0 not-present and 0 ready tokens taken, 0 ready events raised$" "$out/$1.err"; }

# ---- bare metal: every word against the source ----
# Region 8-16 MiB of RAM; the image covers 0-10 MiB; the guest writes
# 12-16 MiB before reading it.
hvmm_run lazy_bm run -k "$BM/lazy_mem.elf" -c 1 -m 64 --stats --lazy-mem "$LZ_IMG,latency=100,bandwidth=200" \
	-p "bm.region=8 bm.len=8 bm.image=10"
expect lazy_bm "lazy-mem image: every word read is the image's, zeros past its end, writes kept (bm: PASSED)" \
	sh -c "grep -q 'bm: PASSED' $out/lazy_bm.out && ! grep -q '^not ok' $out/lazy_bm.out && [ \$(grep -c '^ok' $out/lazy_bm.out) -eq 6 ]"
expect lazy_bm "lazy-mem image: exits 0, and at least the 2048 pages of the region were populated" \
	rc_and lazy_bm 0 sh -c "n=\$(sed -n 's/^hvmm: stats: lazy-mem: \([0-9]*\) pages.*/\1/p' $out/lazy_bm.err); [ \"\${n:-0}\" -ge 2048 ]"

hvmm_run lazy_bm_zero run -k "$BM/lazy_mem.elf" -c 1 -m 64 --stats --lazy-mem zero,latency=100 \
	-p "bm.region=8 bm.len=8 bm.image=0"
expect lazy_bm_zero "lazy-mem zero: every word reads zero, writes kept; exits 0 with the stats line" \
	rc_and lazy_bm_zero 0 sh -c "grep -q 'bm: PASSED' $out/lazy_bm_zero.out && ! grep -q '^not ok' $out/lazy_bm_zero.out && grep -Eq '^hvmm: stats: lazy-mem: [1-9]' $out/lazy_bm_zero.err"

# A reset: the second boot reads the image again, not what the first wrote.
hvmm_run lazy_reboot run -k "$BM/lazy_mem.elf" -c 1 -m 64 --stats --lazy-mem "$LZ_IMG" \
	-p "bm.region=8 bm.len=8 bm.image=10 bm.boots=2"
expect lazy_reboot "lazy-mem across a reset: both boots check every word against the image" \
	sh -c "grep -q 'bm: lazy-mem boot 1 checked' $out/lazy_reboot.out && grep -q 'bm: resetting' $out/lazy_reboot.out && grep -q 'bm: lazy-mem boot 2 checked' $out/lazy_reboot.out && ! grep -q '^not ok' $out/lazy_reboot.out"
expect lazy_reboot "lazy-mem across a reset: the second boot passes and exits 0; pages populated in both (>= 4096)" \
	rc_and lazy_reboot 0 sh -c "grep -q 'bm: PASSED' $out/lazy_reboot.out && n=\$(sed -n 's/^hvmm: stats: lazy-mem: \([0-9]*\) pages.*/\1/p' $out/lazy_reboot.err); [ \"\${n:-0}\" -ge 4096 ]"

# ---- a slow fetch (30 s a page) does not hold up a stop ----
# lz_slow NAME HOW: the guest waits for its first region page; HOW stops it.
lz_slow() {
	bg_start "$1" run -k "$BM/lazy_mem.elf" -c 1 -m 64 --name "$1" --lazy-mem "zero,latency=30000000" \
		-p "bm.region=8 bm.len=8 bm.image=0"
	bg_expect "bm: lazy-mem guest" 60 "slow lazy-mem ($2): the guest starts and touches a page that takes 30 s"
	sleep 1
	if [ "$2" = stop ]; then
		# hvmm pause waits until every vCPU has parked: the one waiting for
		# its page too.
		lz_t0=$(date +%s)
		ctl "$1_pause" pause --name "$1"
		lz_t=$(($(date +%s) - lz_t0))
		ctl "$1_stat" stat --name "$1"
		rc_is "$1_pause" 0 && [ "$lz_t" -le 10 ] && grep -q '^state: paused' "$out/$1_stat.out"
		result "slow lazy-mem: hvmm pause during the fetch parks the waiting vCPU in ${lz_t} s (<= 10)" $? \
			"$out/$1_pause.err" "$out/$1_stat.out"
		ctl "$1_resume" resume --name "$1"
		expect "$1_resume" "slow lazy-mem: hvmm resume exits 0" rc_is "$1_resume" 0
	fi
	lz_t0=$(date +%s)
	case $2 in
	stop) ctl "$1_ctl" stop --name "$1" ;;
	ctrl-a) (printf '\001x' >&3) 2>/dev/null ;;   # a subshell: a dead hvmm's SIGPIPE stays there
	term) kill -TERM "$(hvmm_pid "$1" || echo none)" ;;
	esac
	bg_finish
	lz_t=$(($(date +%s) - lz_t0))
	rc_is "$1" 4 && [ "$lz_t" -le 10 ]
	result "slow lazy-mem: $2 during the fetch ends hvmm in ${lz_t} s (<= 10), status 4" $? "$out/$1.err" "$out/$1.rc"
}
lz_slow lazy_stop stop
lz_slow lazy_ctrla ctrl-a
lz_slow lazy_term term

# ---- bad input ----
expect_bad_input lazy_empty "--lazy-mem with no source" 2 "--lazy-mem ',latency=5': expected SOURCE" \
	run -k "$BM/hello.elf" -m 64 --lazy-mem ,latency=5
expect_bad_input lazy_nonnum "--lazy-mem latency not a number" 2 "latency is microseconds" \
	run -k "$BM/hello.elf" -m 64 --lazy-mem zero,latency=fast
expect_bad_input lazy_badbw "--lazy-mem bandwidth=0" 2 "bandwidth is MiB/s from 1" \
	run -k "$BM/hello.elf" -m 64 --lazy-mem zero,bandwidth=0
expect_bad_input lazy_badkey "--lazy-mem unknown key" 2 "unknown key 'speed'" \
	run -k "$BM/hello.elf" -m 64 --lazy-mem zero,speed=3
expect_bad_input lazy_twicekey "--lazy-mem key given twice" 2 "latency is given twice" \
	run -k "$BM/hello.elf" -m 64 --lazy-mem zero,latency=1,latency=2
expect_bad_input lazy_twice "--lazy-mem given twice" 2 "--lazy-mem is given twice" \
	run -k "$BM/hello.elf" -m 64 --lazy-mem zero --lazy-mem zero
expect_bad_input lazy_missing "--lazy-mem image missing" 1 "--lazy-mem: image '/nonexistent.img': No such file or directory" \
	run -k "$BM/hello.elf" -m 64 --lazy-mem /nonexistent.img
expect_bad_input lazy_dir "--lazy-mem image is a directory" 1 "--lazy-mem: image '/tmp': is a directory" \
	run -k "$BM/hello.elf" -m 64 --lazy-mem /tmp
expect_bad_input lazy_big "--lazy-mem image larger than RAM" 1 "more than the 8 MiB of guest RAM" \
	run -k "$BM/hello.elf" -m 8 --lazy-mem "$LZ_IMG"

# ---- Linux, all RAM lazy ----
hvmm_run lazy_l1 run -k "$K" -i "$I" -c 1 -m 256 --stats --lazy-mem zero,latency=100 -p "quiet hvmm.test=lazy"
expect lazy_l1 "lazy-mem zero,latency=100, 1 vCPU: Linux reaches init and runs its test" \
	sh -c "grep -q 'hvmm-test: cpus=1\$' $out/lazy_l1.out && grep -q 'hvmm-guest: test lazy exit status 0' $out/lazy_l1.out"
expect lazy_l1 "lazy-mem zero, 1 vCPU: 8 MiB written and read back in the guest" \
	has_out lazy_l1 "lazy memory: 8 MiB written, copied and compared"
expect lazy_l1 "lazy-mem zero, 1 vCPU: poweroff exits 0 with the lazy-mem stats line (pages populated > 0)" \
	rc_and lazy_l1 0 lz_stats lazy_l1

# From the image, 2 vCPUs, in the background: hvmm stat per vCPU, and every
# thread (the fetcher too) under its sandbox.
bg_start lazy_l2 run -k "$K" -i "$I" -c 2 -m 256 --stats --name lazy_l2 --lazy-mem "$LZ_IMG,latency=100" \
	-p "quiet hvmm.test=lazy hvmm.lazy_wait"
bg_expect "waiting for the host: lazy stat" 400 "lazy-mem image, 2 vCPUs: Linux boots and fills its memory"
bg_output | grep -q "hvmm-test: cpus=2\$"
result "lazy-mem image, 2 vCPUs: /proc/cpuinfo shows 2 CPUs" $? "$out/lazy_l2.raw"
sb_threads=$(sandboxed_threads "$(hvmm_pid lazy_l2 || echo none)")
[ "$sb_threads" = "5 5" ]
result "lazy-mem: main, control, fetcher and 2 vCPU threads all filtered (threads, filtered: $sb_threads)" $?
ctl lazy_stat stat --name lazy_l2
expect lazy_stat "hvmm stat: a lazy-mem and an async-pf line per vCPU, vCPU 0 populated pages (exit 0)" \
	rc_and lazy_stat 0 sh -c "grep -Eq '^lazy-mem vcpu 0: [1-9][0-9]* pages populated, [0-9]+ ms vCPU time blocked, 0 asynchronous\$' $out/lazy_stat.out && grep -Eq '^lazy-mem vcpu 1: [0-9]+ pages populated' $out/lazy_stat.out && grep -Eq '^lazy-mem: [1-9]' $out/lazy_stat.out && grep -Eq '^async-pf vcpu 1: 0 asynchronous, [0-9]+ synchronous faults; 0 not-present' $out/lazy_stat.out"
bg_send go
bg_finish
expect lazy_l2 "lazy-mem image, 2 vCPUs: the test passes, poweroff exits 0 with the stats line" \
	rc_and lazy_l2 0 sh -c "grep -q 'hvmm-guest: test lazy exit status 0' $out/lazy_l2.out && grep -Eq '^hvmm: stats: lazy-mem: [1-9]' $out/lazy_l2.err"

hvmm_run lazy_l4 run -k "$K" -i "$I" -c 4 -m 256 --stats --lazy-mem "$LZ_IMG" -p "quiet hvmm.test=lazy"
expect lazy_l4 "lazy-mem image (no latency), 4 vCPUs: Linux sees 4 CPUs and fills its memory" \
	sh -c "grep -q 'hvmm-test: cpus=4\$' $out/lazy_l4.out && grep -q 'lazy memory: 8 MiB written, copied and compared' $out/lazy_l4.out"
expect lazy_l4 "lazy-mem image, 4 vCPUs: poweroff exits 0 with the stats line" rc_and lazy_l4 0 lz_stats lazy_l4

# Linux reboots in place with every page lazy: the second boot starts from
# the image again and fills its memory again; --stats adds both boots up.
hvmm_run lazy_lr run -k "$K" -i "$I" -c 2 -m 256 --stats --lazy-mem "$LZ_IMG,latency=100" \
	-p "quiet hvmm.test=lazy hvmm.lazy_reboot"
lz_reboot_ok() {
	[ "$(grep -c 'lazy memory: 8 MiB written, copied and compared' "$out/lazy_lr.out")" = 2 ] &&
		has_out lazy_lr 'hvmm-test: lazy boot 1$' && has_out lazy_lr 'hvmm-test: lazy boot 2$' &&
		[ "$(grep -c 'hvmm-test: rebooting' "$out/lazy_lr.out")" = 1 ] && lz_stats lazy_lr
}
expect lazy_lr "lazy-mem image, 2 vCPUs, Linux reboots in place: both boots fill and check 8 MiB, exit 0 with the stats line" \
	rc_and lazy_lr 0 lz_reboot_ok

# ---- the other features with every page lazy: the conformance guests ----
# PSCI: CPU_ON/OFF, CPU_SUSPEND, SYSTEM_SUSPEND and the hot-add of vCPU 3;
# SDEI: registration, delivery and events raised from the host. Both guests
# live in the pages hvmm loads; bm.bench=lazy makes the PSCI one touch 256
# pages of lazy RAM besides.
bg_start lazy_conf run -k "$BM/psci_conformance.elf" --cpus 3 --max-cpus 4 -m 64 --name lazy_conf --stats \
	--lazy-mem zero,latency=100 -p bm.bench=lazy
bg_expect "bm: waiting for cpu 3" 120 "lazy-mem: the PSCI conformance guest asks the host for vCPU 3"
ctl lazy_conf_enable cpu enable 3 --name lazy_conf
expect lazy_conf_enable "lazy-mem: hvmm cpu enable 3 exits 0" rc_is lazy_conf_enable 0
bg_finish
expect lazy_conf "lazy-mem zero,latency=100: the PSCI conformance guest (suspend, hot-add) passes, exits 0, its 256 lazy pages populated" \
	rc_and lazy_conf 0 sh -c "grep -q 'bm: PASSED' $out/lazy_conf.out && ! grep -q '^not ok' $out/lazy_conf.out && grep -Eq '^bench: lazy_page_ticks [1-9]' $out/lazy_conf.out && grep -Eq '^hvmm: stats: lazy-mem: (2[5-9][0-9]|[3-9][0-9][0-9]|[0-9]{4,}) pages populated' $out/lazy_conf.err"
sdei_conformance lazy_sdei --stats --lazy-mem zero,latency=100
sdei_all_answered lazy_sdei
lz_all_answered=$?
expect lazy_sdei "lazy-mem zero,latency=100: the SDEI conformance guest passes with its 4 host-raised events ($sdei_answered), exits 0" \
	rc_and lazy_sdei 0 sh -c "grep -q 'bm: PASSED' $out/lazy_sdei.out && ! grep -q '^not ok' $out/lazy_sdei.out && [ $lz_all_answered = 0 ]"
grep -h '^hvmm: stats: lazy-mem' "$out"/lazy_*.err 2>/dev/null | sed 's/^/#   /'
