#!/usr/bin/env python3
"""Each function of MLIR text files as a dataflow digraph, for
bench/layout.sh: one node per op (80 x 24 points, as the layout bench's
graphs), an edge from the op that defines a value to each op that uses it.
Written in the form the viewer's layout-graphs and mlirscope-layout-bench
read (sizes in inches, separations as core's defaults).

    mlir-func-graphs.py FILE.mlir... > OUT.dot

A line-based reading of the generic and pretty forms, enough for
StableHLO's test data (one op per line; nested regions count as ops of
their function); not a parser.
"""
import re
import sys

DEFINE = re.compile(r'^\s*((?:%[\w.$-]+(?::\d+)?\s*,\s*)*%[\w.$-]+(?::\d+)?)\s*=\s*(.*)$')
USE = re.compile(r'%([\w.$-]+)(?:#\d+)?')
FUNC = re.compile(r'^\s*func\.func\b')


def graphs(lines):
    """Yields (nodes, edges) per function."""
    nodes, edges, defined, depth = 0, [], {}, 0
    inside = False
    for line in lines:
        line = line.split('//', 1)[0] if '"' not in line else line
        if not inside:
            if FUNC.match(line):
                inside, nodes, edges, defined = True, 0, [], {}
                depth = line.count('{') - line.count('}')
                for arg in re.findall(r'%([\w.$-]+)\s*:', line):
                    defined[arg] = nodes
                    nodes += 1
            continue
        depth += line.count('{') - line.count('}')
        text = line.strip()
        if depth <= 0:
            inside = False
            yield nodes, sorted(set(edges))
            continue
        if not text or text.startswith('}') or text.startswith('^'):
            continue
        m = DEFINE.match(line)
        results, body = (m.group(1), m.group(2)) if m else ('', text)
        me = nodes
        nodes += 1
        for used in USE.findall(body):
            if used in defined and defined[used] != me:
                edges.append((defined[used], me))
        for name in re.findall(r'%([\w.$-]+)', results):
            defined[name] = me


def main():
    out = sys.stdout
    count = 0
    for path in sys.argv[1:]:
        with open(path, encoding='utf-8', errors='replace') as f:
            for nodes, edges in graphs(f):
                if nodes == 0:
                    continue
                out.write('digraph g%d {\n  nodesep=%.4f;\n  ranksep=%.4f;\n'
                          '  node [shape=box, fixedsize=true, label="", '
                          'width=%.4f, height=%.4f];\n'
                          % (count, 20 / 72, 40 / 72, 80 / 72, 24 / 72))
                for v in range(nodes):
                    out.write('  n%d;\n' % v)
                for a, b in edges:
                    out.write('  n%d -> n%d;\n' % (a, b))
                out.write('}\n')
                count += 1


if __name__ == '__main__':
    main()
