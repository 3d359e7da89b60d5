//===- LayoutCoordinates.cpp - Brandes-Koepf coordinate assignment --------===//
//
// Part of the mlirscope project.
//
// U. Brandes and B. Koepf, "Fast and Simple Horizontal Coordinate
// Assignment" (GD 2001): four times (aligned to upper or lower neighbors,
// from the left or the right), nodes are grouped into vertical blocks by
// their median neighbor, never across a segment that crosses an inner
// (dummy-to-dummy) segment, and the blocks are packed as tightly as the
// layers allow. The result averages the two middle candidates per node,
// which keeps every layer's order and separations (each candidate keeps
// them, and order statistics of per-node candidates inherit the gaps).
//
// Packing follows dagre's variant rather than the paper's classes and
// shifts: a block graph (left neighbor -> right neighbor, weighted by the
// separation) is placed by longest path, then each block with a right
// neighbor slides right against it. Both are linear and iterative.
//
// Brandes-Koepf keeps edges straight but packs blocks, not layers: on
// graphs with many long edges (random DAGs, some dataflow) the blocks
// drift into a staircase several times wider than the widest layer. So a
// second placement is made that starts from every layer packed and
// centered and then moves nodes towards the weighted median of their
// neighbors, a layer at a time, as close as the separations allow (each
// layer an isotonic regression, solved exactly by pooling adjacent
// violators): the same goal as Graphviz's network-simplex placement,
// approximated by a few linear sweeps. The Brandes-Koepf drawing is kept
// unless it is clearly wider.
//
//===----------------------------------------------------------------------===//

#include "LayoutInternal.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>

using namespace mlirscope;
using namespace mlirscope::layout;

namespace {

/// Each node's half width and the half gap it keeps to its neighbours in a
/// layer: boxes keep the node separation, the bends of long edges (dummy
/// nodes, no width) the edge separation. Both placements use them.
void halfExtents(const LayeredGraph &g, const LayoutGraph &graph,
                 const LayoutOptions &options, std::vector<double> &halfWidth,
                 std::vector<double> &halfGap) {
  uint32_t n = g.nodeCount();
  halfWidth.assign(n, 0);
  halfGap.assign(n, options.edgeSeparation / 2);
  for (uint32_t v = 0; v < g.realCount; ++v) {
    halfWidth[v] = graph.nodes[v].width / 2;
    halfGap[v] = options.nodeSeparation / 2;
  }
}

class BrandesKoepf {
public:
  BrandesKoepf(const LayeredGraph &g, const LayoutGraph &graph,
               const LayoutOptions &options)
      : g(g) {
    halfExtents(g, graph, options, halfWidth, halfGap);
  }

  bool run(WorkTracker &work, std::vector<double> &x) {
    markConflicts();
    if (!work.tick(g.nodeCount() + g.layeredEdgeCount()))
      return false;
    std::array<std::vector<double>, 4> candidates;
    for (unsigned k = 0; k < 4; ++k) {
      bool down = k < 2, left = k % 2 == 0;
      alignVertically(down, left);
      if (!work.tick(g.nodeCount() + g.layeredEdgeCount()))
        return false;
      compact(left, candidates[k]);
      if (!work.tick(3 * uint64_t(g.nodeCount())))
        return false;
      work.report(0.7 + 0.06 * (k + 1), "coordinates");
    }
    balance(candidates, x);
    return work.tick(g.nodeCount());
  }

private:
  double separation(uint32_t a, uint32_t b) const {
    return halfWidth[a] + halfGap[a] + halfWidth[b] + halfGap[b];
  }

