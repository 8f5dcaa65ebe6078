#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""kv.py: a key-value store for guests, as an SMCCC user handler of hvmm.

hvmm starts the handler once (with /bin/sh -c) for its --smccc-handler
option and passes it every SMCCC call the guest makes in the option's range
of function IDs: one request line on the handler's stdin per call, one
answer line on its stdout (protocol version 1, see README.md beside this
file). This one keeps 64-bit values under 64-bit keys, for the life of the
VM, in three functions numbered from BASE, the first function ID of the
range (the command-line argument):

  BASE + 0  PUT(key = x1, value = x2)  x0 = 0
                                        x0 = -3 if the key is new and the
                                        store already holds 4096 keys
  BASE + 1  GET(key = x1)              x0 = 0, x1 = the value
                                        x0 = -2 if the key is not there
  BASE + 2  COUNT                      x0 = 0, x1 = the number of keys
  other                                unsupported (the guest gets -1)

SMC32 and SMC64 calls, from either conduit and any vCPU, share one store.
The values are taken as hvmm gives them: it has already cut an SMC32 call's
arguments to 32 bits. A request line that does not follow the protocol
exactly is answered 'unsupported', and the handler goes on with the next.
It exits with status 0 at the end of its input (hvmm closes it when the VM
ends). examples/smccc-handlers/kv.c is the same handler in C.

Run it with hvmm (the range is the 16 function IDs from 0xc3000000, the
first SMC64 fast calls of the OEM service), e.g.:

  hvmm run -k Image -i initramfs.cpio \\
      --smccc-handler 0xc3000000+0x10='python3 examples/smccc-handlers/kv.py 0xc3000000'

or by hand, typing requests:

  $ python3 examples/smccc-handlers/kv.py 0xc3000000
  0 hvc 0xc3000000 0x2a 0x7 0x0 0x0 0x0 0x0 0x0
  0x0
  0 hvc 0xc3000001 0x2a 0x0 0x0 0x0 0x0 0x0 0x0
  0x0 0x7

Only the minimal standard library is used (sys, re, signal), so Debian's
python3-minimal is enough.
"""

import re
import signal
import sys

MAX_KEYS = 4096
# The longest request is 158 bytes; a longer line is no request, and is
# read in pieces of this size only to skip it.
LINE_MAX = 256
MASK64 = (1 << 64) - 1
# The error codes, as the 64-bit register values the guest reads.
NOT_FOUND = -2 & MASK64
NO_ROOM = -3 & MASK64

# The fields of a request, as bytes: the input need not be valid UTF-8.
DEC32 = re.compile(rb"[0-9]{1,10}")
HEX32 = re.compile(rb"0x[0-9a-fA-F]{1,8}")
HEX64 = re.compile(rb"0x[0-9a-fA-F]{1,16}")
BASE = re.compile(r"(0x)?[0-9a-fA-F]{1,8}")

USAGE = "usage: kv.py BASE   (BASE: the first function ID of the range, in hex)"


def parse_request(line):
    """The (fid, [x1..x7]) of a request line, or None if it is malformed.

    Fields are separated by exactly one space: hvmm writes them so, and a
    strict reader keeps what passes for a request the same in kv.py and kv.c.
    """
    fields = line.split(b" ")
    if len(fields) != 10:
        return None
    vcpu, conduit, fid, args = fields[0], fields[1], fields[2], fields[3:]
    if not DEC32.fullmatch(vcpu) or int(vcpu) > 0xFFFFFFFF:
        return None
    if conduit not in (b"hvc", b"smc") or not HEX32.fullmatch(fid):
        return None
    if not all(HEX64.fullmatch(x) for x in args):
        return None
    return int(fid, 16), [int(x, 16) for x in args]


def requests(stream):
    """Each line of stream without its newline (the last may lack one), or
    None for a line too long to be a request, whose rest is skipped."""
    while True:
        line = stream.readline(LINE_MAX)
        if not line:
            return
        if line.endswith(b"\n"):
            yield line[:-1]
        elif len(line) < LINE_MAX:
            yield line
        else:
            while line and not line.endswith(b"\n"):
                line = stream.readline(LINE_MAX)
            yield None


def call(store, fn, x):
    """The answer words of function fn with arguments x, or None."""
    if fn == 0:
        if x[0] not in store and len(store) >= MAX_KEYS:
            return [NO_ROOM]
        store[x[0]] = x[1]
        return [0]
    if fn == 1:
        return [0, store[x[0]]] if x[0] in store else [NOT_FOUND]
    if fn == 2:
        return [0, len(store)]
    return None


def answer(store, base, line):
    """The answer line (without newline) for one request line."""
    request = parse_request(line) if line is not None else None
    words = None
    if request is not None:
        fid, x = request
        words = call(store, fid - base, x)
    if words is None:
        return b"unsupported"
    return " ".join("0x%x" % w for w in words).encode("ascii")


def main(argv):
    if len(argv) != 2 or not BASE.fullmatch(argv[1]):
        print(USAGE, file=sys.stderr)
        return 2
    base = int(argv[1], 16)
    # Python ignores SIGPIPE and would print a traceback when hvmm has gone
    # away; with the default action the handler ends quietly, as kv.c does.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    store = {}
    out = sys.stdout.buffer
    for line in requests(sys.stdin.buffer):
        out.write(answer(store, base, line) + b"\n")
        # hvmm waits for this answer before it sends the next request.
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
