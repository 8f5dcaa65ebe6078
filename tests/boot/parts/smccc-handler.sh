# --smccc-handler (docs/smccc-handlers.md): the bare-metal guest
# guest/baremetal/smccc_handler.c against two busybox sh `while read` loops,
# through HVC and SMC, from two vCPUs at once, across an in-place reboot;
# handlers that fail (with --smccc-handler-fail stop: status 1 and one line
# naming the handler; by default one line and NOT_SUPPORTED, the VM running
# on), also one that exits while no call waits; one that never answers while hvmm is
# stopped; one that ignores its closed input at exit; ranges that are
# refused, and SDEI's, free with --no-sdei. After each run no handler is
# left.

SMH_GUEST="$BM/smccc_handler.elf"
SMH_PROG="$out/smccc-handler-prog.sh"
# The handler the guest's header describes.
cat >"$SMH_PROG" <<'EOF'
n=0
while read v c f a1 a2 a3 a4 a5 a6 a7; do
	n=$((n + 1))
	case $c in hvc) k=1 ;; smc) k=2 ;; *) k=0 ;; esac
	case $f in
	*0f) echo unsupported ;;
	*0e) echo 100 101 102 103 104 105 106 107 108 109 10a 10b 10c 10d 10e 10f 110 111 ;;
	*0d) echo 0x5eed ;;
	*0c) printf '%x\n' $n ;;
	*) echo $f $a1 $a2 $a3 $a4 $a5 $a6 $a7 $v $k ;;
	esac
done
EOF

# smh_left REGEX: how many processes' command lines match REGEX. Anchor it
# at the program (a handler runs as "sh -c COMMAND"): hvmm's own command
# line holds COMMAND too, and so does that of busybox timeout's watcher,
# which outlives hvmm by up to a second. Write it so that it does not match
# itself (smh-mar[k]).
smh_left() {
	smh_n=0
	for smh_d in /proc/[0-9]*; do
		tr '\0' ' ' <"$smh_d/cmdline" 2>/dev/null | grep -q -- "$1" && smh_n=$((smh_n + 1))
	done
	echo "$smh_n"
}
smh_none_left() { [ "$(smh_left "$1")" = 0 ]; }

# ---- the guest and two handlers ----
hvmm_run smh run -k "$SMH_GUEST" -c 2 -m 64 -p bm.boots=2 --name smh \
	--smccc-handler "0xc3000000+0x10=sh $SMH_PROG smh-mark" \
	--smccc-handler "0x83000000-0x8300000f=sh $SMH_PROG smh-mark"
expect smh "smccc handlers: the guest passes both boots and powers off (exit 0)" \
	rc_and smh 0 has_out smh "^bm: PASSED$"
expect smh "smccc handlers: the first boot passed too, then reset in place" \
	has_out smh "^bm-smccc: boot 1 PASSED, resetting$"
expect smh "smccc handlers: no check failed" sh -c "! grep -q '^not ok' '$out/smh.out'"
expect smh "smccc handlers: every TAP check of both boots ran (2 plans)" \
	sh -c "[ \$(grep -c '^1\\.\\.[0-9]' '$out/smh.out') = 2 ]"
expect smh "smccc handlers: nothing on stderr" sh -c "[ ! -s '$out/smh.err' ]"
expect smh "smccc handlers: no handler process is left" smh_none_left "^sh .*smh-mar[k]"

# ---- handlers that fail, with --smccc-handler-fail stop: status 1, one line ----
smh_fails() {
	expect_bad_input "$1" "smccc handler: $2" 1 "$3" run -k "$SMH_GUEST" -c 1 -m 64 \
		--smccc-handler-fail stop --smccc-handler "0xc3000000+0x10=$4"
}
smh_fails smh_exit "one that exits" "--smccc-handler 0xc3000000-0xc300000f ('exit 3') exited with status 3" "exit 3"
smh_fails smh_garbage "one that answers garbage" \
	"('read l; echo hello world; cat'): bad answer 'hello world' (word 1 'hello' is not a hex number) to vCPU 0's hvc call 0xc3000000" \
	"read l; echo hello world; cat"
