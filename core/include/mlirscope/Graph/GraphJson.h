//===- GraphJson.h - A laid-out view as JSON --------------------*- C++ -*-===//
//
// The document of `mlirscope graph --format json` (docs/graph-json.md): one
// writer for the CLI and the Python module's Model.graph().
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_GRAPH_GRAPHJSON_H
#define MLIRSCOPE_GRAPH_GRAPHJSON_H

#include "mlirscope/Graph/GraphView.h"

#include <string>

namespace mlirscope {

/// "root", "region", "scope" or "chunk" (the JSON's node kinds).
const char *groupKindName(GraphGroup::Kind kind);

/// The view with positions, indented by one space, and a newline.
std::string graphToJson(const ModelGraph &graph, const GraphView &view);

} // namespace mlirscope

#endif // MLIRSCOPE_GRAPH_GRAPHJSON_H
