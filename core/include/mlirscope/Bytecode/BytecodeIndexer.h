//===- BytecodeIndexer.h - Indexing MLIR bytecode ---------------*- C++ -*-===//
//
// Walks a bytecode file's sections with bounds-checked cursors and records
// the IR's structure and every blob's place; never reads a blob's bytes.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BYTECODE_BYTECODEINDEXER_H
#define MLIRSCOPE_BYTECODE_BYTECODEINDEXER_H

#include "mlirscope/Model/ModelIndex.h"

namespace mlirscope {

/// Indexes an already mapped bytecode file.
llvm::Expected<std::unique_ptr<ModelIndex>>
indexBytecode(std::shared_ptr<ByteSource> file,
              const IndexOptions &options = {});

} // namespace mlirscope

#endif // MLIRSCOPE_BYTECODE_BYTECODEINDEXER_H
