#!/bin/sh
# Boot tests, run inside the emulated arm64 KVM host as its /job.sh (busybox
# sh). Prints TAP lines and ends with "boot: N passed, N failed".
#
# Files (put there by tests/boot/run.sh): /hvmm, /guest/Image,
# /guest/initramfs.cpio, /guest/bm/*.

H=/hvmm
K=/guest/Image
I=/guest/initramfs.cpio
BM=/guest/bm
out=/tmp/boot-tests
mkdir -p "$out"
n=0 pass=0 fail=0

# result DESC STATUS [LOG...]: one TAP line; on failure, the logs' tails.
result() {
	desc=$1 status=$2
	shift 2
	n=$((n + 1))
	if [ "$status" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - $desc"
	else
		fail=$((fail + 1))
		echo "not ok $n - $desc"
		for f in "$@"; do
			[ -f "$f" ] && tail -n 15 "$f" | sed "s|^|#   ${f##*/}: |"
		done
	fi
}

# hvmm_run NAME ARGS...: run hvmm with no terminal; NAME.out/.err/.rc.
hvmm_run() {
	name=$1
	shift
	timeout -s KILL 300 "$H" "$@" </dev/null >"$out/$name.raw" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
	# The guest's serial console ends lines with CR LF.
	tr -d '\r' <"$out/$name.raw" >"$out/$name.out"
}

rc_of() { cat "$out/$1.rc"; }

# expect NAME DESC COMMAND...: a check on run NAME's files.
expect() {
	name=$1 desc=$2
	shift 2
	"$@" >/dev/null 2>&1
	result "$desc" $? "$out/$name.out" "$out/$name.err"
}

has_out() { grep -q -- "$2" "$out/$1.out"; }
has_err() { grep -q -- "$2" "$out/$1.err"; }
rc_is() { [ "$(rc_of "$1")" = "$2" ]; }

# A bad input: non-zero exit that is not a crash (signals give 128+), and
# exactly one line on stderr that mentions what is wrong.
expect_bad_input() {
	name=$1 desc=$2 pattern=$3
	shift 3
	hvmm_run "$name" "$@"
	rc=$(rc_of "$name")
	lines=$(wc -l <"$out/$name.err")
	[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] && [ "$lines" -eq 1 ] && has_err "$name" "$pattern"
	result "bad input: $desc (exit $rc, $lines stderr line(s))" $? "$out/$name.err"
}

linux_boot() {
	cpus=$1 script=$2 name=linux$1
	hvmm_run "$name" run -k "$K" -i "$I" -c "$cpus" -m 256 --stats -p "quiet hvmm.test=$script"
	expect "$name" "$cpus vCPU(s): Linux guest reaches init" has_out "$name" "hvmm-guest: init reached"
	expect "$name" "$cpus vCPU(s): /proc/cpuinfo shows $cpus CPUs" has_out "$name" "hvmm-test: cpus=$cpus\$"
	expect "$name" "$cpus vCPU(s): dmesg shows PSCIv1.1 detected" has_out "$name" "psci: PSCIv1.1 detected in firmware"
}

echo "boot tests: $(uname -r), $(grep -c ^processor /proc/cpuinfo) host CPUs"

# ---- Linux guests ----
linux_boot 1 smp
expect linux1 "1 vCPU: poweroff in the guest makes hvmm exit 0" rc_is linux1 0

linux_boot 2 smp_reboot
expect linux2 "2 vCPUs: --stats shows CPU_ON served in userspace" \
	grep -Eq "stats: PSCI_CPU_ON +0xc4000003 [1-9]" "$out/linux2.err"
expect linux2 "2 vCPUs: reboot in the guest makes hvmm exit 3 (reset)" rc_is linux2 3

linux_boot 4 smp
expect linux4 "4 vCPUs: all CPUs online" has_out linux4 "hvmm-test: online=0-3"
expect linux4 "4 vCPUs: --stats counts 3 CPU_ON calls" \
	grep -Eq "stats: PSCI_CPU_ON +0xc4000003 3$" "$out/linux4.err"
expect linux4 "4 vCPUs: poweroff exits 0" rc_is linux4 0

# ---- bare-metal guests ----
hvmm_run bm_elf run -k "$BM/hello.elf" -c 1 -m 64 --stats
expect bm_elf "bare-metal ELF: loads, runs and passes its checks" has_out bm_elf "bm: PASSED"
expect bm_elf "bare-metal ELF: SYSTEM_OFF exits 0" rc_is bm_elf 0
expect bm_elf "bare-metal ELF: --stats counts PSCI_VERSION" \
	grep -Eq "stats: PSCI_VERSION +0x84000000 1$" "$out/bm_elf.err"

hvmm_run bm_raw run -k "$BM/hello.bin" -c 2 -m 64
expect bm_raw "raw binary: loaded at RAM + 0x80000 and passes its checks" has_out bm_raw "bm: PASSED"
expect bm_raw "raw binary: exits 0" rc_is bm_raw 0

hvmm_run bm_kernel_psci run -k "$BM/hello.elf" -m 64 --in-kernel-psci --stats
expect bm_kernel_psci "--in-kernel-psci: KVM serves PSCI and the guest passes" has_out bm_kernel_psci "bm: PASSED"
expect bm_kernel_psci "--in-kernel-psci: exits 0 and no call reached hvmm" \
	sh -c "[ \"\$(cat $out/bm_kernel_psci.rc)\" = 0 ] && grep -q 'served by KVM' $out/bm_kernel_psci.err"

hvmm_run dump run -k "$BM/hello.elf" -m 64 --dump-dtb /tmp/hvmm.dtb
expect dump "--dump-dtb writes a device tree blob" \
	sh -c "[ \"\$(od -An -tx1 -N4 /tmp/hvmm.dtb | tr -d ' ')\" = d00dfeed ]"

# ---- bad inputs ----
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

echo "boot: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
