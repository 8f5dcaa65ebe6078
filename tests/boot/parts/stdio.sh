# The stdio matrix: hvmm run, sandboxed as shipped, with its standard
# streams where users put them, through every way it can end. Each run goes
# through /tools/ptyrun, which starts hvmm as a terminal would (its own
# session, the pty its controlling terminal) and checks the exit status,
# what reached stderr, and that the terminal's settings after the exit equal
# those before. stdin: terminal, /dev/null, closed; stdout and stderr:
# terminal, file, pipe, /dev/null.
#
# The guest is the bare-metal console guest (guest/baremetal/console.c): it
# boots in a fraction of a second, does what bm.do= says, and serves a line
# shell. A few Linux guests then show the same on a real shell.

P=/tools/ptyrun
CG=$BM/console.elf
sx=$out/stdio
mkdir -p "$sx"
head -c 100000 "$K" >"$sx/truncated.img"

# The kinds of each stream, and how the shell's checks name them.
SX_INS="pty null closed"
# A command that sets hvmm's (and its clients') environment, one word per
# line; empty: the suite's own (HOME=/).
SX_ENV=
SX_HANGUP=
SX_OUTS="pty file pipe null"

# The helpers below print ptyrun arguments one per line; the runs split
# them at newlines only (IFS), so an argument may hold spaces.
NL='
'

# sx_stream WHICH KIND: ptyrun's option for it (file: a file of the run's).
sx_stream() {
	echo "--$1"
	case $2 in
	file) echo "file:$sx/$1" ;;
	*) echo "$2" ;;
	esac
}

# sx_sync IN OUT ERR NAME: the steps after which hvmm is surely up (its
# signals handled, its socket and console served): the guest's first line
# where stdout can be read, else the terminal going raw, else the control
# socket answering (NAME "-": the VM has no --name, and is the only one).
sx_sync() {
	if [ "$2" != null ]; then
		printf '%s\n' --wait "bm-console:@30"
	elif [ "$1" = pty ]; then
		echo "--wait-raw@30"
	elif [ "$4" = - ]; then
		printf '%s\n' --wait-cmd "$H list | grep -q .@30"
	else
		printf '%s\n' --wait-cmd "$H stat --name $4 >/dev/null 2>&1@30"
	fi
}

# sx_name NAME: hvmm run's arguments for it.
sx_name() {
	[ "$1" = - ] || printf '%s\n' --name "$1"
}

# sx_run DESC IN OUT ERR ARGS...: ptyrun with those streams and ARGS (its
# steps, expectations, then -- and hvmm's command line); one result line.
# Where a stream is on the terminal the terminal must come back unchanged.
sx_run() {
	sx_desc=$1 sx_in=$2 sx_out=$3 sx_err=$4
	shift 4
	rm -f "$sx/stdout" "$sx/stderr"
	sx_tios=
	case "$sx_in $sx_out $sx_err" in *pty*) sx_tios=--expect-termios ;; esac
	# A terminal that hung up has no settings left to compare.
	[ -z "$SX_HANGUP" ] || sx_tios=
	# shellcheck disable=SC2046 # the stream options are words on purpose
	$SX_ENV $P --timeout 60 --log "$sx/log" $(sx_stream stdin "$sx_in") $(sx_stream stdout "$sx_out") \
		$(sx_stream stderr "$sx_err") $sx_tios "$@" >"$sx/ptyrun.out" 2>"$sx/ptyrun.err"
	result "stdio: $sx_desc (stdin $sx_in, stdout $sx_out, stderr $sx_err)" $? \
		"$sx/ptyrun.err" "$sx/ptyrun.out" "$sx/log" "$sx/stdout" "$sx/stderr"
}

# sx_lines ERR N: that stderr holds exactly N lines, where it can be counted.
sx_lines() {
	case $1 in file | pipe) printf '%s\n' --expect-lines stderr "$2" ;; esac
}

# sx_see OUT TEXT: wait for TEXT on stdout, where it can be read.
sx_see() {
	[ "$1" = null ] || printf '%s\n' --wait "$2@30"
}

