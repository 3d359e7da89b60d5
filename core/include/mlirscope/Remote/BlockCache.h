//===- BlockCache.h - A bounded LRU cache of fixed-size blocks --*- C++ -*-===//
//
// The in-memory cache of a remote source: blocks of the object by index,
// least recently used first out when the budget is exceeded. A block is
// shared: a span that points into it keeps it alive after eviction, so the
// budget bounds what the cache holds, not what readers still hold.
// Thread-safe.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_REMOTE_BLOCKCACHE_H
#define MLIRSCOPE_REMOTE_BLOCKCACHE_H

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace mlirscope {

class BlockCache {
public:
  using Block = std::shared_ptr<const std::vector<uint8_t>>;

  explicit BlockCache(uint64_t budgetBytes) : budget(budgetBytes) {}

  /// The block, now the most recently used; null when absent.
  Block lookup(uint64_t index);
  /// Adds (or replaces) a block, then evicts the least recently used
  /// blocks until the cache fits its budget again (the newest block stays,
  /// even alone over budget).
  void insert(uint64_t index, Block block);
  /// Bytes held and blocks held.
  uint64_t bytes() const;
  size_t blocks() const;

private:
  struct Entry {
    Block block;
    std::list<uint64_t>::iterator position;
  };
  mutable std::mutex mutex;
  uint64_t budget;
  uint64_t held = 0;
  /// Most recently used first.
  std::list<uint64_t> order;
  std::unordered_map<uint64_t, Entry> entries;
};

} // namespace mlirscope

#endif // MLIRSCOPE_REMOTE_BLOCKCACHE_H
