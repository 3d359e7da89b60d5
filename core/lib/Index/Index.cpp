//===- Index.cpp - Opening a model file -----------------------------------===//

#include "mlirscope/Index/Index.h"
#include "mlirscope/Bytecode/BytecodeIndexer.h"
#include "mlirscope/Index/Parameters.h"
#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Support/Journal.h"
#include "mlirscope/Support/MappedFile.h"
#include "mlirscope/Text/TextIndexer.h"

#include <algorithm>
#include <cstring>

using namespace mlirscope;

/// The text indexer walks a model as one buffer: a text source that is not
/// memory (a URL) is fetched whole first, streamed with progress. (Bytecode
/// is read through spans, only its IR sections.)
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

/// indexMapped, with the progress of a text source's whole fetch.
static llvm::Expected<std::unique_ptr<ModelIndex>>
indexSource(std::shared_ptr<ByteSource> file, const IndexOptions &options,
            const Progress &progress);

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
  return indexSource(std::move(*source), options, remote.progress);
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
  return indexSource(std::move(file), options, {});
}

static llvm::Expected<std::unique_ptr<ModelIndex>>
indexSource(std::shared_ptr<ByteSource> file, const IndexOptions &options,
            const Progress &progress) {
  // Bytecode is read through the source's spans, only its IR sections; a
  // text model is indexed as one buffer.
  uint8_t magic[4] = {};
  if (file->memory())
    std::memcpy(magic, file->memory(), std::min<uint64_t>(file->size(), 4));
  else {
    // One request for the start: the magic and, for bytecode, what its
    // indexer reads first.
    file->prefetch(0, std::min(file->size(), kBytecodeHeadBytes));
    file->readAt(0, magic, 4);
  }
  if (std::memcmp(magic, "ML\xEFR", 4) == 0) {
    // A bytecode file is one module.
    if (options.chunk && *options.chunk != 0)
      return makeFormatError(file->getName(), 0,
                             "chunk 1: a bytecode file is one module");
    return bind(indexBytecode(std::move(file), options), options);
  }
  if (!file->memory() && file->size()) {
    auto whole = fetchWholeIfNotMemory(std::move(file), progress);
    if (!whole)
      return whole.takeError();
    file = std::move(*whole);
  }
  // Anything else must be MLIR text; a binary file fails in the text indexer
  // with the offset of its first byte that is not text.
  return bind(indexText(std::move(file), options), options);
}