# One stdio combination through every exit (NAME names the VM).
sx_exits() {
	i=$1 o=$2 e=$3 name=$4
	IFS=$NL
	# shellcheck disable=SC2046
	sx_run "guest powers off: 0" "$i" "$o" "$e" $(sx_see "$o" "bm-console: boot 1") \
		$(sx_lines "$e" 0) --expect-status 0 -- "$H" run -k "$CG" -m 64 -c 1 $(sx_name "$name") -p bm.do=off
	# shellcheck disable=SC2046
	sx_run "guest resets with --reboot=exit: 3" "$i" "$o" "$e" $(sx_lines "$e" 0) --expect-status 3 \
		-- "$H" run -k "$CG" -m 64 -c 1 $(sx_name "$name") -p bm.do=reset --reboot=exit
	# shellcheck disable=SC2046
	sx_run "guest reboots in place, then powers off: 0" "$i" "$o" "$e" \
		$(sx_see "$o" "bm-console: boot 2") $(sx_lines "$e" 0) --expect-status 0 \
		-- "$H" run -k "$CG" -m 64 -c 1 $(sx_name "$name") -p bm.do=reset-then-off
	# shellcheck disable=SC2046
	sx_run "--stats: its three lines, exit 0" "$i" "$o" "$e" $(sx_lines "$e" 3) \
		$([ "$e" = pty ] && printf '%s\n' --wait PSCI_SYSTEM_OFF@30) --expect-status 0 \
		-- "$H" run -k "$CG" -m 64 -c 1 $(sx_name "$name") -p bm.do=stats-off --stats
	# shellcheck disable=SC2046
	sx_run "a truncated kernel: 1 and one line" "$i" "$o" "$e" $(sx_lines "$e" 1) --expect-status 1 \
		-- "$H" run -k "$sx/truncated.img" -m 64 -c 1 $(sx_name "$name")
	# shellcheck disable=SC2046,SC2086
	sx_run "hvmm stop: 4" "$i" "$o" "$e" $(sx_sync "$i" "$o" "$e" "$name") \
		--run "$H stop $([ "$name" = - ] && echo --all || echo "--name $name") >/dev/null" \
		$(sx_lines "$e" 0) --expect-status 4 \
		-- "$H" run -k "$CG" -m 64 -c 1 $(sx_name "$name") -p bm.do=wait
	if [ -n "$SX_TIMEOUT" ]; then
		# shellcheck disable=SC2046
		sx_run "--timeout 1: 5 and one line" "$i" "$o" "$e" $(sx_lines "$e" 1) --expect-status 5 \
			-- "$H" run -k "$CG" -m 64 -c 1 $(sx_name "$name") -p bm.do=wait --timeout 1
	fi
	for sig in $SX_SIGNALS; do
		# shellcheck disable=SC2046
		sx_run "SIG$sig: 4" "$i" "$o" "$e" $(sx_sync "$i" "$o" "$e" "$name") --signal "$sig" \
			$(sx_lines "$e" 0) --expect-status 4 \
			-- "$H" run -k "$CG" -m 64 -c 1 $(sx_name "$name") -p bm.do=wait
	done
	if [ "$i" = pty ]; then
		# shellcheck disable=SC2046
		sx_run "Ctrl-A x: 4" "$i" "$o" "$e" $(sx_sync "$i" "$o" "$e" "$name") \
			--send '\x01x' $(sx_lines "$e" 0) --expect-status 4 \
			-- "$H" run -k "$CG" -m 64 -c 1 $(sx_name "$name") -p bm.do=wait
		# The terminal goes away (its window closed): SIGHUP from the kernel.
		# shellcheck disable=SC2046
		SX_HANGUP=1
		sx_run "the terminal hangs up: 4" "$i" "$o" "$e" $(sx_sync "$i" "$o" "$e" "$name") \
			--hangup $(sx_lines "$e" 0) --expect-status 4 \
			-- "$H" run -k "$CG" -m 64 -c 1 $(sx_name "$name") -p bm.do=wait
		SX_HANGUP=
	fi
	unset IFS
}

# ---- every combination, named, in the suite's environment (HOME=/) ----
SX_SIGNALS="TERM${NL}HUP"
SX_TIMEOUT=1
for i in $SX_INS; do
	for o in $SX_OUTS; do
		for e in $SX_OUTS; do
			sx_exits "$i" "$o" "$e" sx
		done
	done
done

# ---- with and without --name, in the environments users give ----
# A login shell has HOME; a session manager adds XDG_RUNTIME_DIR; an init
# script may give neither (the sockets then go to a private directory under
# /tmp). A few stdio combinations each, every exit.
mkdir -p -m 0700 /run/user/0
SX_SIGNALS="TERM${NL}HUP${NL}INT"
SX_TIMEOUT=
for env in home xdg neither; do
	case $env in
	home) SX_ENV="env${NL}-i${NL}PATH=$PATH${NL}HOME=/" ;;
	xdg) SX_ENV="env${NL}-i${NL}PATH=$PATH${NL}XDG_RUNTIME_DIR=/run/user/0" ;;
	neither) SX_ENV="env${NL}-i${NL}PATH=$PATH" ;;
	esac
	for name in sxenv -; do
		for c in "pty pty pty" "pty file file" "null pipe pipe" "closed null null"; do
			# shellcheck disable=SC2086 # c holds the three stream kinds
			set -- $c
			sx_exits "$1" "$2" "$3" "$name"
		done
	done
