//===- Layout.cpp - Layered drawing of a directed graph -------------------===//
//
// Part of the mlirscope project.
//
// Drives the phases (LayoutInternal.h), then draws the edges and measures
// the drawing. Crossings of foreign drawings (countDrawingCrossings) are
// measured the way the layout counts its own, so benchmarks compare like
// with like.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Layout/Layout.h"

#include "LayoutInternal.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <cmath>
#include <system_error>
#include <tuple>

using namespace mlirscope;
using namespace mlirscope::layout;

namespace {

llvm::Error invalid(const llvm::Twine &message) {
  return llvm::createStringError(
      std::make_error_code(std::errc::invalid_argument), message);
}

llvm::Error validate(const LayoutGraph &graph, const LayoutOptions &options) {
  auto bad = [](double value) { return !std::isfinite(value) || value < 0; };
  if (bad(options.nodeSeparation) || bad(options.edgeSeparation) ||
      bad(options.layerSeparation))
    return invalid("layout separations must be finite and not negative");
  if (graph.nodes.size() >= kNone)
    return invalid("too many nodes to lay out");
  for (size_t v = 0; v < graph.nodes.size(); ++v)
    if (bad(graph.nodes[v].width) || bad(graph.nodes[v].height))
      return invalid("node " + llvm::Twine(v) +
                     ": size must be finite and not negative");
  for (size_t e = 0; e < graph.edges.size(); ++e)
    if (graph.edges[e].from >= graph.nodes.size() ||
        graph.edges[e].to >= graph.nodes.size())
      return invalid("edge " + llvm::Twine(e) + ": node out of range");
  return llvm::Error::success();
}

/// Appends edge e's polyline: down from the top end through its dummy
/// chain, with points where the chain runs straight dropped, reversed
/// afterwards for a reversed edge. O(bends of the chain).
void drawEdge(const LayeredGraph &g, const LayoutGraph &graph,
              const LayoutOptions &options, const std::vector<double> &x,
              const std::vector<double> &layerY,
              const std::vector<uint32_t> &runEnd, uint32_t e, bool reversed,
              std::vector<LayoutPoint> &points) {
  size_t first = points.size();
  auto [a, b] = g.orientedEdges[e];
  double ya = layerY[g.layer[a]], hA = graph.nodes[a].height / 2;
  if (a == b) {
    // Around the right side: out of the bottom, up, into the top.
    double d = std::max(options.edgeSeparation, 1.0);
    double right = x[a] + graph.nodes[a].width / 2 + d;
    points.push_back({x[a], ya + hA});
    points.push_back({x[a], ya + hA + d});
    points.push_back({right, ya + hA + d});
    points.push_back({right, ya - hA - d});
    points.push_back({x[a], ya - hA - d});
    points.push_back({x[a], ya - hA});
    return;
  }
  auto add = [&](LayoutPoint p) {
    size_t n = points.size() - first;
    // Three points on one vertical line: the middle one says nothing.
    if (n >= 2 && points[points.size() - 1].x == p.x &&
        points[points.size() - 2].x == p.x)
      points.back() = p;
    else
      points.push_back(p);
  };
  add({x[a], ya + hA});
  uint32_t la = g.layer[a], lb = g.layer[b];
  if (lb > la + 1) {
    // Jump along the straight runs of the chain: a value read all over a
    // model costs its bends, not its length, for each of its edges.
    uint32_t first = g.trunkStart[a], last = first + (lb - la - 2);
    for (uint32_t d = first; d <= last;) {
      add({x[d], layerY[g.layer[d]]});
      uint32_t end = std::min(runEnd[d - g.realCount], last);
      if (end != d)
        add({x[end], layerY[g.layer[end]]});
      d = end + 1;
    }
  }
  add({x[b], layerY[lb] - graph.nodes[b].height / 2});
  if (reversed)
    std::reverse(points.begin() + first, points.end());
}

} // namespace

