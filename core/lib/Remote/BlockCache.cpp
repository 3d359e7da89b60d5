//===- BlockCache.cpp - A bounded LRU cache of fixed-size blocks ----------===//

#include "mlirscope/Remote/BlockCache.h"

using namespace mlirscope;

BlockCache::Block BlockCache::lookup(uint64_t index) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = entries.find(index);
  if (it == entries.end())
    return nullptr;
  order.splice(order.begin(), order, it->second.position);
  return it->second.block;
}

void BlockCache::insert(uint64_t index, Block block) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = entries.find(index);
  if (it != entries.end()) {
    held -= it->second.block->size();
    order.erase(it->second.position);
    entries.erase(it);
  }
  held += block->size();
  order.push_front(index);
  entries[index] = {std::move(block), order.begin()};
  while (held > budget && order.size() > 1) {
    auto victim = entries.find(order.back());
    held -= victim->second.block->size();
    entries.erase(victim);
    order.pop_back();
  }
}

uint64_t BlockCache::bytes() const {
  std::lock_guard<std::mutex> lock(mutex);
  return held;
}

size_t BlockCache::blocks() const {
  std::lock_guard<std::mutex> lock(mutex);
  return entries.size();
}
