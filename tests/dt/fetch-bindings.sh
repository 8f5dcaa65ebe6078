#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Usage: fetch-bindings.sh CACHE_DIR
#
# Puts the Linux 6.12 device-tree binding schemas (the kernel tree's
# Documentation/devicetree/bindings) into CACHE_DIR/dt-bindings-6.12/, taken
# from Debian's linux-source-6.12 package, which is downloaded and unpacked
# here, never installed. tests/dt/validate.sh checks hvmm's device trees
# against them with dt-validate (make dt-validate; make deps runs this).
# Idempotent: once CACHE_DIR/dt-bindings-6.12/.fetched (of this script's
# format) exists, it does nothing, so the schemas do not change under you;
# remove that directory to refetch.
set -eu

me=${0##*/}
die() { echo "$me: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $me CACHE_DIR"
cache=$1
dest=$cache/dt-bindings-6.12
stamp=$dest/.fetched
format=1        # bump when the produced tree changes, to refetch old caches

if grep -qx "format $format" "$stamp" 2>/dev/null && [ -s "$dest/arm/psci.yaml" ]; then
    exit 0
fi

for tool in apt-get dpkg-deb tar xz; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (needs a Debian host)"
done

pkg=linux-source-6.12
mkdir -p "$cache"
# Work next to the cache so the final mv is a rename on one filesystem.
tmp=$(mktemp -d "$cache/.fetch-bindings.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# As root, apt would drop to the _apt user and warn that it cannot write
# here; staying root avoids that. Its output is kept for the error message.
(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg") >"$tmp/apt.log" 2>&1 ||
    die "apt-get download $pkg failed: $(grep -E '^(E|W):' "$tmp/apt.log" | head -n 1)"
set -- "$tmp/${pkg}"_*.deb
[ -f "$1" ] || die "download of $pkg left no .deb"
deb=$1

# The package holds one tarball of the whole tree (~150 MB of xz); stream it
# and keep only the bindings (~28 MB), at the top of the staging directory.
tarball=./usr/src/$pkg.tar.xz
stage=$tmp/dt-bindings-6.12
mkdir -p "$stage"
dpkg-deb --fsys-tarfile "$deb" | tar -x -O "$tarball" | xz -dc |
    tar -x -C "$stage" --strip-components=4 --wildcards "$pkg/Documentation/devicetree/bindings/*" ||
    die "cannot unpack Documentation/devicetree/bindings from ${deb##*/}"
[ -s "$stage/arm/psci.yaml" ] && [ -s "$stage/vendor-prefixes.yaml" ] ||
    die "${deb##*/} holds no Documentation/devicetree/bindings"

{
    echo "format $format"
    echo "deb ${deb##*/}"
} >"$stage/.fetched"
rm -rf "$dest"
mv "$stage" "$dest"
echo "$me: fetched the 6.12 binding schemas from ${deb##*/} into $dest"