done
SX_ENV=

# ---- Linux on a terminal ----
# What ./run.sh gives a user: the guest's shell on this terminal.
SX_PROMPT='hvmm-guest:/# '
IFS=$NL
# A command is answered; Ctrl-C reaches the foreground job as SIGINT and
# kills it (the prompt is back at once and $? is 130) while hvmm runs on;
# the guest reboots in place and then powers off: 0, and the terminal is
# as it was.
# The job has no trap of its own: a shell that traps SIGINT runs the trap
# only between commands, so a ^C landing between its 'echo ready' and the
# start of 'sleep' would go unseen for 30 s; with the default action the
# job dies wherever the signal lands.
sx_run "Linux: a command answered, Ctrl-C interrupts sleep, reboot, poweroff: 0" pty pty pty \
	--timeout 400 --wait "hvmm-guest: init reached@150" --wait "$SX_PROMPT@60" \
	--send 'echo $((6 * 7))\r' --wait '42\n@30' \
	--send "sh -c 'echo ready; exec sleep 30'\\r" \
	--wait 'ready\n@30' --send '\x03' --wait "$SX_PROMPT@20" \
	--send 'echo "job-status=$?"\r' --wait 'job-status=130\n@10' \
	--send 'echo alive\r' --wait 'alive\n@10' \
	--send 'reboot\r' --wait "hvmm-guest: init reached@150" --wait "$SX_PROMPT@60" \
	--send 'poweroff\r' --expect-status 0 \
	-- "$H" run -k "$K" -i "$I" -c 2 -m 256 --name sxlinux
# The same shell, the console's output and hvmm's own to files (--stats).
sx_run "Linux: poweroff typed on the terminal, output to files, --stats: 0 with its stats" pty file file \
	--timeout 300 --wait "hvmm-guest: interactive shell@150" --send 'poweroff\r' \
	--wait 'stats: PSCI_SYSTEM_OFF@60' --expect-status 0 \
	-- "$H" run -k "$K" -i "$I" -c 2 -m 256 --name sxlinux --stats
sx_run "Linux: Ctrl-A x at the shell: 4" pty pty pty \
	--timeout 300 --wait "$SX_PROMPT@150" --send '\x01x' $(sx_lines pty 0) --expect-status 4 \
	-- "$H" run -k "$K" -i "$I" -c 2 -m 256 --name sxlinux
# --console virtio: the same shell on hvc0 (virtio-console, its own device
# thread writing the terminal): Ctrl-C still reaches the job, Ctrl-A x
# still stops hvmm; and across a reboot in place the shell comes back there.
sx_run "Linux --console virtio: the shell on /dev/hvc0, Ctrl-C interrupts sleep, Ctrl-A x: 4" pty pty pty \
	--timeout 400 --wait "$SX_PROMPT@150" --send 'tty\r' --wait '/dev/hvc0\n@30' \
	--send "sh -c 'echo ready; exec sleep 30'\\r" --wait 'ready\n@30' --send '\x03' --wait "$SX_PROMPT@20" \
	--send 'echo "job-status=$?"\r' --wait 'job-status=130\n@10' \
	--send '\x01x' $(sx_lines pty 0) --expect-status 4 \
	-- "$H" run -k "$K" -i "$I" -c 2 -m 256 --console virtio --name sxhvc
sx_run "Linux --console virtio: reboot in place, the shell is back on /dev/hvc0, poweroff: 0" pty pty pty \
	--timeout 400 --wait "$SX_PROMPT@150" --send 'reboot\r' --wait "hvmm-guest: init reached@150" \
	--wait "$SX_PROMPT@60" --send 'tty\r' --wait '/dev/hvc0\n@30' --send 'poweroff\r' --expect-status 0 \
	-- "$H" run -k "$K" -i "$I" -c 2 -m 256 --console virtio --name sxhvc
# What scripts do: no terminal at all, everything to files.
sx_run "Linux: --stats with no terminal, output to files: 0 with CPU_ON and SYSTEM_OFF counted" null file file \
	--timeout 300 --wait 'stats: PSCI_SYSTEM_OFF @150' --wait 'stats: PSCI_CPU_ON @60' --expect-status 0 \
	-- "$H" run -k "$K" -i "$I" -c 2 -m 256 -p "quiet hvmm.test=smp" --stats
unset IFS
