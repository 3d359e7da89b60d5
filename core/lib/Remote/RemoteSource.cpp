//===- RemoteSource.cpp - A ByteSource over HTTP range GETs ---------------===//

#include "RemoteSource.h"

#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Support/Hash.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>

using namespace mlirscope;
using namespace mlirscope::remote;

RemoteSource::RemoteSource(Endpoint endpoint, const RemoteOptions &options)
    : options(options), transport(std::move(endpoint), options, &closing),
      cache(options.cacheBudget) {}

llvm::Expected<std::unique_ptr<RemoteSource>>
RemoteSource::open(Endpoint endpoint, const RemoteOptions &options) {
  std::string key = endpoint.name + " " + endpoint.url;
  std::unique_ptr<RemoteSource> s(
      new RemoteSource(std::move(endpoint), options));
  s->name = s->transport.name();
  uint64_t bs = options.blockSize;
  if (!options.diskCacheDir.empty())
    s->disk = DiskCache::open(options.diskCacheDir, key, bs,
                              options.diskCacheBudget);
  const ObjectVersion *cached =
      s->disk && s->disk->version() ? &*s->disk->version() : nullptr;
  // The speculative first read: whole blocks, so all of it is cached.
  uint64_t first =
      (std::max<uint64_t>(options.firstRead, 1) + bs - 1) / bs * bs;
  std::vector<uint8_t> head;
  auto notModified = s->transport.fetchFirst(first, head, s->version, cached);
  if (!notModified)
    return notModified.takeError();
  const ObjectVersion &v = s->version;
  s->length = v.size;
  // Identity for caches keyed by file (StatsCache): the URL and version.
  std::string identity = s->name + "\n" + v.etag + "\n" + v.lastModified;
  s->inode = xxh64(identity.data(), identity.size());
  if (!*notModified && s->disk) {
    if (!v.hasValidator())
      s->disk.reset(); // nothing to revalidate a later run with
    else if (!(s->disk->version() && *s->disk->version() == v))
      s->disk->reset(v);
  }
  // The head's blocks: whole ones, and the last block of the object.
  for (uint64_t i = 0; !*notModified && i * bs < head.size(); ++i) {
    uint64_t len = s->blockLength(i);
    if (i * bs + len > head.size())
      break;
    auto block = std::make_shared<std::vector<uint8_t>>(
        head.begin() + i * bs, head.begin() + i * bs + len);
    if (s->disk)
      s->disk->write(i, block->data(), len);
    s->cache.insert(i, std::move(block));
  }
  return s;
}

RemoteSource::~RemoteSource() {
  {
    // Under the lock, so a waiter cannot miss it between its check and its
    // wait.
    std::lock_guard<std::mutex> lock(mutex);
    closing = true;
  }
  changed.notify_all();
  if (worker.joinable())
    worker.join();
  if (options.printCounters)
    llvm::errs() << name << ": " << formatCounters(*options.counters) << "\n";
}

uint64_t RemoteSource::blockLength(uint64_t index) const {
  uint64_t start = index * options.blockSize;
  return start >= length ? 0 : std::min(options.blockSize, length - start);
}

