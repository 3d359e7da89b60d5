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

/// How much of a source that is not memory the indexer reads first: the
/// header and, in files as MLIR writes them, the sections before the
/// resource section (dialects, attributes and types, the IR) when the IR is
/// small. Callers that look at the first bytes hint this much at once.
constexpr uint64_t kBytecodeHeadBytes = 512 << 10;

/// Indexes a bytecode file from any source: through its memory when it is
/// memory, else through read() spans of the sections it needs (every
/// section's bytes but the resource section's blob data, of which only each
/// entry's first bytes are read, hinted in one batch).
llvm::Expected<std::unique_ptr<ModelIndex>>
indexBytecode(std::shared_ptr<ByteSource> file,
              const IndexOptions &options = {});

} // namespace mlirscope

#endif // MLIRSCOPE_BYTECODE_BYTECODEINDEXER_H