  /// Type 1 conflicts: a segment with a real end that crosses an inner
  /// segment. Aligning along it would bend the long edge, so it is marked
  /// (on both of its adjacency slots) and never aligned.
  void markConflicts() {
    markedPred.assign(g.pred.size(), 0);
    markedSucc.assign(g.succ.size(), 0);
    for (uint32_t l = 0; l + 1 < g.layerCount; ++l) {
      uint32_t upperSize = g.layerBegin[l + 1] - g.layerBegin[l];
      llvm::ArrayRef<uint32_t> lower = g.layerNodes(l + 1);
      uint32_t k0 = 0, scan = 0;
      for (uint32_t l1 = 0; l1 < lower.size(); ++l1) {
        int64_t innerAt = innerUpperPos(lower[l1]);
        if (l1 + 1 != lower.size() && innerAt < 0)
          continue;
        uint32_t k1 = innerAt >= 0 ? innerAt : upperSize - 1;
        for (; scan <= l1; ++scan) {
          uint32_t w = lower[scan];
          for (uint32_t slot = g.predBegin[w]; slot < g.predBegin[w + 1];
               ++slot) {
            uint32_t u = g.pred[slot];
            if ((g.pos[u] < k0 || g.pos[u] > k1) &&
                !(g.isDummy(u) && g.isDummy(w)))
              mark(slot, u, w);
          }
        }
        k0 = k1;
      }
    }
    // A dummy chain that hands edges out on its way down keeps its dummies
    // for itself: a branch to a real node never aligns with a dummy that
    // goes on, or the chain would bend at every branch (and every edge
    // through it would carry all those bends).
    for (uint32_t u = g.realCount; u < g.nodeCount(); ++u) {
      llvm::ArrayRef<uint32_t> succs = g.succs(u);
      if (llvm::none_of(succs, [&](uint32_t w) { return g.isDummy(w); }))
        continue;
      for (uint32_t w : succs)
        if (!g.isDummy(w)) {
          llvm::ArrayRef<uint32_t> preds = g.preds(w);
          const uint32_t *it = std::lower_bound(
              preds.begin(), preds.end(), u,
              [&](uint32_t a, uint32_t b) { return g.pos[a] < g.pos[b]; });
          assert(it != preds.end() && *it == u);
          mark(g.predBegin[w] + (it - preds.begin()), u, w);
        }
    }
  }

  /// Position of v's upper end if v is the lower end of an inner segment.
  int64_t innerUpperPos(uint32_t v) const {
    if (!g.isDummy(v))
      return -1;
    uint32_t u = g.pred[g.predBegin[v]]; // a dummy has exactly one
    return g.isDummy(u) ? int64_t(g.pos[u]) : -1;
  }

  void mark(uint32_t predSlot, uint32_t u, uint32_t w) {
    markedPred[predSlot] = 1;
    llvm::ArrayRef<uint32_t> succs = g.succs(u);
    const uint32_t *it = std::lower_bound(
        succs.begin(), succs.end(), w,
        [&](uint32_t a, uint32_t b) { return g.pos[a] < g.pos[b]; });
    assert(it != succs.end() && *it == w);
    markedSucc[g.succBegin[u] + (it - succs.begin())] = 1;
  }

  /// Groups nodes into blocks: root[v] is the top (or bottom) node of v's
  /// block, align[] links each block into a cycle.
  void alignVertically(bool down, bool left) {
    uint32_t n = g.nodeCount();
    root.resize(n);
    align.resize(n);
    for (uint32_t v = 0; v < n; ++v)
      root[v] = align[v] = v;
    if (g.layerCount < 2)
      return;
    for (uint32_t step = 1; step < g.layerCount; ++step) {
      uint32_t l = down ? step : g.layerCount - 1 - step;
      llvm::ArrayRef<uint32_t> nodes = g.layerNodes(l);
      int64_t r = left ? -1 : std::numeric_limits<int64_t>::max();
      for (uint32_t i = 0; i < nodes.size(); ++i) {
        uint32_t v = nodes[left ? i : nodes.size() - 1 - i];
        uint32_t first = down ? g.predBegin[v] : g.succBegin[v];
        uint32_t d = (down ? g.predBegin[v + 1] : g.succBegin[v + 1]) - first;
        if (d == 0)
          continue;
        const std::vector<uint32_t> &nb = down ? g.pred : g.succ;
        const std::vector<uint8_t> &marked = down ? markedPred : markedSucc;
        uint32_t medians[2] = {(d - 1) / 2, d / 2};
        if (!left)
          std::swap(medians[0], medians[1]);
        for (unsigned m = 0; m < (d % 2 ? 1u : 2u); ++m) {
          if (align[v] != v)
            break;
          uint32_t slot = first + medians[m];
          uint32_t u = nb[slot];
          int64_t p = g.pos[u];
          if (marked[slot] || !(left ? r < p : r > p))
            continue;
          align[u] = v;
          root[v] = root[u];
          align[v] = root[v];
          r = p;
        }
      }
    }
  }

