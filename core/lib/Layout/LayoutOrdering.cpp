//===- LayoutOrdering.cpp - Crossing reduction ----------------------------===//
//
// Part of the mlirscope project.
//
// The initial order is a DFS preorder from the sources (trees come out
// planar, as in Graphviz's init_order). Each sweep then fixes one layer and
// sorts the next by the barycenter of each node's neighbors in it (nodes
// without neighbors there keep their slots), then swaps neighbors in each
// layer while that removes crossings (transpose). A sweep costs O(V + E)
// plus the per-layer sorts, and the crossings after it O(E log V) (Barth,
// Juenger and Mutzel's accumulator tree, here a Fenwick tree). The best
// order seen wins.
//
//===----------------------------------------------------------------------===//

#include "LayoutInternal.h"

#include <algorithm>
#include <cassert>

using namespace mlirscope;
using namespace mlirscope::layout;

namespace {

/// Counts, over a sequence of positions, the pairs (earlier, later) where
/// the earlier is strictly greater.
class InversionCounter {
public:
  void reset(uint32_t size) {
    tree.assign(size + 1, 0);
    inserted = 0;
  }
  /// Adds `p` (< size) and returns how many earlier positions exceed it.
  uint64_t add(uint32_t p) {
    uint64_t atMost = 0;
    for (uint32_t i = p + 1; i > 0; i -= i & -i)
      atMost += tree[i];
    for (uint32_t i = p + 1; i < tree.size(); i += i & -i)
      ++tree[i];
    return inserted++ - atMost;
  }

private:
  std::vector<uint32_t> tree;
  uint64_t inserted = 0;
};

/// Computes crossings of the current order with reusable scratch space.
class CrossingCounter {
public:
  uint64_t count(const LayeredGraph &g) {
    uint64_t crossings = 0;
    for (uint32_t l = 0; l + 1 < g.layerCount; ++l)
      crossings += countBetween(g, l);
    return crossings;
  }

private:
  /// Crossings between layer l and l + 1: the lower ends grouped by upper
  /// position (a counting sort), each group ascending, then inversions.
  uint64_t countBetween(const LayeredGraph &g, uint32_t l) {
    llvm::ArrayRef<uint32_t> upper = g.layerNodes(l);
    llvm::ArrayRef<uint32_t> lower = g.layerNodes(l + 1);
    begin.assign(upper.size() + 1, 0);
    for (uint32_t w : lower)
      for (uint32_t u : g.preds(w))
        ++begin[g.pos[u] + 1];
    for (size_t i = 0; i < upper.size(); ++i)
      begin[i + 1] += begin[i];
    ends.resize(begin.back());
    for (uint32_t j = 0; j < lower.size(); ++j)
      for (uint32_t u : g.preds(lower[j]))
        ends[begin[g.pos[u]]++] = j;
    counter.reset(lower.size());
    uint64_t crossings = 0;
    for (uint32_t p : ends)
      crossings += counter.add(p);
    return crossings;
  }

  std::vector<uint32_t> begin, ends;
  InversionCounter counter;
};

/// Lays out layerBegin/order/pos from a DFS preorder of the layered graph.
void initialOrder(LayeredGraph &g) {
  uint32_t n = g.nodeCount();
  std::vector<uint32_t> visit;
  visit.reserve(n);
  std::vector<uint8_t> seen(n, 0);
  std::vector<std::pair<uint32_t, uint32_t>> stack;
  for (uint32_t start = 0; start < n; ++start) {
    if (seen[start] || g.predBegin[start] != g.predBegin[start + 1])
      continue;
    seen[start] = 1;
    visit.push_back(start);
    stack.push_back({start, g.succBegin[start]});
    while (!stack.empty()) {
      auto &[v, slot] = stack.back();
      if (slot == g.succBegin[v + 1]) {
        stack.pop_back();
        continue;
      }
      uint32_t w = g.succ[slot++];
      if (seen[w])
        continue;
      seen[w] = 1;
      visit.push_back(w);
      stack.push_back({w, g.succBegin[w]});
    }
  }
  assert(visit.size() == n && "every node is reachable from a source");

  g.layerBegin.assign(g.layerCount + 1, 0);
  for (uint32_t v = 0; v < n; ++v)
    ++g.layerBegin[g.layer[v] + 1];
  for (uint32_t l = 0; l < g.layerCount; ++l)
    g.layerBegin[l + 1] += g.layerBegin[l];
  g.order.resize(n);
  g.pos.resize(n);
  std::vector<uint32_t> next(g.layerBegin.begin(), g.layerBegin.end() - 1);
  for (uint32_t v : visit) {
    uint32_t slot = next[g.layer[v]]++;
    g.order[slot] = v;
    g.pos[v] = slot - g.layerBegin[g.layer[v]];
  }
}

/// One barycenter pass over every layer, down (each layer by its
/// predecessors) or up (by its successors).
class Sweeper {
public:
  explicit Sweeper(LayeredGraph &g) : g(g) {}

