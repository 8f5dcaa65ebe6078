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
job=tests/boot/host-tests.sh
if [ $# -gt 0 ]; then
	job=$B/boot-tests-parts.sh
	{
		echo '. /tests/lib.sh'
		for p in "$@"; do
			[ -f "tests/boot/parts/$p.sh" ] || { echo "boot: no part tests/boot/parts/$p.sh" >&2; exit 2; }
			echo "run_part $p"
		done
		echo 'boot_summary'
	} >"$job"
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

# ---- hvmm-asan and its shared libraries (tests/boot/parts/sanitizers.sh) ----
# The sanitizer build is dynamic: it goes in as /hvmm-asan, with every shared
# library it needs, followed through their own DT_NEEDED entries, taken from
# where the cross compiler links them: the loader at the path the binary asks
# for, the rest in /lib/aarch64-linux-gnu, where the loader looks by default.
if [ -f "$B/hvmm-asan" ]; then
	cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
	files+=("$B/hvmm-asan=/hvmm-asan")
	interp=$("${cross}readelf" -l "$B/hvmm-asan" | sed -n 's/.*program interpreter: \(.*\)\]$/\1/p')
	todo=("$B/hvmm-asan") seen=" "
	while [ ${#todo[@]} -gt 0 ]; do
		for lib in $("${cross}readelf" -d "${todo[0]}" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			case $seen in *" $lib "*) continue ;; esac
			seen="$seen$lib "
			path=$("${cross}gcc" -print-file-name="$lib")
			[ -f "$path" ] || { echo "boot: $lib (needed by hvmm-asan) not found; run 'make deps'" >&2; exit 2; }
			todo+=("$path")
			if [ "${interp##*/}" = "$lib" ]; then
				files+=("$path=$interp")
			else
				files+=("$path=/lib/aarch64-linux-gnu/$lib")
			fi
		done
		todo=("${todo[@]:1}")
	done
fi

guest/linux/mkinitramfs.sh --init guest/emuhost/init "$busybox" "$host_cpio" "${files[@]}"
status=0
guest/emuhost/boot.sh --kernel "$kernel" --initrd "$host_cpio" --job "$job" \
	--timeout 1500 --log "$log" || status=$?
if ! grep -Eq '^boot: [0-9]+ passed, [0-9]+ failed' "$log"; then
	echo "boot: the emulated host did not finish the boot tests (status $status); see $log" >&2
	echo "boot: 0 passed, 1 failed"
	exit 1
fi
exit "$status"
