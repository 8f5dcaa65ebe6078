# The bad-input table (docs/bad-input.md). Bad options and files: one line
# on stderr naming the problem, and exactly the status the table gives (2
# for the command line, 1 for anything found later). Hostile hypercalls (guest/baremetal/hostile.c) and a hostile
# control socket: an exact error back, and no effect on the running guest.
# Sourced by tests/boot/host-tests.sh, whose helpers it uses.

: >/tmp/empty
head -c 100 "$BM/hello.elf" >/tmp/trunc-phdr.elf
head -c 66000 "$BM/hello.elf" >/tmp/trunc-data.elf
head -c 1000000 "$K" >/tmp/trunc.Image
expect_bad_input missing "missing kernel file (hvmm's reason and kvmtool's words)" 1 \
	"kernel '/nonexistent': No such file or directory (Fatal: Unable to open kernel /nonexistent)" \
	run -k /nonexistent
expect_bad_input empty "empty kernel file" 1 "kernel '/tmp/empty': file is empty" run -k /tmp/empty
expect_bad_input trunc_phdr "ELF cut inside its program headers" 1 "kernel '/tmp/trunc-phdr.elf': truncated ELF" \
	run -k /tmp/trunc-phdr.elf -m 64
expect_bad_input trunc_data "ELF cut inside a segment" 1 "truncated ELF: segment 0 needs file bytes up to" \
	run -k /tmp/trunc-data.elf -m 64
expect_bad_input trunc_image "truncated Image" 1 "truncated Image: the file has 1000000 bytes" \
	run -k /tmp/trunc.Image -m 64
expect_bad_input lowlink "ELF segment outside RAM" 1 "is outside RAM 0x40000000-" run -k "$BM/hello-lowlink.elf" -m 64
expect_bad_input image_big "Image whose image_size exceeds RAM" 1 "but RAM is 32 MiB" run -k "$K" -m 32
expect_bad_input ram_small "RAM too small for kernel + initrd" 1 "RAM too small: 37 MiB of RAM" run -k "$K" -i "$I" -m 37
expect_bad_input missing_initrd "missing initrd file" 1 "initrd '/nonexistent': No such file or directory" \
	run -k "$K" -i /nonexistent -m 64
expect_bad_input cpus0 "--cpus 0" 2 "--cpus '0': expected a whole number from 1 to" run -k "$K" --cpus 0
expect_bad_input cpus_many "more vCPUs than KVM allows" 1 "--cpus 4000: KVM on this host allows at most" \
	run -k "$BM/hello.elf" --cpus 4000 -m 64
expect_bad_input unknown_opt "unknown option" 2 "unknown option '--bogus' (see 'hvmm run --help')" run -k "$K" --bogus
expect_bad_input no_kernel "no kernel" 2 "no kernel given: use -k FILE" run -m 64
expect_bad_input network "--network mode=tap" 2 "hvmm has no network devices yet; only mode=none is accepted" \
	run -k "$K" --network mode=tap
expect_bad_input console "--console hvc0 (serial or virtio expected)" 2 "--console 'hvc0': expected serial or virtio" \
	run -k "$K" --console hvc0
expect_bad_input unknown_cmd "unknown command" 2 "hvmm: unknown command 'frobnicate' (see 'hvmm help')" frobnicate
expect_bad_input max_cpus "--max-cpus below --cpus" 2 "--cpus 4 is more than --max-cpus 2" \
	run -k "$K" --cpus 4 --max-cpus 2
expect_bad_input reboot_mode "--reboot sometimes" 2 "--reboot 'sometimes': expected reset or exit" \
	run -k "$K" --reboot sometimes
expect_bad_input suspend_fmt "--psci-suspend-format odd" 2 "--psci-suspend-format 'odd': expected extended or original" \
	run -k "$K" --psci-suspend-format odd
expect_bad_input idle_states "--idle-states deep" 2 "--idle-states 'deep': expected all, standby, powerdown or none" \
	run -k "$K" --idle-states deep
expect_bad_input psci_conduit "--psci-conduit svc" 2 "--psci-conduit 'svc': expected hvc or smc" \
	run -k "$K" --psci-conduit svc