  bool sweep(bool down, WorkTracker &work) {
    if (g.layerCount < 2)
      return true;
    if (down) {
      for (uint32_t l = 1; l < g.layerCount; ++l)
        if (!sweepLayer(l, /*byPreds=*/true, work))
          return false;
    } else {
      for (uint32_t l = g.layerCount - 1; l-- > 0;)
        if (!sweepLayer(l, /*byPreds=*/false, work))
          return false;
    }
    return true;
  }

  /// Swaps neighbors of each layer while that removes crossings with both
  /// adjacent layers (Gansner et al.'s transpose, one pass per layer).
  /// Linear per pass: each pair's crossings come from merging the two
  /// nodes' sorted neighbor positions.
  bool transpose(bool down, WorkTracker &work) {
    for (uint32_t step = 0; step < g.layerCount; ++step)
      if (!transposeLayer(down ? step : g.layerCount - 1 - step, work))
        return false;
    return true;
  }

private:
  /// For the edges of two neighbor nodes whose neighbor positions are a
  /// and b (sorted): the crossings with a's node on the left (pairs x in a,
  /// y in b with x > y) and with it on the right (x < y), in one merge.
  static std::pair<uint64_t, uint64_t>
  crossingsBetween(llvm::ArrayRef<uint32_t> a, llvm::ArrayRef<uint32_t> b) {
    uint64_t leftFirst = 0, ties = 0;
    size_t below = 0, atMost = 0;
    for (uint32_t y : b) {
      while (below < a.size() && a[below] < y)
        ++below;
      if (atMost < below)
        atMost = below;
      while (atMost < a.size() && a[atMost] <= y)
        ++atMost;
      leftFirst += a.size() - atMost;
      ties += atMost - below;
    }
    uint64_t rightFirst = uint64_t(a.size()) * b.size() - leftFirst - ties;
    return {leftFirst, rightFirst};
  }

  bool transposeLayer(uint32_t l, WorkTracker &work) {
    uint32_t first = g.layerBegin[l], size = g.layerBegin[l + 1] - first;
    if (size < 2)
      return work.tick(1);
    // Neighbor positions of the node at each slot, sorted: slot k's upper
    // ones are positions[begin[2k] .. begin[2k+1]), lower ones up to
    // begin[2k+2].
    begin.assign(1, 0);
    positions.clear();
    for (uint32_t k = 0; k < size; ++k) {
      uint32_t v = g.order[first + k];
      for (llvm::ArrayRef<uint32_t> side : {g.preds(v), g.succs(v)}) {
        size_t from = positions.size();
        for (uint32_t u : side)
          positions.push_back(g.pos[u]);
        std::sort(positions.begin() + from, positions.end());
        begin.push_back(positions.size());
      }
    }
    auto side = [&](uint32_t k, unsigned which) {
      return llvm::ArrayRef<uint32_t>(positions).slice(
          begin[2 * k + which],
          begin[2 * k + which + 1] - begin[2 * k + which]);
    };
    slots.resize(size);
    for (uint32_t k = 0; k < size; ++k)
      slots[k] = k;
    bool swapped = true;
    for (unsigned round = 0; swapped && round < kTransposeRounds; ++round) {
      swapped = false;
      for (uint32_t k = 0; k + 1 < size; ++k) {
        uint32_t a = slots[k], b = slots[k + 1];
        auto [upKept, upFlipped] = crossingsBetween(side(a, 0), side(b, 0));
        auto [downKept, downFlipped] = crossingsBetween(side(a, 1), side(b, 1));
        uint64_t kept = upKept + downKept, flipped = upFlipped + downFlipped;
        if (flipped < kept) {
          std::swap(slots[k], slots[k + 1]);
          swapped = true;
        }
      }
      if (!work.tick(size + 2 * positions.size()))
        return false;
    }
    scratch.assign(g.order.begin() + first, g.order.begin() + first + size);
    for (uint32_t k = 0; k < size; ++k) {
      uint32_t v = scratch[slots[k]];
      g.order[first + k] = v;
      g.pos[v] = k;
    }
    return true;
  }

  static constexpr unsigned kTransposeRounds = 4;
  std::vector<uint32_t> begin, positions, slots, scratch;

  struct Keyed {
    double barycenter;
    uint32_t slot, node;
    bool operator<(const Keyed &other) const {
      return barycenter < other.barycenter ||
             (barycenter == other.barycenter && slot < other.slot);
    }
  };

