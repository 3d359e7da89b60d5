//===- Index.cpp - Opening a model file -----------------------------------===//

#include "mlirscope/Index/Index.h"
#include "mlirscope/Bytecode/BytecodeIndexer.h"
#include "mlirscope/Index/Parameters.h"
#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Support/Journal.h"
#include "mlirscope/Support/MappedFile.h"
#include "mlirscope/Text/TextIndexer.h"

using namespace mlirscope;

/// The indexers still walk a model as one buffer: a source that is not
/// memory (a URL) is fetched whole first, streamed with progress.
static llvm::Expected<std::shared_ptr<ByteSource>>
fetchWholeIfNotMemory(std::shared_ptr<ByteSource> file,
                      const Progress &progress) {
  if (file->memory() || !file->size())
    return file;
  auto copy = fetchWholeIntoMemory(*file, progress);
  if (!copy)
    return copy.takeError();
  return std::shared_ptr<ByteSource>(std::move(*copy));
}

llvm::Expected<std::unique_ptr<ModelIndex>>
mlirscope::indexFile(llvm::StringRef path, const IndexOptions &options) {
  if (isUrl(path))
    return indexFile(path, options, RemoteOptions::fromEnvironment());
  // A journal left by an edit that crashed means the file may hold a partial
  // write: roll it back before anyone reads the file.
  if (auto recovered = recoverJournal(path); !recovered)
    return recovered.takeError();
  auto fileOr = MappedFile::open(path);
  if (!fileOr)
    return fileOr.takeError();
  return indexMapped(std::move(*fileOr), options);
}

llvm::Expected<std::unique_ptr<ModelIndex>>
mlirscope::indexFile(llvm::StringRef path, const IndexOptions &options,
                     const RemoteOptions &remote) {
  if (!isUrl(path))
    return indexFile(path, options);
  auto source = openUrl(path, remote);
  if (!source)
    return source.takeError();
  auto file = fetchWholeIfNotMemory(std::move(*source), remote.progress);
  if (!file)
    return file.takeError();
  return indexMapped(std::move(*file), options);
}

/// Binds the parameter archives the options name to a fresh index.
static llvm::Expected<std::unique_ptr<ModelIndex>>
bind(llvm::Expected<std::unique_ptr<ModelIndex>> index,
     const IndexOptions &options) {
  if (!index || options.parameters.empty())
    return index;
  if (llvm::Error e = bindParameters(**index, options.parameters))
    return std::move(e);
  return index;
}

llvm::Expected<std::unique_ptr<ModelIndex>>
mlirscope::indexMapped(std::shared_ptr<ByteSource> file,
                       const IndexOptions &options) {
  auto whole = fetchWholeIfNotMemory(std::move(file), {});
  if (!whole)
    return whole.takeError();
  file = std::move(*whole);
  llvm::StringRef text = file->text();
  if (text.starts_with("ML\xEFR")) {
    // A bytecode file is one module.
    if (options.chunk && *options.chunk != 0)
      return makeFormatError(file->getName(), 0,
                             "chunk 1: a bytecode file is one module");
    return bind(indexBytecode(std::move(file), options), options);
  }
  // Anything else must be MLIR text; a binary file fails in the text indexer
  // with the offset of its first byte that is not text.
  return bind(indexText(std::move(file), options), options);
}
