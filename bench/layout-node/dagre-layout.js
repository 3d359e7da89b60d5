// Lays out a graph of mlirscope-layout-bench's JSON form ({"nodes": [[w, h]...],
// "edges": [[from, to]...]}) with dagre and writes what bench/layout.sh counts
// crossings on: {"ms": layout time, "nodes": [[x, y]...], "edges":
// [[from, to, [[x, y]...]]...]}. Separations match layoutGraph's defaults.
//
//   node dagre-layout.js IN.json OUT.json
'use strict';
const fs = require('fs');
const dagre = require('@dagrejs/dagre');

const [input, output] = process.argv.slice(2);
const graph = JSON.parse(fs.readFileSync(input, 'utf8'));
const g = new dagre.graphlib.Graph({ multigraph: true });
g.setGraph({ rankdir: 'TB', nodesep: 20, edgesep: 10, ranksep: 40 });
g.setDefaultEdgeLabel(() => ({}));
graph.nodes.forEach(([width, height], i) => g.setNode(String(i), { width, height }));
graph.edges.forEach(([from, to], i) => g.setEdge(String(from), String(to), {}, String(i)));

const start = process.hrtime.bigint();
dagre.layout(g);
const ms = Number(process.hrtime.bigint() - start) / 1e6;

const nodes = graph.nodes.map((_, i) => {
  const n = g.node(String(i));
  return [n.x, n.y];
});
const edges = graph.edges.map(([from, to], i) => {
  const e = g.edge(String(from), String(to), String(i));
  return [from, to, e.points.map((p) => [p.x, p.y])];
});
fs.writeFileSync(output, JSON.stringify({ ms, nodes, edges }));
