//===- ParameterArchive.h - External parameter archives ---------*- C++ -*-===//
//
// IREE binds weights by name (`#stream.parameter.named<"scope"::"key">`) to
// entries of parameter archives: `.irpa` (IREE's own), `.safetensors` and
// `.gguf`. This layer reads an archive's index, never its data: each entry is
// a range of the file (or, in irpa, a splat pattern), with the type the
// archive declares, in one list whatever the format.
//
// Every read goes through the archive's ByteSource (read/readAt); nothing
// assumes the source is memory. Malformed input fails with one FormatError
// (`FILE: offset N: expected X`); what is odd but loadable (entries sharing
// bytes, gguf metadata we only summarize) is a warning.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_ARCHIVE_PARAMETERARCHIVE_H
#define MLIRSCOPE_ARCHIVE_PARAMETERARCHIVE_H

#include "mlirscope/Model/ModelIndex.h"
#include "mlirscope/Support/ByteSource.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlirscope {

enum class ArchiveFormat : uint8_t { Irpa, Safetensors, Gguf };

/// "irpa", "safetensors", "gguf".
llvm::StringRef archiveFormatName(ArchiveFormat format);

/// One named entry of an archive: where its bytes are, never the bytes.
struct ArchiveEntry {
  std::string key;
  enum class Kind : uint8_t { Data, Splat } kind = Kind::Data;
  /// Data: absolute file offset of the first byte (0 for an empty irpa entry,
  /// as IREE records it).
  uint64_t offset = 0;
  /// Logical bytes (Data: stored; Splat: the pattern repeated to this length).
  uint64_t size = 0;
  /// Splat only: the repeated bytes, little-endian (1..16 in irpa).
  std::vector<uint8_t> pattern;
  /// safetensors/gguf: the type the archive declares, as MLIR would spell it
  /// (shape row-major, outermost first). gguf block-quantized types have an
  /// element of kind Unknown named e.g. "!gguf.q4_0" and the logical element
  /// shape. irpa: nullopt (the IR's global declares the type).
  std::optional<TensorType> type;
  /// The archive's own dtype spelling ("F32", "BF16", "Q4_0"); empty for irpa.
  std::string archiveType;
  /// Where the entry is described: the key's opening quote in a safetensors
  /// header, the irpa entry, the gguf tensor info.
  uint64_t metadataOffset = 0;
};

struct ParameterArchive {
  ArchiveFormat format = ArchiveFormat::Irpa;
  std::shared_ptr<ByteSource> file;
  /// In file order: the order the archive describes its entries in.
  std::vector<ArchiveEntry> entries;
  /// Non-fatal findings: entries sharing bytes, irpa external entries left
  /// out, misaligned data, duplicate gguf metadata keys, ...
  std::vector<std::string> warnings;
  /// gguf: key/value metadata (general.architecture etc.) as printable
  /// strings, arrays summarized ("[1024 x f32]"); safetensors: the
  /// "__metadata__" entries; irpa: empty. In file order.
  std::vector<std::pair<std::string, std::string>> metadata;

  /// The entry named `key`, or null. O(1): the reader builds the map; keys are
  /// unique (a reader refuses an archive naming one twice).
  const ArchiveEntry *find(llvm::StringRef key) const;
  /// Sum of the sizes of the Data entries (what is stored, not splats).
  uint64_t dataBytes() const;

  /// Rebuilds the key map after `entries` changed (the readers call it).
  void reindex();

private:
  llvm::StringMap<uint32_t> byKey;
};

/// Opens `path` (MappedFile) and reads its index. The format comes from the
/// magic bytes: "IRPA", "GGUF", else safetensors (an 8-byte little-endian
/// header length followed by '{'); anything else is a FormatError.
llvm::Expected<std::shared_ptr<ParameterArchive>>
openArchive(llvm::StringRef path);

/// The same from any source (fuzzing, tests, remote files): only through
/// source->read/readAt, never memory().
llvm::Expected<std::shared_ptr<ParameterArchive>>
readArchive(std::shared_ptr<ByteSource> source);

} // namespace mlirscope

#endif // MLIRSCOPE_ARCHIVE_PARAMETERARCHIVE_H
