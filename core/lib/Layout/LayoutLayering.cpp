//===- LayoutLayering.cpp - Cycles, layers and dummy chains ---------------===//
//
// Part of the mlirscope project.
//
// Every step is linear in nodes + edges (+ dummies): adjacency is built with
// counting sorts, never comparison sorts, and every walk is iterative so a
// 100,000-node chain cannot overflow the stack.
//
//===----------------------------------------------------------------------===//

#include "LayoutInternal.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <system_error>

using namespace mlirscope;
using namespace mlirscope::layout;

namespace {

/// CSR adjacency: the items of key k are items[begin[k] .. begin[k + 1]), in
/// the order they were given (a stable counting sort).
struct Csr {
  std::vector<uint32_t> begin, items;
};

template <typename KeyFn, typename ItemFn>
Csr buildCsr(uint32_t keyCount, size_t count, KeyFn key, ItemFn item) {
  Csr csr;
  csr.begin.assign(keyCount + 1, 0);
  for (size_t i = 0; i < count; ++i)
    ++csr.begin[key(i) + 1];
  for (uint32_t k = 0; k < keyCount; ++k)
    csr.begin[k + 1] += csr.begin[k];
  csr.items.resize(csr.begin[keyCount]);
  std::vector<uint32_t> next(csr.begin.begin(), csr.begin.end() - 1);
  for (size_t i = 0; i < count; ++i)
    csr.items[next[key(i)]++] = item(i);
  return csr;
}

/// Marks the edges that close a cycle: the back edges of a DFS that starts
/// at each unvisited node in id order and follows out-edges in input order.
/// Reversing exactly those leaves the graph acyclic.
std::vector<uint32_t> findBackEdges(const LayoutGraph &graph, const Csr &out,
                                    WorkTracker &work) {
  uint32_t n = graph.nodes.size();
  enum : uint8_t { Unvisited, OnStack, Done };
  std::vector<uint8_t> state(n, Unvisited);
  std::vector<uint32_t> back;
  // Frames: (node, next slot of out.items to look at).
  std::vector<std::pair<uint32_t, uint32_t>> stack;
  for (uint32_t start = 0; start < n; ++start) {
    if (state[start] != Unvisited)
      continue;
    state[start] = OnStack;
    stack.push_back({start, out.begin[start]});
    while (!stack.empty()) {
      auto &[v, slot] = stack.back();
      if (slot == out.begin[v + 1]) {
        state[v] = Done;
        stack.pop_back();
        continue;
      }
      uint32_t e = out.items[slot++];
      uint32_t w = graph.edges[e].to;
      work.tick(1);
      if (state[w] == OnStack)
        back.push_back(e);
      else if (state[w] == Unvisited) {
        state[w] = OnStack;
        stack.push_back({w, out.begin[w]});
      }
    }
    if (work.isCancelled())
      return {};
  }
  std::sort(back.begin(), back.end());
  return back;
}


} // namespace

