# The bad-input table (docs/bad-input.md). Bad options and files: one line
# on stderr and a non-zero exit that is not a crash (2 for the command
# line). Hostile hypercalls (guest/baremetal/hostile.c) and a hostile
# control socket: an exact error back, and no effect on the running guest.
# Sourced by tests/boot/host-tests.sh, whose helpers it uses.

: >/tmp/empty
head -c 100 "$BM/hello.elf" >/tmp/trunc-phdr.elf
head -c 66000 "$BM/hello.elf" >/tmp/trunc-data.elf
head -c 1000000 "$K" >/tmp/trunc.Image
expect_bad_input missing "missing kernel file" "No such file" run -k /nonexistent
expect_bad_input empty "empty kernel file" "empty" run -k /tmp/empty
expect_bad_input trunc_phdr "ELF cut inside its program headers" "truncated ELF" run -k /tmp/trunc-phdr.elf -m 64
expect_bad_input trunc_data "ELF cut inside a segment" "truncated ELF" run -k /tmp/trunc-data.elf -m 64
expect_bad_input trunc_image "truncated Image" "truncated Image" run -k /tmp/trunc.Image -m 64
expect_bad_input lowlink "ELF segment outside RAM" "outside RAM" run -k "$BM/hello-lowlink.elf" -m 64
expect_bad_input image_big "Image whose image_size exceeds RAM" "RAM is 32 MiB" run -k "$K" -m 32
expect_bad_input ram_small "RAM too small for kernel + initrd" "RAM too small" run -k "$K" -i "$I" -m 37
expect_bad_input missing_initrd "missing initrd file" "initrd" run -k "$K" -i /nonexistent -m 64
expect_bad_input cpus0 "--cpus 0" "cpus" run -k "$K" --cpus 0
expect_bad_input cpus_many "more vCPUs than KVM allows" "at most" run -k "$BM/hello.elf" --cpus 4000 -m 64
expect_bad_input unknown_opt "unknown option" "unknown option" run -k "$K" --bogus
expect_bad_input no_kernel "no kernel" "no kernel" run -m 64
expect_bad_input network "--network mode=tap" "mode=none" run -k "$K" --network mode=tap
expect_bad_input console "--console virtio" "serial" run -k "$K" --console virtio
expect_bad_input unknown_cmd "unknown command" "unknown command" frobnicate
expect_bad_input max_cpus "--max-cpus below --cpus" "more than --max-cpus" run -k "$K" --cpus 4 --max-cpus 2
expect_bad_input reboot_mode "--reboot sometimes" "reset or exit" run -k "$K" --reboot sometimes
expect_bad_input suspend_fmt "--psci-suspend-format odd" "extended or original" run -k "$K" --psci-suspend-format odd
expect_bad_input idle_states "--idle-states deep" "idle-states" run -k "$K" --idle-states deep
expect_bad_input bad_name "--name with a slash" "name" run -k "$K" --name a/b
expect_bad_input no_vm "a client command for a VM that is not running" "no VM named" stat --name nosuchvm
expect_bad_input cpu_usage "cpu with no action" "" cpu --name x
expect_bad_input sdei_event "--sdei-event with a bad type" "shared or private" run -k "$K" --sdei-event 7,global,normal
expect_bad_input sdei_dup "--sdei-event reusing a default event" "default" run -k "$K" --sdei-event 1000,private,normal


# ---- contradictory options: exit 2 (a wrong command line), one line ----
expect_bad_option() {
	expect_bad_input "$@"
	rc_is "$1" 2
	result "bad input: $2 is a command-line error (exit $(rc_of "$1"), 2 expected)" $? "$out/$1.err"
}
expect_bad_option nosdei_event "--no-sdei with --sdei-event" "contradict" \
	run -k "$BM/hello.elf" -m 64 --no-sdei --sdei-event 7,private,normal
expect_bad_option kpsci_maxcpus "--in-kernel-psci with --max-cpus" "max-cpus needs hvmm's own PSCI" \
	run -k "$BM/hello.elf" -m 64 --in-kernel-psci --cpus 1 --max-cpus 2
expect_bad_option kpsci_event "--in-kernel-psci with --sdei-event" "no SDEI" \
	run -k "$BM/hello.elf" -m 64 --sdei-event 7,shared,normal --in-kernel-psci
expect_bad_option kpsci_format "--in-kernel-psci with --psci-suspend-format" "psci-suspend-format needs" \
	run -k "$BM/hello.elf" -m 64 --in-kernel-psci --psci-suspend-format original
expect_bad_option kpsci_idle "--in-kernel-psci with --idle-states" "idle-states needs" \
	run -k "$BM/hello.elf" -m 64 --in-kernel-psci --idle-states powerdown
