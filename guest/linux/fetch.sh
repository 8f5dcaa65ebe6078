#!/bin/sh
# Usage: fetch.sh CACHE_DIR
#
# Fills CACHE_DIR with what the arm64 guests and the emulated host need, taken
# from Debian's arm64 packages (never installed on this machine, only unpacked):
#   linux/Image, linux/config, linux/version   Debian's 6.12 cloud kernel
#   uapi-6.12/linux/kvm.h, uapi-6.12/asm/kvm.h  the matching KVM uAPI headers
#   busybox/busybox                             static aarch64 busybox
#   linux/modules/*.ko                          the kernel's virtio-mmio, virtio-blk
#                                               and virtio-rng modules, uncompressed
#                                               (the cloud kernel builds them as modules)
# Needs `dpkg --add-architecture arm64 && apt-get update` done first (make deps).
# Idempotent: once CACHE_DIR/.fetched (of this script's format) exists with
# all files, it does nothing, so the kernel does not change under you; remove
# CACHE_DIR to refetch.
set -eu

me=${0##*/}
die() { echo "$me: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $me CACHE_DIR"
cache=$1

stamp=$cache/.fetched
format=3        # bump when the produced files change, to refetch old caches
# Kernel modules the guests load, by their path under kernel/ in the package.
modules="drivers/virtio/virtio_mmio drivers/block/virtio_blk drivers/char/hw_random/virtio-rng"
outputs="linux/Image linux/config linux/version uapi-6.12/linux/kvm.h
uapi-6.12/asm/kvm.h busybox/busybox"
for m in $modules; do
    outputs="$outputs linux/modules/${m##*/}.ko"
done

all_there() {
    grep -qx "format $format" "$stamp" 2>/dev/null || return 1
    for f in $outputs; do
        [ -s "$cache/$f" ] || return 1
    done
}
if all_there; then
    exit 0
fi

for tool in apt-get apt-cache dpkg-deb tar xz; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (needs a Debian host)"
done

# The meta-package depends on exactly one versioned kernel package, e.g.
# linux-image-6.12.117+deb12-cloud-arm64; its name gives the ABI version.
meta=linux-image-6.12-cloud-arm64:arm64
kpkg=$(apt-cache depends "$meta" 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[^:]*\).*/\1/p' | head -n 1)
[ -n "$kpkg" ] || die "$meta not in the apt lists; run 'make deps'"
kver=${kpkg#linux-image-}            # 6.12.117+deb12-cloud-arm64
abi=${kver%-cloud-arm64}             # 6.12.117+deb12
hpkg=linux-headers-$abi-common       # arch all: holds the uAPI headers
bpkg=busybox-static:arm64

mkdir -p "$cache"
# Work next to the cache so the final mv's are renames on one filesystem.
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# apt-get download writes into the current directory. As root, apt would
# drop to the _apt user and warn that it cannot write here; staying root
# avoids that. Its output is kept for the error message only.
download() {
    (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$1") \
        >"$tmp/apt.log" 2>&1 ||
        die "apt-get download $1 failed: $(grep -E '^(E|W):' "$tmp/apt.log" | head -n 1)"
}
# deb_of NAME: the .deb apt-get download just fetched for package NAME.
deb_of() {
    set -- "$tmp"/"${1%%:*}"_*.deb
    [ -f "$1" ] || die "download of $1 left no .deb"
    echo "$1"
}
# unpack DEB MEMBER...: extract only the named members (the kernel package
# also holds hundreds of MB of modules, the headers ten thousand files).
unpack() {
    deb=$1; shift
    mkdir -p "$tmp/x"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" --wildcards "$@" ||
        die "cannot unpack $* from ${deb##*/}"
}

download "$kpkg:arm64"
download "$hpkg"
download "$bpkg"
kdeb=$(deb_of "$kpkg")
hdeb=$(deb_of "$hpkg")
bdeb=$(deb_of "$bpkg")

kmods=
for m in $modules; do
    kmods="$kmods ./lib/modules/$kver/kernel/$m.ko.xz"
done
# shellcheck disable=SC2086 # one member per word
unpack "$kdeb" "./boot/vmlinuz-$kver" "./boot/config-$kver" $kmods
hdir=./usr/src/$hpkg
unpack "$hdeb" "$hdir/include/uapi/linux/kvm.h" \
    "$hdir/arch/arm64/include/uapi/asm/kvm.h"
unpack "$bdeb" ./bin/busybox

# Sanity checks, so a wrong package shows here and not as a mystery at boot.
image=$tmp/x/boot/vmlinuz-$kver
[ "$(od -An -c -j 56 -N 4 "$image" | tr -d ' ')" = 'ARMd' ] ||
    die "boot/vmlinuz-$kver is not an uncompressed arm64 Image"
# ELF e_machine (offset 18, little endian) 0xb7 = EM_AARCH64.
[ "$(od -An -tx1 -j 18 -N 2 "$tmp/x/bin/busybox" | tr -d ' ')" = 'b700' ] ||
    die "busybox from $bpkg is not an aarch64 binary"

# Stage the final tree, then move each file into place; the stamp goes last.
s=$tmp/stage
mkdir -p "$s/linux/modules" "$s/uapi-6.12/linux" "$s/uapi-6.12/asm" "$s/busybox"
cp "$image" "$s/linux/Image"
cp "$tmp/x/boot/config-$kver" "$s/linux/config"
echo "$kver" >"$s/linux/version"
# busybox's insmod takes plain ELF objects: decompress here, once.
for m in $modules; do
    xz -dc "$tmp/x/lib/modules/$kver/kernel/$m.ko.xz" >"$s/linux/modules/${m##*/}.ko" ||
        die "cannot decompress $m.ko.xz"
done
# These are the raw uAPI sources: do what the kernel's headers_install does to
# them (drop the compiler.h include and the __user annotations), so they
# build against the toolchain's older installed headers.
uapi() {
    sed -E -e '/^#include <linux\/compiler(_types)?\.h>/d' \
        -e 's/([[:space:](])(__user|__force|__iomem)[[:space:]]/\1/g' "$1" >"$2"
}
uapi "$tmp/x/$hdir/include/uapi/linux/kvm.h" "$s/uapi-6.12/linux/kvm.h"
uapi "$tmp/x/$hdir/arch/arm64/include/uapi/asm/kvm.h" "$s/uapi-6.12/asm/kvm.h"
cp "$tmp/x/bin/busybox" "$s/busybox/busybox"
chmod 0755 "$s/busybox/busybox"

for f in $outputs; do
    mkdir -p "$cache/${f%/*}"
    mv -f "$s/$f" "$cache/$f"
done
{
    echo "format $format"
    echo "kernel $kpkg"
    echo "headers $hpkg"
    for deb in "$kdeb" "$hdeb" "$bdeb"; do
        echo "deb ${deb##*/}"
    done
} >"$tmp/stamp"
mv -f "$tmp/stamp" "$stamp"
echo "$me: fetched $kver and busybox into $cache"
