//===- BlobStats.h - Streaming statistics over one blob ---------*- C++ -*-===//
//
// min/max/mean/std, zero/NaN/Inf counts and an optional histogram in one
// multi-threaded pass over the mapped bytes (a second pass only for the
// histogram, whose range needs min and max). Long runs report progress and
// can be cancelled.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BLOB_BLOBSTATS_H
#define MLIRSCOPE_BLOB_BLOBSTATS_H

#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Support/Progress.h"

#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mlirscope {

struct BlobStats {
  uint64_t count = 0;  ///< elements
  uint64_t finite = 0; ///< elements that are neither NaN nor infinite
  uint64_t zeros = 0, nans = 0, posInfs = 0, negInfs = 0;
  /// Over the finite elements (complex: over their magnitudes). NaN when
  /// there are none.
  double min = 0, max = 0, mean = 0, stddev = 0;
  /// Equal-width bins over [min, max] (empty unless requested).
  std::vector<uint64_t> histogram;
  /// The first few elements, formatted.
  std::vector<std::string> first;
};

struct StatsOptions {
  /// Worker threads; 0 = one per core.
  unsigned threads = 0;
  /// Histogram bins; 0 = no histogram (saves the second pass).
  unsigned bins = 0;
  /// How many leading elements to format into BlobStats::first.
  unsigned firstValues = 8;
  /// Told (bytes done, bytes total) on the calling thread about every
  /// 64 MiB; its cancel flag is read by every worker.
  Progress progress;
};

/// Computes statistics of `view`. Fails only when cancelled.
llvm::Expected<BlobStats> computeStats(const WeightView &view,
                                       const StatsOptions &options = {});

/// Results by (file, key, file identity), so repeated questions about the same
/// unchanged blob are answered without touching its bytes again.
class StatsCache {
public:
  /// Returns the cached stats, or computes and caches them.
  llvm::Expected<BlobStats> get(const ModelIndex &index, const WeightView &view,
                                const StatsOptions &options = {});
  /// The cached stats, if any, without touching the blob's bytes: what a
  /// caller that must answer at once can show.
  std::optional<BlobStats> find(const ModelIndex &index, const WeightView &view,
                                const StatsOptions &options = {});
  void clear();

private:
  static std::string keyOf(const ModelIndex &index, const WeightView &view,
                           const StatsOptions &options);
  std::mutex mutex;
  std::map<std::string, BlobStats> entries;
};

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_BLOBSTATS_H
