// Lays out a graph of mlirscope-layout-bench's JSON form ({"nodes": [[w, h]...],
// "edges": [[from, to]...]}) with dagre and writes what bench/layout.sh counts
// crossings on: {"ms": layout time, "nodes": [[x, y]...], "edges":
// [[from, to, [[x, y]...]]...]}. Separations match layoutGraph's defaults.
// Several graphs ({"graphs": [graph...]}, from `mlirscope-layout-bench
// json-all`) give {"ms": total time, "drawings": [drawing...]}.
//
//   node dagre-layout.js IN.json OUT.json
'use strict';
const fs = require('fs');
const dagre = require('@dagrejs/dagre');

const [input, output] = process.argv.slice(2);

// [drawing, ms] of one graph.
function layOut(graph) {
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
  return [{ nodes, edges }, ms];
}

const parsed = JSON.parse(fs.readFileSync(input, 'utf8'));
if (parsed.graphs) {
  let total = 0;
  const drawings = parsed.graphs.map((graph) => {
    const [drawing, ms] = layOut(graph);
    total += ms;
    return drawing;
  });
  fs.writeFileSync(output, JSON.stringify({ ms: total, drawings }));
} else {
  const [drawing, ms] = layOut(parsed);
  fs.writeFileSync(output, JSON.stringify({ ms, ...drawing }));
}
