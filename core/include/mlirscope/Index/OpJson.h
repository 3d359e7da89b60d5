//===- OpJson.h - One op with its details as JSON ---------------*- C++ -*-===//
//
// The lines of `mlirscope inspect --ops --json` (docs/inspect-json.md): one
// writer for the CLI and the Python module's Model.ops().
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_INDEX_OPJSON_H
#define MLIRSCOPE_INDEX_OPJSON_H

#include "mlirscope/Model/ModelIndex.h"

#include <cstdint>
#include <string>

namespace mlirscope {

/// Op `op` of `index` (its name, depth, location, scope, operand and result
/// types, successors, attributes, symbol) as one line of JSON, no newline.
std::string opJsonLine(const ModelIndex &index, uint32_t op);

} // namespace mlirscope

#endif // MLIRSCOPE_INDEX_OPJSON_H
