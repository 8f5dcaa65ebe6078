#!/bin/bash
# Usage: boot.sh --kernel IMAGE --initrd CPIO [--job JOB_SCRIPT] [--smp N]
#                [--mem MiB] [--timeout SECONDS] [--log FILE]
#                [--control-socket PATH] [--disk FILE[,ro]]...
#
# Boots the emulated arm64 KVM host (QEMU TCG with EL2) on IMAGE with the
# initramfs CPIO, whose /init is guest/emuhost/init. --job adds JOB_SCRIPT as
# /job.sh (appended as a second cpio, which Linux unpacks over the first), so
# one base image serves many jobs. The serial console is this terminal: no
# QEMU monitor, and Ctrl-C / Ctrl-A go to the emulated host.
#
# --control-socket PATH gives the emulated host a virtio-serial port named
# org.hvmm.control whose other end is a UNIX socket QEMU serves at PATH
# (hvmm control-relay, inside, carries it to a VM's control socket).
#
# --disk FILE[,ro] (repeatable) gives the emulated host a virtio-blk disk on
# FILE, raw: /dev/vda, /dev/vdb, ... in order (its init loads virtio_blk.ko).
#
# With --timeout (an unattended run) a kernel that reports the same stall
# three times (one RCU grace period or one CPU's soft lockup: about two and
# a half minutes stuck) is taken as hung: QEMU is stopped then, not at the
# time limit.
#
# Exit status: the job's, as reported by "emuhost: job exit status N";
# 124 if --timeout expired; 125 if no job status was reported (reason on
# stderr); 126 if the emulated host's kernel hung. Defaults: --smp 2,
# --mem 3072, --cpu max,pauth-impdef=on, --timeout 0 (none).
set -euo pipefail

me=${0##*/}
die() { echo "$me: $*" >&2; exit 125; }
usage="usage: $me --kernel IMAGE --initrd CPIO [--job JOB_SCRIPT] [--smp N] [--mem MiB] [--cpu MODEL] [--timeout SECONDS] [--log FILE] [--control-socket PATH] [--disk FILE[,ro]]..."

kernel='' initrd='' job='' log='' control_socket=''
disks=()
smp=2 mem=3072 timeout=0
# pauth-impdef=on: TCG's QARMA pointer-authentication is slow and the kernel
# signs every return address; the cheap IMPDEF algorithm boots 2-3x faster.
cpu=max,pauth-impdef=on
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || die "$usage"
    case $1 in
    --kernel) kernel=$2 ;;
    --initrd) initrd=$2 ;;
    --job) job=$2 ;;
    --smp) smp=$2 ;;
    --cpu) cpu=$2 ;;
    --mem) mem=$2 ;;
    --timeout) timeout=$2 ;;
    --log) log=$2 ;;
    --control-socket) control_socket=$2 ;;
    --disk) [ -f "${2%,ro}" ] || die "disk ${2%,ro} not found"; disks+=("$2") ;;
    *) die "$usage" ;;
    esac
    shift 2
done
if [ -z "$kernel" ] || [ -z "$initrd" ]; then
    die "$usage"
fi
for n in "$smp" "$mem" "$timeout"; do
    case $n in
    '' | *[!0-9]*) die "--smp, --mem and --timeout take whole numbers, not '$n'" ;;
    esac
done
[ -f "$kernel" ] || die "kernel $kernel not found"
[ -f "$initrd" ] || die "initramfs $initrd not found"
[ -z "$job" ] || [ -f "$job" ] || die "job script $job not found"
qemu='qemu-system-aarch64'
command -v "$qemu" >/dev/null 2>&1 || die "$qemu not found; run 'make deps'"
command -v cpio >/dev/null 2>&1 || die "cpio not found; run 'make deps'"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvmm-boot.XXXXXX")
# QEMU puts the terminal into raw mode and restores it on a normal exit; if it
# has to be killed, restore it here.
tty_state=''
if [ -t 0 ]; then
    tty_state=$(stty -g)
