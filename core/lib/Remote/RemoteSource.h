//===- RemoteSource.h - A ByteSource over HTTP range GETs -------*- C++ -*-===//
//
// What openUrl returns: spans of an object fetched through the block cache
// (and the disk cache under it), large reads fetched straight into their
// buffer in parallel parts, hints served by a read-ahead thread.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LIB_REMOTE_REMOTESOURCE_H
#define MLIRSCOPE_LIB_REMOTE_REMOTESOURCE_H

#include "DiskCache.h"
#include "HttpTransport.h"

#include "mlirscope/Remote/BlockCache.h"

#include <condition_variable>
#include <deque>
#include <thread>
#include <map>
#include <unordered_set>

namespace mlirscope::remote {

class RemoteSource : public ByteSource {
public:
  /// Sends the first request (see Remote.h) and returns the open source.
  static llvm::Expected<std::unique_ptr<RemoteSource>>
  open(Endpoint endpoint, const RemoteOptions &options);
  ~RemoteSource() override;

  bool isRemote() const override { return true; }
  llvm::Expected<Span> read(uint64_t offset, uint64_t n) const override;
  size_t readAt(uint64_t offset, uint8_t *out, size_t n) const override;
  llvm::Error takeReadError() const override;
  void prefetch(uint64_t offset, uint64_t n) const override;
  void populate(uint64_t offset, uint64_t n) const override {
    prefetch(offset, n);
  }
  /// Small ranges (a bytecode blob's head, scattered over the object) are
  /// fetched exactly, all at once, and kept apart from the blocks: a block
  /// each would fetch megabytes for a few bytes. Several hundred ranges go
  /// in one multi-range request where the server answers them (nginx,
  /// Apache), else one request each; ranges inside a cached block are
  /// skipped.
  void prefetchRanges(
      llvm::ArrayRef<std::pair<uint64_t, uint64_t>> ranges) const override;

private:
  RemoteSource(Endpoint endpoint, const RemoteOptions &options);
  /// Blocks [first, last], from memory, disk or the network (missing runs
  /// in one batch of parallel GETs).
  llvm::Error getBlocks(uint64_t first, uint64_t last,
                        std::vector<BlockCache::Block> &out) const;
  /// [offset, offset + n) into `dest` (n > 0), through the blocks or, when
  /// larger than a quarter of the cache, straight in parallel parts.
  llvm::Error copyOut(uint64_t offset, uint64_t n, uint8_t *dest) const;
  uint64_t blockLength(uint64_t index) const;
  /// Larger than a quarter of the cache, or than two parts (a window of a
  /// streamed pass, read once: copying it through the blocks would only
  /// churn them).
  bool isLarge(uint64_t n) const {
    return n > std::min(options.cacheBudget / 4, 2 * options.partSize);
  }
  void readAhead() const;

  RemoteOptions options;
  std::atomic<bool> closing{false};
  mutable HttpTransport transport;
  ObjectVersion version;
  mutable BlockCache cache;
  std::unique_ptr<DiskCache> disk;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  /// Blocks some thread is fetching: others wait for them.
  mutable std::unordered_set<uint64_t> inFlight;
  mutable std::string lastError;
  /// Bytes [offset, offset + size) fetched by prefetchRanges, by offset.
  mutable std::map<uint64_t, std::shared_ptr<std::vector<uint8_t>>> exact;
  /// The exact range holding [offset, offset + n), or null.
  std::shared_ptr<std::vector<uint8_t>> findExact(uint64_t offset,
                                                  uint64_t n,
                                                  uint64_t &at) const;
  /// Ranges the hints asked for, served by `worker`.
  mutable std::deque<std::pair<uint64_t, uint64_t>> hints;
  mutable std::thread worker;
};

} // namespace mlirscope::remote

#endif // MLIRSCOPE_LIB_REMOTE_REMOTESOURCE_H
