//===- Heatmap.cpp - A 2-D slice of a blob pooled to a small grid ---------===//

#include "mlirscope/Blob/Heatmap.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>

namespace mlirscope {

double heatmapValue(DType dtype, const uint8_t *p) {
  if (dtype == DType::Unsupported)
    return std::numeric_limits<double>::quiet_NaN();
  if (isComplex(dtype)) {
    std::complex<double> c = decodeComplexElement(dtype, p);
    return std::hypot(c.real(), c.imag());
  }
  return decodeElement(dtype, p);
}

namespace {

struct Cell {
  double min = INFINITY, max = -INFINITY, sum = 0, absMax = 0;
  uint64_t count = 0;
  uint8_t flags = 0;
  void add(double v) {
    if (std::isnan(v)) {
      flags |= Heatmap::HasNaN;
    } else if (std::isinf(v)) {
      flags |= v > 0 ? Heatmap::HasPosInf : Heatmap::HasNegInf;
    } else {
      min = std::min(min, v);
      max = std::max(max, v);
      absMax = std::max(absMax, std::fabs(v));
      sum += v;
      ++count;
    }
  }
};

} // namespace

llvm::Expected<Heatmap> poolHeatmap(const WeightView &view,
                                    const HeatmapRequest &req) {
  llvm::ArrayRef<int64_t> shape = view.getShape();
  int rank = int(shape.size());
  auto bad = [](const llvm::Twine &what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), what);
  };
  if (req.rowAxis >= rank || req.colAxis >= rank ||
      (req.rowAxis >= 0 && req.rowAxis == req.colAxis) ||
      (req.rowAxis >= 0 && req.colAxis < 0))
    return bad("heatmap: axes out of range for a rank-" + llvm::Twine(rank) +
               " tensor");
  if (!req.fixed.empty() && int(req.fixed.size()) != rank)
    return bad("heatmap: expected " + llvm::Twine(rank) + " fixed indices");
  if (!dtypeSize(view.getDType()))
    return bad("heatmap: unsupported element type");

  // Row-major strides; the slice's origin.
  std::vector<uint64_t> stride(rank, 1);
  for (int i = rank - 2; i >= 0; --i)
    stride[i] = stride[i + 1] * uint64_t(shape[i + 1]);
  uint64_t base = 0;
  for (int i = 0; i < rank; ++i) {
    if (i == req.rowAxis || i == req.colAxis)
      continue;
    int64_t at = req.fixed.empty() ? 0 : req.fixed[i];
    if (at < 0 || at >= shape[i])
      return bad("heatmap: index " + llvm::Twine(at) + " out of range for axis " +
                 llvm::Twine(i));
    base += uint64_t(at) * stride[i];
  }
  uint64_t sliceRows = req.rowAxis >= 0 ? uint64_t(shape[req.rowAxis]) : 1;
  uint64_t sliceCols = req.colAxis >= 0 ? uint64_t(shape[req.colAxis]) : 1;
  uint64_t rowStride = req.rowAxis >= 0 ? stride[req.rowAxis] : 0;
  uint64_t colStride = req.colAxis >= 0 ? stride[req.colAxis] : 0;
  if (view.size() == 0)
    sliceRows = sliceCols = 0;

  Heatmap out;
  out.row0 = std::min(req.row0, sliceRows);
  out.col0 = std::min(req.col0, sliceCols);
  out.rows = req.rows ? std::min(req.rows, sliceRows - out.row0)
                      : sliceRows - out.row0;
  out.cols = req.cols ? std::min(req.cols, sliceCols - out.col0)
                      : sliceCols - out.col0;
  uint64_t maxCells = std::max(1u, req.maxCells);
  auto pool = [&](uint64_t n, uint64_t &per) -> uint32_t {
    if (n == 0) {
      per = 1;
      return 0;
    }
    per = (n + maxCells - 1) / maxCells;
    return uint32_t((n + per - 1) / per);
  };
  out.height = pool(out.rows, out.rowsPerCell);
  out.width = pool(out.cols, out.colsPerCell);
  size_t cells = size_t(out.height) * out.width;
  float nan = std::numeric_limits<float>::quiet_NaN();
  out.min.assign(cells, nan);
  out.max.assign(cells, nan);
  out.mean.assign(cells, nan);
  out.absMax.assign(cells, nan);
  out.flags.assign(cells, 0);
  out.lo = out.hi = out.absMaxAll = std::numeric_limits<double>::quiet_NaN();
  if (!cells)
    return std::move(out);

  DType dtype = view.getDType();
  unsigned esize = dtypeSize(dtype);
  uint64_t total = out.rows * out.cols;
  std::atomic<uint32_t> nextRow{0};
  std::atomic<uint64_t> done{0};
  std::atomic<bool> stop{false};
  auto cancelled = [&] {
    return stop.load(std::memory_order_relaxed) ||
           req.progress.isCancelled();
  };

  auto read = [&](uint64_t first, uint64_t count, uint8_t *to) {
    if (req.read)
      req.read(first, count, to);
    else
      view.readBytes(first, count, to);
  };

  // Each worker takes whole rows of cells, so no two write the same cell.
  auto work = [&] {
    std::vector<Cell> row;
    std::vector<uint8_t> buffer;
    constexpr uint64_t kChunk = 1 << 16; // elements per read
    for (;;) {
      uint32_t i = nextRow.fetch_add(1);
      if (i >= out.height || cancelled())
        return;
      row.assign(out.width, Cell());
      uint64_t r0 = out.row0 + uint64_t(i) * out.rowsPerCell;
      uint64_t r1 = std::min(out.row0 + out.rows, r0 + out.rowsPerCell);
      for (uint64_t r = r0; r < r1 && !cancelled(); ++r) {
        uint64_t rowBase = base + r * rowStride;
        if (colStride == 1) {
          for (uint64_t c = 0; c < out.cols; c += kChunk) {
            uint64_t n = std::min(kChunk, out.cols - c);
            buffer.resize(n * esize);
            read(rowBase + out.col0 + c, n, buffer.data());
            // Cell by cell over the chunk, so the inner loop has no division.
            for (uint64_t k = 0; k < n;) {
              uint64_t cell = (c + k) / out.colsPerCell;
              uint64_t end = std::min(n, (cell + 1) * out.colsPerCell - c);
              Cell &into = row[cell];
              if (dtype == DType::F32) {
                // The common case, without a per-element dtype switch.
                const uint8_t *p = buffer.data() + k * 4;
                double lo = into.min, hi = into.max, sum = 0, am = into.absMax;
                uint64_t finite = 0;
                for (uint64_t e = k; e < end; ++e, p += 4) {
                  float v;
                  std::memcpy(&v, p, 4);
                  if (std::isfinite(v)) {
                    double d = v;
                    lo = d < lo ? d : lo;
                    hi = d > hi ? d : hi;
                    am = std::fabs(d) > am ? std::fabs(d) : am;
                    sum += d;
                    ++finite;
                  } else {
                    into.add(v);
                  }
                }
                into.min = lo;
                into.max = hi;
                into.absMax = am;
                into.sum += sum;
                into.count += finite;
              } else {
                for (uint64_t e = k; e < end; ++e)
                  into.add(heatmapValue(dtype, buffer.data() + e * esize));
              }
              k = end;
            }
          }
        } else {
          buffer.resize(esize);
          for (uint64_t c = 0; c < out.cols; ++c) {
            read(rowBase + (out.col0 + c) * colStride, 1, buffer.data());
            row[c / out.colsPerCell].add(heatmapValue(dtype, buffer.data()));
          }
        }
        done.fetch_add(out.cols, std::memory_order_relaxed);
      }
      for (uint32_t j = 0; j < out.width; ++j) {
        const Cell &c = row[j];
        size_t at = size_t(i) * out.width + j;
        out.flags[at] = c.flags;
        if (c.count) {
          out.min[at] = float(c.min);
          out.max[at] = float(c.max);
          out.mean[at] = float(c.sum / double(c.count));
          out.absMax[at] = float(c.absMax);
        }
      }
    }
  };

  unsigned threads = req.threads ? req.threads
                                 : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, out.height);
  std::vector<std::thread> pool_;
  std::mutex m;
  std::condition_variable cv;
  std::atomic<unsigned> running{threads};
  for (unsigned t = 0; t < threads; ++t)
    pool_.emplace_back([&] {
      work();
      if (running.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lock(m);
        cv.notify_all();
      }
    });
  {
    std::unique_lock<std::mutex> lock(m);
    while (running.load() != 0) {
      cv.wait_for(lock, std::chrono::milliseconds(50));
      if (req.progress && !stop.load()) {
        lock.unlock();
        if (!req.progress(done.load(), total))
          stop = true;
        lock.lock();
      }
    }
  }
  for (std::thread &t : pool_)
    t.join();
  if (cancelled())
    return cancelledError();
  // A streamed weight's read that failed left zeros: say why instead.
  if (llvm::Error e = view.readError())
    return std::move(e);

  double lo = INFINITY, hi = -INFINITY, am = -INFINITY;
  for (size_t k = 0; k < cells; ++k) {
    if (std::isnan(out.min[k]))
      continue;
    lo = std::min(lo, double(out.min[k]));
    hi = std::max(hi, double(out.max[k]));
    am = std::max(am, double(out.absMax[k]));
  }
  if (lo <= hi) {
    out.lo = lo;
    out.hi = hi;
    out.absMaxAll = am;
  }
  return std::move(out);
}

} // namespace mlirscope