  /// Packs the blocks towards the left (or, mirrored, the right) and
  /// writes every node's x.
  void compact(bool left, std::vector<double> &x) {
    uint32_t n = g.nodeCount();
    // Block graph: neighbor on the packing side -> node, by roots.
    links.clear();
    for (uint32_t l = 0; l < g.layerCount; ++l) {
      llvm::ArrayRef<uint32_t> nodes = g.layerNodes(l);
      for (uint32_t i = 1; i < nodes.size(); ++i) {
        uint32_t a = nodes[i - 1], b = nodes[i];
        if (!left)
          std::swap(a, b);
        links.push_back({root[a], root[b], separation(a, b)});
      }
    }
    outBegin.assign(n + 1, 0);
    inDegree.assign(n, 0);
    for (const auto &link : links) {
      ++outBegin[link.from + 1];
      ++inDegree[link.to];
    }
    for (uint32_t v = 0; v < n; ++v)
      outBegin[v + 1] += outBegin[v];
    outLinks.resize(links.size());
    next.assign(outBegin.begin(), outBegin.end() - 1);
    for (uint32_t i = 0; i < links.size(); ++i)
      outLinks[next[links[i].from]++] = i;

    // Longest path from the packing side, in topological order (Kahn).
    topo.clear();
    for (uint32_t v = 0; v < n; ++v)
      if (root[v] == v && inDegree[v] == 0)
        topo.push_back(v);
    x.assign(n, 0);
    for (size_t head = 0; head < topo.size(); ++head) {
      uint32_t v = topo[head];
      for (uint32_t i = outBegin[v]; i < outBegin[v + 1]; ++i) {
        const auto &link = links[outLinks[i]];
        x[link.to] = std::max(x[link.to], x[v] + link.gap);
        if (--inDegree[link.to] == 0)
          topo.push_back(link.to);
      }
    }
    // Alignments never cross, so the block graph is acyclic; should that
    // ever fail, fall back to one block per node rather than misplace some.
    size_t blocks = 0;
    for (uint32_t v = 0; v < n; ++v)
      blocks += root[v] == v;
    if (topo.size() != blocks) {
      assert(false && "cyclic block graph");
      for (uint32_t v = 0; v < n; ++v)
        root[v] = align[v] = v;
      return compact(left, x);
    }
    // Then slide each block away from the packing side as far as its
    // neighbors allow, so blocks hug their own neighbors, not the margin.
    for (uint32_t v : llvm::reverse(topo)) {
      double limit = std::numeric_limits<double>::infinity();
      for (uint32_t i = outBegin[v]; i < outBegin[v + 1]; ++i) {
        const auto &link = links[outLinks[i]];
        limit = std::min(limit, x[link.to] - link.gap);
      }
      if (limit != std::numeric_limits<double>::infinity())
        x[v] = std::max(x[v], limit);
    }
    // Roots keep their own x, so this may run in place.
    for (uint32_t v = 0; v < n; ++v)
      x[v] = x[root[v]];
    if (!left)
      for (double &value : x)
        value = -value;
  }

  /// Aligns the candidates to the narrowest one (left ones by their left
  /// edge, right ones by their right edge) and averages the middle ones.
  /// A candidate much wider than the narrowest has drifted into a
  /// staircase (long models do that in one direction, by how the order
  /// happens to break ties) and is left out: taking the same order
  /// statistic of any fixed subset keeps every separation.
  void balance(std::array<std::vector<double>, 4> &candidates,
               std::vector<double> &x) {
    uint32_t n = g.nodeCount();
    std::array<double, 4> lo, hi;
    unsigned narrowest = 0;
    for (unsigned k = 0; k < 4; ++k) {
      lo[k] = std::numeric_limits<double>::infinity();
      hi[k] = -lo[k];
      for (uint32_t v = 0; v < n; ++v) {
        lo[k] = std::min(lo[k], candidates[k][v] - halfWidth[v]);
        hi[k] = std::max(hi[k], candidates[k][v] + halfWidth[v]);
      }
      if (hi[k] - lo[k] < hi[narrowest] - lo[narrowest])
        narrowest = k;
    }
    double limit = kMaxDrift * (hi[narrowest] - lo[narrowest]);
    llvm::SmallVector<unsigned, 4> kept;
    for (unsigned k = 0; k < 4; ++k) {
      if (hi[k] - lo[k] > limit && k != narrowest)
        continue;
      kept.push_back(k);
      double shift = k % 2 == 0 ? lo[narrowest] - lo[k] : hi[narrowest] - hi[k];
      for (double &value : candidates[k])
        value += shift;
    }
    x.resize(n);
    for (uint32_t v = 0; v < n; ++v) {
      std::array<double, 4> c;
      for (unsigned i = 0; i < kept.size(); ++i)
        c[i] = candidates[kept[i]][v];
      std::sort(c.begin(), c.begin() + kept.size());
      // 4: the middle two; 3: the middle one; 2: both; 1: itself.
      x[v] = (c[(kept.size() - 1) / 2] + c[kept.size() / 2]) / 2;
    }
  }

