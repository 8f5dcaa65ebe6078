#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes the seed corpora under tests/fuzz/corpus/<target>/.

The seeds are checked in; run this again only when an input format of a
fuzz target changes (the encodings below mirror tests/fuzz/fuzz_*.c).
Output is deterministic, so a rerun leaves git clean. Files in the corpus
this script does not write are inputs fuzzing found (crashes fixed since,
states hard to reach): keep them.

usage: tests/fuzz/mkcorpus.py [corpus-dir]
"""
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- fuzz_control: request lines and replies, as bytes on the wire ----

CONTROL = {
    "ping": b"hvmm/1 ping\n",
    "stop": b"hvmm/1 stop\n",
    "pause": b"hvmm/1   pause  \n",
    "resume": b"hvmm/1 resume\n",
    "stat": b"hvmm/1 stat\n",
    "cpu-enable": b"hvmm/1 cpu enable 3\n",
    "cpu-disable": b"hvmm/1 cpu disable 511\n",
    "debug-dump": b"hvmm/1 debug dump\n",
    "debug-dump-1": b"hvmm/1 debug dump 1\n",
    "debug-probe": b"hvmm/1 debug probe fork 1\n",
    "sdei-signal": b"hvmm/1 sdei signal 1000 2\n",
    "sdei-signal-hex": b"hvmm/1 sdei signal 0x7d0\n",
    "bad-version": b"hvmm/2 stop\n",
    "bad-byte": b"hvmm/1 cpu enable \x1b[2J\n",
    "reply-ok": b"ok\nname g\nprotocol 1\npid 42\n",
    "reply-error": b"error no such vCPU 9\n",
}

# ---- fuzz_cmdline: argv words separated by NUL bytes ----

CMDLINE = {
    "minimal": ["-k", "Image"],
    "full": ["-k", "Image", "-i", "initrd.cpio", "-p", "quiet", "-c", "4", "-m", "512M",
             "--name", "g-1", "--console", "serial", "-n", "mode=none", "--loglevel", "debug",
             "--dump-dtb", "out.dtb", "--stats", "--nodefaults"],
    "hotadd": ["--kernel=Image", "--cpus=2", "--max-cpus=8", "--reboot=exit"],
    "psci": ["-kImage", "--psci-suspend-format", "original", "--idle-states", "standby",
             "--in-kernel-psci"],
    "sdei": ["-k", "I", "--sdei-event", "3000,private,critical", "--sdei-event=0x7ff,shared,normal",
             "--no-sdei"],
    "help": ["--help"],
    "too-many-cpus": ["-k", "I", "-c", "9", "--max-cpus", "8"],
    "mem-g": ["-k", "I", "--mem", "2G"],
    "choices": ["-k", "I", "--reboot", "reset", "--idle-states=none", "--idle-states", "powerdown",
                "--idle-states", "all", "--psci-suspend-format=extended", "--loglevel=error"],
    "conduit": ["-k", "I", "--psci-conduit", "smc", "--psci-conduit=hvc", "--in-kernel-psci",
                "--psci-conduit=smc"],
    "sdei-many": ["-k", "I"] + ["--sdei-event=%d,shared,normal" % (3000 + i) for i in range(24)],
    "sdei-twice": ["-k", "I", "--sdei-event", "5,private,normal", "--sdei-event", "0x5,shared,normal",
                   "--sdei-event", "2001,shared,critical"],
    "smccc-handlers": ["-k", "I", "--smccc-handler", "0xc3000000+0x10=cat",
                       "--smccc-handler=83000000-8300000f=./h a=b", "--smccc-handler", "0xc300000f+1=x",
                       "--smccc-handler", "0x8000ffff+2=x"],
}

# ---- fuzz_loader: a configuration byte, then the kernel file ----

RAM_BASE = 0x40000000


def image(text_offset, image_size, flags, body, pe=False):
    """An arm64 Image header (64 bytes), optionally with a PE/COFF header."""
    hdr = bytearray(64)
    struct.pack_into("<IIQQQ", hdr, 0, 0x91005a4d if pe else 0x14000000, 0, text_offset,
                     image_size, flags)
    hdr[0x38:0x3c] = b"ARM\x64"
    data = bytearray(hdr) + bytearray(body)
    if pe:
        pe_off = 0x40
        struct.pack_into("<I", data, 0x3c, pe_off)
        nsec, optsz = 1, 0
        coff = b"PE\0\0" + struct.pack("<HHIIIHH", 0xaa64, nsec, 0, 0, 0, optsz, 0x206)
        sec_raw_ptr, sec_raw_size = 0x200, 0x100
        sec = b".text\0\0\0" + struct.pack("<IIIIIIHHI", sec_raw_size, 0x1000, sec_raw_size,
                                           sec_raw_ptr, 0, 0, 0, 0, 0x60000020)
        data[pe_off:pe_off + len(coff) + len(sec)] = coff + sec
        data += bytes(max(0, sec_raw_ptr + sec_raw_size - len(data)))
    return bytes(data)


def elf(segments, entry, big_endian=False, etype=2, machine=183):
    """A minimal ELF64 executable: header, program headers, then segment data.
    segments: (paddr, data, memsz) per PT_LOAD."""
    e = ">" if big_endian else "<"
    phoff, phentsize = 64, 56
    off = phoff + phentsize * len(segments)
    phdrs, blobs = b"", b""
    for paddr, data, memsz in segments:
        phdrs += struct.pack(e + "IIQQQQQQ", 1, 5, off + len(blobs), paddr, paddr, len(data), memsz,
                             0x1000)
        blobs += data
    ident = b"\x7fELF" + bytes([2, 2 if big_endian else 1, 1, 0]) + bytes(8)
    hdr = ident + struct.pack(e + "HHIQQQIHHHHHH", etype, machine, 1, entry, phoff, 0, 0, 64,
                              phentsize, len(segments), 64, 0, 0)
    return hdr + phdrs + blobs


CODE = struct.pack("<II", 0xd503207f, 0x17ffffff)   # wfi; b .-4

LOADER = {
    "image": bytes([0]) + image(0x80000, 0x10000, 0xa, CODE * 8),
    "image-legacy": bytes([1]) + image(0, 0, 0, CODE * 8),
    "image-pe": bytes([4]) + image(0, 0x2000, 0x2, CODE * 8, pe=True),
    "image-be": bytes([0x80]) + image(0x200000, 0x1000, 0x1, CODE),
    "elf": bytes([0]) + elf([(RAM_BASE + 0x80000, CODE * 4, 0x100)], RAM_BASE + 0x80000),
    "elf-two": bytes([2]) + elf([(RAM_BASE + 0x100000, CODE, 0x2000),
                                 (RAM_BASE + 0x80000, CODE * 2, 0x10)], RAM_BASE + 0x100000),
    "elf-be": bytes([1]) + elf([(RAM_BASE + 0x80000, CODE, 8)], RAM_BASE + 0x80000, big_endian=True),
    "elf-low": bytes([0]) + elf([(0x10000000, CODE, 8)], 0x10000000),
    "elf-17": bytes([0]) + elf([(RAM_BASE + 0x80000 + 0x1000 * i, CODE[:4], 4) for i in range(17)],
                               RAM_BASE + 0x80000),
    "raw": bytes([3]) + CODE * 16,
}

# ---- fuzz_firmware: configuration bytes, then operations ----
# One operation: a byte (kind in the low nibble, vCPU in the high one), then
# operands. Kinds: 0 call, 6 prepare, 8 MMIO exit, 9 wake-up, 10 host signal,
# 11 interrupt line, 12 set enabled, 13 host (reset below 0x20), 14 round,
# 15 inject a failure. A call is: fid selector, flags, five argument
# selectors (low nibble the kind of value, high nibble its index).


def cfg(nr, enabled=None, boot=0, original=False, sdei=True, per_cluster=2, extra=0, slots=0):
    enabled = enabled or nr
    b0 = (nr - 1) | (8 if original else 0) | (0 if sdei else 0x70)
    b1 = (enabled - 1) | (boot << 4)
    b2 = {1: 0, 2: 1, 4: 2, 8: 3}[per_cluster] | (extra << 3) | (slots << 5)
    return bytes([b0, b1, b2])


def op(kind, vcpu=0):
    return bytes([kind | (vcpu << 4)])


def psci32(fn):
    return fn


def psci64(fn):
    return 0x20 + fn


def sdei(fn):
    return 0x40 + fn - 0x20


def call(vcpu, fid_sel, *args, flags=0):
    sel = list(args) + [0] * (5 - len(args))
    return op(0, vcpu) + bytes([fid_sel, flags] + sel)


ZERO, MPIDR, RAM, PSTATE, EVENT, INTID, HANDLER = 0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09


def a(kind, i=0):
    return kind | (i << 4)


EV_1000, EV_1001, EV_2000, EV_8000 = a(EVENT, 1), a(EVENT, 2), a(EVENT, 3), a(EVENT, 5)
PREPARE, MMIO, WAKEUP, SIGNAL, IRQ, ENABLE, HOST, ROUND, FAIL = 6, 8, 9, 10, 11, 12, 13, 14, 15


def register(vcpu, ev, flags=0, aff=0):
    return call(vcpu, sdei(0x21), ev, a(HANDLER, 1), a(1, 7), flags, aff)


def enable(vcpu, ev):
    return call(vcpu, sdei(0x22), ev)


def unmask(vcpu):
    return call(vcpu, sdei(0x2c))


def complete(vcpu, resume=False):
    return call(vcpu, sdei(0x26), a(RAM, 2)) if resume else call(vcpu, sdei(0x25))


FIRMWARE = {
    "cpu-on-off": cfg(4) + call(0, psci64(3), a(MPIDR, 1), a(RAM), a(1, 3)) + op(ROUND)
    + call(1, psci32(4), a(MPIDR, 1)) + call(1, psci32(2)) + op(ROUND)
    + call(0, psci64(4), a(MPIDR, 1)),
    "suspend-standby": cfg(2) + call(0, psci64(1), a(PSTATE, 0)) + op(PREPARE) + op(WAKEUP)
    + op(PREPARE) + call(0, psci64(0x11), a(MPIDR, 0), a(PSTATE, 0)),
    "suspend-powerdown": cfg(2, original=True) + call(0, psci32(1), a(PSTATE, 3), a(RAM, 1), a(1, 9))
    + op(PREPARE) + op(WAKEUP) + op(PREPARE) + call(0, psci64(0x10), a(MPIDR, 0), a(PSTATE, 3)),
    "system-suspend": cfg(1) + call(0, psci64(0xe), a(RAM, 3), a(1, 5)) + op(PREPARE) + op(WAKEUP)
    + op(PREPARE),
    "sdei-private": cfg(2) + unmask(0) + register(0, EV_1000) + enable(0, EV_1000)
    + op(SIGNAL) + bytes([1, 0]) + op(PREPARE) + call(0, sdei(0x24), a(1, 3)) + complete(0),
    "sdei-nested": cfg(2) + unmask(0) + register(0, EV_1000) + enable(0, EV_1000)
    + register(0, EV_1001) + enable(0, EV_1001) + op(SIGNAL) + bytes([1, 0]) + op(PREPARE)
    + op(SIGNAL) + bytes([2, 0]) + op(PREPARE) + complete(0) + complete(0, resume=True),
    "sdei-shared": cfg(4, extra=2) + call(0, psci64(3), a(MPIDR, 2), a(RAM), a(1, 3)) + op(ROUND)
    + unmask(2) + register(0, EV_2000, a(1, 1), a(MPIDR, 2)) + enable(0, EV_2000)
    + op(SIGNAL) + bytes([3, 4]) + op(ROUND) + complete(2),
    "sdei-bind": cfg(1, slots=1) + call(0, sdei(0x2d), a(INTID, 1)) + register(0, EV_8000)
    + enable(0, EV_8000) + unmask(0) + op(IRQ) + bytes([0x08]) + op(PREPARE) + complete(0)
    + call(0, sdei(0x27), EV_8000) + call(0, sdei(0x2e), EV_8000),
    "sdei-signal-other": cfg(2) + call(0, psci64(3), a(MPIDR, 1), a(RAM), 0) + op(ROUND)
    + unmask(1) + call(1, sdei(0x21), a(EVENT, 0), a(HANDLER, 2)) + enable(1, a(EVENT, 0))
    + call(0, sdei(0x2f), a(EVENT, 0), a(MPIDR, 1)) + op(ROUND) + call(1, psci32(2)),
    "hotadd-reset": cfg(4, enabled=2, boot=1) + op(ENABLE, 3) + bytes([1])
    + call(1, psci64(3), a(MPIDR, 3), a(RAM), 0) + op(ROUND) + op(HOST) + bytes([0x01])
    + op(ENABLE, 2) + bytes([1]) + op(HOST) + bytes([0x00]),
    "features-version": cfg(1, sdei=False) + call(0, psci32(0)) + call(0, psci32(0xa), a(0xc, 0))
    + call(0, psci32(0xa), a(0xd, 0)) + call(0, sdei(0x20)) + call(0, psci32(6)),
    "failure": cfg(2) + call(0, psci64(3), a(MPIDR, 1), a(RAM), 0) + op(FAIL) + bytes([3])
    + op(ROUND),
    "system-reset": cfg(2) + call(0, psci32(9)) + call(0, psci64(0x12), 0) + call(0, psci32(8)),
    # vCPU 1 in standby while vCPU 0 asks about it and tries to change mode.
    "standby-other": cfg(2) + call(0, psci64(3), a(MPIDR, 1), a(RAM), 0) + op(ROUND)
    + call(1, psci64(1), a(PSTATE, 0)) + op(PREPARE, 1) + call(0, psci64(0xd), a(MPIDR, 1), 0)
    + call(0, psci32(0xf), a(1, 1)) + op(WAKEUP, 1),
    # A big-endian caller starts a vCPU, which must start big-endian.
    "cpu-on-big-endian": cfg(2) + call(0, psci64(3), a(MPIDR, 1), a(RAM), a(1, 3), flags=4)
    + op(ROUND),
    "shared-info": cfg(2) + register(0, EV_2000, a(1, 1), a(MPIDR, 1)) + call(0, sdei(0x29), EV_2000, a(1, 3))
    + call(0, sdei(0x29), EV_2000, a(1, 4)) + call(0, sdei(0x2a), EV_2000, 0)
    + call(0, sdei(0x29), EV_2000, a(1, 4)),
}


# ---- fuzz_virtio: a guest's actions on a virtio device (fuzz_virtio.c) ----
# First byte: bit 0 virtio-blk (else rng), bit 1 read-only. Then ops:
# 0 write register, 1 read register, 2 poke RAM, 3/4 serve queue 0,
# 5 go live (queue of 8: descriptors at RAM, avail +0x100, used +0x200),
# 6 config read, 7 reset.
VRAM = 0x40000000


def poke(at, data):
    return bytes([2]) + struct.pack("<HB", at, len(data)) + data


def vdesc(i, addr, length, flags=0, nxt=0):
    return poke(16 * i, struct.pack("<QIHH", addr, length, flags, nxt))


def offer(head, idx):
    return poke(0x100, struct.pack("<HH", 0, idx)) + poke(0x104 + 2 * ((idx - 1) % 8), struct.pack("<H", head))


def blk_req(rtype, sector, data_len, data_flags):
    return (poke(0x1000, struct.pack("<IIQ", rtype, 0, sector)) + vdesc(0, VRAM + 0x1000, 16, 1, 1)
            + vdesc(1, VRAM + 0x2000, data_len, data_flags | 1, 2) + vdesc(2, VRAM + 0x3000, 1, 2, 0))


SERVE = bytes([3])
VIRTIO = {
    "rng-read": bytes([0, 5]) + vdesc(0, VRAM + 0x2000, 64, 2) + offer(0, 1) + SERVE,
    "blk-write-read": bytes([1, 5]) + blk_req(1, 2, 512, 0) + offer(0, 1) + SERVE
    + blk_req(0, 2, 512, 2) + offer(0, 2) + SERVE,
    "blk-ro-write": bytes([3, 5]) + blk_req(1, 0, 512, 0) + offer(0, 1) + SERVE,
    "blk-flush-getid": bytes([1, 5]) + blk_req(4, 0, 0, 0) + offer(0, 1) + SERVE
    + blk_req(8, 0, 20, 2) + offer(0, 2) + SERVE,
    "blk-indirect": bytes([1, 5]) + poke(0x1000, struct.pack("<IIQ", 0, 0, 1))
    + poke(0x400, struct.pack("<QIHH", VRAM + 0x1000, 16, 1, 1) + struct.pack("<QIHH", VRAM + 0x2000, 512, 3, 2)
           + struct.pack("<QIHH", VRAM + 0x3000, 1, 2, 0))
    + vdesc(0, VRAM + 0x400, 48, 4) + offer(0, 1) + SERVE,
    "loop": bytes([1, 5]) + vdesc(0, VRAM + 0x2000, 16, 1, 0) + offer(0, 1) + SERVE + bytes([7, 5]) + SERVE,
    "config": bytes([1, 6, 3, 0, 6, 2, 8, 6, 0, 56]),
}


def main():
    for name, data in CONTROL.items():
        write("fuzz_control", name, data)
    for name, words in CMDLINE.items():
        write("fuzz_cmdline", name, b"\0".join(w.encode() for w in words))
    for name, data in LOADER.items():
        write("fuzz_loader", name, data)
    for name, data in FIRMWARE.items():
        write("fuzz_firmware", name, data)
    for name, data in VIRTIO.items():
        write("fuzz_virtio", name, data)


if __name__ == "__main__":
    main()
