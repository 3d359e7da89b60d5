#!/usr/bin/env python3
"""Each function of MLIR text files as a dataflow digraph, for
bench/layout.sh: one node per op (80 x 24 points, as the layout bench's
graphs), an edge from the op that defines a value to each op that uses it.
Written in the form the viewer's layout-graphs and mlirscope-layout-bench
read (sizes in inches, separations as core's defaults).

    mlir-func-graphs.py FILE.mlir... > OUT.dot
    mlir-func-graphs.py --mlirscope MLIRSCOPE FILE.mlir... > OUT.dot

A line-based reading of the generic and pretty forms, enough for
StableHLO's test data (one op per line; nested regions count as ops of
their function); not a parser. With --mlirscope, the graphs are mlirscope's
own (`graph --expand all --no-scopes --no-fold`, MLIR's parse or, for a
dialect MLIR does not link, core's lexical scan): per function, one node
per op or nested region op of its body and the use-def edges between them,
as the viewer draws a function with its nested regions closed.
"""
import json
import subprocess
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


def mlirscope_graphs(tool, path):
    """Yields (nodes, edges) per func.func of mlirscope's graph of path."""
    view = json.loads(subprocess.run(
        [tool, 'graph', '--expand', 'all', '--no-scopes', '--no-fold',
         '--format', 'json', path, '-o', '-'],
        check=True, capture_output=True, text=True).stdout)
    nodes = view['nodes']
    funcs = [i for i, n in enumerate(nodes)
             if n['label'].startswith('func.func')]
    # The child of a function each node lies in (itself, or the nested
    # region op holding it); the chunks a big function is cut into are
    # looked through.
    funcs_set = set(funcs)
    top = {}
    for i in range(len(nodes)):
        c, child = nodes[i]['container'], i
        while c is not None and c not in funcs_set:
            if nodes[c]['kind'] != 'chunk':
                child = c
            c = nodes[c]['container']
        if c is not None:
            top[i] = (c, child)
    for f in funcs:
        members = sorted(i for i, (g, child) in top.items()
                         if g == f and child == i
                         and nodes[i]['kind'] != 'chunk')
        number = {v: k for k, v in enumerate(members)}
        edges = set()
        for e in view['edges']:
            a, b = top.get(e['from']), top.get(e['to'])
            if (a and b and a[0] == f and b[0] == f and a[1] != b[1]
                    and a[1] in number and b[1] in number):
                edges.add((number[a[1]], number[b[1]]))
        yield len(members), sorted(edges)


def main():
    out = sys.stdout
    count = 0
    args = sys.argv[1:]
    tool = None
    if args[:1] == ['--mlirscope']:
        tool, args = args[1], args[2:]
    for path in args:
        with open(path, encoding='utf-8', errors='replace') as f:
            for nodes, edges in (mlirscope_graphs(tool, path) if tool
                                 else graphs(f)):
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
