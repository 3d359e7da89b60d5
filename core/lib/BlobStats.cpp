//===- BlobStats.cpp - Streaming statistics over one blob -----------------===//
//
// Work is split into blocks of kBlockElements; worker threads take blocks from
// an atomic counter and fold each into a partial result; partials merge with
// Chan et al.'s parallel variance formula. The calling thread works too and is
// the one that reports progress, so callbacks never run on a worker.
//
// The per-block kernel assumes finite values and uses several independent
// accumulators so the compiler can keep them in vector registers; if a block's
// sum comes out non-finite (a NaN or Inf in it), the block is redone by a
// careful kernel that classifies every element.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/BlobStats.h"

#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

using namespace mlirscope;

namespace {

constexpr uint64_t kBlockElements = 1 << 18;
constexpr unsigned kLanes = 8;

struct Partial {
  uint64_t n = 0; // finite elements
  double mean = 0, m2 = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  uint64_t zeros = 0, nans = 0, posInfs = 0, negInfs = 0;

  void merge(const Partial &o) {
    if (o.n) {
      uint64_t n2 = n + o.n;
      double delta = o.mean - mean;
      mean += delta * double(o.n) / double(n2);
      m2 += o.m2 + delta * delta * double(n) * double(o.n) / double(n2);
      n = n2;
    }
    min = std::min(min, o.min);
    max = std::max(max, o.max);
    zeros += o.zeros;
    nans += o.nans;
    posInfs += o.posInfs;
    negInfs += o.negInfs;
  }
};

/// Converts element `i` of a block of raw little-endian storage to double.
template <DType D>
inline double element(const uint8_t *p, uint64_t i) {
  if constexpr (D == DType::F32) {
    float v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  } else if constexpr (D == DType::F64) {
    double v;
    std::memcpy(&v, p + 8 * i, 8);
    return v;
  } else if constexpr (D == DType::F16 || D == DType::BF16) {
    uint16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return D == DType::F16 ? halfToFloat(v) : bfloat16ToFloat(v);
  } else if constexpr (D == DType::C64) {
    float v[2];
    std::memcpy(v, p + 8 * i, 8);
    return std::hypot(double(v[0]), double(v[1]));
  } else if constexpr (D == DType::C128) {
    double v[2];
    std::memcpy(v, p + 16 * i, 16);
    return std::hypot(v[0], v[1]);
  } else if constexpr (D == DType::Bool) {
    return p[i] ? 1.0 : 0.0;
  } else if constexpr (D == DType::I8) {
    return double(int8_t(p[i]));
  } else if constexpr (D == DType::U8) {
    return double(p[i]);
  } else if constexpr (D == DType::I16) {
    int16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  } else if constexpr (D == DType::U16) {
    uint16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  } else if constexpr (D == DType::I32) {
    int32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  } else if constexpr (D == DType::U32) {
    uint32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  } else if constexpr (D == DType::I64) {
    int64_t v;
    std::memcpy(&v, p + 8 * i, 8);
    return double(v);
  } else {
    uint64_t v;
    std::memcpy(&v, p + 8 * i, 8);
    return double(v);
  }
}

/// Fast kernel: assumes every element is finite. Returns false if that turned
/// out wrong (the caller then uses the careful kernel).
template <DType D>
bool fastBlock(const uint8_t *p, uint64_t n, Partial &out) {
  double sum[kLanes] = {}, sq[kLanes] = {};
  double mn[kLanes], mx[kLanes];
  uint64_t zeros[kLanes] = {};
  for (unsigned l = 0; l < kLanes; ++l) {
    mn[l] = std::numeric_limits<double>::infinity();
    mx[l] = -std::numeric_limits<double>::infinity();
  }
  uint64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (unsigned l = 0; l < kLanes; ++l) {
      double v = element<D>(p, i + l);
      sum[l] += v;
      sq[l] += v * v;
      mn[l] = v < mn[l] ? v : mn[l];
      mx[l] = v > mx[l] ? v : mx[l];
      zeros[l] += v == 0.0;
    }
  }
  for (; i < n; ++i) {
    double v = element<D>(p, i);
    sum[0] += v;
    sq[0] += v * v;
    mn[0] = v < mn[0] ? v : mn[0];
    mx[0] = v > mx[0] ? v : mx[0];
    zeros[0] += v == 0.0;
  }
  double s = 0, q = 0;
  for (unsigned l = 0; l < kLanes; ++l) {
    s += sum[l];
    q += sq[l];
    out.min = std::min(out.min, mn[l]);
    out.max = std::max(out.max, mx[l]);
    out.zeros += zeros[l];
  }
  if (!std::isfinite(s) || !std::isfinite(q))
    return false;
  Partial block;
  block.n = n;
  block.mean = n ? s / double(n) : 0;
  // Sum of squared deviations from the block mean. Blocks are small enough
  // (2^18 elements) that the one-pass form loses little precision in double.
  block.m2 = std::max(0.0, q - s * block.mean);
  block.min = out.min;
  block.max = out.max;
  block.zeros = out.zeros;
  out = block;
  return true;
}

