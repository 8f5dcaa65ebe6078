#!/bin/sh
# Usage: mkinitramfs.sh [--init FILE] BUSYBOX OUT [SRC=DST ...]
#
# Builds an uncompressed newc cpio for an arm64 busybox system:
#   /bin/busybox + applet links, /init (FILE, default: the init beside this
#   script), empty /proc /sys /dev /tmp /run /tests /etc, and each SRC file
#   copied to DST (an absolute path inside the image; later ones win).
# The output depends only on the inputs (sorted entries, fixed owner, times
# and modes), and OUT is replaced atomically.
set -eu

me=${0##*/}
die() { echo "$me: $*" >&2; exit 1; }
usage="usage: $me [--init FILE] BUSYBOX OUT [SRC=DST ...]"

init=$(dirname "$0")/init
if [ "${1:-}" = --init ]; then
    [ $# -ge 2 ] || die "$usage"
    init=$2
    shift 2
fi
[ $# -ge 2 ] || die "$usage"
busybox=$1
out=$2
shift 2

command -v cpio >/dev/null 2>&1 || die "cpio not found; run 'make deps'"
[ -f "$busybox" ] || die "busybox binary $busybox not found"
[ -f "$init" ] || die "init script $init not found"
outdir=$(dirname "$out")
[ -d "$outdir" ] || die "output directory $outdir does not exist"

umask 022
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkinitramfs.XXXXXX")
partial=
trap 'rm -rf "$tmp"; [ -z "$partial" ] || rm -f "$partial"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
root=$tmp/root

mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
    "$root/run" "$root/tests" "$root/etc" "$root/root" "$root/usr"
chmod 1777 "$root/tmp"
# Scripts with #!/usr/bin/env or /sbin/... paths find the applets too.
ln -s bin "$root/sbin"
ln -s ../bin "$root/usr/bin"
ln -s ../bin "$root/usr/sbin"

cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
# The arm64 busybox cannot run here to list its applets, so this is a fixed
# list (all in Debian's busybox-static); the inits add the rest at boot with
# `busybox --install -s /bin`.
for applet in [ [[ ash awk basename cat chmod cp cttyhack cut date dd df \
    dmesg echo env false find free grep halt head hexdump id kill ln ls \
    mkdir mknod mktemp mount mv nproc od poweroff printf ps pwd readlink \
    reboot rm rmdir sed seq setsid sh sleep sort stat stty sync taskset \
    tail tee test time timeout touch tr true umount uname uniq uptime \
    usleep wc xargs; do
    ln -s busybox "$root/bin/$applet"
done

cp "$init" "$root/init"
chmod 0755 "$root/init"

for arg in "$@"; do
    src=${arg%=*}
    dst=${arg##*=}
    case $arg:$dst in
    *=*:/?*) ;;
    *) die "extra file '$arg' is not SRC=/ABSOLUTE/DST" ;;
    esac
    [ -f "$src" ] || die "extra file $src not found"
    mkdir -p "$root$(dirname "$dst")"
    cp "$src" "$root$dst"
    # Keep only "executable or not" from the source, for reproducibility.
    if [ -x "$src" ]; then
        chmod 0755 "$root$dst"
    else
        chmod 0644 "$root$dst"
    fi
done

# Fixed timestamps and sorted names make the archive byte-for-byte stable.
find "$root" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
partial=$(mktemp "$out.XXXXXX")
(cd "$root" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 --reproducible --quiet) >"$partial" ||
    die "cpio failed"
chmod 0644 "$partial"
mv -f "$partial" "$out"
partial=