smh_fails smh_lines "one that answers with two lines" \
	"wrote more than one line for one request: '2' came after '1' (vCPU 0's hvc call 0xc3000000 was waiting)" \
	"read l; printf '1\\n2\\n'; cat"
# (Whether the guest's call or hvmm's watch sees it first, the line says so.)
smh_fails smh_closed "one that closes its output" "('exec >&-; sleep 10') closed its output" "exec >&-; sleep 10"
smh_fails smh_nocmd "one whose command does not exist" \
	"('no-such-handler-here 2>/dev/null') exited with status 127" "no-such-handler-here 2>/dev/null"
expect smh_closed "smccc handler: the handler that closed its output is gone after hvmm" smh_none_left "^sleep 1[0]"
# The console guest waits in WFI and never calls: hvmm notices the exit itself.
expect_bad_input smh_watch "smccc handler: one that exits while no call waits" 1 \
	"--smccc-handler 0xc6000000-0xc6000000 ('exit 7') exited with status 7 while the guest ran" \
	run -k "$BM/console.elf" -c 1 -m 64 -p bm.do=wait --smccc-handler-fail stop --smccc-handler "0xc6000000+1=exit 7"

# ---- the default: a failed handler's calls get NOT_SUPPORTED, the VM runs on ----
# smh_runs_on NAME DESC PATTERN ARGS...: the guest gets to its SYSTEM_OFF
# (status 0, its checks of the handler's answers failing: NOT_SUPPORTED
# instead), and hvmm says what happened in exactly one line.
smh_runs_on() {
	smh_name=$1 smh_desc=$2 smh_pat=$3
	shift 3
	hvmm_run "$smh_name" run -k "$SMH_GUEST" -c 1 -m 64 "$@"
	expect "$smh_name" "smccc handler, default policy: $smh_desc: the VM runs on to SYSTEM_OFF (status 0)" \
		rc_and "$smh_name" 0 has_out "$smh_name" "bm: "
	expect "$smh_name" "smccc handler, default policy: $smh_desc: one line says so, once" \
		sh -c "[ \$(wc -l <'$out/$smh_name.err') = 1 ] && grep -qF -- \"$smh_pat\" '$out/$smh_name.err' &&
			grep -qF 'its calls get NOT_SUPPORTED from now on' '$out/$smh_name.err'"
	expect "$smh_name" "smccc handler, default policy: $smh_desc: the guest's calls got NOT_SUPPORTED" \
		grep -q '^not ok' "$out/$smh_name.out"
}
smh_runs_on smh_def_garbage "garbage" "bad answer 'hello world'" \
	--smccc-handler "0xc3000000+0x10=read l; echo hello world; cat"
smh_runs_on smh_def_exit "one that exits" "('exit 3') exited with status 3" \
	--smccc-handler "0xc3000000+0x10=exit 3"
smh_runs_on smh_def_timeout "one that does not answer within --smccc-handler-timeout 300" \
	"did not answer within 300 ms" --smccc-handler-timeout 300 \
	--smccc-handler "0xc3000000+0x10=while read l; do :; done"