expect_bad_input bad_name "--name with a slash" 2 "--name 'a/b': use 1-64 letters, digits" run -k "$K" --name a/b
expect_bad_input no_vm "a client command for a VM that is not running" 1 "hvmm: no VM named 'nosuchvm' is running" \
	stat --name nosuchvm
expect_bad_input cpu_usage "cpu with no action" 2 "usage: hvmm cpu enable|disable N --name NAME" cpu --name x
expect_bad_input sdei_event "--sdei-event with a bad type" 2 "--sdei-event '7,global,normal': the type is shared or private" \
	run -k "$K" --sdei-event 7,global,normal
expect_bad_input sdei_dup "--sdei-event reusing a default event" 2 \
	"--sdei-event '1000,private,normal': event 1000 is one of hvmm's default events" \
	run -k "$K" --sdei-event 1000,private,normal


# ---- contradictory options: exit 2 (a wrong command line), one line ----
expect_bad_input nosdei_event "--no-sdei with --sdei-event" 2 \
	"--sdei-event and --no-sdei contradict each other: without SDEI there are no events" \
	run -k "$BM/hello.elf" -m 64 --no-sdei --sdei-event 7,private,normal
expect_bad_input kpsci_maxcpus "--in-kernel-psci with --max-cpus" 2 \
	"--max-cpus needs hvmm's own PSCI (KVM's cannot keep vCPUs disabled): drop --in-kernel-psci" \
	run -k "$BM/hello.elf" -m 64 --in-kernel-psci --cpus 1 --max-cpus 2
expect_bad_input kpsci_event "--in-kernel-psci with --sdei-event" 2 \
	"--sdei-event needs hvmm's own PSCI: with --in-kernel-psci there is no SDEI" \
	run -k "$BM/hello.elf" -m 64 --sdei-event 7,shared,normal --in-kernel-psci
expect_bad_input kpsci_format "--in-kernel-psci with --psci-suspend-format" 2 \
	"--psci-suspend-format needs hvmm's own PSCI: with --in-kernel-psci KVM serves CPU_SUSPEND" \
	run -k "$BM/hello.elf" -m 64 --in-kernel-psci --psci-suspend-format original
expect_bad_input timeout_zero "--timeout 0" 2 "--timeout '0': expected seconds from 1 to 31536000" \
	run -k "$BM/hello.elf" -m 64 --timeout 0
expect_bad_input timeout_word "--timeout 5s" 2 "--timeout '5s': expected seconds from 1 to 31536000" \
	run -k "$BM/hello.elf" -m 64 --timeout 5s

# --timeout: a guest still running then is stopped, exit 5 and one line;
# the limit is hvmm's whole run (a reboot does not start it again), and a
# guest done before it ends as it would without.
to_run() {
	to_t0=$(date +%s)
	hvmm_run "$@"
	to_t=$(($(date +%s) - to_t0))
}
to_run to_wait run -k "$BM/console.elf" -m 64 -c 1 -p bm.do=wait --timeout 3
expect to_wait "--timeout 3, the guest waits for ever: exit 5 and exactly the one line, after 3 to 20 s (${to_t} s)" \
	sh -c "[ \"\$(cat $out/to_wait.rc)\" = 5 ] && [ \"\$(wc -l <$out/to_wait.err)\" = 1 ] &&
		grep -qxF 'hvmm: --timeout 3: the guest was still running after 3 s; stopped it' $out/to_wait.err &&
		[ $to_t -ge 3 ] && [ $to_t -le 20 ]"
to_run to_lazy run -k "$BM/lazy_mem.elf" -c 1 -m 64 --lazy-mem "zero,latency=30000000" \
	-p "bm.region=8 bm.len=8 bm.image=0" --timeout 3
expect to_lazy "--timeout 3 while a vCPU waits 30 s for a lazy page: exit 5 and the one line within 20 s (${to_t} s)" \
	sh -c "[ \"\$(cat $out/to_lazy.rc)\" = 5 ] && [ \"\$(wc -l <$out/to_lazy.err)\" = 1 ] &&
		grep -q 'still running after 3 s' $out/to_lazy.err && [ $to_t -le 20 ]"
