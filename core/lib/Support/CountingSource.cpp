//===- CountingSource.cpp - A source that counts what is read -------------===//

#include "mlirscope/Support/CountingSource.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

using namespace mlirscope;

CountingSource::CountingSource(std::shared_ptr<ByteSource> inner)
    : inner(std::move(inner)) {
  name = this->inner->getName();
  length = this->inner->size();
  inode = this->inner->getInode();
  mtimeNs = this->inner->getMTimeNs();
}

CountingSource::Counts CountingSource::counts() const {
  std::lock_guard<std::mutex> guard(lock);
  return total;
}

std::string CountingSource::countsText() const {
  Counts c = counts();
  return "calls=" + std::to_string(c.calls) +
         " requested=" + std::to_string(c.requested) +
         " fetched=" + std::to_string(c.fetched) +
         " round-trips=" + std::to_string(c.roundTrips);
}

uint64_t CountingSource::fetch(uint64_t offset, uint64_t n) const {
  if (offset >= length)
    return 0;
  uint64_t begin = offset, end = offset + std::min(n, length - offset);
  if (begin == end)
    return 0;
  uint64_t covered = 0;
  // Merge every range touching [begin, end) into one.
  auto it = fetchedRanges.upper_bound(begin);
  if (it != fetchedRanges.begin() && std::prev(it)->second >= begin)
    --it;
  uint64_t newBegin = begin, newEnd = end;
  while (it != fetchedRanges.end() && it->first <= end) {
    uint64_t b = std::max(it->first, begin), e = std::min(it->second, end);
    if (e > b)
      covered += e - b;
    newBegin = std::min(newBegin, it->first);
    newEnd = std::max(newEnd, it->second);
    it = fetchedRanges.erase(it);
  }
  fetchedRanges[newBegin] = newEnd;
  uint64_t fresh = (end - begin) - covered;
  total.fetched += fresh;
  return fresh;
}

void CountingSource::fetchOne(uint64_t offset, uint64_t n) const {
  if (fetch(offset, n))
    ++total.roundTrips;
}

llvm::Expected<Span> CountingSource::read(uint64_t offset, uint64_t n) const {
  auto span = inner->read(offset, n);
  if (!span)
    return span.takeError();
  {
    std::lock_guard<std::mutex> guard(lock);
    ++total.calls;
    total.requested += n;
    fetchOne(offset, n);
  }
  // A copy of its own, as a cache's block would be: nothing points into
  // the inner source's memory.
  std::shared_ptr<uint8_t> copy(
      static_cast<uint8_t *>(std::malloc(std::max<size_t>(n, 1))), std::free);
  if (n)
    std::memcpy(copy.get(), span->begin(), n);
  llvm::ArrayRef<uint8_t> bytes(copy.get(), size_t(n));
  return Span(bytes, std::move(copy));
}

size_t CountingSource::readAt(uint64_t offset, uint8_t *out, size_t n) const {
  size_t got = inner->readAt(offset, out, n);
  std::lock_guard<std::mutex> guard(lock);
  ++total.calls;
  total.requested += n;
  fetchOne(offset, n);
  return got;
}

void CountingSource::prefetch(uint64_t offset, uint64_t n) const {
  std::lock_guard<std::mutex> guard(lock);
  fetchOne(offset, n);
}

void CountingSource::populate(uint64_t offset, uint64_t n) const {
  prefetch(offset, n);
}

void CountingSource::prefetchRanges(
    llvm::ArrayRef<std::pair<uint64_t, uint64_t>> ranges) const {
  std::lock_guard<std::mutex> guard(lock);
  uint64_t fresh = 0;
  for (auto [offset, n] : ranges)
    fresh += fetch(offset, n);
  if (fresh)
    ++total.roundTrips;
}
