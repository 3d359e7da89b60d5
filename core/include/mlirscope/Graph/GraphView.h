//===- GraphView.h - A laid-out view of one group of the graph --*- C++ -*-===//
//
// What a viewer or `mlirscope graph` draws: the children of one group, each a
// box (an op, or a group collapsed or expanded with its own children inside),
// runs of repeated sibling groups folded into one ("layer x 80", or split
// around the members a user opened), and the
// summarized edges between them as polylines. Every group is laid out on its
// own (Layout.h) and cached by the sizes of its children, so expanding one
// group re-lays out that group and its ancestors, never its siblings.
// Coordinates are doubles: a flat 500k-op view is millions of units tall.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_GRAPH_GRAPHVIEW_H
#define MLIRSCOPE_GRAPH_GRAPHVIEW_H

#include "mlirscope/Graph/Graph.h"
#include "mlirscope/Layout/Layout.h"

#include <map>
#include <memory>
#include <mutex>

namespace mlirscope {

struct ViewNode {
  GraphNodeRef ref;
  /// The expanded group's node this one is drawn inside; kNone at the top.
  uint32_t container = kNone;
  /// Top-left corner and size, in view coordinates.
  double x = 0, y = 0, width = 0, height = 0;
  /// A group drawn open, its children inside it.
  bool expanded = false;
  /// Op name, or the group's label.
  std::string label;
  /// Second line: an op's result types (a weight's dtype and shape); a
  /// group's op count.
  std::string detail;
  /// The resource key of a weight (an op whose attribute is a
  /// dense_resource), else empty.
  std::string weight;
  /// How many consecutive repeats of one structure this node stands for
  /// (1 unless folded).
  uint32_t repeats = 1;
};

struct ViewEdge {
  uint32_t from = 0, to = 0; ///< ViewNode indices.
  /// Use-def edges it stands for.
  uint32_t count = 0;
  std::vector<LayoutPoint> points;
};

struct GraphView {
  uint32_t group = ModelGraph::kRoot;
  std::vector<ViewNode> nodes;
  std::vector<ViewEdge> edges;
  LayoutBounds bounds;
  /// Edge crossings, summed over the laid-out groups.
  uint64_t crossings = 0;
};

/// Per-group layouts, reused while a group's children keep their sizes.
/// Thread-safe.
class ViewLayoutCache {
public:
  std::shared_ptr<const LayoutResult> find(uint64_t key);
  void insert(uint64_t key, std::shared_ptr<const LayoutResult> result);
  size_t size();

private:
  std::mutex lock;
  std::map<uint64_t, std::shared_ptr<const LayoutResult>> results;
};

struct ViewOptions {
  /// Whether to draw `group`, `depth` levels below the view's root, open.
  /// Default: everything collapsed.
  std::function<bool(uint32_t group, unsigned depth)> expand;
  /// Fold runs of repeats (ModelGraph's `GraphGroup::runs`) into one node.
  bool foldRepeats = true;
  /// Which members of a folded run stand on their own, so that `expand`
  /// can open them: the run splits around each into folded pieces
  /// ("layer_0..layer_2 x 3", layer_3 open, "layer_4..layer_79 x 76"), and
  /// the view stays as small as the user's attention. Default: none (a
  /// folded run never opens).
  std::function<bool(uint32_t group)> unfold;
  LayoutOptions layout;
  /// Optional: layouts of groups from earlier views.
  ViewLayoutCache *cache = nullptr;
  /// Optional: called with each group's graph (its visible children and the
  /// edges between them) and its layout, as the view is put together; for
  /// tools that compare layouts (bench/viewer.sh gives the same graphs to
  /// Graphviz dot).
  std::function<void(uint32_t group, const LayoutGraph &graph,
                     const LayoutResult &layout)>
      inspect;
};

/// Lays out the children of `group` (and of every group `expand` opens).
/// Fails when cancelled (options.layout.cancel).
llvm::Expected<GraphView> layoutView(const ModelGraph &graph, uint32_t group,
                                     const ViewOptions &options = {});

} // namespace mlirscope

#endif // MLIRSCOPE_GRAPH_GRAPHVIEW_H