fi
# shellcheck disable=SC2317 # called through the trap
cleanup() {
    [ -z "$tty_state" ] || stty "$tty_state" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rd=$initrd
if [ -n "$job" ]; then
    rd=$tmp/initrd.cpio
    mkdir "$tmp/job"
    cp "$initrd" "$rd"
    cp "$job" "$tmp/job/job.sh"
    chmod 0755 "$tmp/job/job.sh"
    (cd "$tmp/job" && echo job.sh | cpio -o -H newc -R 0:0 --quiet) >>"$rd"
fi

# watch_stalls (in the background): once the host's kernel has reported the
# same stall three times (one RCU grace period, or a soft lockup of one
# CPU), QEMU is stopped (SIGTERM; SIGKILL if a stuck vCPU thread keeps it
# from exiting). Only the kernel's own lines count (at the start of a line,
# with its timestamp): not a guest's report quoted by a test. tail --pid
# ends with this script.
watch_stalls() {
    local key kind=''
    local -A seen=()
    while IFS= read -r key; do
        seen[$key]=$((${seen[$key]:-0} + 1))
        [ "${seen[$key]}" -lt 3 ] || { kind=$key; break; }
    done < <(tail --pid=$$ -n +1 -F "$console" 2>/dev/null |
        grep -a --line-buffered -o -E \
            '^\[ *[0-9]+\.[0-9]+\] (rcu: .*jiffies,? g=-?[0-9]+|watchdog: BUG: soft lockup - CPU#[0-9]+)' |
        sed -u -E 's/.*(g=-?[0-9]+)$/RCU stall, grace period \1/; s/.*(CPU#[0-9]+)$/soft lockup on \1/')
    [ -n "$kind" ] && [ -s "$tmp/qemu.pid" ] || return 0
    echo "$kind" >"$tmp/stalled"
    local pid
    pid=$(cat "$tmp/qemu.pid")
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

console=${log:-$tmp/console.log}
{ : >"$console"; } 2>/dev/null || die "cannot write log $console"

# -nic none: the default NIC needs efi-virtio.rom (ipxe-qemu), and the host
# needs no network. signal=off: Ctrl-C is a key for the guest, not SIGINT.
# shellcheck disable=SC2054 # the commas belong to QEMU's option values
cmd=("$qemu" -M virt,virtualization=on,gic-version=3 -cpu "$cpu"
    -smp "$smp" -m "$mem" -display none -monitor none -nic none -no-reboot
    -chardev stdio,id=con,signal=off -serial chardev:con
    -kernel "$kernel" -initrd "$rd"
    -append "console=ttyAMA0 panic=-1 quiet")
if [ -n "$control_socket" ]; then
    # On the PCI bus: the cloud kernel has virtio-pci and the console driver
    # built in (virtio-mmio is a module). wait=off: QEMU does not wait for a
    # client before starting the machine.
    cmd+=(-device virtio-serial-pci,id=hvmmser
        -chardev "socket,id=hvmmctl,path=${control_socket//,/,,},server=on,wait=off"
        -device virtserialport,bus=hvmmser.0,chardev=hvmmctl,name=org.hvmm.control)
fi
for i in "${!disks[@]}"; do
    # FILE,ro: read-only to the emulated host too. cache=writeback: a guest
    # flush, passed on by hvmm, reaches the file.
    file=${disks[$i]%,ro} ro=
    [ "$file" = "${disks[$i]}" ] || ro=,readonly=on
    cmd+=(-drive "file=${file//,/,,},format=raw,if=none,id=disk$i,cache=writeback$ro"
        -device "virtio-blk-pci,drive=disk$i")
done
if [ "$timeout" -gt 0 ]; then
    cmd+=(-pidfile "$tmp/qemu.pid")
    watch_stalls &
    # --foreground keeps QEMU in the terminal's foreground process group, so
    # it can read the keyboard; -k: SIGKILL if SIGTERM is not enough.
    cmd=(timeout --foreground -k 10 "$timeout" "${cmd[@]}")
fi

set +e
"${cmd[@]}" 2>&1 | tee "$console"
qemu_status=${PIPESTATUS[0]}
set -e

if [ -e "$tmp/stalled" ]; then
    echo "$me: the emulated host's kernel hung ($(cat "$tmp/stalled"), reported three times); QEMU stopped" >&2
    exit 126
fi
if [ "$timeout" -gt 0 ] && { [ "$qemu_status" -eq 124 ] || [ "$qemu_status" -eq 137 ]; }; then
    echo "$me: timed out after $timeout s, QEMU killed" >&2
    exit 124
fi
# The console ends lines with CR LF.
status=$(tr -d '\r' <"$console" |
    sed -n 's/.*emuhost: job exit status \([0-9]\{1,3\}\)$/\1/p' | tail -n 1)
if [ -n "$status" ]; then
    exit "$status"
fi
if tr -d '\r' <"$console" | grep -q '^emuhost: /dev/kvm missing$'; then
    die "the emulated host has no /dev/kvm"
fi
if [ "$qemu_status" -ne 0 ]; then
    die "$qemu failed with status $qemu_status"
fi
die "the emulated host stopped without reporting a job exit status"