# ---- a handler that never answers: hvmm stop and SIGTERM still stop hvmm ----
for smh_how in stop term; do
	bg_start "smh_silent_$smh_how" run -k "$SMH_GUEST" -c 1 -m 64 --name "smh-silent-$smh_how" \
		--smccc-handler-timeout 0 --smccc-handler "0xc3000000+0x10=while read l; do :; done # smh-silen[t]"
	bg_expect "bm-smccc: boot" 60 "smccc handler: silent ($smh_how): the guest starts and calls"
	sleep 1
	if [ "$smh_how" = stop ]; then
		# A vCPU waiting for an answer runs no guest code: it does not hold a pause up.
		ctl smh_pause pause --name "smh-silent-$smh_how"
		bg_require "smccc handler: silent: hvmm pause is answered at once" "$(rc_of smh_pause)" \
			"$out/smh_pause.out" "$out/smh_pause.err"
		smh_t0=$(date +%s)
		ctl smh_stop stop --name "smh-silent-$smh_how"
		bg_require "smccc handler: silent: hvmm stop is answered" "$(rc_of smh_stop)" "$out/smh_stop.err"
	else
		smh_pid=$(hvmm_pid "smh-silent-$smh_how")
		smh_t0=$(date +%s)
		kill -TERM "$smh_pid"
	fi
	bg_finish
	smh_took=$(($(date +%s) - smh_t0))
	expect "smh_silent_$smh_how" "smccc handler: silent ($smh_how): hvmm exits 4 within 5 s (took $smh_took s)" \
		sh -c "[ $(rc_of "smh_silent_$smh_how") = 4 ] && [ $smh_took -le 5 ]"
	expect "smh_silent_$smh_how" "smccc handler: silent ($smh_how): nothing on stderr" \
		sh -c "[ ! -s '$out/smh_silent_$smh_how.err' ]"
	expect "smh_silent_$smh_how" "smccc handler: silent ($smh_how): no handler left" smh_none_left "^sh .*smh-silen[t]"
done

# ---- a handler that outlives its input: killed 500 ms after hvmm is done ----
hvmm_run smh_stubborn run -k "$SMH_GUEST" -c 1 -m 64 --stats \
	--smccc-handler "0xc3000000+0x10=sh $SMH_PROG; while :; do sleep 1; done # smh-stubbor[n]" \
	--smccc-handler "0x83000000+0x10=sh $SMH_PROG"
expect smh_stubborn "smccc handler: one that ignores its closed input: the guest passes (exit 0)" \
	rc_and smh_stubborn 0 has_out smh_stubborn "^bm: PASSED$"
expect smh_stubborn "smccc handler: one that ignores its closed input is killed with its process group" \
	smh_none_left "^sh .*smh-stubbor[n]"
# One vCPU, one boot: 0xc3000001 is called once through HVC and once through SMC.
expect smh_stubborn "smccc handler: --stats counts the handlers' calls under --smccc-handler" \
	grep -Eq "^hvmm: stats: --smccc-handler +0xc3000001 2$" "$out/smh_stubborn.err"

# ---- ranges hvmm refuses, and one it gives with --no-sdei ----
expect_bad_input smh_psci "--smccc-handler over PSCI's IDs" 1 \
	"cannot set up the SMCCC services: --smccc-handler: range 0xc4000000-0xc400000f overlaps PSCI's 0xc4000000-0xc400001f" \
	run -k "$SMH_GUEST" -m 64 --smccc-handler "0xc4000000+0x10=cat"
expect_bad_input smh_sdei "--smccc-handler over SDEI's IDs" 1 \
	"cannot set up the SMCCC services: --smccc-handler: range 0xc4000030-0xc4000030 overlaps SDEI's 0xc4000020-0xc400003f" \
	run -k "$SMH_GUEST" -m 64 --smccc-handler "0xc4000030+1=cat"
hvmm_run smh_nosdei run -k "$SMH_GUEST" -c 1 -m 64 --no-sdei --smccc-handler "0xc4000020-0xc400003f=cat" \
	--smccc-handler "0xc3000000+0x10=sh $SMH_PROG" --smccc-handler "0x83000000+0x10=sh $SMH_PROG"
expect smh_nosdei "smccc handler: with --no-sdei a handler may take SDEI's IDs (the guest passes)" \
	rc_and smh_nosdei 0 has_out smh_nosdei "^bm: PASSED$"
expect_bad_input smh_arch "--smccc-handler in the Arm Architecture service" 2 \
	"--smccc-handler '0xc0000000+0x10=cat': 0xc0000000-0xc000000f reaches into the Arm Architecture service" \
	run -k "$SMH_GUEST" --smccc-handler "0xc0000000+0x10=cat"
expect_bad_input smh_overlap "two --smccc-handler ranges that overlap" 2 \
	"overlaps the earlier handler's 0xc3000000-0xc300000f" \
	run -k "$SMH_GUEST" --smccc-handler "0xc3000000+0x10=cat" --smccc-handler "0xc300000f+1=cat"