llvm::Error layout::buildLayeredGraph(const LayoutGraph &graph,
                                      uint64_t maxDummies, LayeredGraph &g,
                                      WorkTracker &work) {
  uint32_t n = graph.nodes.size();
  size_t edgeCount = graph.edges.size();
  g.realCount = n;

  // 1. Cycles. Self-loops take no part in layering.
  Csr out = buildCsr(
      n, edgeCount, [&](size_t e) { return graph.edges[e].from; },
      [](size_t e) { return uint32_t(e); });
  // A self-loop would be its own back edge; leave it out of the DFS.
  out.items.erase(std::remove_if(out.items.begin(), out.items.end(),
                                 [&](uint32_t e) {
                                   return graph.edges[e].from ==
                                          graph.edges[e].to;
                                 }),
                  out.items.end());
  {
    // Recompute begin offsets after dropping self-loops.
    std::fill(out.begin.begin(), out.begin.end(), 0);
    for (uint32_t e : out.items)
      ++out.begin[graph.edges[e].from + 1];
    for (uint32_t k = 0; k < n; ++k)
      out.begin[k + 1] += out.begin[k];
  }
  g.reversedEdges = findBackEdges(graph, out, work);
  if (work.isCancelled())
    return cancelledError();
  g.orientedEdges = graph.edges;
  for (uint32_t e : g.reversedEdges)
    std::swap(g.orientedEdges[e].from, g.orientedEdges[e].to);

  // 2. Longest-path layering over a topological order (Kahn, FIFO, so the
  // order follows node ids where the graph allows).
  std::vector<uint32_t> inDegree(n, 0);
  for (uint32_t e : out.items)
    ++inDegree[g.orientedEdges[e].to];
  Csr down = buildCsr(
      n, out.items.size(),
      [&](size_t i) { return g.orientedEdges[out.items[i]].from; },
      [&](size_t i) { return g.orientedEdges[out.items[i]].to; });
  std::vector<uint32_t> topo;
  topo.reserve(n);
  for (uint32_t v = 0; v < n; ++v)
    if (inDegree[v] == 0)
      topo.push_back(v);
  g.layer.assign(n, 0);
  for (size_t head = 0; head < topo.size(); ++head) {
    uint32_t v = topo[head];
    for (uint32_t i = down.begin[v]; i < down.begin[v + 1]; ++i) {
      uint32_t w = down.items[i];
      g.layer[w] = std::max(g.layer[w], g.layer[v] + 1);
      if (--inDegree[w] == 0)
        topo.push_back(w);
    }
    if (!work.tick(1 + down.begin[v + 1] - down.begin[v]))
      return cancelledError();
  }
  assert(topo.size() == n && "back edges left a cycle");

  // Longest path packs everything upward: a constant read at the bottom of
  // a model would sit on layer 0 with an edge across the whole graph. One
  // pass from the bottom moves each node with more out-edges than in-edges
  // down to just above its highest successor; each move shortens the edges
  // in total, and successors are placed first, so one pass is enough.
  {
    std::vector<uint32_t> inEdges(n, 0);
    for (uint32_t e : out.items)
      ++inEdges[g.orientedEdges[e].to];
    for (uint32_t v : llvm::reverse(topo)) {
      uint32_t outEdges = down.begin[v + 1] - down.begin[v];
      if (outEdges == 0 || outEdges < inEdges[v])
        continue;
      uint32_t highest = std::numeric_limits<uint32_t>::max();
      for (uint32_t i = down.begin[v]; i < down.begin[v + 1]; ++i)
        highest = std::min(highest, g.layer[down.items[i]]);
      g.layer[v] = highest - 1;
    }
    if (!work.tick(n + out.items.size()))
      return cancelledError();
    uint32_t top = n ? *std::min_element(g.layer.begin(), g.layer.end()) : 0;
    for (uint32_t &layer : g.layer)
      layer -= top;
  }
  uint32_t maxLayer = 0;
  for (uint32_t v = 0; v < n; ++v)
    maxLayer = std::max(maxLayer, g.layer[v]);
  g.layerCount = n == 0 ? 0 : maxLayer + 1;

  // 3. Dummy chains: one per node, as long as its longest out-edge needs.
  g.trunkStart.assign(n, kNone);
  std::vector<uint32_t> span(n, 0);
  for (uint32_t v = 0; v < n; ++v)
    for (uint32_t i = down.begin[v]; i < down.begin[v + 1]; ++i)
      span[v] = std::max(span[v], g.layer[down.items[i]] - g.layer[v]);
  uint64_t total = n;
  for (uint32_t v = 0; v < n; ++v) {
    if (span[v] < 2)
      continue;
    g.trunkStart[v] = total;
    total += span[v] - 1;
  }
  if (total - n > maxDummies || total >= kNone)
    return llvm::createStringError(
        std::make_error_code(std::errc::value_too_large),
        "graph too large to lay out: its long edges need " +
            llvm::Twine(total - n) + " dummy nodes (at most " +
            llvm::Twine(std::min<uint64_t>(maxDummies, kNone - 1 - n)) + ")");
  uint32_t nodeCount = total;
  g.layer.resize(nodeCount);
  for (uint32_t v = 0; v < n; ++v)
    for (uint32_t d = 0; d + 1 < span[v]; ++d)
      g.layer[g.trunkStart[v] + d] = g.layer[v] + 1 + d;

  // 4. Layered edges: trunk links, then each input edge's last hop, sorted
  // by (from, to) with two counting sorts and deduplicated.
  std::vector<LayoutEdge> hops;
  hops.reserve(out.items.size() + (nodeCount - n));
  for (uint32_t v = 0; v < n; ++v) {
    if (g.trunkStart[v] == kNone)
      continue;
    hops.push_back({v, g.trunkStart[v]});
    for (uint32_t d = 0; d + 2 < span[v]; ++d)
      hops.push_back({g.trunkStart[v] + d, g.trunkStart[v] + d + 1});
  }
  for (uint32_t e : out.items) {
    auto [a, b] = g.orientedEdges[e];
    uint32_t length = g.layer[b] - g.layer[a];
    hops.push_back({length == 1 ? a : g.trunkStart[a] + length - 2, b});
  }
  if (!work.tick(hops.size()))
    return cancelledError();
  Csr byTo = buildCsr(
      nodeCount, hops.size(), [&](size_t i) { return hops[i].to; },
      [](size_t i) { return uint32_t(i); });
  Csr byFrom = buildCsr(
      nodeCount, byTo.items.size(),
      [&](size_t i) { return hops[byTo.items[i]].from; },
      [&](size_t i) { return hops[byTo.items[i]].to; });
  // Deduplicate each node's (sorted) successor list in place.
  g.succBegin.assign(nodeCount + 1, 0);
  g.succ.clear();
  g.succ.reserve(byFrom.items.size());
  for (uint32_t v = 0; v < nodeCount; ++v) {
    uint32_t first = g.succ.size();
    for (uint32_t i = byFrom.begin[v]; i < byFrom.begin[v + 1]; ++i)
      if (g.succ.size() == first || g.succ.back() != byFrom.items[i])
        g.succ.push_back(byFrom.items[i]);
    g.succBegin[v + 1] = g.succ.size();
  }
  if (!work.tick(nodeCount + g.succ.size()))
    return cancelledError();
  // Predecessors, sorted by id because successors are walked in id order.
  g.predBegin.assign(nodeCount + 1, 0);
  for (uint32_t w : g.succ)
    ++g.predBegin[w + 1];
  for (uint32_t v = 0; v < nodeCount; ++v)
    g.predBegin[v + 1] += g.predBegin[v];
  g.pred.resize(g.succ.size());
  {
    std::vector<uint32_t> next(g.predBegin.begin(), g.predBegin.end() - 1);
    for (uint32_t v = 0; v < nodeCount; ++v)
      for (uint32_t w : g.succs(v))
        g.pred[next[w]++] = v;
  }
  if (!work.tick(nodeCount + g.succ.size()))
    return cancelledError();
  return llvm::Error::success();
}
