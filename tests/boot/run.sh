#!/bin/bash
# Runs tests/boot/host-tests.sh inside the emulated arm64 KVM host (or, on an
# arm64 machine with a usable /dev/kvm, directly) and checks that it finished.
# usage: tests/boot/run.sh BUILD_DIR GUEST_KERNEL BUSYBOX [PART...]
# With PARTs (names of tests/boot/parts/*.sh, without .sh) only those run.
set -euo pipefail
cd "$(dirname "$0")/../.."

[ $# -ge 3 ] || { echo "usage: $0 BUILD_DIR GUEST_KERNEL BUSYBOX [PART...]" >&2; exit 2; }
B=$1 kernel=$2 busybox=$3
shift 3
# parts_job FILE PART...: a job that runs those parts, in that order.
parts_job() {
	local f=$1 p
	shift
	{
		echo '. /tests/lib.sh'
		for p in "$@"; do
			[ -f "tests/boot/parts/$p.sh" ] || { echo "boot: no part tests/boot/parts/$p.sh" >&2; exit 2; }
			echo "run_part $p"
		done
		echo 'boot_summary'
	} >"$f"
}
job=tests/boot/host-tests.sh
if [ $# -gt 0 ]; then
	job=$B/boot-tests-parts.sh
	parts_job "$job" "$@"
fi
# The parts the tree has, for host-tests.sh: one that does not reach the
# emulated host, or does not parse there, is a failed check (run_part).
parts_list=$B/boot-parts.list
mkdir -p "$B"
for f in tests/boot/parts/*.sh; do
	[ -f "$f" ] || continue
	p=${f##*/}
	echo "${p%.sh}"
done >"$parts_list"
# BOOT_LOG: somewhere else than the suite's own log (a second run beside it).
log=${BOOT_LOG:-$B/boot-tests.log}
host_cpio=$B/emuhost-boot-tests.cpio
files=(
	"$B/hvmm=/hvmm"
	"$kernel=/guest/Image"
	"$B/guest-initramfs.cpio=/guest/initramfs.cpio"
)
for f in "$B"/guest/*.elf "$B"/guest/*.bin; do
	files+=("$f=/guest/bm/${f##*/}")
done
for f in "$B"/tools/*; do
	files+=("$f=/tools/${f##*/}")
done
files+=("tests/boot/sdei-answer.sh=/tools/sdei-answer.sh" "tests/boot/lib.sh=/tests/lib.sh")
files+=("$parts_list=/tests/parts.list")
for f in tests/boot/parts/*.sh; do
	files+=("$f=/tests/parts/${f##*/}")
done