  /// How much wider than the narrowest a candidate may be and still count.
  static constexpr double kMaxDrift = 1.5;

  const LayeredGraph &g;
  std::vector<double> halfWidth, halfGap;
  std::vector<uint8_t> markedPred, markedSucc;
  std::vector<uint32_t> root, align;
  struct LinkRecord {
    uint32_t from, to;
    double gap;
  };
  std::vector<LinkRecord> links;
  std::vector<uint32_t> outBegin, outLinks, next, inDegree, topo;
};

/// Packed layers pulled towards their neighbors (see the file comment).
class PackedPlacement {
public:
  PackedPlacement(const LayeredGraph &g, const LayoutGraph &graph,
                  const LayoutOptions &options)
      : g(g) {
    halfExtents(g, graph, options, halfWidth, halfGap);
  }

  bool run(WorkTracker &work, std::vector<double> &x) {
    uint32_t n = g.nodeCount();
    x.assign(n, 0);
    for (uint32_t l = 0; l < g.layerCount; ++l) {
      llvm::ArrayRef<uint32_t> nodes = g.layerNodes(l);
      double at = 0;
      for (uint32_t i = 0; i < nodes.size(); ++i) {
        if (i > 0)
          at += separation(nodes[i - 1], nodes[i]);
        x[nodes[i]] = at;
      }
      for (uint32_t v : nodes)
        x[v] -= at / 2;
    }
    if (!work.tick(n))
      return false;
    for (unsigned sweep = 0; sweep < kSweeps; ++sweep) {
      bool down = sweep % 2 == 0;
      for (uint32_t step = 0; step < g.layerCount; ++step) {
        uint32_t l = down ? step : g.layerCount - 1 - step;
        placeLayer(l, x);
      }
      if (!work.tick(2 * (uint64_t(n) + g.layeredEdgeCount())))
        return false;
    }
    return true;
  }

private:
  double separation(uint32_t a, uint32_t b) const {
    return halfWidth[a] + halfGap[a] + halfWidth[b] + halfGap[b];
  }

  /// Graphviz's edge weights: long edges pull hardest, so they run
  /// straight.
  double weight(uint32_t a, uint32_t b) const {
    return g.isDummy(a) && g.isDummy(b)   ? 8
           : g.isDummy(a) || g.isDummy(b) ? 2
                                          : 1;
  }

  /// Moves layer l's nodes as near as the separations allow to the
  /// weighted medians of their neighbors, in the least-squares sense.
  void placeLayer(uint32_t l, std::vector<double> &x) {
    llvm::ArrayRef<uint32_t> nodes = g.layerNodes(l);
    if (nodes.empty())
      return;
    // With offset[k] the packed distance from node 0 to node k, y = x -
    // offset must not decrease along the layer: pool adjacent violators.
    pools.clear();
    double offset = 0;
    for (uint32_t k = 0; k < nodes.size(); ++k) {
      uint32_t v = nodes[k];
      if (k > 0)
        offset += separation(nodes[k - 1], v);
      double target = x[v], w = kStayWeight;
      around.clear();
      double total = 0;
      for (llvm::ArrayRef<uint32_t> side : {g.preds(v), g.succs(v)})
        for (uint32_t u : side) {
          around.push_back({x[u], weight(u, v)});
          total += around.back().second;
        }
      if (!around.empty()) {
        std::sort(around.begin(), around.end());
        // The weighted median; between two, their middle.
        double half = total / 2, below = 0;
        for (size_t i = 0; i < around.size(); ++i) {
          below += around[i].second;
          if (below > half) {
            target = around[i].first;
            break;
          }
          if (below == half) {
            target = (around[i].first + around[i + 1].first) / 2;
            break;
          }
        }
        w = total;
      }
      Pool pool{w, w * (target - offset), 1};
      while (!pools.empty() &&
             pools.back().sum / pools.back().weight >= pool.sum / pool.weight) {
        pool.weight += pools.back().weight;
        pool.sum += pools.back().sum;
        pool.count += pools.back().count;
        pools.pop_back();
      }
      pools.push_back(pool);
    }
    offset = 0;
    uint32_t k = 0;
    for (const Pool &pool : pools) {
      // Whole units, as Brandes-Koepf's sums of separations: rounding keeps
      // the pools' order (so every separation), and cut points of edges on
      // the layer lines come out exact.
      double y = std::round(pool.sum / pool.weight);
      for (uint32_t i = 0; i < pool.count; ++i, ++k) {
        if (k > 0)
          offset += separation(nodes[k - 1], nodes[k]);
        x[nodes[k]] = y + offset;
      }
    }
  }