expect_bad_option cpus_maxcpus "--cpus larger than --max-cpus" "more than --max-cpus" \
	run -k "$BM/hello.elf" -m 64 --cpus 3 --max-cpus 2

# ---- corrupt and unusual input files ----
# Byte patches into a copy of the bare-metal ELF (little-endian ELF64).
patch_bytes() { # FILE OFFSET PRINTF-ESCAPES
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
elf_copy() { cp "$BM/hello.elf" "$1"; }
elf_copy /tmp/machine.elf && patch_bytes /tmp/machine.elf 18 '\076\000'     # e_machine = x86-64
elf_copy /tmp/class32.elf && patch_bytes /tmp/class32.elf 4 '\001'         # ELFCLASS32
elf_copy /tmp/dyn.elf && patch_bytes /tmp/dyn.elf 16 '\003\000'            # ET_DYN
elf_copy /tmp/phnum.elf && patch_bytes /tmp/phnum.elf 56 '\376\377'        # e_phnum = 0xfffe
elf_copy /tmp/phoff.elf && patch_bytes /tmp/phoff.elf 32 '\000\377\377\377\377\377\377\177'
elf_copy /tmp/phentsize.elf && patch_bytes /tmp/phentsize.elf 54 '\100\000' # 64, not 56
# Segment 0's p_filesz and p_memsz (program headers at 0x40) = 256 MiB.
elf_copy /tmp/segbig.elf && patch_bytes /tmp/segbig.elf 96 '\000\000\000\020\000\000\000\000' &&
	patch_bytes /tmp/segbig.elf 104 '\000\000\000\020\000\000\000\000'
elf_copy /tmp/filesz.elf && patch_bytes /tmp/filesz.elf 96 '\000\000\000\020\000\000\000\000'
expect_bad_input elf_machine "ELF for another machine (x86-64)" "not a 64-bit AArch64" run -k /tmp/machine.elf -m 64
expect_bad_input elf_class32 "ELF declaring itself 32-bit" "not a 64-bit AArch64" run -k /tmp/class32.elf -m 64
expect_bad_input elf_dyn "ELF that is not an executable (ET_DYN)" "not an executable" run -k /tmp/dyn.elf -m 64
expect_bad_input elf_phnum "ELF with e_phnum 0xfffe" "truncated ELF" run -k /tmp/phnum.elf -m 64
expect_bad_input elf_phoff "ELF with e_phoff far past the end of the file" "truncated ELF" run -k /tmp/phoff.elf -m 64
expect_bad_input elf_phentsize "ELF with a wrong e_phentsize" "program header entries of 64 bytes" \
	run -k /tmp/phentsize.elf -m 64
expect_bad_input elf_segbig "ELF whose segment is larger than the file" "needs file bytes" run -k /tmp/segbig.elf -m 64
expect_bad_input elf_filesz "ELF segment with file size above memory size" "exceeds memory size" run -k /tmp/filesz.elf -m 64

# Images from a bare 64-byte header: code 0, text_offset, image_size, flags,
# reserved, "ARM\x64", PE offset.
image_header() { # FILE TEXT_OFFSET-ESCAPES IMAGE_SIZE-ESCAPES PE-OFFSET-ESCAPES
	{ head -c 8 /dev/zero; printf "$2"; printf "$3"; head -c 32 /dev/zero; printf 'ARM\144'; printf "$4"; } >"$1"
}
z8='\000\000\000\000\000\000\000\000'
image_header /tmp/huge.Image "$z8" '\377\377\377\377\377\377\377\377' '\000\000\000\000'
image_header /tmp/pe.Image "$z8" '\000\020\000\000\000\000\000\000' '\000\000\020\000'
image_header /tmp/unaligned.Image '\043\001\000\000\000\000\000\000' '\000\020\000\000\000\000\000\000' '\000\000\000\000'
expect_bad_input image_huge "Image header with image_size 2^64-1" "image_size 0xffffffffffffffff" run -k /tmp/huge.Image -m 64
expect_bad_input image_pe "Image whose PE header offset lies past the end of the file" "truncated Image" run -k /tmp/pe.Image -m 64
expect_bad_input image_unaligned "Image with a text_offset that is not page aligned" "not page aligned" \
	run -k /tmp/unaligned.Image -m 64

mkdir -p /tmp/adir
: >/tmp/empty.initrd
dd if=/dev/zero of=/tmp/sparse.initrd bs=1M seek=80 count=0 2>/dev/null
expect_bad_input kernel_dir "a directory as kernel" "not a regular file" run -k /tmp/adir -m 64
expect_bad_input kernel_dev "a character device (/dev/zero) as kernel" "not a regular file" run -k /dev/zero -m 64
expect_bad_input initrd_dir "a directory as initrd" "initrd '/tmp/adir': not a regular file" \
	run -k "$BM/hello.elf" -i /tmp/adir -m 64
expect_bad_input initrd_empty "an empty initrd" "initrd '/tmp/empty.initrd': file is empty" \
	run -k "$BM/hello.elf" -i /tmp/empty.initrd -m 64
expect_bad_input initrd_big "an initrd larger than RAM (80 MiB, -m 64)" "RAM too small" \
	run -k "$BM/hello.elf" -i /tmp/sparse.initrd -m 64
# hvmm does not parse the initrd: junk is the guest's to judge.
head -c 4096 /dev/urandom >/tmp/junk.initrd
hvmm_run initrd_junk run -k "$BM/hello.elf" -i /tmp/junk.initrd -m 64
expect initrd_junk "bad input: a junk initrd is handed to the guest as is (it boots, exit 0)" \
	sh -c "grep -q 'bm: PASSED' $out/initrd_junk.out && [ \"\$(cat $out/initrd_junk.rc)\" = 0 ]"

# ---- hostile hypercalls from the guest (guest/baremetal/hostile.c) ----
hvmm_run hostile run -k "$BM/hostile.elf" -c 2 -m 64 --stats
expect hostile "hostile guest: every bad call gets its exact error and the VM still works" has_out hostile "bm: PASSED"
expect hostile "hostile guest: no TAP check failed, SYSTEM_OFF exits 0" \
	sh -c "[ \"\$(cat $out/hostile.rc)\" = 0 ] && grep -q '^ok ' $out/hostile.out && ! grep -q '^not ok' $out/hostile.out"
expect hostile "hostile guest: --stats counts the unknown IDs it called" \
	grep -Eq "stats: \(unassigned\) +0xc400001f 1$" "$out/hostile.err"
grep -E '^not ok' "$out/hostile.out" | sed 's/^/#   hostile: /'
hvmm_run hostile_nosdei run -k "$BM/hostile.elf" -c 2 -m 64 --no-sdei --psci-suspend-format original
expect hostile_nosdei "hostile guest with --no-sdei and the original power_state format passes" \
	sh -c "grep -q 'bm: PASSED' $out/hostile_nosdei.out && [ \"\$(cat $out/hostile_nosdei.rc)\" = 0 ]"
grep -E '^not ok' "$out/hostile_nosdei.out" | sed 's/^/#   hostile --no-sdei: /'

# ---- the control socket attacked while a guest runs ----
# The hostile guest, once done, waits for vCPU 2 (disabled by --max-cpus)
# and polls CPU_ON meanwhile: the socket is attacked, then vCPU 2 enabled.
bg_start hsock run -k "$BM/hostile.elf" --cpus 2 --max-cpus 3 -m 64 --name hsock
bg_wait "bm: waiting for cpu 2" 120
result "socket: the hostile guest runs and waits for the host" $? "$out/hsock.raw" "$out/hsock.err"

# raw_expect NAME BYTES-FILE PATTERN DESC: one connection; the reply must be
# exactly one line matching PATTERN.
raw_expect() {
	raw "$1" "$2" hsock
	[ "$(wc -l <"$out/$1.out")" -eq 1 ] && grep -Eq -- "$3" "$out/$1.out"
	result "socket: $4" $? "$out/$1.out" "$out/$1.err"
}
{ printf 'hvmm/1 ping'; head -c 1012 /dev/zero | tr '\0' ' '; printf '\n'; } >/tmp/s-1024
{ printf 'hvmm/1 ping'; head -c 1013 /dev/zero | tr '\0' ' '; printf '\n'; } >/tmp/s-1025
head -c 70000 /dev/urandom >/tmp/s-random
printf 'hvmm/1 st\000at\n' >/tmp/s-nul
printf 'hvmm/1 stop' >/tmp/s-nonl
printf 'hvmm/1 ping\nhvmm/1 stop\n' >/tmp/s-two
: >/tmp/s-empty
printf 'hvmm/1 stat\r\n' >/tmp/s-crlf
printf 'hvmm/1 st\303\244t\n' >/tmp/s-utf8
printf 'hvmm/1 a b c d e f g h\n' >/tmp/s-words
printf 'hvmm/1 cpu enable 99999999999999999999999\n' >/tmp/s-bignum
printf 'hvmm/1 sdei signal 0x100000000 0\n' >/tmp/s-bigevent
printf 'hvmm/1 cpu enable -1\n' >/tmp/s-negative
raw s1024 /tmp/s-1024 hsock
expect s1024 "socket: a request of exactly 1024 bytes (the limit) is served" \
	sh -c "head -n 1 $out/s1024.out | grep -qx ok && grep -qx 'name hsock' $out/s1024.out"
raw_expect s1025 /tmp/s-1025 '^error request longer than 1024 bytes$' "a 1025-byte request is refused"
raw_expect srandom /tmp/s-random '^error ' "70000 random bytes get one error line"
raw_expect snul /tmp/s-nul '^error byte 0x00 at offset 9' "an embedded NUL is refused, naming its offset"
raw_expect snonl /tmp/s-nonl '^error request does not end with a newline$' "a line without newline, then hang-up"
raw_expect sempty /tmp/s-empty '^error empty request$' "a connection closed without a byte"
raw_expect scrlf /tmp/s-crlf '^error byte 0x0d at offset 11' "a CR LF line end is refused"
raw_expect sutf8 /tmp/s-utf8 '^error byte 0xc3 at offset 9' "UTF-8 in a request is refused"
raw_expect swords /tmp/s-words '^error too many words' "more than 8 words are refused"
raw_expect sbignum /tmp/s-bignum '^error ' "a vCPU number past 2^64 is refused"
raw_expect sbigevent /tmp/s-bigevent '^error event 0x100000000 does not fit in 32 bits' "an event number past 32 bits is refused"
raw_expect snegative /tmp/s-negative '^error ' "a negative vCPU number is refused"
raw stwo /tmp/s-two hsock
expect stwo "socket: of two requests on one connection only the first (ping) is served" \
	sh -c "head -n 1 $out/stwo.out | grep -qx ok && grep -qx 'name hsock' $out/stwo.out"

# A flood: 12 clients at once. 4 connect and send nothing (each holds the
# server for its 2 s timeout), 4 send random bytes, 2 oversized lines, 2
# ping; meanwhile hvmm stat waits its turn.
silent_client() { # NAME: connects, sends nothing for 15 s
	sleep 15 | timeout -s KILL 40 /tools/ctlraw "$HOME/.hvmm/hsock.sock" >"$out/$1.out" 2>"$out/$1.err"
}
printf 'hvmm/1 ping\n' >/tmp/s-ping
flood_pids=
for i in 1 2 3 4; do
	silent_client flood_silent$i &
	flood_pids="$flood_pids $!"
	head -c $((i * 3000)) /dev/urandom >/tmp/s-junk$i
	raw flood_junk$i /tmp/s-junk$i hsock &
	flood_pids="$flood_pids $!"
done
for i in 1 2; do
	raw flood_big$i /tmp/s-1025 hsock &
	flood_pids="$flood_pids $!"
	raw flood_ping$i /tmp/s-ping hsock &
	flood_pids="$flood_pids $!"
done
ctl flood_stat stat --name hsock &
flood_pids="$flood_pids $!"
wait $flood_pids
bad=0
for i in 1 2 3 4; do
	grep -qx 'error no complete request within 2000 ms' "$out/flood_silent$i.out" || bad=$((bad + 1))
	[ "$(wc -l <"$out/flood_junk$i.out")" -eq 1 ] && grep -q '^error ' "$out/flood_junk$i.out" || bad=$((bad + 1))
done
for i in 1 2; do
	grep -qx 'error request longer than 1024 bytes' "$out/flood_big$i.out" || bad=$((bad + 1))
	grep -qx 'name hsock' "$out/flood_ping$i.out" || bad=$((bad + 1))
done
[ "$bad" -eq 0 ]
result "socket flood: 12 concurrent clients each get their one reply ($bad wrong)" $? \
	"$out/flood_silent1.out" "$out/flood_junk1.out" "$out/flood_big1.out" "$out/flood_ping1.out"
expect flood_stat "socket flood: hvmm stat queued behind the flood is answered" \
	sh -c "[ \"\$(cat $out/flood_stat.rc)\" = 0 ] && grep -q '^vcpu 2: disabled' $out/flood_stat.out"
ctl hsock_stat stat --name hsock
expect hsock_stat "socket: after all that the VM answers hvmm stat and is running" \
	sh -c "grep -q '^state: running' $out/hsock_stat.out && grep -Eq '^vcpu 1: on' $out/hsock_stat.out"
kill -0 "$bg_pid" 2>/dev/null && ! bg_output | grep -q 'bm: PASSED'
result "socket: the guest is still running, still waiting for the host" $? "$out/hsock.raw"
ctl hsock_enable cpu enable 2 --name hsock
bg_finish
expect hsock "socket: once vCPU 2 is enabled the guest finishes and passes" has_out hsock "bm: PASSED"
expect hsock "socket: no TAP check failed and SYSTEM_OFF exits 0" \
	sh -c "[ \"\$(cat $out/hsock.rc)\" = 0 ] && ! grep -q '^not ok' $out/hsock.out && grep -q 'CPU_ON of the vCPU the host enabled succeeds' $out/hsock.out"
grep -E '^not ok' "$out/hsock.out" | sed 's/^/#   hsock: /'
