#!/bin/bash
# ./run.sh [hvmm run options...]
#
# Boots the default guest: Debian's arm64 kernel with hvmm's busybox
# initramfs, ending in a shell on this terminal ('poweroff' ends it, as does
# Ctrl-A x). On an arm64 machine with a usable /dev/kvm, hvmm runs directly;
# anywhere else it runs inside the emulated arm64 KVM host (QEMU), with the
# console passed through. Extra options go to `hvmm run`; files named by
# -k/--kernel and -i/--initrd are carried into the emulated host.
# Installs its dependencies (make deps) the first time.
set -euo pipefail
cd "$(dirname "$0")"

make -s all guests
kernel=.cache/linux/Image
initrd=build/guest-initramfs.cpio

if [ "$(uname -m)" = aarch64 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	exec build/hvmm run -k "$kernel" -i "$initrd" "$@"
fi

# Quote one word for the emulated host's sh.
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

files=("build/hvmm=/hvmm" "$kernel=/guest/Image" "$initrd=/guest/initramfs.cpio")
args=()
# carry FILE: put a host file into the emulated host; its path there goes
# into $carried.
carry() {
	[ -f "$1" ] || { echo "run.sh: no such file: $1" >&2; exit 1; }
	carried=/user/${#files[@]}-$(basename "$1")
	files+=("$1=$carried")
}
while [ $# -gt 0 ]; do
	case $1 in
	-k|--kernel|-i|--initrd)
		[ $# -ge 2 ] || { echo "run.sh: $1 needs a file" >&2; exit 2; }
		carry "$2"
		args+=("$1" "$carried")
		shift 2 ;;
	--kernel=*|--initrd=*)
		carry "${1#*=}"
		args+=("${1%%=*}=$carried")
		shift ;;
	*)
		args+=("$1")
		shift ;;
	esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/hvmm-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
{
	echo '#!/bin/sh'
	printf 'exec /hvmm run -k /guest/Image -i /guest/initramfs.cpio'
	for a in "${args[@]+"${args[@]}"}"; do printf ' %s' "$(sq "$a")"; done
	echo
} >"$work/job.sh"
guest/linux/mkinitramfs.sh --init guest/emuhost/init .cache/busybox/busybox "$work/host.cpio" "${files[@]}"
echo "run.sh: booting the emulated arm64 KVM host; hvmm starts inside it (Ctrl-A x stops the guest)" >&2
status=0
guest/emuhost/boot.sh --kernel "$kernel" --initrd "$work/host.cpio" --job "$work/job.sh" || status=$?
exit "$status"
