//===- MappedFile.h - Read-only memory-mapped file --------------*- C++ -*-===//
//
// A file mapped read-only into memory. Indexers read the IR parts through the
// mapping and record blob locations as file offsets; blob bytes are only
// touched when a typed view asks for them, so the kernel never pages them in
// for indexing.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_MAPPEDFILE_H
#define MLIRSCOPE_SUPPORT_MAPPEDFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>

namespace mlirscope {

/// A read-only, private mapping of a whole file. Movable, not copyable.
class MappedFile {
public:
  /// Maps `path`. Errors name the file and the system reason.
  static llvm::Expected<std::unique_ptr<MappedFile>> open(llvm::StringRef path);
  /// A heap copy of `bytes` standing in for a file called `name`: exactly
  /// sized, so sanitizers catch any read past the end (fuzzing, tests).
  static std::unique_ptr<MappedFile> copyOf(llvm::StringRef name,
                                            llvm::ArrayRef<uint8_t> bytes);
  ~MappedFile();
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;

  const std::string &getPath() const { return path; }
  /// True for copyOf() buffers, which have no file behind them.
  bool isHeapCopy() const { return onHeap; }
  uint64_t size() const { return length; }
  const uint8_t *data() const { return base; }
  llvm::ArrayRef<uint8_t> bytes() const { return {base, (size_t)length}; }
  llvm::StringRef text() const {
    return {reinterpret_cast<const char *>(base), (size_t)length};
  }
  /// Modification time (ns since epoch) and inode identity at open time; used
  /// to notice that someone else changed the file since it was indexed.
  int64_t getMTimeNs() const { return mtimeNs; }
  uint64_t getInode() const { return inode; }

  /// The path of the live mapping holding `address` and the offset there;
  /// false when no MappedFile maps it. For naming the file after a SIGBUS
  /// (FaultGuard.h); not for use in a signal handler (it takes a lock).
  static bool findMapping(const void *address, std::string &path,
                          uint64_t &offset);

  /// Tells the kernel the given byte range is no longer needed in memory (the
  /// pages stay valid and are read back from disk on the next touch).
  void dropPages(uint64_t offset, uint64_t size) const;
  /// Asks the kernel to start reading the given range in the background, so
  /// scattered small reads that follow overlap their disk latency.
  void prefetch(uint64_t offset, uint64_t size) const;
  /// Maps the given range's pages in now, in one call, for a range about to
  /// be read from end to end (the IR of a bytecode file): page by page, each
  /// fault costs a trip through the kernel (a quarter of indexing a 20 MiB
  /// IR section on a virtual machine). Falls back to prefetch() on kernels
  /// before 5.14; errors (a file truncated meanwhile) are left to the reads.
  void populate(uint64_t offset, uint64_t size) const;
  /// Copies up to `n` bytes at `offset` into `out` with pread, not through
  /// the mapping, and returns how many it got (fewer at the end of the file
  /// or on an error). For small reads scattered over a huge file (each
  /// blob's header): touching the mapping there would map the cached pages
  /// around each read too (120 MB resident for 9,000 weights) and fault
  /// once per place.
  size_t readAt(uint64_t offset, uint8_t *out, size_t n) const;

private:
  MappedFile() = default;
  /// madvise over the pages covering [offset, offset + size); false when
  /// madvise refused (errno says why).
  bool advise(uint64_t offset, uint64_t size, int advice) const;
  std::string path;
  const uint8_t *base = nullptr;
  uint64_t length = 0;
  bool onHeap = false;
  /// The file, kept open for readAt (-1 for heap copies).
  int fd = -1;
  int64_t mtimeNs = 0;
  uint64_t inode = 0;
};

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_MAPPEDFILE_H
