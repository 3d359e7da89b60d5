//===- SummaryJson.h - A model summary as JSON -------------------*- C++
//-*-===//
//
// The machine-readable summary (schema 3, docs/inspect-json.md): what
// `mlirscope inspect --summary --json` prints and what the language server's
// `mlirscope/summary` request returns. One writer for both, so the two can
// never drift apart.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_INDEX_SUMMARYJSON_H
#define MLIRSCOPE_INDEX_SUMMARYJSON_H

#include "mlirscope/Index/Summary.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace mlirscope {

/// The summary of `index` as the JSON object of docs/inspect-json.md.
llvm::json::Value summaryToJson(const ModelIndex &index,
                                const ModelSummary &summary);

/// One weight as JSON: name, kind, encoding, splat, bytes, stored_bytes,
/// offset, size, dtype, type, shape, elements, op, chunk, and for a
/// parameter scope, key and archive. The CLI's and the server's answers
/// about a weight use it.
llvm::json::Value weightJson(const ModelIndex &index, const Weight &weight);

/// Prints summaryToJson indented by two spaces, keys sorted, and a newline.
void printSummaryJson(const ModelIndex &index, const ModelSummary &summary,
                      llvm::raw_ostream &os);

} // namespace mlirscope

#endif // MLIRSCOPE_INDEX_SUMMARYJSON_H