# ---- dynamic programs and their shared libraries ----
# ship_libs ELF LOOKUP: every shared library ELF needs, followed through
# their own DT_NEEDED entries, found by LOOKUP LIB (which prints a path): the
# loader at the path ELF asks for, the rest in /lib/aarch64-linux-gnu, where
# the loader looks by default. A library an earlier program brought is not
# brought again, so the host has one glibc (loader, libc and libm of one build).
cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
shipped=" "
ship_libs() {
	local elf=$1 lookup=$2 interp lib path
	local -a todo=("$1")
	interp=$("${cross}readelf" -l "$elf" | sed -n 's/.*program interpreter: \(.*\)\]$/\1/p')
	while [ ${#todo[@]} -gt 0 ]; do
		for lib in $("${cross}readelf" -d "${todo[0]}" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			case $shipped in *" $lib "*) continue ;; esac
			shipped="$shipped$lib "
			path=$("$lookup" "$lib") || path=
			[ -f "$path" ] || { echo "boot: $lib (needed by ${elf##*/}) not found; run 'make deps'" >&2; exit 2; }
			todo+=("$path")
			if [ "${interp##*/}" = "$lib" ]; then
				files+=("$path=$interp")
			else
				files+=("$path=/lib/aarch64-linux-gnu/$lib")
			fi
		done
		todo=("${todo[@]:1}")
	done
}

# ---- hvmm-asan (tests/boot/parts/sanitizers.sh) ----
# The sanitizer build is dynamic: it goes in as /hvmm-asan, with the shared
# libraries from where the cross compiler links them.
cross_lib() { "${cross}gcc" -print-file-name="$1"; }
if [ -f "$B/hvmm-asan" ]; then
	files+=("$B/hvmm-asan=/hvmm-asan")
	ship_libs "$B/hvmm-asan" cross_lib
fi

# ---- python3 (tests/boot/parts/examples.sh) ----
# Debian's arm64 python3.11-minimal as unpacked by tests/boot/fetch-python.sh
# (make deps), with the minimal standard library where the binary looks for
# it (prefix /usr), and the shared libraries from the same packages. Coming
# after hvmm-asan, it shares that one's glibc (2.36 of the cross toolchain;
# python3.11 asks for 2.35), else it brings Debian's. lib-dynload's _ssl and
# _hashlib go in (the directory tells Python its exec_prefix) but not the
# 5 MB of OpenSSL they load: import ssl fails, hashlib uses built-in digests.
pyroot=${PYTHON_ARM64:-.cache/python-arm64}
py_lib() {
	local d
	for d in "$pyroot/lib/aarch64-linux-gnu" "$pyroot/usr/lib/aarch64-linux-gnu"; do
		[ -e "$d/$1" ] && { echo "$d/$1"; return; }
	done
}
if [ ! -f "$pyroot/.fetched" ] || [ ! -f "$pyroot/usr/bin/python3.11" ]; then
	echo "boot: no python3.11 in $pyroot; run 'make deps'" >&2
	exit 2
fi
files+=("$pyroot/usr/bin/python3.11=/usr/bin/python3")
ship_libs "$pyroot/usr/bin/python3.11" py_lib
while IFS= read -r f; do
	files+=("$pyroot/$f=/$f")
done < <(cd "$pyroot" && find usr/lib/python3.11 -type f \( -name '*.py' -o -name '*.so' \) | LC_ALL=C sort)
for f in examples/smccc-handlers/kv.py "$B/examples/kv-handler"; do
	files+=("$f=/examples/${f##*/}")
done

# ---- the emulated host's disks (tests/boot/parts/virtio.sh) ----
# Two ext4 images made here, given to the emulated host as its /dev/vda
# (the guest writes it; checked here afterwards) and /dev/vdb (read-only
# to the guest; it must come back unchanged). The host loads virtio_blk.ko.
for tool in mke2fs e2fsck debugfs md5sum; do
	command -v "$tool" >/dev/null 2>&1 || { echo "boot: $tool not found; run 'make deps'" >&2; exit 2; }
done
files+=("${kernel%/*}/modules/virtio_blk.ko=/lib/modules/virtio_blk.ko")
disk_src=$B/virtio-disk-src disk_rw=$B/virtio-rw.ext4 disk_ro=$B/virtio-ro.ext4
root_src=$B/virtio-root-src root_img=$B/virtio-root.ext4
# make_disks: the images, new (again before a rerun: a hung host may have
# left the written one half done).
make_disks() {
	rm -rf "$disk_src" "$disk_rw" "$disk_ro"
	mkdir -p "$disk_src"
	echo "hello from the build machine" >"$disk_src/hello.txt"
	for img in "$disk_rw" "$disk_ro"; do
		mke2fs -q -F -t ext4 -d "$disk_src" "$img" 32M >/dev/null ||
			{ echo "boot: cannot make the ext4 image $img" >&2; exit 2; }
	done
	ro_sum=$(md5sum <"$disk_ro")
}
make_disks
# A root file system for root=/dev/vda: busybox and an /sbin/init that
# says where it runs and powers off (tests/boot/parts/virtio.sh).
rm -rf "$root_src" "$root_img"
mkdir -p "$root_src/bin" "$root_src/sbin" "$root_src/proc" "$root_src/dev"
cp "$busybox" "$root_src/bin/busybox"
cat >"$root_src/sbin/init" <<'EOF_INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "rootfs-init: pid $$, / is $(/bin/busybox awk '$2 == "/" { print $3 }' /proc/mounts)" \
	"$(/bin/busybox grep -c . /proc/mounts) mounts"
/bin/busybox poweroff -f
EOF_INIT
chmod 0755 "$root_src/sbin/init"
mke2fs -q -F -t ext4 -d "$root_src" "$root_img" 8M >/dev/null ||
	{ echo "boot: cannot make the ext4 image $root_img" >&2; exit 2; }
files+=("$root_img=/guest/root.ext4")

guest/linux/mkinitramfs.sh --init guest/emuhost/init "$busybox" "$host_cpio" "${files[@]}"
# run_host JOB LOG: the emulated host runs JOB; boot.sh's status.
run_host() {
	# The whole boot job takes 10 to 20 minutes under TCG, depending on the
	# machine and what else it runs; the limit only catches a hang.
	guest/emuhost/boot.sh --kernel "$kernel" --initrd "$host_cpio" --job "$1" \
		--disk "$disk_rw" --disk "$disk_ro" --timeout 2400 --log "$2"
}
# summary_of LOG: "PASSED FAILED" from the job's last line, if it got there.
summary_of() {
	tr -d '\r' <"$1" | sed -n -E 's/^boot: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' | tail -n 1
}
# rerun_after_hang: the emulated host hung (boot.sh's status 126) inside a
# part: the host's kernel stopped (a test's own hang is caught by its time
# limit). Seen once in a long TCG run, on a machine where the same run
# passes: the rows before that part stand, and it and the parts after it
# run once more in a fresh emulated host (docs/emulated-host.md).
# Sets pass0/fail0 (the rows that stand), status and summary.
rerun_after_hang() {
	local clean hung before p
	local -a order rest
	clean=$(tr -d '\r' <"$log")
	hung=$(echo "$clean" | sed -n 's/^# part \([a-z0-9-]*\): begins at .*/\1/p' | tail -n 1)
	[ -n "$hung" ] || return 0
	! echo "$clean" | grep -q "^# part $hung: ends" || return 0
	before=$(echo "$clean" | sed "/^# part $hung: begins/q")
	pass0=$(echo "$before" | grep -c '^ok ') || true
	fail0=$(echo "$before" | grep -c '^not ok ') || true
	if [ $# -gt 0 ]; then order=("$@"); else mapfile -t order <"$parts_list"; fi
	rest=("$hung")
	for p in "${order[@]}"; do
		echo "$clean" | grep -q "^# part $p: begins" || rest+=("$p")
	done
	echo "# boot: the emulated host hung in part $hung (rows before it: $pass0 passed, $fail0 failed);" \
		"a fresh emulated host runs ${rest[*]}"
	parts_job "$B/boot-tests-rerun.sh" "${rest[@]}"
	make_disks
	status=0
	run_host "$B/boot-tests-rerun.sh" "$log.rerun" || status=$?
	cat "$log.rerun" >>"$log"
	summary=$(summary_of "$log.rerun")
}

status=0
run_host "$job" "$log" || status=$?
summary=$(summary_of "$log")
pass0=0 fail0=0
[ -n "$summary" ] || [ "$status" -ne 126 ] || rerun_after_hang "$@"
if [ -z "$summary" ]; then
	echo "boot: the emulated host did not finish the boot tests (status $status); see $log" >&2
	echo "boot: 0 passed, 1 failed"
	exit 1
fi
read -r pass fail <<<"$summary"
pass=$((pass + pass0)) fail=$((fail + fail0))
n=$((pass + fail))
check() {
	n=$((n + 1))
	if "${@:2}" >/dev/null 2>&1; then
		pass=$((pass + 1))
		echo "ok $n - $1"
	else
		fail=$((fail + 1))
		echo "not ok $n - $1"
	fi
}
# What the guest of the virtio part wrote, checked on this machine.
if [ $# -eq 0 ] || [[ " $* " == *" virtio "* ]]; then
	guest_md5=$(tr -d '\r' <"$log" | sed -n 's/^#   vblk: big.bin md5: //p' | tail -n 1)
	check "-d: the disk the guest wrote passes e2fsck -fn on the build machine" e2fsck -fn "$disk_rw"
	check "-d: the build machine reads the guest's new.txt from the image" \
		bash -c '[ "$(debugfs -R "cat /new.txt" "$1" 2>/dev/null)" = "written by the guest through virtio-blk" ]' _ "$disk_rw"
	check "-d: the guest's 4 MiB big.bin has on the build machine the checksum the guest computed" \
		bash -c '[ -n "$2" ] && [ "$(debugfs -R "cat /big.bin" "$1" 2>/dev/null | md5sum | cut -d" " -f1)" = "$2" ]' \
		_ "$disk_rw" "$guest_md5"
	check "-d FILE,ro: the read-only disk comes back unchanged" \
		bash -c '[ "$(md5sum <"$1")" = "$2" ]' _ "$disk_ro" "$ro_sum"
fi
# The whole run's line (the job printed its own, of its rows only).
echo "boot: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || status=1
exit "$status"
