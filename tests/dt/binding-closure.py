#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Usage: binding-closure.py BINDINGS_DIR SEED.yaml...

Print the binding files dt-mk-schema needs to check hvmm's nodes: the seeds
(paths relative to BINDINGS_DIR), every binding with 'select: true' (those
apply to every node, e.g. vendor-prefixes.yaml), and everything they reach
through $ref, one path a line, sorted. $refs to schemas that are not in
BINDINGS_DIR (types.yaml, interrupt-controller.yaml, ...) are dt-schema's own
core schemas, which dt-mk-schema always loads.
"""
import os
import re
import sys

REF = re.compile(r"""\$ref:\s*['"]?([^'"#\s]+)""")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip())
    root = os.path.realpath(sys.argv[1])
    todo = []
    for seed in sys.argv[2:]:
        path = os.path.join(root, seed)
        if not os.path.isfile(path):
            sys.exit(f"binding-closure.py: no {seed} in {root}")
        todo.append(path)
    for dirpath, _, files in os.walk(root):
        for name in files:
            if name.endswith(".yaml"):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    if any(line.rstrip() == "select: true" for line in f):
                        todo.append(path)
    seen = set()
    while todo:
        path = os.path.realpath(todo.pop())
        if path in seen:
            continue
        seen.add(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for ref in REF.findall(text):
            if ref.startswith("http://devicetree.org/schemas/"):
                ref = ref[len("http://devicetree.org"):]
            if ref.startswith("/schemas/"):
                target = os.path.join(root, ref[len("/schemas/"):])
            elif "://" in ref or ref.startswith("/"):
                continue
            else:
                target = os.path.join(os.path.dirname(path), ref)
            if os.path.isfile(target):
                todo.append(target)
    for path in sorted(seen):
        print(os.path.relpath(path, root))


if __name__ == "__main__":
    main()
