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
#include <tuple>

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

/// Connected components of the layered graph, numbered 0, 1, ... in the
/// order of their smallest node id. Sweeps never mix two components: each
/// keeps its own block of every layer, as if laid out alone.
std::vector<uint32_t> componentsOf(const LayeredGraph &g) {
  uint32_t n = g.nodeCount();
  std::vector<uint32_t> parent(n);
  for (uint32_t v = 0; v < n; ++v)
    parent[v] = v;
  auto find = [&](uint32_t v) {
    while (parent[v] != v)
      v = parent[v] = parent[parent[v]];
    return v;
  };
  for (uint32_t v = 0; v < n; ++v)
    for (uint32_t w : g.succs(v)) {
      uint32_t a = find(v), b = find(w);
      if (a != b)
        parent[std::max(a, b)] = std::min(a, b);
    }
  std::vector<uint32_t> component(n), number(n, kNone);
  uint32_t next = 0;
  for (uint32_t v = 0; v < n; ++v) {
    uint32_t root = find(v);
    if (number[root] == kNone)
      number[root] = next++;
    component[v] = number[root];
  }
  return component;
}

/// How a start order visits the graph from its sources (in id order):
/// depth first (trees come out planar) or breadth first (Graphviz's
/// build_ranks), or depth first up from the sinks.
enum class StartOrder { DepthFirst, BreadthFirst, UpFromSinks };

/// Lays out layerBegin/order/pos from a walk of the layered graph, each
/// component in a block of its own (components by their smallest node).
void initialOrder(LayeredGraph &g, const std::vector<uint32_t> &component,
                  StartOrder kind) {
  uint32_t n = g.nodeCount();
  bool up = kind == StartOrder::UpFromSinks;
  auto next = [&](uint32_t v) { return up ? g.succs(v) : g.preds(v); };
  auto onward = [&](uint32_t v) { return up ? g.preds(v) : g.succs(v); };
  std::vector<uint32_t> visit;
  visit.reserve(n);
  std::vector<uint8_t> seen(n, 0);
  std::vector<std::pair<uint32_t, uint32_t>> stack;
  for (uint32_t start = 0; start < n; ++start) {
    if (seen[start] || !next(start).empty())
      continue;
    seen[start] = 1;
    visit.push_back(start);
    if (kind == StartOrder::BreadthFirst) {
      for (size_t head = visit.size() - 1; head < visit.size(); ++head)
        for (uint32_t w : onward(visit[head]))
          if (!seen[w]) {
            seen[w] = 1;
            visit.push_back(w);
          }
      continue;
    }
    stack.push_back({start, 0});
    while (!stack.empty()) {
      auto &[v, slot] = stack.back();
      llvm::ArrayRef<uint32_t> out = onward(v);
      if (slot == out.size()) {
        stack.pop_back();
        continue;
      }
      uint32_t w = out[slot++];
      if (seen[w])
        continue;
      seen[w] = 1;
      visit.push_back(w);
      stack.push_back({w, 0});
    }
  }
  assert(visit.size() == n && "every node is reachable from a source");

  // Components in blocks: a stable counting sort of the walk by component.
  uint32_t components = 0;
  for (uint32_t c : component)
    components = std::max(components, c + 1);
  std::vector<uint32_t> begin(components + 1, 0);
  for (uint32_t v = 0; v < n; ++v)
    ++begin[component[v] + 1];
  for (uint32_t c = 0; c < components; ++c)
    begin[c + 1] += begin[c];
  std::vector<uint32_t> sorted(n);
  for (uint32_t v : visit)
    sorted[begin[component[v]]++] = v;

  g.layerBegin.assign(g.layerCount + 1, 0);
  for (uint32_t v = 0; v < n; ++v)
    ++g.layerBegin[g.layer[v] + 1];
  for (uint32_t l = 0; l < g.layerCount; ++l)
    g.layerBegin[l + 1] += g.layerBegin[l];
  g.order.resize(n);
  g.pos.resize(n);
  std::vector<uint32_t> slotOf(g.layerBegin.begin(), g.layerBegin.end() - 1);
  for (uint32_t v : sorted) {
    uint32_t slot = slotOf[g.layer[v]]++;
    g.order[slot] = v;
    g.pos[v] = slot - g.layerBegin[g.layer[v]];
  }
}

