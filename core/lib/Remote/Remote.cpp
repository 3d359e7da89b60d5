//===- Remote.cpp - Models read over HTTP and S3 --------------------------===//

#include "mlirscope/Remote/Remote.h"
#include "RemoteSource.h"
#include "S3.h"

#include "mlirscope/Support/Format.h"

#include "llvm/ADT/StringExtras.h"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

using namespace mlirscope;
using namespace mlirscope::remote;

bool mlirscope::isUrl(llvm::StringRef name) {
  return name.starts_with_insensitive("http://") ||
         name.starts_with_insensitive("https://") ||
         name.starts_with_insensitive("s3://");
}

std::string mlirscope::formatCounters(const RemoteCounters &c) {
  return formatCount(c.requests) + " requests in " + formatCount(c.roundTrips) +
         " round trips, " + formatBytes(c.bytesFetched) + " fetched, " +
         formatCount(c.cacheHits) + " cache hits, " + formatCount(c.diskHits) +
         " disk cache hits, " + formatCount(c.retries) + " retries";
}

/// A positive number from the environment, or `fallback`.
static uint64_t envNumber(const char *name, uint64_t fallback) {
  const char *v = std::getenv(name);
  uint64_t n = 0;
  if (!v || llvm::StringRef(v).trim().getAsInteger(10, n) || n == 0)
    return fallback;
  return n;
}

RemoteOptions RemoteOptions::fromEnvironment() {
  RemoteOptions o;
  o.blockSize = envNumber("MLIRSCOPE_REMOTE_BLOCK_SIZE", o.blockSize);
  o.cacheBudget = envNumber("MLIRSCOPE_REMOTE_CACHE_SIZE", o.cacheBudget);
  o.firstRead = envNumber("MLIRSCOPE_REMOTE_FIRST_READ", o.firstRead);
  o.partSize = envNumber("MLIRSCOPE_REMOTE_PART_SIZE", o.partSize);
  o.maxParallel =
      unsigned(envNumber("MLIRSCOPE_REMOTE_PARALLEL", o.maxParallel));
  if (const char *r = std::getenv("MLIRSCOPE_REMOTE_RETRIES")) {
    unsigned n;
    if (!llvm::StringRef(r).getAsInteger(10, n))
      o.retries = n;
  }
  o.stallSeconds =
      unsigned(envNumber("MLIRSCOPE_REMOTE_TIMEOUT", o.stallSeconds));
  o.diskCacheBudget =
      envNumber("MLIRSCOPE_REMOTE_DISK_CACHE_SIZE", o.diskCacheBudget);
  const char *stats = std::getenv("MLIRSCOPE_REMOTE_STATS");
  o.printCounters = stats && llvm::StringRef(stats) == "1";
  const char *dir = std::getenv("MLIRSCOPE_REMOTE_CACHE_DIR");
  if (dir && *dir) {
    if (llvm::StringRef(dir) != "off")
      o.diskCacheDir = dir;
  } else if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    o.diskCacheDir = std::string(xdg) + "/mlirscope/remote";
  } else if (const char *home = std::getenv("HOME"); home && *home) {
    o.diskCacheDir = std::string(home) + "/.cache/mlirscope/remote";
  }
  return o;
}

llvm::Expected<std::unique_ptr<ByteSource>>
mlirscope::openUrl(llvm::StringRef url, const RemoteOptions &options) {
  RemoteOptions o = options;
  if (!o.counters)
    o.counters = std::make_shared<RemoteCounters>();
  // A block is at least a page and a part at least a block.
  o.blockSize = std::max<uint64_t>(o.blockSize, 4096);
  o.partSize = std::max(o.partSize, o.blockSize);
  o.maxParallel = std::max(o.maxParallel, 1u);
  Endpoint endpoint;
  if (url.starts_with_insensitive("s3://")) {
    auto s3 = resolveS3(url);
    if (!s3)
      return s3.takeError();
    endpoint = std::move(*s3);
  } else if (isUrl(url)) {
    endpoint.url = endpoint.name = url.str();
  } else {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: not an http://, https:// or s3:// URL",
                                   url.str().c_str());
  }
  auto source = RemoteSource::open(std::move(endpoint), o);
  if (!source)
    return source.takeError();
  return std::unique_ptr<ByteSource>(std::move(*source));
}

namespace {
/// A remote object copied whole into memory: memory() for the readers that
/// need it, still remote for everything that asks (edits are refused).
class FetchedCopy : public ByteSource {
public:
  FetchedCopy(const ByteSource &from, std::unique_ptr<uint8_t[]> bytes)
      : bytes(std::move(bytes)) {
    name = from.getName();
    length = from.size();
    inode = from.getInode();
    mtimeNs = from.getMTimeNs();
  }
  bool isRemote() const override { return true; }
  llvm::Expected<Span> read(uint64_t offset, uint64_t n) const override {
    if (offset > length || n > length - offset)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "%s: offset %llu: expected %llu bytes within the object's %llu",
          name.c_str(), (unsigned long long)offset, (unsigned long long)n,
          (unsigned long long)length);
    return Span(llvm::ArrayRef<uint8_t>(bytes.get() + offset, n));
  }
  size_t readAt(uint64_t offset, uint8_t *out, size_t n) const override {
    if (offset >= length)
      return 0;
    n = std::min<uint64_t>(n, length - offset);
    std::memcpy(out, bytes.get() + offset, n);
    return n;
  }
  const uint8_t *memory() const override { return bytes.get(); }

private:
  std::unique_ptr<uint8_t[]> bytes;
};
} // namespace

llvm::Expected<std::unique_ptr<ByteSource>>
mlirscope::fetchWholeIntoMemory(const ByteSource &source,
                                const Progress &progress) {
  uint64_t size = source.size();
  uint64_t memory =
      uint64_t(::sysconf(_SC_PHYS_PAGES)) * uint64_t(::sysconf(_SC_PAGESIZE));
  if (size > memory / 2)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "%s: %s cannot be read whole into memory (%s on this machine)",
        source.getName().c_str(), formatBytes(size).c_str(),
        formatBytes(memory).c_str());
  std::unique_ptr<uint8_t[]> bytes(new (std::nothrow) uint8_t[size ? size : 1]);
  if (!bytes)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: cannot allocate %s to read it whole",
                                   source.getName().c_str(),
                                   formatBytes(size).c_str());
  // Pieces large enough for many parallel parts each, small enough to
  // report progress and notice a cancel every second or so.
  const uint64_t piece = 256ull << 20;
  for (uint64_t done = 0; done < size;) {
    if (!progress.report(done, size, "fetching"))
      return cancelledError();
    uint64_t n = std::min(piece, size - done);
    if (source.readAt(done, bytes.get() + done, n) != n) {
      if (llvm::Error e = source.takeReadError())
        return std::move(e);
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "%s: offset %llu: expected %llu bytes", source.getName().c_str(),
          (unsigned long long)done, (unsigned long long)n);
    }
    done += n;
  }
  progress.report(size, size, "fetching");
  return std::make_unique<FetchedCopy>(source, std::move(bytes));
}
