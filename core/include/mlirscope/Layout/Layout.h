//===- Layout.h - Layered drawing of a directed graph -----------*- C++ -*-===//
//
// A Sugiyama-style layered layout, near-linear in the size of the graph so a
// flat 500k-op model lays out in seconds:
//
//   1. cycles broken by reversing the back edges of a DFS in node order;
//   2. longest-path layering (edges point down), then nodes with more out-
//      than in-edges pulled down next to their successors (constants sit by
//      the op that reads them);
//   3. long edges cut into dummy nodes, one chain per source shared by all
//      of its long out-edges (a value with 10,000 far users costs one chain);
//   4. crossing reduction, each connected component on its own: from
//      several start orders (DFS, BFS, up from the sinks), barycenter or
//      median sweeps, each followed by adjacent swaps and, while the budget
//      allows, sifting; the best order of all kept; bounded by a sweep
//      count and a work budget that grows with the graph (deterministic)
//      and by an optional deadline (not deterministic);
//   5. Brandes-Koepf coordinates (four alignments, balanced), honouring node
//      widths, dummy chains kept straight, unless they come out more than
//      1.2x wider than a packed placement (layers packed, then pulled
//      towards their neighbors' weighted medians), which is then used;
//      layers stacked by their tallest node;
//   6. every edge a polyline through its dummies, in its original direction.
//
// The layout knows nothing of MLIR: nodes are dense indices with a size.
// Nothing is global; calls on different threads are independent.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LAYOUT_LAYOUT_H
#define MLIRSCOPE_LAYOUT_LAYOUT_H

#include "mlirscope/Support/Progress.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace mlirscope {

struct LayoutPoint {
  double x = 0, y = 0;
  bool operator==(const LayoutPoint &other) const {
    return x == other.x && y == other.y;
  }
};

struct LayoutSize {
  double width = 0, height = 0;
};

/// Edges go from `from` to `to`, both indices into LayoutGraph::nodes.
struct LayoutEdge {
  uint32_t from = 0, to = 0;
};

/// The input: any directed graph. Cycles, self-loops and parallel edges are
/// allowed.
struct LayoutGraph {
  std::vector<LayoutSize> nodes;
  std::vector<LayoutEdge> edges;
};

struct LayoutOptions {
  /// Horizontal gap between two nodes of a layer.
  double nodeSeparation = 20;
  /// Horizontal gap next to an edge's bend point (a dummy node).
  double edgeSeparation = 10;
  /// Vertical gap between the tallest nodes of two consecutive layers.
  double layerSeparation = 40;
  /// Crossing-reduction sweeps from each start order (one down or one up
  /// pass each: barycenter or median sort, then adjacent swaps); 0 keeps
  /// the initial DFS order. Most of the gain comes from the first few.
  unsigned maxSweeps = 8;
  /// Sweeps stop early after this many in a row that did not lower the
  /// crossing count.
  unsigned sweepsWithoutGain = 2;
  /// Deterministic cap on the crossing-reduction work, in units of about
  /// 10-20 ns (a sweep with its adjacent swaps costs at least 4 per node
  /// and 6 per edge of the layered graph, dummies included); 0 = no cap.
  /// The first sweep is never cut. The default allows 3 sweeps on a
  /// 100k-op model, 1 at 500k ops.
  uint64_t sweepWorkLimit = 12'000'000;
  /// The same cap per node and edge of the layered graph (dummies
  /// included), so the work grows with the graph: small views get many
  /// sweeps, start orders and sifting, big graphs stay fast. At least
  /// 100,000 units whatever the size; 0 = no such cap. 250 rather than 100
  /// leaves room for a sifting pass after the first sweeps on random DAGs
  /// of 1k-5k nodes: crossings fall below dot's there (bench/layout.sh)
  /// for 1.3-1.7x the layout time (1k nodes: 9 ms, dot 0.5 s).
  uint64_t sweepWorkPerItem = 250;
  /// Wall-clock cap on crossing reduction in milliseconds; 0 = none. Unlike
  /// the caps above it makes the result depend on the machine's speed, so
  /// callers that need the same output every time leave it 0.
  double sweepDeadlineMs = 0;
  /// Refuse graphs whose long edges would need more dummy nodes than this
  /// (~100 bytes each) rather than run out of memory: a node read by every
  /// op of a model costs one chain, but many long edges into one node cost
  /// one chain each (a 30k-op chain whose every op also feeds the last op
  /// needs 450M). The 500k-op transformer needs 1.2M.
  uint64_t maxDummyNodes = 20'000'000;
  /// Told on the calling thread at each phase and within long phases how far
  /// the whole layout got (in thousandths) and the phase's name; its cancel
  /// flag is read about every 0.1 ms of work.
  Progress progress;
};