/// One barycenter pass over every layer, down (each layer by its
/// predecessors) or up (by its successors).
class Sweeper {
public:
  Sweeper(LayeredGraph &g, const std::vector<uint32_t> &component)
      : g(g), component(component) {}

  /// Sort keys: the mean of the neighbors' positions, or their median
  /// (Graphviz's; better on high-degree nodes, worse on ties).
  bool useMedian = false;
  /// Graphviz's way off a plateau: sorts break ties against the current
  /// order and transpose also swaps pairs whose crossings stay the same.
  bool reverse = false;
  /// Passes of transpose over the layers at most (while they gain).
  unsigned transposePasses = kTransposePasses;

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
  /// adjacent layers (Gansner et al.'s transpose), passing over the layers
  /// again while a pass swapped anything, at most kTransposePasses times.
  /// Linear per pass: each pair's crossings come from merging the two
  /// nodes' sorted neighbor positions.
  bool transpose(bool down, WorkTracker &work) {
    for (unsigned pass = 0; pass < transposePasses; ++pass) {
      bool changed = false;
      for (uint32_t step = 0; step < g.layerCount; ++step) {
        bool swapped = false;
        if (!transposeLayer(down ? step : g.layerCount - 1 - step, work,
                            swapped))
          return false;
        changed |= swapped;
      }
      if (!changed)
        break;
    }
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

  /// Fills positions/begin with the sorted neighbor positions of the
  /// nodes of layer l, and slots with the identity.
  void collectNeighbors(uint32_t l) {
    uint32_t first = g.layerBegin[l], size = g.layerBegin[l + 1] - first;
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
    slots.resize(size);
    for (uint32_t k = 0; k < size; ++k)
      slots[k] = k;
  }

  /// Slot k's sorted neighbor positions above (which = 0) or below (1).
  llvm::ArrayRef<uint32_t> side(uint32_t k, unsigned which) const {
    return llvm::ArrayRef<uint32_t>(positions).slice(
        begin[2 * k + which], begin[2 * k + which + 1] - begin[2 * k + which]);
  }

  /// Crossings of slot a's and slot b's edges with a left of b, and with
  /// b left of a.
  std::pair<uint64_t, uint64_t> pairCrossings(uint32_t a, uint32_t b) const {
    auto [upKept, upFlipped] = crossingsBetween(side(a, 0), side(b, 0));
    auto [downKept, downFlipped] = crossingsBetween(side(a, 1), side(b, 1));
    return {upKept + downKept, upFlipped + downFlipped};
  }

  /// Writes slots (a permutation of layer l's original order) back.
  void applySlots(uint32_t l) {
    uint32_t first = g.layerBegin[l], size = g.layerBegin[l + 1] - first;
    scratch.assign(g.order.begin() + first, g.order.begin() + first + size);
    for (uint32_t k = 0; k < size; ++k) {
      uint32_t v = scratch[slots[k]];
      g.order[first + k] = v;
      g.pos[v] = k;
    }
  }

  bool transposeLayer(uint32_t l, WorkTracker &work, bool &anySwap) {
    uint32_t size = g.layerBegin[l + 1] - g.layerBegin[l];
    if (size < 2)
      return work.tick(1);
    collectNeighbors(l);
    bool swapped = true;
    for (unsigned round = 0; swapped && round < kTransposeRounds; ++round) {
      swapped = false;
      for (uint32_t k = 0; k + 1 < size; ++k) {
        auto [kept, flipped] = pairCrossings(slots[k], slots[k + 1]);
        // Equal swaps only in a first round: later rounds would undo them.
        if (flipped < kept ||
            (reverse && round == 0 && kept > 0 && flipped == kept)) {
          std::swap(slots[k], slots[k + 1]);
          swapped = true;
          anySwap |= flipped < kept;
        }
      }
      if (!work.tick(size + 2 * positions.size()))
        return false;
    }
    applySlots(l);
    return true;
  }

public:
  /// Moves each node of every layer, one at a time, to the place in its
  /// layer where its edges cross the fewest (Matuszewski, Schoenfeld and
  /// Molitor's sifting, against both adjacent layers). Quadratic in a
  /// layer's size, so layers wider than kMaxSiftWidth are left alone.
  /// Sets `gained` when some move removed crossings.
  bool sift(WorkTracker &work, bool &gained) {
    for (uint32_t l = 0; l < g.layerCount; ++l) {
      uint32_t size = g.layerBegin[l + 1] - g.layerBegin[l];
      if (size < 3 || size > kMaxSiftWidth)
        continue;
      collectNeighbors(l);
      cost.resize(size);
      for (uint32_t node = 0; node < size; ++node) {
        // Costs of node against each other one, left to right, without it.
        uint32_t at =
            std::find(slots.begin(), slots.end(), node) - slots.begin();
        slots.erase(slots.begin() + at);
        uint64_t total = 0;
        for (uint32_t j = 0; j + 1 < size; ++j) {
          cost[j] = pairCrossings(node, slots[j]);
          total += cost[j].first; // node left of everything
        }
        // Only places inside its component's block of the layer.
        uint32_t mine = componentAt(l, node);
        auto inBlock = [&](uint32_t p) {
          return (p > 0 && componentAt(l, slots[p - 1]) == mine) ||
                 (p + 1 < size && componentAt(l, slots[p]) == mine);
        };
        uint64_t here = total, best = UINT64_MAX, now = total;
        uint32_t bestAt = at;
        if (inBlock(0))
          best = total, bestAt = 0;
        for (uint32_t j = 0; j + 1 < size; ++j) {
          now = now - cost[j].first + cost[j].second;
          if (j + 1 == at)
            here = now;
          if (now < best && inBlock(j + 1)) {
            best = now;
            bestAt = j + 1;
          }
        }
        if (at == 0)
          here = total;
        if (best < here) {
          gained = true;
        } else {
          bestAt = at;
        }
        slots.insert(slots.begin() + bestAt, node);
        if (!work.tick(2 * size + positions.size()))
          return false;
      }
      applySlots(l);
    }
    return true;
  }

  static constexpr uint32_t kMaxSiftWidth = 400;

private:
  uint32_t componentAt(uint32_t l, uint32_t slot) const {
    return component[g.order[g.layerBegin[l] + slot]];
  }

  std::vector<std::pair<uint64_t, uint64_t>> cost;

  static constexpr unsigned kTransposeRounds = 4;

public:
  static constexpr unsigned kTransposePasses = 4;

private:
  std::vector<uint32_t> begin, positions, slots, scratch;

  struct Keyed {
    uint32_t component;
    double key;
    uint32_t slot, node;
    bool operator<(const Keyed &other) const {
      return std::tie(component, key, slot) <
             std::tie(other.component, other.key, other.slot);
    }
    bool tiesReversed(const Keyed &other) const {
      return std::tie(component, key, other.slot) <
             std::tie(other.component, other.key, slot);
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
      double key;
      if (useMedian) {
        around.clear();
        for (uint32_t u : neighbors)
          around.push_back(g.pos[u]);
        size_t mid = around.size() / 2;
        std::nth_element(around.begin(), around.begin() + mid, around.end());
        key = around[mid];
        if (around.size() % 2 == 0)
          key =
              (key + *std::max_element(around.begin(), around.begin() + mid)) /
              2;
      } else {
        uint64_t sum = 0;
        for (uint32_t u : neighbors)
          sum += g.pos[u];
        key = double(sum) / neighbors.size();
      }
      visited += neighbors.size();
      keyed.push_back({component[v], key, k, v});
    }
    if (reverse)
      std::sort(keyed.begin(), keyed.end(), [](const Keyed &a, const Keyed &b) {
        return a.tiesReversed(b);
      });
    else
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
  const std::vector<uint32_t> &component;
  std::vector<uint32_t> around;
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

/// A later start order runs only when the budget has room for this many
/// sweeps of it.
constexpr unsigned kMinSweepsPerStart = 4;
/// Every graph may spend this much (about a millisecond) whatever its size.
constexpr uint64_t kMinBudget = 100'000;

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
  std::vector<uint32_t> component = componentsOf(g);
  sweeps = 0;
  CrossingCounter counter;
  // The budget, in WorkTracker units: what the options allow, scaled with
  // the size of the layered graph so a view of a few hundred boxes gets
  // every refinement and a 500k-op model a sweep or two.
  uint64_t size = g.nodeCount() + g.layeredEdgeCount();
  uint64_t budget = UINT64_MAX;
  if (options.sweepWorkLimit)
    budget = options.sweepWorkLimit;
  if (options.sweepWorkPerItem)
    budget =
        std::min(budget, std::max(kMinBudget, options.sweepWorkPerItem * size));
  // A sweep, its transpose passes and the count after it, at the least.
  uint64_t sweepCost = 4 * uint64_t(g.nodeCount()) + 6 * g.layeredEdgeCount();
  // Sifting: each node against every other one of its layer.
  uint64_t siftCost = 0;
  uint64_t startUnits = work.done();
  auto spent = [&] { return work.done() - startUnits; };
  auto start = std::chrono::steady_clock::now();
  auto outOfTime = [&] {
    return options.sweepDeadlineMs > 0 &&
           std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now() - start)
                   .count() > options.sweepDeadlineMs;
  };
  // Each start order is swept until it stops gaining; the best order of
  // all wins. Later starts run only while the budget has room for a few
  // sweeps: on big graphs the first start gets everything.
  struct Start {
    StartOrder order;
    bool median;
  };
  const Start starts[] = {{StartOrder::DepthFirst, false},
                          {StartOrder::BreadthFirst, true},
                          {StartOrder::UpFromSinks, false},
                          {StartOrder::DepthFirst, true}};
  std::vector<uint32_t> best;
  uint64_t bestCrossings = 0;
  Sweeper sweeper(g, component);
  unsigned maxStarts = options.maxSweeps == 0 ? 1 : std::size(starts);
  for (unsigned s = 0; s < maxStarts; ++s) {
    if (s > 0 && (bestCrossings == 0 || outOfTime() ||
                  spent() + kMinSweepsPerStart * sweepCost > budget))
      break;
    initialOrder(g, component, starts[s].order);
    sweeper.useMedian = starts[s].median;
    uint64_t current = counter.count(g);
    if (!work.tick(3 * uint64_t(g.nodeCount()) + 2 * g.layeredEdgeCount()))
      return false;
    if (s == 0) {
      // Sifting costs each layer its width times its nodes and edges.
      for (uint32_t l = 0; l < g.layerCount; ++l) {
        uint64_t width = g.layerBegin[l + 1] - g.layerBegin[l], edges = 0;
        if (width < 3 || width > Sweeper::kMaxSiftWidth)
          continue;
        for (uint32_t v : g.layerNodes(l))
          edges += g.preds(v).size() + g.succs(v).size();
        siftCost += width * (2 * width + edges);
      }
    }
    if (s == 0 || current < bestCrossings) {
      best = g.order;
      bestCrossings = current;
    }
    unsigned done = 0, withoutGain = 0;
    uint64_t startBest = current;
    while (done < options.maxSweeps && current > 0 &&
           withoutGain < std::max(1u, options.sweepsWithoutGain)) {
      // The first sweep always runs: it is linear, and it removes most of
      // the crossings a graph will ever lose.
      if (sweeps > 0 && spent() + sweepCost > budget)
        break;
      if (sweeps > 0 && outOfTime())
        break;
      bool down = done % 2 == 0;
      // As Graphviz: two sweeps that break ties against the order, two
      // that keep it.
      sweeper.reverse = done % 4 >= 2;
      // A sweep the budget barely allows gets one transpose pass.
      sweeper.transposePasses =
          spent() + 4 * sweepCost > budget ? 1 : Sweeper::kTransposePasses;
      if (!sweeper.sweep(down, work) || !sweeper.transpose(down, work))
        return false;
      bool gained = false;
      if (siftCost && spent() + siftCost + sweepCost <= budget &&
          !sweeper.sift(work, gained))
        return false;
      ++sweeps;
      ++done;
      current = counter.count(g);
      if (!work.tick(g.layeredEdgeCount()))
        return false;
      work.report(0.1 + 0.6 * std::min(1.0, double(spent()) / budget),
                  "ordering");
      if (current < startBest) {
        startBest = current;
        withoutGain = 0;
      } else {
        ++withoutGain;
      }
      if (current < bestCrossings) {
        best = g.order;
        bestCrossings = current;
      }
    }
  }
  crossings = bestCrossings;
  if (g.order != best) {
    g.order = std::move(best);
    for (uint32_t l = 0; l < g.layerCount; ++l)
      for (uint32_t k = 0, first = g.layerBegin[l];
           k < g.layerBegin[l + 1] - first; ++k)
        g.pos[g.order[first + k]] = k;
  }
  sortAdjacencyByPosition(g);
  return work.tick(g.nodeCount() + g.layeredEdgeCount());
}