  bool sweepLayer(uint32_t l, bool byPreds, WorkTracker &work) {
    uint32_t first = g.layerBegin[l], size = g.layerBegin[l + 1] - first;
    keyed.clear();
    fixed.assign(size, 0);
    uint64_t visited = size;
    for (uint32_t k = 0; k < size; ++k) {
      uint32_t v = g.order[first + k];
      llvm::ArrayRef<uint32_t> neighbors = byPreds ? g.preds(v) : g.succs(v);
      if (neighbors.empty()) {
        fixed[k] = 1;
        continue;
      }
      uint64_t sum = 0;
      for (uint32_t u : neighbors)
        sum += g.pos[u];
      visited += neighbors.size();
      keyed.push_back({double(sum) / neighbors.size(), k, v});
    }
    std::sort(keyed.begin(), keyed.end());
    for (uint32_t k = 0, j = 0; k < size; ++k) {
      if (fixed[k])
        continue;
      uint32_t v = keyed[j++].node;
      g.order[first + k] = v;
      g.pos[v] = k;
    }
    return work.tick(visited);
  }

  LayeredGraph &g;
  std::vector<Keyed> keyed;
  std::vector<uint8_t> fixed;
};

/// Sorts every adjacency list by position: predecessors by walking the
/// layers in order and handing each node to its successors, successors the
/// other way round. Linear.
void sortAdjacencyByPosition(LayeredGraph &g) {
  std::vector<uint32_t> pred(g.pred.size()), succ(g.succ.size());
  std::vector<uint32_t> next(g.predBegin.begin(), g.predBegin.end() - 1);
  for (uint32_t u : g.order)
    for (uint32_t w : g.succs(u))
      pred[next[w]++] = u;
  next.assign(g.succBegin.begin(), g.succBegin.end() - 1);
  for (uint32_t w : g.order)
    for (uint32_t u : g.preds(w))
      succ[next[u]++] = w;
  g.pred = std::move(pred);
  g.succ = std::move(succ);
}

} // namespace

uint64_t layout::countLayeredCrossings(const LayeredGraph &g) {
  CrossingCounter counter;
  return counter.count(g);
}

uint64_t mlirscope::countBilayerCrossings(
    std::vector<std::pair<uint32_t, uint32_t>> &segments) {
  if (segments.empty())
    return 0;
  std::sort(segments.begin(), segments.end());
  uint32_t size = 0;
  for (auto [upper, lower] : segments)
    size = std::max(size, lower + 1);
  InversionCounter counter;
  counter.reset(size);
  uint64_t crossings = 0;
  for (auto [upper, lower] : segments)
    crossings += counter.add(lower);
  return crossings;
}

bool layout::orderLayers(LayeredGraph &g, const LayoutOptions &options,
                         WorkTracker &work, uint64_t &crossings,
                         unsigned &sweeps) {
  initialOrder(g);
  sweeps = 0;
  CrossingCounter counter;
  crossings = counter.count(g);
  if (!work.tick(g.nodeCount() + g.layeredEdgeCount()))
    return false;

  auto start = std::chrono::steady_clock::now();
  // A sweep, its transpose pass and the count after it.
  uint64_t sweepCost = 4 * uint64_t(g.nodeCount()) + 6 * g.layeredEdgeCount();
  uint64_t spent = 0;
  // The best order so far, when the current one is not it.
  std::vector<uint32_t> best;
  bool currentIsBest = true;
  unsigned withoutGain = 0;
  Sweeper sweeper(g);
  while (sweeps < options.maxSweeps && crossings > 0 &&
         withoutGain < std::max(1u, options.sweepsWithoutGain)) {
    // The first sweep always runs: it is linear, and it removes most of the
    // crossings a graph will ever lose.
    if (sweeps > 0 && options.sweepWorkLimit &&
        spent + sweepCost > options.sweepWorkLimit)
      break;
    if (options.sweepDeadlineMs > 0 &&
        std::chrono::duration<double, std::milli>(
            std::chrono::steady_clock::now() - start)
                .count() > options.sweepDeadlineMs)
      break;
    if (currentIsBest)
      best = g.order;
    if (!sweeper.sweep(/*down=*/sweeps % 2 == 0, work) ||
        !sweeper.transpose(/*down=*/sweeps % 2 == 0, work))
      return false;
    ++sweeps;
    spent += sweepCost;
    uint64_t now = counter.count(g);
    if (!work.tick(g.layeredEdgeCount()))
      return false;
    work.report(0.1 + 0.6 * sweeps / options.maxSweeps, "ordering");
    currentIsBest = now < crossings;
    if (currentIsBest) {
      crossings = now;
      withoutGain = 0;
    } else {
      ++withoutGain;
    }
  }
  if (!currentIsBest) {
    g.order = std::move(best);
    for (uint32_t l = 0; l < g.layerCount; ++l)
      for (uint32_t k = 0, first = g.layerBegin[l];
           k < g.layerBegin[l + 1] - first; ++k)
        g.pos[g.order[first + k]] = k;
  }
  sortAdjacencyByPosition(g);
  return work.tick(g.nodeCount() + g.layeredEdgeCount());
}