struct LayoutBounds {
  double minX = 0, minY = 0, maxX = 0, maxY = 0;
};

struct LayoutResult {
  /// Center of each node. Layer 0 is at the top (y grows downward); the
  /// drawing's bounding box starts at (0, 0).
  std::vector<LayoutPoint> centers;
  /// The layer of each node; for every edge that was not reversed,
  /// layers[to] > layers[from] (self-loops excepted).
  std::vector<uint32_t> layers;
  /// The y of each layer's center line (where its nodes are centered).
  std::vector<double> layerY;
  /// Edge e's polyline is edgePoints[edgePointBegin[e] .. edgePointBegin[e+1]):
  /// it starts at the middle of its source's bottom side and ends at the
  /// middle of its target's top side, through a point on each layer line in
  /// between (the dummy node's), except inside vertical runs, where only
  /// the run's ends are kept. A reversed edge is drawn from its source's top
  /// side up to its target's bottom side; a self-loop goes around its
  /// node's right side. Edges from one node share their points down to
  /// where they branch off (bundled).
  std::vector<uint32_t> edgePointBegin;
  std::vector<LayoutPoint> edgePoints;
  /// Indices of the edges reversed to break cycles, ascending.
  std::vector<uint32_t> reversedEdges;
  /// Box around all nodes and edge points.
  LayoutBounds bounds;
  /// Edge crossings of the drawing, counted on the layered graph (edge
  /// segments that share a dummy chain are one segment).
  uint64_t crossings = 0;
  /// Dummy nodes created for long edges.
  uint64_t dummyNodes = 0;
  /// Barycenter sweeps done.
  unsigned sweeps = 0;

  llvm::ArrayRef<LayoutPoint> edgePolyline(size_t edge) const {
    return llvm::ArrayRef<LayoutPoint>(edgePoints)
        .slice(edgePointBegin[edge],
               edgePointBegin[edge + 1] - edgePointBegin[edge]);
  }
};

/// Lays `graph` out. Fails when an edge names a node that does not exist, a
/// size is negative or not finite, a separation is negative, when more than
/// maxDummyNodes dummies would be needed (std::errc::value_too_large), or
/// when cancelled (std::errc::operation_canceled). The same graph and options
/// give a bitwise identical result, unless sweepDeadlineMs is set.
llvm::Expected<LayoutResult> layoutGraph(const LayoutGraph &graph,
                                         const LayoutOptions &options = {});

/// Crossings between the segments joining two adjacent layers, each given as
/// (position in the upper layer, position in the lower layer). Segments that
/// share an end do not cross. O(S log S); reorders `segments`.
uint64_t
countBilayerCrossings(std::vector<std::pair<uint32_t, uint32_t>> &segments);

/// Edge crossings of any layered drawing, e.g. one made by another tool.
/// Nodes sit on the horizontal lines `layerY` (each node is put on the line
/// nearest its center); each edge is a polyline, cut where it meets each line
/// strictly between its ends' lines. In each layer, nodes and cuts are
/// ordered by x; cuts at the same x are one point (bundled edges), equal
/// segments count once, and the segments between adjacent lines are counted
/// with countBilayerCrossings. Edges whose ends share a line count nothing.
/// For a layoutGraph result this equals LayoutResult::crossings.
uint64_t countDrawingCrossings(llvm::ArrayRef<double> layerY,
                               llvm::ArrayRef<LayoutPoint> nodeCenters,
                               llvm::ArrayRef<LayoutEdge> edges,
                               llvm::ArrayRef<uint32_t> edgePointBegin,
                               llvm::ArrayRef<LayoutPoint> edgePoints);

} // namespace mlirscope

#endif // MLIRSCOPE_LAYOUT_LAYOUT_H