llvm::Error RemoteSource::getBlocks(uint64_t first, uint64_t last,
                                    std::vector<BlockCache::Block> &out) const {
  RemoteCounters &counters = *options.counters;
  uint64_t bs = options.blockSize;
  out.assign(last - first + 1, nullptr);
  while (true) {
    std::vector<uint64_t> mine, theirs;
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (uint64_t b = first; b <= last; ++b) {
        if (out[b - first])
          continue;
        if ((out[b - first] = cache.lookup(b))) {
          ++counters.cacheHits;
          continue;
        }
        if (inFlight.count(b)) {
          theirs.push_back(b);
          continue;
        }
        inFlight.insert(b);
        mine.push_back(b);
      }
    }
    if (!mine.empty()) {
      // From disk where it has them, the rest in runs of adjacent blocks
      // (at most a part's size each), all runs in one batch.
      std::vector<RangeRequest> ranges;
      std::vector<std::pair<uint64_t, std::shared_ptr<std::vector<uint8_t>>>>
          runs;
      for (uint64_t b : mine) {
        uint64_t len = blockLength(b);
        if (disk) {
          auto block = std::make_shared<std::vector<uint8_t>>(len);
          if (disk->read(b, block->data(), len)) {
            ++counters.diskHits;
            cache.insert(b, block);
            out[b - first] = std::move(block);
            continue;
          }
        }
        ++counters.cacheMisses;
        if (!runs.empty() &&
            runs.back().first + runs.back().second->size() == b * bs &&
            runs.back().second->size() + len <= options.partSize) {
          runs.back().second->resize(runs.back().second->size() + len);
          continue;
        }
        runs.push_back({b * bs, std::make_shared<std::vector<uint8_t>>(len)});
      }
      for (auto &[offset, buffer] : runs)
        ranges.push_back({offset, buffer->size(), buffer->data()});
      llvm::Error e = transport.fetch(ranges, version);
      if (!e) {
        for (auto &[offset, buffer] : runs) {
          for (uint64_t at = 0; at < buffer->size(); at += bs) {
            uint64_t b = (offset + at) / bs;
            uint64_t len = blockLength(b);
            auto block = std::make_shared<std::vector<uint8_t>>(
                buffer->begin() + at, buffer->begin() + at + len);
            if (disk)
              disk->write(b, block->data(), len);
            cache.insert(b, block);
            if (b >= first && b <= last)
              out[b - first] = std::move(block);
          }
        }
      }
      {
        std::lock_guard<std::mutex> lock(mutex);
        for (uint64_t b : mine)
          inFlight.erase(b);
      }
      changed.notify_all();
      if (e)
        return e;
    }
    if (theirs.empty())
      return llvm::Error::success();
    // Wait for the other fetches; then look again (a failed or evicted
    // block is fetched here).
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] {
      return closing ||
             std::none_of(theirs.begin(), theirs.end(),
                          [&](uint64_t b) { return inFlight.count(b); });
    });
    if (closing)
      return cancelledError();
  }
}

llvm::Error RemoteSource::copyOut(uint64_t offset, uint64_t n,
                                  uint8_t *dest) const {
  uint64_t bs = options.blockSize;
  if (isLarge(n)) {
    // Straight into the destination in parallel parts: a pass over a large
    // weight would only churn the memory cache. The disk cache serves and
    // keeps the whole blocks inside the range.
    RemoteCounters &counters = *options.counters;
    std::vector<RangeRequest> parts;
    auto need = [&](uint64_t from, uint64_t len) {
      if (!parts.empty() && parts.back().offset + parts.back().length == from &&
          parts.back().length + len <= options.partSize) {
        parts.back().length += len;
        return;
      }
      parts.push_back({from, len, dest + (from - offset)});
    };
    // The partial blocks at either end are fetched whole, in the same
    // batch, and kept like any block: a second pass (or run, from disk)
    // finds them.
    struct Edge {
      uint64_t block, at, end;
      BlockCache::Block data;
    };
    std::vector<Edge> edges;
    for (uint64_t at = offset; at < offset + n;) {
      uint64_t b = at / bs;
      uint64_t end = std::min(offset + n, (b + 1) * bs);
      bool whole = at == b * bs && end - at == blockLength(b);
      if (whole && disk && disk->read(b, dest + (at - offset), end - at)) {
        ++counters.diskHits;
      } else if (!whole) {
        BlockCache::Block cached;
        {
          std::lock_guard<std::mutex> lock(mutex);
          cached = cache.lookup(b);
        }
        auto block = std::make_shared<std::vector<uint8_t>>(blockLength(b));
        if (cached) {
          ++counters.cacheHits;
          std::memcpy(dest + (at - offset), cached->data() + (at - b * bs),
                      end - at);
        } else if (disk && disk->read(b, block->data(), block->size())) {
          ++counters.diskHits;
          std::memcpy(dest + (at - offset), block->data() + (at - b * bs),
                      end - at);
        } else {
          ++counters.cacheMisses;
          edges.push_back({b, at, end, std::move(block)});
        }
      } else {
        ++counters.cacheMisses;
        need(at, end - at);
      }
      at = end;
    }
    // Edges after the straight parts, never merged with them (need() joins
    // only adjacent straight parts).
    size_t straight = parts.size();
    for (Edge &edge : edges)
      parts.push_back({edge.block * bs, edge.data->size(),
                       const_cast<uint8_t *>(edge.data->data())});
    if (llvm::Error e = transport.fetch(parts, version))
      return e;
    parts.resize(straight);
    for (Edge &edge : edges) {
      std::memcpy(dest + (edge.at - offset),
                  edge.data->data() + (edge.at - edge.block * bs),
                  edge.end - edge.at);
      if (disk)
        disk->write(edge.block, edge.data->data(), edge.data->size());
      std::lock_guard<std::mutex> lock(mutex);
      cache.insert(edge.block, std::move(edge.data));
    }
    if (disk)
      for (const RangeRequest &p : parts)
        for (uint64_t b = (p.offset + bs - 1) / bs;
             (b + 1) * bs <= p.offset + p.length ||
             (b * bs < p.offset + p.length && p.offset + p.length == length);
             ++b)
          disk->write(b, dest + (b * bs - offset), blockLength(b));
    return llvm::Error::success();
  }
  std::vector<BlockCache::Block> blocks;
  uint64_t first = offset / bs, last = (offset + n - 1) / bs;
  if (llvm::Error e = getBlocks(first, last, blocks))
    return e;
  for (uint64_t b = first, done = 0; b <= last; ++b) {
    uint64_t from = b == first ? offset - first * bs : 0;
    uint64_t len =
        std::min<uint64_t>(blocks[b - first]->size() - from, n - done);
    std::memcpy(dest + done, blocks[b - first]->data() + from, len);
    done += len;
  }
  return llvm::Error::success();
}

