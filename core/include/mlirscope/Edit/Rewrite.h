//===- Rewrite.h - Fast rewrites of bytecode files --------------*- C++ -*-===//
//
// Writes a new bytecode file from an indexed one without an MLIRContext: the
// header and every IR section are copied as they are (only alignment padding
// is recomputed), the resource sections are re-emitted, and blob bytes move
// with copy_file_range, holes of sparse inputs kept as holes. The result is
// committed atomically (AtomicFile).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_EDIT_REWRITE_H
#define MLIRSCOPE_EDIT_REWRITE_H

#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Support/Progress.h"
#include "mlirscope/Model/ModelIndex.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlirscope {

/// Bytes of a blob that come from some file (another model, an .npy).
struct ExternalBlob {
  std::string path;
  uint64_t offset = 0, size = 0;
  uint64_t alignment = 1;
  /// Set for blobs held as hex digits in a text file: `offset` is the first
  /// digit, `size` the decoded size, and the bytes are decoded while copying.
  std::shared_ptr<ByteSource> hexText;
  /// The source `path` names, when it has no file to copy from (a remote
  /// model): the blob is read through its spans. Null: `path` is opened.
  std::shared_ptr<ByteSource> from;
};

/// An attribute entry written in place of another: `head` (its encoding up
/// to the data), then `dataSize` bytes of `dataPath` at `dataOffset`, so a
/// large elements attribute is copied by the kernel, never held in memory.
struct AttrReplacement {
  std::string head;
  std::string dataPath;
  uint64_t dataOffset = 0, dataSize = 0;
  /// The source `dataPath` names, read through its spans when it has no
  /// file descriptor (a remote model). Null: `dataPath` is opened.
  std::shared_ptr<ByteSource> dataSource;
};

struct RewritePlan {
  /// Dialect blobs to write as declarations only (key kept, no data).
  llvm::StringSet<> declareOnly;
  /// Dialect resources (blobs or declarations) whose data comes from
  /// elsewhere.
  llvm::StringMap<ExternalBlob> replace;
  /// External groups to leave out.
  llvm::StringSet<> dropGroups;
  /// String entries to add, as one new external group.
  std::string newGroup;
  std::vector<std::pair<std::string, std::string>> newStrings;
  /// Attribute entries to re-encode, by attribute index. Every index keeps
  /// its meaning (ops, properties and other attributes refer to entries by
  /// index): only the replaced entries' bytes and sizes change, so each
  /// replacement must be an entry of the same dialect, encoded the same way
  /// (custom or text) as the entry it replaces.
  std::map<uint64_t, AttrReplacement> attrs;
  /// Keys of builtin resource declarations (no data) to add, in a new
  /// builtin group after every other group: their handles number from
  /// `countResourceHandles(layout)` on, leaving existing handles unchanged.
  std::vector<std::string> newBuiltinDeclarations;
};

/// How many dialect resource handles `layout` has: the index the first new
/// declaration gets.
uint64_t countResourceHandles(const BytecodeLayout &layout);

/// The key of each dialect resource handle, in handle order.
std::vector<std::string> resourceHandleKeys(const BytecodeLayout &layout);

/// Writes `index`'s file, changed by `plan`, to `outPath`.
llvm::Error rewriteBytecode(const ModelIndex &index, llvm::StringRef outPath,
                            const RewritePlan &plan,
                            const Progress &progress = {});

/// Appends MLIR's prefix-varint encoding of `value` to `out`.
void appendVarInt(std::string &out, uint64_t value);

/// The external group `mlirscope strip` records stripped blobs in, and the
/// format of each entry: "bytes=N align=A xxh64=HEX".
inline constexpr const char *kStrippedGroup = "mlirscope.stripped";
struct StrippedBlob {
  uint64_t bytes = 0, alignment = 1, checksum = 0;
};
std::string formatStrippedBlob(const StrippedBlob &blob);
std::optional<StrippedBlob> parseStrippedBlob(llvm::StringRef text);

/// XXH64 of a blob's data bytes (hex-decoded for text files), read in chunks
/// whose pages are released as it goes.
llvm::Expected<uint64_t> checksumBlob(const ModelIndex &index,
                                      const Resource &resource,
                                      const Progress &progress = {},
                                      uint64_t doneBefore = 0,
                                      uint64_t total = 0);

/// Plans `mlirscope strip`: every dialect blob becomes a declaration, and a
/// marker with its size, alignment and checksum goes to kStrippedGroup.
llvm::Expected<RewritePlan> planStrip(const ModelIndex &index,
                                      const Progress &progress = {});

/// Plans `mlirscope attach`: every stripped blob of `stripped` gets its bytes
/// back from `weights`, which must hold a blob of the same key, size and
/// checksum.
llvm::Expected<RewritePlan> planAttach(const ModelIndex &stripped,
                                       const ModelIndex &weights,
                                       const Progress &progress = {});

} // namespace mlirscope

#endif // MLIRSCOPE_EDIT_REWRITE_H