/// Careful kernel: classifies every element.
template <DType D>
void carefulBlock(const uint8_t *p, uint64_t n, Partial &out) {
  out = Partial();
  for (uint64_t i = 0; i < n; ++i) {
    double v = element<D>(p, i);
    if (std::isnan(v)) {
      ++out.nans;
      continue;
    }
    if (std::isinf(v)) {
      ++(v > 0 ? out.posInfs : out.negInfs);
      continue;
    }
    out.zeros += v == 0.0;
    out.min = std::min(out.min, v);
    out.max = std::max(out.max, v);
    ++out.n;
    double delta = v - out.mean;
    out.mean += delta / double(out.n);
    out.m2 += delta * (v - out.mean);
  }
}

template <DType D>
void foldBlock(const uint8_t *p, uint64_t n, Partial &out) {
  Partial block;
  if (!fastBlock<D>(p, n, block))
    carefulBlock<D>(p, n, block);
  out.merge(block);
}

template <DType D>
void histogramBlock(const uint8_t *p, uint64_t n, double lo, double scale,
                    unsigned bins, std::vector<uint64_t> &hist) {
  for (uint64_t i = 0; i < n; ++i) {
    double v = element<D>(p, i);
    if (!std::isfinite(v))
      continue;
    int64_t b = int64_t((v - lo) * scale);
    b = std::clamp<int64_t>(b, 0, int64_t(bins) - 1);
    ++hist[size_t(b)];
  }
}

using FoldFn = void (*)(const uint8_t *, uint64_t, Partial &);
using HistFn = void (*)(const uint8_t *, uint64_t, double, double, unsigned,
                        std::vector<uint64_t> &);

template <DType D>
std::pair<FoldFn, HistFn> kernels() {
  return {&foldBlock<D>, &histogramBlock<D>};
}

std::pair<FoldFn, HistFn> kernelsFor(DType d) {
  switch (d) {
  case DType::Bool:
    return kernels<DType::Bool>();
  case DType::I8:
    return kernels<DType::I8>();
  case DType::I16:
    return kernels<DType::I16>();
  case DType::I32:
    return kernels<DType::I32>();
  case DType::I64:
    return kernels<DType::I64>();
  case DType::U8:
    return kernels<DType::U8>();
  case DType::U16:
    return kernels<DType::U16>();
  case DType::U32:
    return kernels<DType::U32>();
  case DType::U64:
    return kernels<DType::U64>();
  case DType::F16:
    return kernels<DType::F16>();
  case DType::BF16:
    return kernels<DType::BF16>();
  case DType::F32:
    return kernels<DType::F32>();
  case DType::F64:
    return kernels<DType::F64>();
  case DType::C64:
    return kernels<DType::C64>();
  case DType::C128:
    return kernels<DType::C128>();
  case DType::Unsupported:
    break;
  }
  return {nullptr, nullptr};
}

