//===- Index.h - Opening a model file ---------------------------*- C++ -*-===//
//
// The entry points every front-end opens a model with: a path or a URL (or a
// mapped file) in, the index out. Picks the indexer by the file's first bytes
// and rolls back an unfinished in-place edit first (Support/Journal.h).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_INDEX_INDEX_H
#define MLIRSCOPE_INDEX_INDEX_H

#include "mlirscope/Model/ModelIndex.h"
#include "mlirscope/Remote/Remote.h"

namespace mlirscope {

/// Indexes the file at `path`, choosing bytecode or text by its first bytes.
/// A URL (Remote.h's isUrl) is opened with openUrl and the environment's
/// remote options. Errors are FormatError (malformed content), file-system
/// or transfer errors.
llvm::Expected<std::unique_ptr<ModelIndex>>
indexFile(llvm::StringRef path, const IndexOptions &options = {});
/// The same, with a URL's remote options (counters, progress, cancel).
llvm::Expected<std::unique_ptr<ModelIndex>>
indexFile(llvm::StringRef path, const IndexOptions &options,
          const RemoteOptions &remote);

/// Indexes an already mapped file, choosing bytecode or text by its first
/// bytes.
llvm::Expected<std::unique_ptr<ModelIndex>>
indexMapped(std::shared_ptr<ByteSource> file, const IndexOptions &options = {});

} // namespace mlirscope

#endif // MLIRSCOPE_INDEX_INDEX_H
