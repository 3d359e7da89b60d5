//===- GraphOutput.h - A laid-out view as JSON, DOT or SVG ------*- C++ -*-===//

#ifndef MLIRSCOPE_TOOLS_GRAPHOUTPUT_H
#define MLIRSCOPE_TOOLS_GRAPHOUTPUT_H

#include "mlirscope/Graph/GraphView.h"

#include <string>

namespace mlirscope::cli {

/// The view with positions (docs/graph-json.md).
std::string graphToJson(const ModelGraph &graph, const GraphView &view);
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