llvm::Expected<Span> RemoteSource::read(uint64_t offset, uint64_t n) const {
  if (offset > length || n > length - offset)
    return makeFormatError(name, offset,
                           llvm::Twine(n) + " bytes within the object's " +
                               llvm::Twine(length));
  if (n == 0)
    return Span();
  uint64_t at;
  if (auto held = findExact(offset, n, at))
    return Span(llvm::ArrayRef<uint8_t>(held->data() + at, n), held);
  uint64_t bs = options.blockSize;
  uint64_t first = offset / bs, last = (offset + n - 1) / bs;
  if (first == last) {
    // Inside one block: a span of the cached block, which it keeps alive.
    std::vector<BlockCache::Block> blocks;
    if (llvm::Error e = getBlocks(first, first, blocks))
      return std::move(e);
    const BlockCache::Block &b = blocks[0];
    return Span(llvm::ArrayRef<uint8_t>(b->data() + (offset - first * bs), n),
                b);
  }
  std::shared_ptr<uint8_t[]> buffer(new uint8_t[n]);
  if (llvm::Error e = copyOut(offset, n, buffer.get()))
    return std::move(e);
  return Span(llvm::ArrayRef<uint8_t>(buffer.get(), n), buffer);
}

size_t RemoteSource::readAt(uint64_t offset, uint8_t *out, size_t n) const {
  if (offset >= length)
    return 0;
  n = std::min<uint64_t>(n, length - offset);
  uint64_t at;
  if (auto held = findExact(offset, n, at)) {
    std::memcpy(out, held->data() + at, n);
    return n;
  }
  if (llvm::Error e = copyOut(offset, n, out)) {
    std::string message = llvm::toString(std::move(e));
    std::lock_guard<std::mutex> lock(mutex);
    lastError = std::move(message);
    return 0;
  }
  return n;
}

llvm::Error RemoteSource::takeReadError() const {
  std::lock_guard<std::mutex> lock(mutex);
  if (lastError.empty())
    return llvm::Error::success();
  std::string message = std::move(lastError);
  lastError.clear();
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 message.c_str());
}

void RemoteSource::prefetch(uint64_t offset, uint64_t n) const {
  if (offset >= length || n == 0)
    return;
  n = std::min<uint64_t>(n, length - offset);
  // A range read in large parts skips the cache: nothing to read ahead.
  if (isLarge(n))
    return;
  std::lock_guard<std::mutex> lock(mutex);
  hints.push_back({offset, n});
  if (!worker.joinable())
    worker = std::thread([this] { readAhead(); });
  changed.notify_all();
}

