#!/usr/bin/env python3
"""Checks `mlirscope graph` outputs of one view:

- the JSON validates against docs/graph-schema.json, and the drawing is
  sound: nodes inside one container do not overlap, every node lies inside
  its container, every edge's polyline starts at its source's box and ends
  at its target's, and edge indices name nodes;
- the SVG parses as XML, with one <rect> per node and one <polyline> per
  edge of two points or more;
- the DOT names every non-expanded node once.

Usage: check-graph-output.py SCHEMA VIEW.json VIEW.svg VIEW.dot
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

import jsonschema

schema_path, json_path, svg_path, dot_path = sys.argv[1:5]
with open(schema_path) as f:
    schema = json.load(f)
with open(json_path) as f:
    view = json.load(f)
jsonschema.validate(view, schema)

nodes, edges = view["nodes"], view["edges"]
EPS = 1e-6


def box(n):
    return n["x"], n["y"], n["x"] + n["width"], n["y"] + n["height"]


def inside(p, b, slack=1.0):
    return b[0] - slack <= p[0] <= b[2] + slack and \
        b[1] - slack <= p[1] <= b[3] + slack


by_container = {}
for i, n in enumerate(nodes):
    by_container.setdefault(n["container"], []).append(i)
    c = n["container"]
    if c is not None:
        outer, b = box(nodes[c]), box(n)
        if not (outer[0] - EPS <= b[0] and b[2] <= outer[2] + EPS and
                outer[1] - EPS <= b[1] and b[3] <= outer[3] + EPS):
            sys.exit(f"node {i} ({n['label']}) is not inside its container {c}")
for c, members in by_container.items():
    boxes = sorted((box(nodes[i]), i) for i in members)
    for k, (b, i) in enumerate(boxes):
        for b2, j in boxes[k + 1:]:
            if b2[0] >= b[2] - EPS:
                break
            if b2[1] < b[3] - EPS and b[1] < b2[3] - EPS:
                sys.exit(f"nodes {i} and {j} overlap in container {c}")
for k, e in enumerate(edges):
    if not (0 <= e["from"] < len(nodes) and 0 <= e["to"] < len(nodes)):
        sys.exit(f"edge {k} names no node")
    first, last = e["points"][0], e["points"][-1]
    if not inside(first, box(nodes[e["from"]])) or \
            not inside(last, box(nodes[e["to"]])):
        sys.exit(f"edge {k} does not join its nodes' boxes: {first} {last}")

svg = ET.parse(svg_path).getroot()
ns = "{http://www.w3.org/2000/svg}"
rects = svg.findall(f".//{ns}g/{ns}rect")
lines = svg.findall(f".//{ns}polyline")
if len(rects) != len(nodes):
    sys.exit(f"SVG has {len(rects)} boxes for {len(nodes)} nodes")
if len(lines) != sum(len(e["points"]) >= 2 for e in edges):
    sys.exit(f"SVG has {len(lines)} edges for {len(edges)}")

with open(dot_path) as f:
    dot = f.read()
declared = set(re.findall(r"^\s*n(\d+) \[label=", dot, re.M))
want = {str(i) for i, n in enumerate(nodes) if not n.get("expanded")}
if declared != want:
    sys.exit(f"DOT declares {len(declared)} nodes, the view has {len(want)}")
if not dot.startswith("digraph") or dot.count("{") != dot.count("}"):
    sys.exit("DOT is not one balanced digraph")
print(f"{len(nodes)} nodes, {len(edges)} edges, {view['crossings']} crossings: "
      f"JSON valid, drawing sound, SVG and DOT agree")