/// Runs `work(first, count, scratch)` over all blocks on `threads` threads,
/// reporting progress from the calling thread. Returns false if cancelled.
template <typename Work>
bool forEachBlock(const BlobView &view, const StatsOptions &opts,
                  unsigned threads, uint64_t passes, uint64_t pass,
                  Work &&work) {
  const uint64_t total = view.size();
  const uint64_t numBlocks = (total + kBlockElements - 1) / kBlockElements;
  const uint64_t esz = dtypeSize(view.getDType());
  std::atomic<uint64_t> next{0}, doneBlocks{0};
  std::atomic<bool> stop{false};
  auto cancelled = [&] {
    return stop.load(std::memory_order_relaxed) ||
           (opts.cancel && opts.cancel->load(std::memory_order_relaxed));
  };
  auto worker = [&](unsigned id) {
    std::vector<uint8_t> scratch;
    while (!cancelled()) {
      uint64_t b = next.fetch_add(1);
      if (b >= numBlocks)
        break;
      uint64_t first = b * kBlockElements;
      uint64_t count = std::min(kBlockElements, total - first);
      const uint8_t *p;
      if (view.isRaw()) {
        p = view.rawBytes().data() + first * esz;
      } else {
        scratch.resize(count * esz);
        view.readBytes(first, count, scratch.data());
        p = scratch.data();
      }
      work(id, p, count);
      doneBlocks.fetch_add(1);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(worker, t);
  // The calling thread works in slices so it can report progress between
  // blocks.
  const uint64_t bytesTotal = view.sizeInBytes() * passes;
  uint64_t lastReport = 0;
  std::vector<uint8_t> scratch;
  while (!cancelled()) {
    uint64_t b = next.fetch_add(1);
    if (b >= numBlocks)
      break;
    uint64_t first = b * kBlockElements;
    uint64_t count = std::min(kBlockElements, total - first);
    const uint8_t *p;
    if (view.isRaw()) {
      p = view.rawBytes().data() + first * esz;
    } else {
      scratch.resize(count * esz);
      view.readBytes(first, count, scratch.data());
      p = scratch.data();
    }
    work(0u, p, count);
    doneBlocks.fetch_add(1);
    uint64_t bytesDone =
        view.sizeInBytes() * pass +
        std::min(total, doneBlocks.load() * kBlockElements) * esz;
    if (opts.progress && bytesDone - lastReport >= (64u << 20)) {
      lastReport = bytesDone;
      if (!opts.progress(bytesDone, bytesTotal))
        stop = true;
    }
  }
  for (std::thread &t : pool)
    t.join();
  return !cancelled();
}

llvm::Error cancelledError() {
  return llvm::createStringError(std::make_error_code(std::errc::operation_canceled),
                                 "cancelled");
}

} // namespace

llvm::Expected<BlobStats> mlirscope::computeStats(const BlobView &view,
                                                  const StatsOptions &opts) {
  auto [fold, hist] = kernelsFor(view.getDType());
  BlobStats stats;
  stats.count = view.size();
  for (uint64_t i = 0; i < std::min<uint64_t>(opts.firstValues, view.size());
       ++i)
    stats.first.push_back(view.format(i));

  unsigned threads = opts.threads ? opts.threads
                                  : std::max(1u, std::thread::hardware_concurrency());
  // Small blobs are not worth a thread.
  uint64_t numBlocks = (view.size() + kBlockElements - 1) / kBlockElements;
  threads = unsigned(std::max<uint64_t>(1, std::min<uint64_t>(threads, numBlocks)));
  uint64_t passes = opts.bins ? 2 : 1;

  std::vector<Partial> partials(threads);
  if (!forEachBlock(view, opts, threads, passes, 0,
                    [&](unsigned id, const uint8_t *p, uint64_t n) {
                      fold(p, n, partials[id]);
                    }))
    return cancelledError();
  Partial all;
  for (const Partial &p : partials)
    all.merge(p);

  const double nan = std::numeric_limits<double>::quiet_NaN();
  stats.finite = all.n;
  stats.zeros = all.zeros;
  stats.nans = all.nans;
  stats.posInfs = all.posInfs;
  stats.negInfs = all.negInfs;
  stats.min = all.n ? all.min : nan;
  stats.max = all.n ? all.max : nan;
  stats.mean = all.n ? all.mean : nan;
  stats.stddev = all.n ? std::sqrt(all.m2 / double(all.n)) : nan;

  if (opts.bins && all.n) {
    std::vector<std::vector<uint64_t>> hists(
        threads, std::vector<uint64_t>(opts.bins, 0));
    double lo = all.min, width = all.max - all.min;
    double scale = width > 0 ? double(opts.bins) / width : 0;
    if (!forEachBlock(view, opts, threads, passes, 1,
                      [&](unsigned id, const uint8_t *p, uint64_t n) {
                        hist(p, n, lo, scale, opts.bins, hists[id]);
                      }))
      return cancelledError();
    stats.histogram.assign(opts.bins, 0);
    for (auto &h : hists)
      for (unsigned b = 0; b < opts.bins; ++b)
        stats.histogram[b] += h[b];
  }
  return stats;
}

llvm::Expected<BlobStats> StatsCache::get(const ModelIndex &index,
                                          const BlobView &view,
                                          const StatsOptions &options) {
  const Resource &r = view.getResource();
  std::string key;
  if (index.file)
    key = index.file->getPath() + '\0' + std::to_string(index.file->getInode()) +
          '\0' + std::to_string(index.file->getMTimeNs()) + '\0' +
          std::to_string(index.file->size());
  key += '\0' + r.group + '\0' + r.key + '\0' + std::to_string(options.bins);
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = entries.find(key);
    if (it != entries.end())
      return it->second;
  }
  auto stats = computeStats(view, options);
  if (!stats)
    return stats.takeError();
  std::lock_guard<std::mutex> lock(mutex);
  entries[key] = *stats;
  return stats;
}

void StatsCache::clear() {
  std::lock_guard<std::mutex> lock(mutex);
  entries.clear();
}
