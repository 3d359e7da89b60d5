#!/usr/bin/env python3
"""Measures the use-def graph of a function printed in MLIR's generic form.

Usage: mlir-opt --mlir-print-op-generic FILE | genmodel-shapes.py

Prints, for the ops of the input (region bodies included, block arguments
ignored):
  ops: N
  most users: K (%name, "op.name")   the value used by the most distinct ops
  longest chain: L                   ops on the longest use-def path

Used to check the stress shapes of mlirscope-genmodel (one value with 10,000
users, a chain of 100,000 ops) independently of mlirscope.
"""
import re
import sys

# `%a, %b:2 = "dialect.op"(%x, %y#1) ...` or `"dialect.op"(%x) ...`
OP = re.compile(r'^\s*(?:(%[^=]+?)\s*=\s*)?"([\w.$]+)"\(([^)]*)\)')


def main():
    producer = {}  # SSA name -> op index
    op_names = []
    operands = []  # per op: producer op indices
    for line in sys.stdin:
        m = OP.match(line)
        if not m:
            continue
        results, name, args = m.groups()
        index = len(op_names)
        op_names.append(name)
        uses = []
        for a in re.findall(r'%[\w$.-]+', args):
            if a in producer:
                uses.append(producer[a])
        operands.append(uses)
        if results:
            for r in results.split(','):
                r = r.strip()
                base = r.split(':')[0]
                producer[base] = index
    users = {}
    for i, uses in enumerate(operands):
        for p in set(uses):
            users.setdefault(p, set()).add(i)
    # Ops are printed after their operands' producers: one pass gives the
    # longest path ending at each op.
    longest = [1] * len(op_names)
    for i, uses in enumerate(operands):
        for p in uses:
            longest[i] = max(longest[i], longest[p] + 1)
    print("ops: %d" % len(op_names))
    if users:
        top = max(users, key=lambda p: len(users[p]))
        print('most users: %d ("%s")' % (len(users[top]), op_names[top]))
    print("longest chain: %d" % (max(longest) if longest else 0))


if __name__ == "__main__":
    main()
