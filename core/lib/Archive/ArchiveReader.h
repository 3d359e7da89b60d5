//===- ArchiveReader.h - What the archive readers share ---------*- C++ -*-===//
//
// Private to the Archive layer: the bounded cursor every archive byte is read
// through, the three format readers, and the checks they share.
//
// The cursor reads through ByteSource::readAt into a small window (never the
// whole file, never memory()), so an index of a 100 GB gguf costs its header,
// and a count or length taken from the file is checked against the bytes
// left before anything is read or allocated for it. As Bytecode's ByteCursor,
// the first failure is kept with its offset and reads return false.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_ARCHIVE_ARCHIVEREADER_H
#define MLIRSCOPE_ARCHIVE_ARCHIVEREADER_H

#include "mlirscope/Archive/ParameterArchive.h"
#include "mlirscope/Support/FormatError.h"

#include "llvm/ADT/Twine.h"

#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace mlirscope::archive {

/// A read position over the whole source with a buffered window.
class ArchiveCursor {
public:
  explicit ArchiveCursor(const ByteSource &source, uint64_t pos = 0)
      : source(source), pos(pos), end(source.size()) {}

  uint64_t offset() const { return pos; }
  uint64_t fileSize() const { return end; }
  uint64_t remaining() const { return pos <= end ? end - pos : 0; }
  /// Moves to `at` (checked by the next read).
  void seek(uint64_t at) { pos = at; }

  template <typename T> bool read(T &out, const char *what) {
    if (!ensure(sizeof(T), what))
      return false;
    std::memcpy(&out, buf.data() + (pos - bufStart), sizeof(T));
    pos += sizeof(T);
    return true;
  }
  /// Copies `n` bytes (n checked against what is left first).
  bool readBytes(uint64_t n, std::string &out, const char *what);
  bool skip(uint64_t n, const char *what);

  /// Records the failure unless one is recorded; always returns false.
  bool failAt(uint64_t at, const llvm::Twine &expected);
  bool fail(const llvm::Twine &expected) { return failAt(pos, expected); }
  bool failed() const { return failure.has_value(); }
  /// The recorded failure as a FormatError (success when there is none).
  llvm::Error takeError();

private:
  /// Makes [pos, pos + n) readable from `buf`; n is at most kWindow.
  bool ensure(uint64_t n, const char *what);
  bool failPastEnd(uint64_t n, const char *what);

  static constexpr uint64_t kWindow = 64 << 10;
  const ByteSource &source;
  uint64_t pos, end;
  std::vector<uint8_t> buf;
  uint64_t bufStart = 0;
  std::optional<uint64_t> failure;
  std::string expected;
};

/// The per-format readers: fill `archive` (entries, metadata, warnings) from
/// archive.file, or fail with a FormatError.
llvm::Error readIrpa(ParameterArchive &archive);
llvm::Error readSafetensors(ParameterArchive &archive);
llvm::Error readGguf(ParameterArchive &archive);

/// The most dimensions a tensor of an archive may have. No format sets one
/// (ggml's tensors have 4), but without it a 100 MB safetensors header of
/// `[0,0,0,...]` would cost gigabytes of shape vectors and type text.
constexpr uint64_t kMaxRank = 1024;

/// `a + b <= limit` without overflow.
inline bool fitsIn(uint64_t a, uint64_t b, uint64_t limit) {
  return a <= limit && b <= limit - a;
}

/// `text` with control characters and bytes that are not UTF-8 escaped
/// (\n, \xNN), cut after `max` bytes with "...": metadata values and keys
/// quoted in messages are one printable line.
std::string printable(llvm::StringRef text, size_t max = 256);

/// A TensorType from an MLIR element spelling and an outermost-first shape.
TensorType makeTensorType(llvm::StringRef element, std::vector<int64_t> shape);

/// The product of `shape`, or nullopt when it overflows 64 bits on the way
/// (as TensorType::numElements, so both agree on every shape).
std::optional<uint64_t> elementCount(llvm::ArrayRef<int64_t> shape);

} // namespace mlirscope::archive

#endif // MLIRSCOPE_ARCHIVE_ARCHIVEREADER_H