hvmm_run to_done run -k "$BM/hello.elf" -m 64 -c 1 --timeout 600
expect to_done "--timeout 600, the guest powers off first: exit 0, nothing on stderr" \
	sh -c "[ \"\$(cat $out/to_done.rc)\" = 0 ] && [ ! -s $out/to_done.err ]"
to_run to_reboot run -k "$BM/console.elf" -m 64 -c 1 -p bm.do=reset --timeout 4
expect to_reboot "--timeout 4, a guest that resets in a loop: the limit covers every boot, exit 5 (${to_t} s)" \
	sh -c "[ \"\$(cat $out/to_reboot.rc)\" = 5 ] && grep -q 'still running after 4 s' $out/to_reboot.err &&
		[ \"\$(grep -c 'bm-console: boot' $out/to_reboot.out)\" -ge 2 ] && [ $to_t -le 30 ]"

# kvmtool's command line: the kernel as the one plain word, its options
# hvmm does anyway, --kaslr-seed into the device tree, and one refused.
hvmm_run lkvm_pos run -m 64 -c 1 --disable-mte --disable-sve --no-pvtime "$BM/hello.elf"
expect lkvm_pos "kvmtool's form: hvmm run [options] IMAGE boots IMAGE (with --disable-mte, --disable-sve, --no-pvtime): exit 0" \
	sh -c "[ \"\$(cat $out/lkvm_pos.rc)\" = 0 ] && grep -q 'hello' $out/lkvm_pos.out"
hvmm_run lkvm_seed run -k "$BM/hello.elf" -m 64 -c 1 --kaslr-seed 0x1234abcd5678ef90 --dump-dtb /tmp/seed.dtb
expect lkvm_seed "--kaslr-seed 0x1234abcd5678ef90: /chosen/kaslr-seed in the guest's device tree" \
	sh -c "[ \"\$(/tools/fdtprop /tmp/seed.dtb /chosen kaslr-seed u64)\" = 0x1234abcd5678ef90 ]"
# -d: images that cannot be a disk, each refused with one line before boot.
expect_bad_input disk_missing "-d naming no file" 1 "disk '/nonexistent.img': No such file or directory" \
	run -k "$BM/hello.elf" -m 64 -d /nonexistent.img
mkdir -p /tmp/disk-dir
expect_bad_input disk_dir "-d naming a directory" 1 "disk '/tmp/disk-dir': Is a directory" \
	run -k "$BM/hello.elf" -m 64 -d /tmp/disk-dir
head -c 1000 /dev/zero >/tmp/odd.img
expect_bad_input disk_odd "-d with an image of 1000 bytes" 1 \
	"disk '/tmp/odd.img': its size, 1000 bytes, is not a whole number of 512-byte sectors" \
	run -k "$BM/hello.elf" -m 64 -d /tmp/odd.img
: >/tmp/empty.img
expect_bad_input disk_empty "-d with an empty image" 1 "disk '/tmp/empty.img': its size, 0 bytes" \
	run -k "$BM/hello.elf" -m 64 -d /tmp/empty.img
expect_bad_input disk_char "-d naming a character device" 1 "disk '/dev/null': not a regular file or a block device" \
	run -k "$BM/hello.elf" -m 64 -d /dev/null
# An image hvmm cannot open for writing (root reads anything here, so the
# file sits on a file system mounted read-only); with ,ro it is a disk.
mkdir -p /tmp/rofs && mount -t tmpfs -o size=1m tmpfs /tmp/rofs && head -c 4096 /dev/zero >/tmp/rofs/disk.img &&
	mount -o remount,ro /tmp/rofs
expect_bad_input disk_rofs "-d with an image it cannot open for writing" 1 "disk '/tmp/rofs/disk.img': Read-only file system" \
	run -k "$BM/hello.elf" -m 64 -d /tmp/rofs/disk.img
hvmm_run disk_rofs_ro run -k "$BM/hello.elf" -m 64 -d /tmp/rofs/disk.img,ro
expect disk_rofs_ro "-d IMAGE,ro with that image: it opens read-only and the guest runs, exit 0" \
	rc_and disk_rofs_ro 0 grep -q 'hvmm-baremetal: hello' "$out/disk_rofs_ro.out"
umount /tmp/rofs
expect_bad_input disk_opt "-d with an option other than ro" 2 "--disk '/tmp/odd.img,rw': the only option after the file is ',ro'" \
	run -k "$BM/hello.elf" -m 64 -d /tmp/odd.img,rw
expect_bad_input disk_lazy "-d with --lazy-mem" 2 "--lazy-mem cannot be used with --disk or --rng yet" \
	run -k "$BM/hello.elf" -m 64 -d /tmp/odd.img --lazy-mem /tmp/odd.img
expect_bad_input lkvm_gicv2 "--irqchip gicv2 (hvmm emulates only a GICv3)" 2 "--irqchip gicv2: hvmm emulates only a GICv3" \
	run -k "$BM/hello.elf" -m 64 --irqchip=gicv2
hvmm_run lkvm_fw run -f "$BM/hello.bin" --firmware-address 0x40080000 -m 64 -c 1
expect lkvm_fw "kvmtool's -f: a firmware image loaded raw at --firmware-address 0x40080000 runs from its first byte, exit 0" \
	rc_and lkvm_fw 0 grep -q 'hvmm-baremetal: hello' "$out/lkvm_fw.out"
expect_bad_input lkvm_fw_addr "--firmware-address below RAM" 1 "firmware of" \
	run -f "$BM/hello.bin" --firmware-address 0x30000000 -m 64
expect_bad_input lkvm_fw_k "-f with -k" 2 "-k and -f: give a kernel or a firmware image, not both" \
	run -f "$BM/hello.bin" -k "$BM/hello.elf" -m 64
expect_bad_input lkvm_dev "--dev naming no file" 1 "cannot open /nonexistent-kvm: No such file or directory" \
	run -k "$BM/hello.elf" -m 64 --dev /nonexistent-kvm
expect_bad_input lkvm_dev_null "--dev naming a file that is no KVM device" 1 \
	"/dev/null is not a KVM device (KVM_GET_API_VERSION: Inappropriate ioctl for device)" \
	run -k "$BM/hello.elf" -m 64 --dev /dev/null
# A runner's lkvm line, hvmm linked in lkvm's place: found by its help,
# and the guest boots with every option a script passes lkvm.
ln -sf "$H" /tmp/lkvm
/tmp/lkvm --help >"$out/lkvm_help.out" 2>&1
echo $? >"$out/lkvm_help.rc"
expect lkvm_help "hvmm started as lkvm: its --help says 'The most commonly used lkvm commands are:', exit 0" \
	rc_and lkvm_help 0 grep -qx ' The most commonly used lkvm commands are:' "$out/lkvm_help.out"
timeout -s KILL 120 /tmp/lkvm run -k "$BM/hello.elf" -c 2 -m 64 --name lkvm-line --console serial --nodefaults \
	--network mode=none --loglevel warning --irqchip=gicv3 --dev /dev/kvm --debug-ioport --disable-mte \
	--no-pvtime </dev/null >"$out/lkvm_line.raw" 2>"$out/lkvm_line.err"
echo $? >"$out/lkvm_line.rc"
tr -d '\r' <"$out/lkvm_line.raw" >"$out/lkvm_line.out"
expect lkvm_line "hvmm as lkvm: a kvmtool run line (--console serial --nodefaults --network mode=none --irqchip=gicv3 --dev ...) boots, exit 0" \
	rc_and lkvm_line 0 sh -c "grep -q hello $out/lkvm_line.out && [ ! -s $out/lkvm_line.err ]"

expect_bad_input kpsci_pending "--in-kernel-psci with --psci-on-pending" 2 \
	"--psci-on-pending needs hvmm's own PSCI: with --in-kernel-psci KVM answers CPU_ON (ALREADY_ON)" \
	run -k "$BM/hello.elf" -m 64 --psci-on-pending --in-kernel-psci
expect_bad_input kpsci_idle "--in-kernel-psci with --idle-states" 2 \
	"--idle-states needs hvmm's own PSCI: with --in-kernel-psci the device tree offers none" \
	run -k "$BM/hello.elf" -m 64 --in-kernel-psci --idle-states powerdown
expect_bad_input cpus_maxcpus "--cpus larger than --max-cpus" 2 "--cpus 3 is more than --max-cpus 2" \
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
expect_bad_input elf_machine "ELF for another machine (x86-64)" 1 \
	"ELF is not a 64-bit AArch64 executable (class 2, machine 62)" run -k /tmp/machine.elf -m 64
expect_bad_input elf_class32 "ELF declaring itself 32-bit" 1 "ELF is not a 64-bit AArch64 executable (class 1," \
	run -k /tmp/class32.elf -m 64
expect_bad_input elf_dyn "ELF that is not an executable (ET_DYN)" 1 "ELF is not an executable (type 3)" \
	run -k /tmp/dyn.elf -m 64
expect_bad_input elf_phnum "ELF with e_phnum 0xfffe" 1 "truncated ELF: its program headers end at" \
	run -k /tmp/phnum.elf -m 64
expect_bad_input elf_phoff "ELF with e_phoff far past the end of the file" 1 "truncated ELF: its program headers end at" \
	run -k /tmp/phoff.elf -m 64
expect_bad_input elf_phentsize "ELF with a wrong e_phentsize" 1 \
	"corrupt ELF: program header entries of 64 bytes (ELF64 ones have 56)" run -k /tmp/phentsize.elf -m 64
expect_bad_input elf_segbig "ELF whose segment is larger than the file" 1 \
	"truncated ELF: segment 0 needs file bytes up to 0x10010000" run -k /tmp/segbig.elf -m 64
expect_bad_input elf_filesz "ELF segment with file size above memory size" 1 "ELF segment 0: file size" \
	run -k /tmp/filesz.elf -m 64

# Images from a bare 64-byte header: code 0, text_offset, image_size, flags,
# reserved, "ARM\x64", PE offset.
image_header() { # FILE TEXT_OFFSET-ESCAPES IMAGE_SIZE-ESCAPES PE-OFFSET-ESCAPES
	{ head -c 8 /dev/zero; printf "$2"; printf "$3"; head -c 32 /dev/zero; printf 'ARM\144'; printf "$4"; } >"$1"
}
z8='\000\000\000\000\000\000\000\000'
image_header /tmp/huge.Image "$z8" '\377\377\377\377\377\377\377\377' '\000\000\000\000'
image_header /tmp/pe.Image "$z8" '\000\020\000\000\000\000\000\000' '\000\000\020\000'
image_header /tmp/unaligned.Image '\043\001\000\000\000\000\000\000' '\000\020\000\000\000\000\000\000' '\000\000\000\000'
expect_bad_input image_huge "Image header with image_size 2^64-1" 1 "(image_size 0xffffffffffffffff) but RAM is 64 MiB" \
	run -k /tmp/huge.Image -m 64
expect_bad_input image_pe "Image whose PE header offset lies past the end of the file" 1 \
	"truncated Image: the file has 64 bytes and ends inside its PE/COFF headers" run -k /tmp/pe.Image -m 64
expect_bad_input image_unaligned "Image with a text_offset that is not page aligned" 1 \
	"Image text_offset 0x123 is not page aligned" run -k /tmp/unaligned.Image -m 64

mkdir -p /tmp/adir
: >/tmp/empty.initrd
dd if=/dev/zero of=/tmp/sparse.initrd bs=1M seek=80 count=0 2>/dev/null
expect_bad_input kernel_dir "a directory as kernel" 1 "kernel '/tmp/adir': not a regular file" run -k /tmp/adir -m 64
expect_bad_input kernel_dev "a character device (/dev/zero) as kernel" 1 "kernel '/dev/zero': not a regular file" \
	run -k /dev/zero -m 64
expect_bad_input initrd_dir "a directory as initrd" 1 "initrd '/tmp/adir': not a regular file" \
	run -k "$BM/hello.elf" -i /tmp/adir -m 64
expect_bad_input initrd_empty "an empty initrd" 1 "initrd '/tmp/empty.initrd': file is empty" \
	run -k "$BM/hello.elf" -i /tmp/empty.initrd -m 64
expect_bad_input initrd_big "an initrd larger than RAM (80 MiB, -m 64)" 1 "RAM too small: 64 MiB of RAM" \
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
bg_expect "bm: waiting for cpu 2" 120 "socket: the hostile guest runs and waits for the host"

# raw_expect NAME BYTES-FILE PATTERN DESC: one connection (ctlraw exits 0);
# the reply must be exactly one line matching PATTERN.
raw_expect() {
	raw "$1" "$2" hsock
	rc_is "$1" 0 && [ "$(wc -l <"$out/$1.out")" -eq 1 ] && grep -Eq -- "$3" "$out/$1.out"
	result "socket: $4" $? "$out/$1.out" "$out/$1.err" "$out/$1.rc"
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
	rc_and s1024 0 sh -c "head -n 1 $out/s1024.out | grep -qx ok && grep -qx 'name hsock' $out/s1024.out"
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
	rc_and stwo 0 sh -c "head -n 1 $out/stwo.out | grep -qx ok && grep -qx 'name hsock' $out/stwo.out"

# A flood: 12 clients at once. 4 connect and send nothing (each holds the
# server for its 2 s timeout), 4 send random bytes, 2 oversized lines, 2
# ping; meanwhile hvmm stat waits its turn.
silent_client() { # NAME: connects, sends nothing for 15 s
	sleep 15 | timeout -s KILL 40 /tools/ctlraw "$HOME/.hvmm/hsock.sock" >"$out/$1.out" 2>"$out/$1.err"
	echo $? >"$out/$1.rc"
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
	rc_is flood_silent$i 0 && grep -qx 'error no complete request within 2000 ms' "$out/flood_silent$i.out" ||
		bad=$((bad + 1))
	rc_is flood_junk$i 0 && [ "$(wc -l <"$out/flood_junk$i.out")" -eq 1 ] &&
		grep -q '^error ' "$out/flood_junk$i.out" || bad=$((bad + 1))
done
for i in 1 2; do
	rc_is flood_big$i 0 && grep -qx 'error request longer than 1024 bytes' "$out/flood_big$i.out" || bad=$((bad + 1))
	rc_is flood_ping$i 0 && grep -qx 'name hsock' "$out/flood_ping$i.out" || bad=$((bad + 1))
done
[ "$bad" -eq 0 ]
result "socket flood: 12 concurrent clients each get their one reply ($bad wrong)" $? \
	"$out/flood_silent1.out" "$out/flood_junk1.out" "$out/flood_big1.out" "$out/flood_ping1.out"
expect flood_stat "socket flood: hvmm stat queued behind the flood is answered" \
	sh -c "[ \"\$(cat $out/flood_stat.rc)\" = 0 ] && grep -q '^vcpu 2: disabled' $out/flood_stat.out"
ctl hsock_stat stat --name hsock
expect hsock_stat "socket: after all that the VM answers hvmm stat and is running" \
	rc_and hsock_stat 0 sh -c "grep -q '^state: running' $out/hsock_stat.out && grep -Eq '^vcpu 1: on' $out/hsock_stat.out"
kill -0 "$bg_pid" 2>/dev/null && ! bg_output | grep -q 'bm: PASSED'
result "socket: the guest is still running, still waiting for the host" $? "$out/hsock.raw"
ctl hsock_enable cpu enable 2 --name hsock
expect hsock_enable "socket: hvmm cpu enable 2 exits 0" rc_is hsock_enable 0
bg_finish
expect hsock "socket: once vCPU 2 is enabled the guest finishes and passes" has_out hsock "bm: PASSED"
expect hsock "socket: no TAP check failed and SYSTEM_OFF exits 0" \
	sh -c "[ \"\$(cat $out/hsock.rc)\" = 0 ] && ! grep -q '^not ok' $out/hsock.out && grep -q 'CPU_ON of the vCPU the host enabled succeeds' $out/hsock.out"
grep -E '^not ok' "$out/hsock.out" | sed 's/^/#   hsock: /'
