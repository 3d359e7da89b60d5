//===- AtomicFile.h - Write a new file or nothing ---------------*- C++ -*-===//
//
// Every file mlirscope creates (extracts, rewrites, "save as") is written to a
// temporary file in the destination's directory, fsync'd, renamed over the
// destination, and the directory fsync'd: readers see the old file or the
// complete new one, never a partial write, even across a crash. A temporary
// left by a crashed save is removed by the next save to the same path.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_ATOMICFILE_H
#define MLIRSCOPE_SUPPORT_ATOMICFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace mlirscope {

class AtomicFile {
public:
  /// Creates the temporary file beside `path` (the file a symbolic link
  /// names, not the link). A `path` that is a device, a FIFO or a socket
  /// (`/dev/null`, `/dev/stdout`) is written to directly instead.
  static llvm::Expected<AtomicFile> create(llvm::StringRef path);
  AtomicFile(AtomicFile &&other);
  AtomicFile &operator=(AtomicFile &&) = delete;
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicFile();

  /// Appends bytes.
  llvm::Error write(llvm::ArrayRef<uint8_t> bytes);
  llvm::Error write(llvm::StringRef bytes) {
    return write(llvm::ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
  }
  /// Appends `size` bytes of `srcFd` from `srcOffset`, copied by the kernel
  /// (copy_file_range) where it can.
  llvm::Error copyFrom(int srcFd, uint64_t srcOffset, uint64_t size);
  /// Appends `size` zero bytes as a hole (no disk blocks).
  llvm::Error skip(uint64_t size);
  uint64_t offset() const { return pos; }
  int fd() const { return fileFd; }

  /// fsync, rename over the destination, fsync the directory.
  llvm::Error commit();

private:
  AtomicFile() = default;
  std::string path, tempPath;
  int fileFd = -1;
  uint64_t pos = 0;
  /// FaultGuard's count when the file was created; commit() refuses when a
  /// mapped source shrank since.
  uint64_t faultsAtStart = 0;
  bool committed = false;
  /// Written in place: the destination is a device, a FIFO or a socket,
  /// which a rename would replace rather than write to.
  bool direct = false;
};

/// fsyncs the directory holding `path` (after a rename or unlink in it).
llvm::Error syncParentDirectory(llvm::StringRef path);

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_ATOMICFILE_H
