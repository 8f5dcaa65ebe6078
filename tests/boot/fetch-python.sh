#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Usage: fetch-python.sh CACHE_DIR
#
# Puts Debian's arm64 python3.11 minimal interpreter, unpacked as if it were
# installed, into CACHE_DIR/python-arm64/: python3.11-minimal,
# libpython3.11-minimal (the minimal standard library) and every package
# they depend on, followed with apt-cache (libc6, zlib1g, libexpat1, ...).
# The packages are downloaded and unpacked here, never installed.
# tests/boot/run.sh puts the interpreter, its shared libraries and the
# standard library into the emulated host, for the SMCCC handler examples
# (examples/smccc-handlers/). make deps runs this.
# Needs `dpkg --add-architecture arm64 && apt-get update` done first.
# Idempotent: once CACHE_DIR/python-arm64/.fetched (of this script's format)
# exists with the interpreter, it does nothing, so the interpreter does not
# change under you; remove that directory to refetch.
set -eu

me=${0##*/}
die() { echo "$me: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $me CACHE_DIR"
cache=$1
dest=$cache/python-arm64
stamp=$dest/.fetched
format=1        # bump when the produced tree changes, to refetch old caches
roots="python3.11-minimal:arm64 libpython3.11-minimal:arm64"

if grep -qx "format $format" "$stamp" 2>/dev/null && [ -s "$dest/usr/bin/python3.11" ]; then
    exit 0
fi

for tool in apt-get apt-cache dpkg-deb readelf; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (needs a Debian host)"
done

# The packages an install would bring in: Depends and Pre-Depends, followed
# recursively; the rest (Recommends, Suggests, ...) would pull the full
# standard library and more. apt-cache prints each package it visits on a
# line of its own, unindented.
# shellcheck disable=SC2086
pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances $roots 2>/dev/null | grep -v '^ ' | sort -u)
for p in $roots; do
    echo "$pkgs" | grep -qx "$p" || die "$p not in the apt lists; run 'make deps'"
done
# A virtual package (<name>) has no .deb of its own: apt would have to
# choose a provider, which this script does not do.
case $pkgs in *'<'*) die "a dependency is a virtual package: $(echo "$pkgs" | grep '<' | head -n 1)" ;; esac

mkdir -p "$cache"
# Work next to the cache so the final mv is a rename on one filesystem.
tmp=$(mktemp -d "$cache/.fetch-python.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# As root, apt would drop to the _apt user and warn that it cannot write
# here; staying root avoids that. Its output is kept for the error message.
mkdir "$tmp/debs"
for p in $pkgs; do
    (cd "$tmp/debs" && apt-get download -q -o APT::Sandbox::User=root "$p") >"$tmp/apt.log" 2>&1 ||
        die "apt-get download $p failed: $(grep -E '^(E|W):' "$tmp/apt.log" | head -n 1)"
    set -- "$tmp/debs/${p%%:*}"_*.deb
    [ -f "$1" ] || die "download of $p left no .deb"
done

stage=$tmp/python-arm64
mkdir "$stage"
for deb in "$tmp"/debs/*.deb; do
    dpkg-deb -x "$deb" "$stage" || die "cannot unpack ${deb##*/}"
done

# Sanity checks, so a wrong or incomplete tree shows here and not as a
# mystery in the emulated host: an aarch64 interpreter (ELF e_machine at
# offset 18, little endian, 0xb7), its standard library, and every shared
# library it names, where the loader will look for them.
py=$stage/usr/bin/python3.11
[ -f "$py" ] || die "no usr/bin/python3.11 in the packages"
[ "$(od -An -tx1 -j 18 -N 2 "$py" | tr -d ' ')" = 'b700' ] || die "usr/bin/python3.11 is not an aarch64 binary"
[ -s "$stage/usr/lib/python3.11/os.py" ] || die "no standard library (usr/lib/python3.11/os.py)"
interp=$(readelf -l "$py" | sed -n 's/.*program interpreter: \(.*\)\]$/\1/p')
[ -e "$stage$interp" ] || die "the dynamic loader $interp is in none of: $pkgs"
for lib in $(readelf -d "$py" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
    [ -e "$stage/lib/aarch64-linux-gnu/$lib" ] || [ -e "$stage/usr/lib/aarch64-linux-gnu/$lib" ] ||
        die "$lib (needed by python3.11) is in none of: $pkgs"
done

{
    echo "format $format"
    for deb in "$tmp"/debs/*.deb; do
        echo "deb ${deb##*/}"
    done
} >"$stage/.fetched"
rm -rf "$dest"
mv "$stage" "$dest"
echo "$me: fetched $(echo "$pkgs" | wc -l) packages for python3.11 (arm64) into $dest"
