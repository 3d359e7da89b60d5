//===- LexicalIndexer.h - The IR's structure without MLIR's parser -*- C++ -*-//
//
// When MLIR cannot parse a chunk (the custom syntax of a dialect it does not
// link: StableHLO's pretty form, torch, ttnn...), its ops are read from the
// text: one op per statement, nested by the regions its braces open, and the
// use-def graph from the SSA names (`%x = `, `%x:2 = `, `%x#1`, block and
// function arguments), so that a graph of such a model has its edges.
// Internal to the Text layer.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LIB_TEXT_LEXICALINDEXER_H
#define MLIRSCOPE_LIB_TEXT_LEXICALINDEXER_H

#include "mlirscope/Model/ModelIndex.h"

#include <functional>

namespace mlirscope {

/// Appends the ops, values, operands and blocks of `ir` (one chunk's IR,
/// metadata blocks taken out) to `index`, and the `dense_resource`
/// references in its code. `toFileOffset` maps an offset in `ir` to the
/// file's. Comments and string literals are not code. Without `recordOps`,
/// the references only (IndexOptions::lexicalOps: a reader that never looks
/// at the ops skips their cost).
void indexLexically(ModelIndex &index, llvm::StringRef ir,
                    const std::function<uint64_t(uint64_t)> &toFileOffset,
                    bool recordOps = true);

} // namespace mlirscope

#endif // MLIRSCOPE_LIB_TEXT_LEXICALINDEXER_H
