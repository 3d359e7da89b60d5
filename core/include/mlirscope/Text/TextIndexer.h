//===- TextIndexer.h - Indexing MLIR text -----------------------*- C++ -*-===//
//
// One lexical pass over a text file: `// -----` chunks, `{-# ... #-}`
// blocks (each blob's hex span recorded, never decoded), then each chunk's IR
// through the MLIR bridge, or a lexical count when MLIR cannot parse it.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_TEXT_TEXTINDEXER_H
#define MLIRSCOPE_TEXT_TEXTINDEXER_H

#include "mlirscope/Model/ModelIndex.h"

namespace mlirscope {

/// Indexes an already mapped text file.
llvm::Expected<std::unique_ptr<ModelIndex>>
indexText(std::shared_ptr<ByteSource> file, const IndexOptions &options = {});

} // namespace mlirscope

#endif // MLIRSCOPE_TEXT_TEXTINDEXER_H