llvm::Expected<LayoutResult>
mlirscope::layoutGraph(const LayoutGraph &graph, const LayoutOptions &options) {
  if (llvm::Error err = validate(graph, options))
    return std::move(err);
  WorkTracker work(options);
  if (!work.poll())
    return cancelledError();

  work.report(0, "layering");
  if (!work.poll())
    return cancelledError();
  LayeredGraph g;
  if (llvm::Error err =
          buildLayeredGraph(graph, options.maxDummyNodes, g, work))
    return std::move(err);

  LayoutResult result;
  work.report(0.1, "ordering");
  if (!work.poll() ||
      !orderLayers(g, options, work, result.crossings, result.sweeps))
    return cancelledError();

  work.report(0.7, "coordinates");
  std::vector<double> x;
  if (!work.poll() ||
      !assignCoordinates(g, graph, options, work, x, result.layerY))
    return cancelledError();

  work.report(0.95, "edges");
  if (!work.poll())
    return cancelledError();
  uint32_t n = graph.nodes.size();
  // Shift so the leftmost node (or bend) touches x = 0.
  double left = 0;
  for (uint32_t v = 0; v < g.nodeCount(); ++v) {
    double half = v < n ? graph.nodes[v].width / 2 : 0;
    left = v == 0 ? x[v] - half : std::min(left, x[v] - half);
  }
  for (double &value : x)
    value -= left;

  result.layers.assign(g.layer.begin(), g.layer.begin() + n);
  result.centers.resize(n);
  for (uint32_t v = 0; v < n; ++v)
    result.centers[v] = {x[v], result.layerY[g.layer[v]]};
  result.dummyNodes = g.nodeCount() - n;
  result.reversedEdges = g.reversedEdges;

  size_t edgeCount = graph.edges.size();
  result.edgePointBegin.resize(edgeCount + 1);
  result.edgePointBegin[0] = 0;
  // runEnd[d - n]: the last dummy of d's chain in the straight (same x)
  // run that starts at d.
  std::vector<uint32_t> runEnd(g.nodeCount() - n);
  for (uint32_t d = g.nodeCount(); d-- > n;) {
    bool chainGoesOn = d + 1 < g.nodeCount() &&
                       g.layer[d + 1] == g.layer[d] + 1 &&
                       g.preds(d + 1).size() == 1 && g.preds(d + 1)[0] == d;
    runEnd[d - n] = chainGoesOn && x[d + 1] == x[d] ? runEnd[d + 1 - n] : d;
  }
  std::vector<uint8_t> isReversed(edgeCount, 0);
  for (uint32_t e : g.reversedEdges)
    isReversed[e] = 1;
  for (uint32_t e = 0; e < edgeCount; ++e) {
    drawEdge(g, graph, options, x, result.layerY, runEnd, e, isReversed[e],
             result.edgePoints);
    if (result.edgePoints.size() >= kNone)
      return invalid("graph too large to lay out: edge polylines exceed 2^32 "
                     "points");
    result.edgePointBegin[e + 1] = result.edgePoints.size();
    if (!work.tick(result.edgePointBegin[e + 1] - result.edgePointBegin[e]))
      return cancelledError();
  }

  LayoutBounds &box = result.bounds;
  box = {0, 0, 0, 0};
  for (uint32_t v = 0; v < n; ++v) {
    LayoutPoint c = result.centers[v];
    LayoutSize s = graph.nodes[v];
    box.maxX = std::max(box.maxX, c.x + s.width / 2);
    box.maxY = std::max(box.maxY, c.y + s.height / 2);
  }
  for (LayoutPoint p : result.edgePoints) {
    box.minX = std::min(box.minX, p.x);
    box.minY = std::min(box.minY, p.y);
    box.maxX = std::max(box.maxX, p.x);
    box.maxY = std::max(box.maxY, p.y);
  }
  work.report(1, "done");
  return result;
}

