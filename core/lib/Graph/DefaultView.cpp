//===- DefaultView.cpp - The groups a first view opens --------------------===//

#include "mlirscope/Graph/DefaultView.h"

#include <algorithm>
#include <utility>

using namespace mlirscope;

/// Whether `group`, `depth` levels below the root, opens by itself.
static bool openByDefault(const ModelGraph &g, uint32_t group, unsigned depth) {
  const GraphGroup &gr = g.group(group);
  // Deeper than any wrapper: what is that far down is the model itself.
  if (depth > 6)
    return false;
  if (gr.kind == GraphGroup::Kind::Region && gr.op != kNone &&
      g.model().ops[gr.op].isolatedFromAbove)
    return true;
  if (gr.parent == kNone)
    return true;
  const GraphGroup &parent = g.group(gr.parent);
  unsigned groups = 0;
  for (const GraphNodeRef &c : parent.children)
    groups += c.isGroup;
  return groups == 1 && gr.kind == GraphGroup::Kind::Scope;
}

std::vector<uint32_t> mlirscope::defaultOpenGroups(const ModelGraph &graph) {
  std::vector<uint32_t> open;
  std::vector<std::pair<uint32_t, unsigned>> stack = {{ModelGraph::kRoot, 0}};
  while (!stack.empty()) {
    auto [g, depth] = stack.back();
    stack.pop_back();
    if (!openByDefault(graph, g, depth))
      continue;
    open.push_back(g);
    for (const GraphNodeRef &c : graph.group(g).children)
      if (c.isGroup)
        stack.push_back({c.id, depth + 1});
  }
  std::sort(open.begin(), open.end());
  return open;
}
