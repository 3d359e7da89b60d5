//===- DiskCache.h - Fetched blocks kept on disk between runs ---*- C++ -*-===//
//
// One folder per URL (named by its hash) under the cache directory:
//
//   lock          flock()ed shared by every process using the entry,
//                 exclusively by a process evicting it; its mtime is when
//                 the entry was last used (least-recently-used eviction)
//   meta          the URL and the version the blocks belong to (size, ETag,
//                 Last-Modified) and the block size; written to a temporary
//                 file and renamed into place
//   V.data        the version's bytes, a sparse file the size of the object
//   V.sums        one xxh64 per block (0: not cached), written after the
//                 block: a block whose bytes do not hash to its sum (a torn
//                 or corrupted file) is dropped and fetched again
//   V.ranges      (offset, size, xxh64, record checksum) records of
//                 writeRange, appended under an exclusive flock
//
// V names the version, so a process that moves an entry to a new version
// never truncates files another process still reads or writes: it makes
// new ones and unlinks the old (their open descriptors keep working). Two
// processes on the same version write the same bytes (every request is
// pinned to the version with If-Match).
//
// The folder has a budget (bytes on disk, holes excluded): when a source
// opens and when it closes, the least recently used entries no process
// holds are removed until the cache fits; the entry in use is kept. A cache
// that cannot be written is no cache: errors turn it off, never fail a read.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LIB_REMOTE_DISKCACHE_H
#define MLIRSCOPE_LIB_REMOTE_DISKCACHE_H

#include "HttpTransport.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace mlirscope::remote {

class DiskCache {
public:
  /// The entry of `url` under `dir` (folders made as needed), the cache
  /// first trimmed to `budget` bytes; null when it cannot be made.
  static std::unique_ptr<DiskCache> open(const std::string &dir,
                                         llvm::StringRef url,
                                         uint64_t blockSize, uint64_t budget);
  /// Removes the least recently used entries of `dir` that no process holds
  /// until the rest fit in `budget` bytes; `keep` (a folder) stays.
  static void evict(const std::string &dir, uint64_t budget,
                    const std::string &keep = {});
  ~DiskCache();

  /// The version whose blocks the entry holds, if any.
  const std::optional<ObjectVersion> &version() const { return held; }
  /// Holds `v`'s blocks from now on (those other processes cached for it
  /// included), the other versions' files removed.
  void reset(const ObjectVersion &v);
  /// Block `index` (`n` bytes) into `out`; false when not cached or when
  /// the bytes on disk are not those written (the block is then dropped).
  bool read(uint64_t index, uint8_t *out, size_t n) const;
  /// Whether block `index` is cached (its sum read, nothing allocated).
  bool has(uint64_t index) const;
  void write(uint64_t index, const uint8_t *data, size_t n);
  /// Bytes [offset, offset + n) kept by writeRange (a bytecode blob's head:
  /// a block each would cost megabytes for bytes); false when not cached or
  /// not intact.
  bool readRange(uint64_t offset, uint8_t *out, size_t n) const;
  void writeRange(uint64_t offset, const uint8_t *data, size_t n);

private:
  DiskCache() = default;
  /// Opens (creating) the files of version `v`; false on any error.
  bool openVersion(const ObjectVersion &v);
  void closeVersion();
  void loadRanges();
  bool readData(uint64_t offset, uint8_t *out, size_t n) const;
  bool writeData(uint64_t offset, const uint8_t *data, size_t n);

  std::string dir, folder, url;
  uint64_t blockSize = 0, budget = 0;
  std::optional<ObjectVersion> held;
  int lockFd = -1, dataFd = -1, sumsFd = -1, rangesFd = -1;
  struct Range {
    uint64_t size, sum;
  };
  /// The ranges file's records, by offset (the largest range at each).
  mutable std::map<uint64_t, Range> ranges;
  mutable std::mutex rangesMutex;
};

} // namespace mlirscope::remote

#endif // MLIRSCOPE_LIB_REMOTE_DISKCACHE_H
