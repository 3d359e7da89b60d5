//===- GraphOutput.h - A laid-out view as DOT, SVG or a tree ----*- C++ -*-===//
//
// The JSON form is core's (Graph/GraphJson.h), shared with the Python module.
//

#ifndef MLIRSCOPE_TOOLS_GRAPHOUTPUT_H
#define MLIRSCOPE_TOOLS_GRAPHOUTPUT_H

#include "mlirscope/Graph/GraphJson.h"
#include "mlirscope/Graph/GraphView.h"

#include <string>

namespace mlirscope::cli {

/// Graphviz DOT: expanded groups as clusters, positions left to Graphviz.
std::string graphToDot(const ModelGraph &graph, const GraphView &view);
/// The group hierarchy below `group` as an indented outline (groups with
/// their op counts, repeats marked), `depth` levels deep.
std::string graphToTree(const ModelGraph &graph, uint32_t group,
                        unsigned depth);
/// A self-contained SVG drawn from the view's own layout.
std::string graphToSvg(const ModelGraph &graph, const GraphView &view,
                       llvm::StringRef title);

} // namespace mlirscope::cli

#endif // MLIRSCOPE_TOOLS_GRAPHOUTPUT_H
