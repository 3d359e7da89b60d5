//===- MappedFile.h - Read-only memory-mapped file --------------*- C++ -*-===//
//
// A file mapped read-only into memory, as a ByteSource. Indexers read the IR
// parts through the mapping and record blob locations as file offsets; blob
// bytes are only touched when a typed view asks for them, so the kernel never
// pages them in for indexing.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_MAPPEDFILE_H
#define MLIRSCOPE_SUPPORT_MAPPEDFILE_H

#include "mlirscope/Support/ByteSource.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>

namespace mlirscope {

/// A read-only, private mapping of a whole file: the first ByteSource.
class MappedFile : public ByteSource {
public:
  /// Maps `path`. Errors name the file and the system reason.
  static llvm::Expected<std::unique_ptr<MappedFile>> open(llvm::StringRef path);
  /// A heap copy of `bytes` standing in for a file called `name`: exactly
  /// sized, so sanitizers catch any read past the end (fuzzing, tests).
  static std::unique_ptr<MappedFile> copyOf(llvm::StringRef name,
                                            llvm::ArrayRef<uint8_t> bytes);
  ~MappedFile() override;

  bool isHeapCopy() const override { return onHeap; }
  const uint8_t *data() const { return base; }
  llvm::ArrayRef<uint8_t> bytes() const { return {base, (size_t)length}; }

  /// A span of the mapping: no copy, no I/O until touched.
  llvm::Expected<Span> read(uint64_t offset, uint64_t n) const override;
  /// Copies with pread, not through the mapping: for small reads scattered
  /// over a huge file (each blob's header), touching the mapping there would
  /// map the cached pages around each read too (120 MB resident for 9,000
  /// weights) and fault once per place.
  size_t readAt(uint64_t offset, uint8_t *out, size_t n) const override;
  /// madvise(MADV_DONTNEED): the pages stay valid and are read back from disk
  /// on the next touch.
  void dropPages(uint64_t offset, uint64_t n) const override;
  /// madvise(MADV_WILLNEED): the kernel starts reading in the background, so
  /// scattered small reads that follow overlap their disk latency.
  void prefetch(uint64_t offset, uint64_t n) const override;
  /// Maps the range's pages in now, in one call: page by page, each fault
  /// costs a trip through the kernel (a quarter of indexing a 20 MiB IR
  /// section on a virtual machine). Falls back to prefetch() on kernels
  /// before 5.14; errors (a file truncated meanwhile) are left to the reads.
  void populate(uint64_t offset, uint64_t n) const override;
  const uint8_t *memory() const override { return base; }
  int fileDescriptor() const override { return fd; }

  /// The path of the live mapping holding `address` and the offset there;
  /// false when no MappedFile maps it. For naming the file after a SIGBUS
  /// (FaultGuard.h); not for use in a signal handler (it takes a lock).
  static bool findMapping(const void *address, std::string &path,
                          uint64_t &offset);

private:
  MappedFile() = default;
  /// madvise over the pages covering [offset, offset + size); false when
  /// madvise refused (errno says why).
  bool advise(uint64_t offset, uint64_t size, int advice) const;
  const uint8_t *base = nullptr;
  bool onHeap = false;
  /// The file, kept open for readAt (-1 for heap copies).
  int fd = -1;
};

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_MAPPEDFILE_H
