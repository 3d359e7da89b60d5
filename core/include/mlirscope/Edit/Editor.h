//===- Editor.h - Crash-safe same-size edits of a model file ----*- C++ -*-===//
//
// Edits that keep the file's size (set an element, replace a blob with one of
// the same dtype and shape) write into the file where the blob lies, under
// the undo journal of Support/Journal.h, so a crash leaves the old bytes or
// the new ones, never a mix.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_EDIT_EDITOR_H
#define MLIRSCOPE_EDIT_EDITOR_H

#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Support/Progress.h"

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlirscope {

class InPlaceEditor {
public:
  /// Opens the indexed file for writing. Fails if it is remote
  /// (remoteEditError), read-only (no write permission bits, even for root),
  /// locked by another editor, or changed since it was indexed.
  static llvm::Expected<InPlaceEditor> open(const ModelIndex &index);
  InPlaceEditor(InPlaceEditor &&other);
  InPlaceEditor &operator=(InPlaceEditor &&) = delete;
  ~InPlaceEditor();

  /// Writes `bytes` at `offset` under the journal.
  llvm::Error write(uint64_t offset, llvm::ArrayRef<uint8_t> bytes);

  /// Rewrites [offset, offset + size) under one journal, with new contents
  /// produced chunk by chunk: `produce(chunkOffset, buffer)` fills `buffer`
  /// with the bytes for [offset + chunkOffset, + buffer.size()).
  llvm::Error
  writeRegion(uint64_t offset, uint64_t size,
              llvm::function_ref<llvm::Error(uint64_t,
                                             llvm::MutableArrayRef<uint8_t>)>
                  produce,
              const Progress &progress = {});

  /// Rewrites the stored data of weight `w` (raw or hex: canEditInPlace)
  /// from its start with the raw bytes `data` (hex-encoded digit for digit
  /// where it is hex) under one journal.
  llvm::Error writeWeight(const Weight &w, llvm::ArrayRef<uint8_t> data,
                          const Progress &progress = {});

private:
  InPlaceEditor() = default;
  std::string path;
  int fd = -1;
  uint64_t fileSize = 0;
};

/// The bytes to write for raw bytes `data` at byte `byteOffset` of a weight:
/// the same bytes where it is raw, uppercase hex digits where it is hex
/// (digit for digit, the same width). Use `canEditInPlace` first.
struct FileRange {
  uint64_t offset;
  std::vector<uint8_t> bytes;
};
/// Why a weight's elements cannot be rewritten in place, or success: a
/// literal list and a splat would change size, an archive entry lives in
/// another file, packed bits are not addressable by element, a remote model
/// is not a file to write.
llvm::Error canEditInPlace(const WeightView &view);
/// The refusal of every edit of a remote model (ByteSource::isRemote): one
/// line that says how to make a local copy.
llvm::Error remoteEditError(const ByteSource &source);
FileRange encodeForFile(const WeightView &view, uint64_t byteOffset,
                        llvm::ArrayRef<uint8_t> data);

} // namespace mlirscope

#endif // MLIRSCOPE_EDIT_EDITOR_H
