//===- CountingSource.h - A source that counts what is read ------*- C++ -*-===//
//
// A ByteSource over another that is not memory (memory() is null, no file
// descriptor) and counts what its readers ask for, the way a remote source
// would pay for it. Tests and the hidden CLI option `--read-through=counting`
// use it to check that a reader works on a source that is not memory and
// reads only what it needs, without a network.
//
// The rules, a model of a remote source with a cache (Remote layer):
// - bytes are fetched once: a read of bytes fetched before (by a read or a
//   hint) costs nothing more;
// - a round trip is one read(), readAt(), prefetch() or populate() that needs
//   any byte not fetched yet, or one prefetchRanges() batch that does (its
//   ranges go in flight together);
// - `fetched` counts distinct bytes fetched; `requested` the bytes asked of
//   read() and readAt(), fetched or not; `calls` those calls.
// Every read() returns an exact-size heap copy, so a reader that strays past
// its span is caught by sanitizers, as it would read garbage from a cache.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_COUNTINGSOURCE_H
#define MLIRSCOPE_SUPPORT_COUNTINGSOURCE_H

#include "mlirscope/Support/ByteSource.h"

#include <map>
#include <mutex>

namespace mlirscope {

class CountingSource : public ByteSource {
public:
  explicit CountingSource(std::shared_ptr<ByteSource> inner);

  struct Counts {
    uint64_t calls = 0, requested = 0, fetched = 0, roundTrips = 0;
  };
  Counts counts() const;
  /// One line: `calls=N requested=B fetched=F round-trips=R`.
  std::string countsText() const;

  llvm::Expected<Span> read(uint64_t offset, uint64_t n) const override;
  size_t readAt(uint64_t offset, uint8_t *out, size_t n) const override;
  void prefetch(uint64_t offset, uint64_t n) const override;
  void populate(uint64_t offset, uint64_t n) const override;
  void prefetchRanges(
      llvm::ArrayRef<std::pair<uint64_t, uint64_t>> ranges) const override;

private:
  /// Marks [offset, offset + n) fetched; the bytes that were not. Callers
  /// hold `lock`.
  uint64_t fetch(uint64_t offset, uint64_t n) const;
  /// One call needing [offset, offset + n): a round trip if anything is new.
  void fetchOne(uint64_t offset, uint64_t n) const;

  std::shared_ptr<ByteSource> inner;
  mutable std::mutex lock;
  /// Fetched ranges, begin -> end, disjoint and not touching.
  mutable std::map<uint64_t, uint64_t> fetchedRanges;
  mutable Counts total;
};

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_COUNTINGSOURCE_H
