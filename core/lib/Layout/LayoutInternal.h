//===- LayoutInternal.h - What the layout phases share ----------*- C++ -*-===//
//
// The layered graph the phases of layoutGraph (Layout.h) pass along: input
// nodes and dummy nodes in layers, adjacency in both directions, and the
// order of each layer. One phase per file: LayoutLayering.cpp builds it,
// LayoutOrdering.cpp orders the layers, LayoutCoordinates.cpp places nodes,
// Layout.cpp drives them and draws the edges.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LIB_LAYOUTINTERNAL_H
#define MLIRSCOPE_LIB_LAYOUTINTERNAL_H

#include "mlirscope/Layout/Layout.h"

#include <chrono>
#include <cstdint>
#include <vector>

namespace mlirscope::layout {

constexpr uint32_t kNone = UINT32_MAX;

/// Cancel checks and progress reports. Phases report units of work as they
/// go; the atomic flag is read every kCheckEvery units (well under 0.1 ms).
class WorkTracker {
public:
  explicit WorkTracker(const LayoutOptions &options) : options(options) {}

  /// Adds `units` of work; false once cancelled.
  bool tick(uint64_t units) {
    total += units;
    pending += units;
    if (pending < kCheckEvery)
      return !cancelled;
    pending = 0;
    return poll();
  }
  /// Reads the flag now; false once cancelled.
  bool poll() {
    if (options.progress.isCancelled())
      cancelled = true;
    return !cancelled;
  }
  bool isCancelled() const { return cancelled; }
  /// Units of work reported so far.
  uint64_t done() const { return total; }
  /// Reports the fraction of the whole layout done (0..1); a callback that
  /// says stop cancels like the flag.
  void report(double fraction, llvm::StringRef phase) {
    if (options.progress &&
        !options.progress.report(uint64_t(fraction * 1000), 1000, phase))
      cancelled = true;
  }

private:
  static constexpr uint64_t kCheckEvery = 16384;
  const LayoutOptions &options;
  uint64_t pending = 0, total = 0;
  bool cancelled = false;
};

/// Input nodes keep their ids [0, realCount); dummy nodes follow. Every edge
/// of the layered graph joins consecutive layers, points down, and appears
/// once (parallel input edges share it).
struct LayeredGraph {
  uint32_t realCount = 0;
  uint32_t layerCount = 0;
  std::vector<uint32_t> layer;

  /// Successors of v: succ[succBegin[v] .. succBegin[v + 1]); predecessors
  /// likewise. Sorted by node id after layering, by position after ordering.
  std::vector<uint32_t> succBegin, succ;
  std::vector<uint32_t> predBegin, pred;

  /// Dummy chain of input node v: one dummy per layer from layer[v] + 1
  /// down to the layer above its farthest target, ids consecutive from
  /// trunkStart[v] (kNone when v has no edge longer than one layer). All of
  /// v's long out-edges run through it.
  std::vector<uint32_t> trunkStart;

  /// Each input edge's ends as laid out (reversed edges swapped), and
  /// whether it was reversed. Self-loops keep from == to.
  std::vector<LayoutEdge> orientedEdges;
  std::vector<uint32_t> reversedEdges;

  /// Layer l's nodes, left to right: order[layerBegin[l] .. layerBegin[l+1]);
  /// pos[v] is v's index in its layer.
  std::vector<uint32_t> layerBegin, order, pos;

  uint32_t nodeCount() const { return layer.size(); }
  bool isDummy(uint32_t v) const { return v >= realCount; }
  llvm::ArrayRef<uint32_t> succs(uint32_t v) const {
    return slice(succ, succBegin, v);
  }
  llvm::ArrayRef<uint32_t> preds(uint32_t v) const {
    return slice(pred, predBegin, v);
  }
  llvm::ArrayRef<uint32_t> layerNodes(uint32_t l) const {
    return slice(order, layerBegin, l);
  }
  size_t layeredEdgeCount() const { return succ.size(); }

private:
  /// Item k's part of a CSR array: items[begin[k] .. begin[k + 1]).
  static llvm::ArrayRef<uint32_t> slice(const std::vector<uint32_t> &items,
                                        const std::vector<uint32_t> &begin,
                                        uint32_t k) {
    return llvm::ArrayRef<uint32_t>(items).slice(begin[k],
                                                 begin[k + 1] - begin[k]);
  }
};

/// Breaks cycles, assigns layers and adds the dummy chains; fills everything
/// but the order. Fails only when cancelled or when more than `maxDummies`
/// dummies (or 2^32 nodes in all) would be needed.
llvm::Error buildLayeredGraph(const LayoutGraph &graph, uint64_t maxDummies,
                              LayeredGraph &g, WorkTracker &work);

/// Orders every layer: DFS order, then barycenter sweeps within the options'
/// budgets, keeping the best order seen. Returns false when cancelled.
/// Sorts adjacency lists by position on the way out.
bool orderLayers(LayeredGraph &g, const LayoutOptions &options,
                 WorkTracker &work, uint64_t &crossings, unsigned &sweeps);

/// Crossings of the current order (adjacency need not be sorted).
uint64_t countLayeredCrossings(const LayeredGraph &g);

/// x of every node (Brandes-Koepf) and y of every layer's center line.
/// Returns false when cancelled.
bool assignCoordinates(const LayeredGraph &g, const LayoutGraph &graph,
                       const LayoutOptions &options, WorkTracker &work,
                       std::vector<double> &x, std::vector<double> &layerY);

} // namespace mlirscope::layout

#endif // MLIRSCOPE_LIB_LAYOUTINTERNAL_H
