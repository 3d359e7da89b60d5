//===- Graph.h - The model as a readable hierarchy of groups ----*- C++ -*-===//
//
// A model of 100k ops is readable only as a hierarchy. ModelGraph groups the
// ops of an index:
//
//   - an op with regions (module, function, loop, while body) is a group of
//     the ops in its regions;
//   - within a region, ops are grouped by the scope path of their location
//     (JAX `jit(main)/layer_3/attn/...`, PyTorch `model.layers.3.self_attn`,
//     CallSiteLoc chains: OpDetails.h's locationScope), minus the scope the
//     region's op is in itself;
//   - a group with a single child is replaced by that child;
//   - sibling groups with the same structure (op names and edge shape, not
//     names or weights) share a repeat class: transformer layers 0..N-1;
//     consecutive ones whose labels differ only in digits form a run, which
//     a view folds into "layer_0..layer_79 x 80";
//   - a group with more than `maxChildren` children, a run counting as one,
//     is split into consecutive chunks (program order, which is topological
//     for SSA). Runs are found first so that 1,000 layers fold into one
//     node instead of being cut into chunks of layers.
//
// Edges between the children of any group are summarized on demand (a count
// per pair), so a collapsed view is a small graph. Building costs O(ops *
// scope depth) and reads no blob bytes; op details are decoded once per op.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_GRAPH_GRAPH_H
#define MLIRSCOPE_GRAPH_GRAPH_H

#include "mlirscope/Model/ModelIndex.h"
#include "mlirscope/Support/Progress.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mlirscope {

/// A child of a group: one op, or a group.
struct GraphNodeRef {
  bool isGroup = false;
  uint32_t id = kNone; ///< Op index or group index.

  bool operator==(const GraphNodeRef &o) const {
    return isGroup == o.isGroup && id == o.id;
  }
  bool operator<(const GraphNodeRef &o) const {
    return isGroup != o.isGroup ? isGroup < o.isGroup : id < o.id;
  }
};

struct GraphGroup {
  enum class Kind : uint8_t {
    Root,   ///< The model: its top-level ops.
    Region, ///< An op with regions and the ops inside them.
    Scope,  ///< Ops sharing a location scope.
    Chunk,  ///< A slice of an oversized group's children.
  };
  Kind kind = Kind::Root;
  /// What a view shows: the scope segment, `func.func @main`, `1000-1999`.
  std::string label;
  uint32_t parent = kNone;
  /// For Region groups: the op owning the regions.
  uint32_t op = kNone;
  /// In program order.
  std::vector<GraphNodeRef> children;
  /// Ops under it, at any depth (a Region group counts its own op).
  uint32_t numOps = 0;
  /// Groups of one class have the same structure; kNone when unique.
  uint32_t repeatClass = kNone;
  /// Runs of children a view may fold into one node: consecutive groups of
  /// one repeat class whose labels differ only in digits (layer_0, layer_1;
  /// not q_proj, k_proj), as [begin, end) positions in `children`, in
  /// order, each at least two long.
  std::vector<std::pair<uint32_t, uint32_t>> runs;
};

/// Edges between two children of a group: `count` use-def edges from ops
/// under `from` to ops under `to`.
struct GraphEdge {
  GraphNodeRef from, to;
  uint32_t count = 0;
};

struct GraphOptions {
  /// Children of one group (a run counting as one) before it is cut into
  /// chunks.
  uint32_t maxChildren = 1000;
  /// Group by location scopes (otherwise only by regions).
  bool scopes = true;
  /// Told how far grouping got, in thousandths of the whole; cancels.
  Progress progress;
};

class ModelGraph {
public:
  /// Groups the ops of `index`, which must outlive the graph. Fails only
  /// when cancelled.
  static llvm::Expected<ModelGraph> build(const ModelIndex &index,
                                          const GraphOptions &options = {});

  const ModelIndex &model() const { return *index; }
  const std::vector<GraphGroup> &groups() const { return groupList; }
  const GraphGroup &group(uint32_t g) const { return groupList[g]; }
  static constexpr uint32_t kRoot = 0;

  /// The group whose children list holds op `op` (for an op with regions:
  /// the group holding its Region group).
  uint32_t parentGroupOf(uint32_t op) const { return opParent[op]; }
  /// The Region group of an op with regions, or kNone.
  uint32_t regionGroupOf(uint32_t op) const;
  /// The child of `group` that holds op `op` (at any depth), if any.
  std::optional<GraphNodeRef> childHolding(uint32_t group, uint32_t op) const;

  /// Use-def edges between the children of `group`, one per ordered pair
  /// with their count, sorted by (from, to).
  std::vector<GraphEdge> childEdges(uint32_t group) const;

  /// The groups from the root down to `group` (root excluded), e.g. for a
  /// breadcrumb or `--group a/b/c`.
  std::vector<uint32_t> pathTo(uint32_t group) const;
  /// The group at a `/`-separated path of labels below the root (chunks
  /// are looked through), or kNone.
  uint32_t findGroup(llvm::StringRef path) const;
  /// The Region group of the function named `name`, or kNone.
  uint32_t findFunction(llvm::StringRef name) const;

private:
  /// Renumbers the groups reachable from the root in pre-order.
  void compact();
  /// Op counts, repeat classes and runs.
  /// False when cancelled.
  bool findRepeats(const GraphOptions &options);
  /// Cuts groups of more than `maxChildren` units into chunks; true when
  /// any was cut (the new groups are not in pre-order yet).
  bool chunk(uint32_t maxChildren);

  const ModelIndex *index = nullptr;
  std::vector<GraphGroup> groupList;
  std::vector<uint32_t> opParent;
  /// For ops with regions, their Region group.
  std::vector<std::pair<uint32_t, uint32_t>> regionGroups;
};

} // namespace mlirscope

#endif // MLIRSCOPE_GRAPH_GRAPH_H