std::shared_ptr<std::vector<uint8_t>>
RemoteSource::findExact(uint64_t offset, uint64_t n, uint64_t &at) const {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = exact.upper_bound(offset);
  if (it == exact.begin())
    return nullptr;
  --it;
  if (offset + n > it->first + it->second->size())
    return nullptr;
  at = offset - it->first;
  return it->second;
}

void RemoteSource::prefetchRanges(
    llvm::ArrayRef<std::pair<uint64_t, uint64_t>> ranges) const {
  std::vector<RangeRequest> requests;
  std::vector<std::pair<uint64_t, std::shared_ptr<std::vector<uint8_t>>>> got;
  uint64_t at;
  for (auto [offset, n] : ranges) {
    if (offset >= length || n == 0)
      continue;
    n = std::min<uint64_t>(n, length - offset);
    if (n > options.blockSize) {
      prefetch(offset, n);
      continue;
    }
    if (findExact(offset, n, at))
      continue;
    // Inside a cached block (the first read's, say, in memory or on
    // disk): a readAt finds it there.
    uint64_t bs = options.blockSize;
    if (uint64_t b = offset / bs; b == (offset + n - 1) / bs) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (cache.lookup(b))
          continue;
      }
      if (disk && disk->has(b)) {
        auto block = std::make_shared<std::vector<uint8_t>>(blockLength(b));
        if (disk->read(b, block->data(), block->size())) {
          ++options.counters->diskHits;
          std::lock_guard<std::mutex> lock(mutex);
          cache.insert(b, std::move(block));
          continue;
        }
      }
    }
    auto buffer = std::make_shared<std::vector<uint8_t>>(n);
    if (disk && disk->readRange(offset, buffer->data(), n)) {
      ++options.counters->diskHits;
      std::lock_guard<std::mutex> lock(mutex);
      exact[offset] = std::move(buffer);
      continue;
    }
    requests.push_back({offset, n, buffer->data()});
    got.push_back({offset, std::move(buffer)});
  }
  if (requests.empty())
    return;
  // Many ranges in few requests where the server serves several ranges in
  // one answer (nginx, Apache): the blob heads of a 9,000-weight model in a
  // few dozen requests, one round trip. Else (S3, or a server that answered
  // otherwise) all in flight at once, one request each (they are tiny): one
  // round trip per 64. Errors are left to the reads that need the bytes,
  // which fetch them again.
  llvm::Error e = llvm::Error::success();
  if (requests.size() > 1 && transport.multiRangeUsable()) {
    std::vector<RangeRequest> sorted = requests;
    std::sort(sorted.begin(), sorted.end(),
              [](const RangeRequest &x, const RangeRequest &y) {
                return x.offset < y.offset;
              });
    e = transport.fetchMultiRange(sorted, version);
    if (e && !transport.multiRangeUsable()) {
      llvm::consumeError(std::move(e));
      e = llvm::Error::success();
      unsigned parallel = unsigned(std::min<size_t>(requests.size(), 64));
      e = transport.fetch(requests, version, std::max(parallel, 1u));
    }
  } else {
    unsigned parallel = unsigned(std::min<size_t>(requests.size(), 64));
    e = transport.fetch(requests, version, std::max(parallel, 1u));
  }
  if (e) {
    llvm::consumeError(std::move(e));
    return;
  }
  if (disk)
    for (auto &[offset, buffer] : got)
      disk->writeRange(offset, buffer->data(), buffer->size());
  std::lock_guard<std::mutex> lock(mutex);
  for (auto &[offset, buffer] : got) {
    auto &slot = exact[offset];
    if (!slot || slot->size() < buffer->size())
      slot = std::move(buffer);
  }
}

void RemoteSource::readAhead() const {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    changed.wait(lock, [&] { return closing || !hints.empty(); });
    if (closing)
      return;
    auto [offset, n] = hints.front();
    hints.pop_front();
    lock.unlock();
    std::vector<BlockCache::Block> blocks;
    uint64_t bs = options.blockSize;
    // Errors are left to the read that needs the bytes.
    llvm::consumeError(getBlocks(offset / bs, (offset + n - 1) / bs, blocks));
    lock.lock();
  }
}
