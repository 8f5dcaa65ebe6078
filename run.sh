#!/bin/bash
# ./run.sh [hvmm run options...]
#
# Boots the default guest: Debian's arm64 kernel with hvmm's busybox
# initramfs, ending in a shell on this terminal ('poweroff' ends it, as does
# Ctrl-A x). On an arm64 machine with a usable /dev/kvm, hvmm runs directly;
# anywhere else it runs inside the emulated arm64 KVM host (QEMU), with the
# console passed through and the VM's control socket forwarded to this
# machine, so that `build/native/hvmm list|stat|cpu|sdei|stop ...` work from
# another terminal here. Extra options go to `hvmm run`; files named by
# -k/--kernel and -i/--initrd are carried into the emulated host; each
# -d/--disk IMAGE[,ro] becomes a disk of the emulated host (/dev/vda, ...),
# so what the guest writes lands in IMAGE.
# Installs its dependencies (make deps) the first time.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
	cat <<'EOF'
usage: ./run.sh [hvmm run options...]
Boots Debian's arm64 kernel with hvmm's busybox shell on this terminal
('poweroff' in the guest or Ctrl-A x ends it). On x86-64 hvmm runs inside an
emulated arm64 KVM host; build/native/hvmm lists and controls its VM from
another terminal. The options are hvmm run's:

EOF
}

make -s all guests
kernel=.cache/linux/Image
initrd=build/guest-initramfs.cpio

if [ "$(uname -m)" = aarch64 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	exec build/hvmm run -k "$kernel" -i "$initrd" "$@"
fi

# The options are read here first, by the same parser as inside: a bad one
# is refused at once, not after the emulated host has booted; --help is
# answered here.
native=build/native/hvmm
for a in "$@"; do
	case $a in -h | --help) usage; exec "$native" run --help ;; esac
done
check=0
"$native" run -k "$kernel" -i "$initrd" "$@" 2>/dev/null || check=$?
if [ "$check" -eq 2 ]; then
	"$native" run -k "$kernel" -i "$initrd" "$@" >&2 || true
	exit 2
fi

# Quote one word for the emulated host's sh.
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

files=("build/hvmm=/hvmm" "$kernel=/guest/Image" "$initrd=/guest/initramfs.cpio"
	".cache/linux/modules/virtio_blk.ko=/lib/modules/virtio_blk.ko")
args=()
disks=()             # boot.sh's --disk IMAGE pairs
letters=abcdefgh     # the emulated host names its disks vda, vdb, ...
name=
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
	-d|--disk|--disk=*)
		# The emulated host gets the image as a disk of its own, so that
		# what the guest writes lands in this file.
		if [ "$1" = -d ] || [ "$1" = --disk ]; then
			[ $# -ge 2 ] || { echo "run.sh: $1 needs an image" >&2; exit 2; }
			spec=$2
			shift 2
		else
			spec=${1#*=}
			shift
		fi
		image=${spec%,ro}
		[ -f "$image" ] || { echo "run.sh: no such image: $image" >&2; exit 1; }
		inside=/dev/vd${letters:$((${#disks[@]} / 2)):1}
		disks+=(--disk "$spec")
		args+=(-d "$inside${spec#"$image"}") ;;
	--name)
		name=${2:-}
		args+=("$1" "$name")
		shift 2 ;;
	--name=*)
		name=${1#*=}
		args+=("$1")
		shift ;;
	*)
		args+=("$1")
		shift ;;
	esac
done
# The VM needs a name known out here, where its socket is forwarded to.
if [ -z "$name" ]; then
	name=guest-$$
	args+=(--name "$name")
fi

# The control socket, on this machine: QEMU serves it, and hvmm
# control-relay inside the emulated host carries it to the VM's own.
sock=$("$native" socket --name "$name") || exit 1
if "$native" stat --name "$name" >/dev/null 2>&1; then
	echo "run.sh: a VM named '$name' is already running" >&2
	exit 1
fi
if [ -e "$sock" ] || [ -L "$sock" ]; then
	[ -S "$sock" ] || { echo "run.sh: $sock exists and is not a socket; not removing it" >&2; exit 1; }
	rm -f "$sock"    # left by a run that was killed: nobody answers on it
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hvmm-run.XXXXXX")
trap 'rm -rf "$work"; rm -f "$sock"' EXIT
{
	echo '#!/bin/sh'
	echo 'for d in /sys/class/virtio-ports/*; do'
	echo '	[ "$(cat "$d/name" 2>/dev/null)" = org.hvmm.control ] && port=/dev/${d##*/}'
	echo 'done'
	printf '[ -z "${port:-}" ] || /hvmm control-relay --port "$port" --name %s </dev/null >/dev/null &\n' \
		"$(sq "$name")"
	printf 'exec /hvmm run -k /guest/Image -i /guest/initramfs.cpio'
	for a in "${args[@]+"${args[@]}"}"; do printf ' %s' "$(sq "$a")"; done
	echo
} >"$work/job.sh"
guest/linux/mkinitramfs.sh --init guest/emuhost/init .cache/busybox/busybox "$work/host.cpio" "${files[@]}"
echo "run.sh: booting the emulated arm64 KVM host; hvmm starts inside it as VM '$name'" \
	"(Ctrl-A x stops the guest; from another terminal: $native stat --name $name)" >&2
status=0
guest/emuhost/boot.sh --kernel "$kernel" --initrd "$work/host.cpio" --job "$work/job.sh" \
	--control-socket "$sock" "${disks[@]+"${disks[@]}"}" || status=$?
exit "$status"