  static constexpr unsigned kSweeps = 4;
  /// How much a node without neighbors holds on to where it is.
  static constexpr double kStayWeight = 0.01;

  struct Pool {
    double weight, sum;
    uint32_t count;
  };
  const LayeredGraph &g;
  std::vector<double> halfWidth, halfGap;
  std::vector<Pool> pools;
  std::vector<std::pair<double, double>> around;
};

/// Width of a placement: node boxes (dummies are points).
double widthOf(const LayeredGraph &g, const LayoutGraph &graph,
               const std::vector<double> &x) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (uint32_t v = 0; v < g.nodeCount(); ++v) {
    double half = v < g.realCount ? graph.nodes[v].width / 2 : 0;
    lo = std::min(lo, x[v] - half);
    hi = std::max(hi, x[v] + half);
  }
  return hi > lo ? hi - lo : 0;
}

/// About how many points the edges' polylines get from x: Layout.cpp's
/// drawEdge keeps the ends of each straight run of a dummy chain, and each
/// edge through a chain carries its own copy of the chain down to where it
/// leaves. Straight chains keep a value read all over a model cheap; bent
/// ones cost each of its edges the chain's length. O(V + E).
uint64_t polylinePoints(const LayeredGraph &g, const std::vector<double> &x) {
  // runs[d - realCount]: straight runs of d's chain from its first dummy
  // down to d.
  std::vector<uint32_t> runs(g.nodeCount() - g.realCount, 0);
  for (uint32_t v = 0; v < g.realCount; ++v) {
    uint32_t d = g.trunkStart[v];
    if (d == kNone)
      continue;
    uint32_t count = 1;
    runs[d - g.realCount] = count;
    for (++d; d < g.nodeCount() && g.layer[d] == g.layer[d - 1] + 1 &&
              g.preds(d).size() == 1 && g.preds(d)[0] == d - 1;
         ++d) {
      count += x[d] != x[d - 1];
      runs[d - g.realCount] = count;
    }
  }
  uint64_t points = 0;
  for (auto [a, b] : g.orientedEdges) {
    points += 2;
    uint32_t la = g.layer[a], lb = g.layer[b];
    if (a != b && lb > la + 1)
      points +=
          2 * uint64_t(runs[g.trunkStart[a] + (lb - la - 2) - g.realCount]);
  }
  return points;
}

} // namespace

/// How much wider than the packed placement Brandes-Koepf's may be and
/// still be chosen for its straight edges.
constexpr double kWiderThanPacked = 1.2;
/// How many times Brandes-Koepf's polyline points the packed placement may
/// need and still be chosen.
constexpr uint64_t kMorePoints = 2;
/// The largest layered graph (nodes, dummies and edges) that also gets the
/// packed placement.
constexpr uint64_t kMaxPackedItems = 200'000;

bool layout::assignCoordinates(const LayeredGraph &g, const LayoutGraph &graph,
                               const LayoutOptions &options, WorkTracker &work,
                               std::vector<double> &x,
                               std::vector<double> &layerY) {
  x.clear();
  if (g.nodeCount() != 0) {
    BrandesKoepf bk(g, graph, options);
    if (!bk.run(work, x))
      return false;
    // The packed placement costs about as much again: big graphs (models
    // of tens of thousands of ops) keep to Brandes-Koepf's.
    std::vector<double> packed;
    PackedPlacement placement(g, graph, options);
    if (g.nodeCount() + g.layeredEdgeCount() <= kMaxPackedItems &&
        !placement.run(work, packed))
      return false;
    // Not when its bent chains would cost the polylines much more than
    // Brandes-Koepf's straight ones (a model's shared tables: quadratic).
    if (!packed.empty() &&
        widthOf(g, graph, x) > kWiderThanPacked * widthOf(g, graph, packed) &&
        polylinePoints(g, packed) <= kMorePoints * polylinePoints(g, x))
      x = std::move(packed);
  }
  std::vector<double> layerHeight(g.layerCount, 0);
  for (uint32_t v = 0; v < g.realCount; ++v)
    layerHeight[g.layer[v]] =
        std::max(layerHeight[g.layer[v]], graph.nodes[v].height);
  layerY.resize(g.layerCount);
  double top = 0;
  for (uint32_t l = 0; l < g.layerCount; ++l) {
    layerY[l] = top + layerHeight[l] / 2;
    top += layerHeight[l] + options.layerSeparation;
  }
  return true;
}