uint64_t mlirscope::countDrawingCrossings(
    llvm::ArrayRef<double> layerY, llvm::ArrayRef<LayoutPoint> nodeCenters,
    llvm::ArrayRef<LayoutEdge> edges, llvm::ArrayRef<uint32_t> edgePointBegin,
    llvm::ArrayRef<LayoutPoint> edgePoints) {
  if (layerY.empty())
    return 0;
  std::vector<double> lines(layerY.begin(), layerY.end());
  std::sort(lines.begin(), lines.end());
  auto nearestLine = [&](double y) -> uint32_t {
    auto it = std::lower_bound(lines.begin(), lines.end(), y);
    if (it == lines.end())
      return lines.size() - 1;
    if (it != lines.begin() && y - *(it - 1) < *it - y)
      --it;
    return it - lines.begin();
  };

  // Items on the lines: nodes, then the cuts of each edge. Each edge is a
  // chain of items from its upper end to its lower end.
  struct Item {
    uint32_t line;
    double x;
    bool isCut;
    uint32_t id;
  };
  std::vector<Item> items;
  items.reserve(nodeCenters.size());
  for (uint32_t v = 0; v < nodeCenters.size(); ++v)
    items.push_back({nearestLine(nodeCenters[v].y), nodeCenters[v].x, false,
                     uint32_t(items.size())});
  std::vector<uint32_t> chain;
  std::vector<uint32_t> chainBegin = {0};
  for (size_t e = 0; e < edges.size(); ++e) {
    uint32_t top = edges[e].from, bottom = edges[e].to;
    if (items[top].line > items[bottom].line)
      std::swap(top, bottom);
    uint32_t la = items[top].line, lb = items[bottom].line;
    llvm::ArrayRef<LayoutPoint> path = edgePoints.slice(
        edgePointBegin[e], edgePointBegin[e + 1] - edgePointBegin[e]);
    bool backwards = path.size() >= 2 && path.front().y > path.back().y;
    auto point = [&](size_t i) {
      return backwards ? path[path.size() - 1 - i] : path[i];
    };
    if (la != lb) {
      chain.push_back(top);
      size_t i = 0;
      for (uint32_t l = la + 1; l < lb; ++l) {
        double y = lines[l], cut;
        // Walk on to the segment that reaches this line.
        while (i + 1 < path.size() && point(i + 1).y < y)
          ++i;
        if (i + 1 < path.size() && point(i).y <= y && y <= point(i + 1).y) {
          LayoutPoint p = point(i), q = point(i + 1);
          // A point on the line is its own cut, exactly: interpolation
          // would round, and split one bundled cut in two.
          cut = y == q.y   ? q.x
                : y == p.y ? p.x
                           : p.x + (q.x - p.x) * (y - p.y) / (q.y - p.y);
        } else {
          // No usable polyline: the straight line between the centers.
          LayoutPoint p = nodeCenters[top], q = nodeCenters[bottom];
          cut = p.x + (q.x - p.x) * (y - p.y) / (q.y - p.y);
        }
        chain.push_back(items.size());
        items.push_back({l, cut, true, uint32_t(items.size())});
      }
      chain.push_back(bottom);
    }
    chainBegin.push_back(chain.size());
  }

  // Rank the items of each line by x; cuts at the same x share a rank.
  std::vector<uint32_t> sorted(items.size());
  for (uint32_t i = 0; i < items.size(); ++i)
    sorted[i] = i;
  std::sort(sorted.begin(), sorted.end(), [&](uint32_t a, uint32_t b) {
    const Item &p = items[a], &q = items[b];
    return std::tie(p.line, p.x, p.isCut, p.id) <
           std::tie(q.line, q.x, q.isCut, q.id);
  });
  std::vector<uint32_t> rank(items.size());
  for (size_t i = 0; i < sorted.size(); ++i) {
    const Item &item = items[sorted[i]];
    if (i == 0 || items[sorted[i - 1]].line != item.line) {
      rank[sorted[i]] = 0;
      continue;
    }
    const Item &prev = items[sorted[i - 1]];
    bool same = item.isCut && prev.isCut && prev.x == item.x;
    rank[sorted[i]] = rank[sorted[i - 1]] + (same ? 0 : 1);
  }

  // Segments between adjacent lines, each once, counted per line pair.
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> segments;
  for (size_t e = 0; e < edges.size(); ++e)
    for (uint32_t i = chainBegin[e]; i + 1 < chainBegin[e + 1]; ++i) {
      const Item &p = items[chain[i]], &q = items[chain[i + 1]];
      if (q.line == p.line + 1)
        segments.push_back({p.line, rank[chain[i]], rank[chain[i + 1]]});
    }
  std::sort(segments.begin(), segments.end());
  segments.erase(std::unique(segments.begin(), segments.end()), segments.end());
  uint64_t crossings = 0;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (size_t i = 0; i < segments.size();) {
    uint32_t line = std::get<0>(segments[i]);
    pairs.clear();
    for (; i < segments.size() && std::get<0>(segments[i]) == line; ++i)
      pairs.push_back({std::get<1>(segments[i]), std::get<2>(segments[i])});
    crossings += countBilayerCrossings(pairs);
  }
  return crossings;
}
