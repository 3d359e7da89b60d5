//===- DefaultView.h - The groups a first view opens ------------*- C++ -*-===//
//
// A model's graph collapsed to its root is one `builtin.module` box: nothing
// to look at. The first view a front-end shows (the viewer's canvas,
// `mlirscope graph` without --expand) opens the groups that only wrap
// others, so it starts at the model's structure (embedding, `layer_0..
// layer_79 x 80`, head). One rule, here, so every front-end opens alike.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_GRAPH_DEFAULTVIEW_H
#define MLIRSCOPE_GRAPH_DEFAULTVIEW_H

#include "mlirscope/Graph/Graph.h"

#include <vector>

namespace mlirscope {

/// The groups drawn open at first, found down from the root (itself
/// included): the module and functions (isolated region ops near the top)
/// and a scope that is its parent's only group. In ascending order.
std::vector<uint32_t> defaultOpenGroups(const ModelGraph &graph);

} // namespace mlirscope

#endif // MLIRSCOPE_GRAPH_DEFAULTVIEW_H
