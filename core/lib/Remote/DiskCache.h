//===- DiskCache.h - Fetched blocks kept on disk between runs ---*- C++ -*-===//
//
// One folder per URL (named by its hash) under the cache directory: `meta`
// (the URL, the version the blocks belong to: size, ETag, Last-Modified, and
// the block size), `data` (a sparse file the size of the object, blocks at
// their offsets) and `present` (one byte per block, written after the
// block). A second run revalidates the version with one conditional request
// and reads the blocks it has from here. A cache that cannot be written is
// no cache: errors turn it off, never fail a read.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LIB_REMOTE_DISKCACHE_H
#define MLIRSCOPE_LIB_REMOTE_DISKCACHE_H

#include "HttpTransport.h"

#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>

namespace mlirscope::remote {

class DiskCache {
public:
  /// The entry of `url` under `dir` (folders made as needed); null when it
  /// cannot be made.
  static std::unique_ptr<DiskCache>
  open(const std::string &dir, llvm::StringRef url, uint64_t blockSize);
  ~DiskCache();

  /// The version whose blocks the entry holds, if any.
  const std::optional<ObjectVersion> &version() const { return held; }
  /// Forgets every block and holds `v`'s from now on.
  void reset(const ObjectVersion &v);
  /// Block `index` (`n` bytes) into `out`; false when not cached.
  bool read(uint64_t index, uint8_t *out, size_t n) const;
  /// Whether block `index` is cached (one byte read, nothing allocated).
  bool has(uint64_t index) const;
  void write(uint64_t index, const uint8_t *data, size_t n);
  /// Bytes [offset, offset + n) kept by writeRange (a bytecode blob's head:
  /// a block each would cost megabytes for bytes); false when not cached.
  bool readRange(uint64_t offset, uint8_t *out, size_t n) const;
  void writeRange(uint64_t offset, const uint8_t *data, size_t n);

private:
  bool readData(uint64_t offset, uint8_t *out, size_t n) const;
  bool writeData(uint64_t offset, const uint8_t *data, size_t n);
  DiskCache() = default;
  std::string folder, url;
  uint64_t blockSize = 0;
  std::optional<ObjectVersion> held;
  int dataFd = -1, presentFd = -1, rangesFd = -1;
  /// The ranges file: (offset, size) records, each appended after its
  /// bytes are in the data file (a killed run loses a range, never lies).
  std::map<uint64_t, uint64_t> ranges;
  mutable std::mutex rangesMutex;
};

} // namespace mlirscope::remote

#endif // MLIRSCOPE_LIB_REMOTE_DISKCACHE_H
