//===- Heatmap.h - A 2-D slice of a blob pooled to a small grid -*- C++ -*-===//
//
// What a heatmap draws: one 2-D slice of a tensor (two chosen axes, every
// other axis fixed at an index), or a rectangle of it, pooled into at most
// maxCells x maxCells cells, each holding the min, max, mean and largest
// magnitude of the finite elements it covers and whether NaN or infinities
// hide in it. One multi-threaded pass over the slice's elements; progress
// and cancel like computeStats. Reads through WeightView only.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BLOB_HEATMAP_H
#define MLIRSCOPE_BLOB_HEATMAP_H

#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Support/Progress.h"

#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace mlirscope {

/// Which slice, which part of it, and how coarse.
struct HeatmapRequest {
  /// The axes drawn as rows and columns. rowAxis -1 for a single row
  /// (rank 1: colAxis 0; rank 0: both -1, one cell).
  int rowAxis = -1, colAxis = -1;
  /// An index for every axis of the shape; entries of the two drawn axes
  /// are ignored. Empty means all zeros.
  std::vector<int64_t> fixed;
  /// The rectangle of the slice to pool, in elements; rows/cols 0 mean "to
  /// the end".
  uint64_t row0 = 0, rows = 0, col0 = 0, cols = 0;
  /// Cells per side at most.
  unsigned maxCells = 2048;
  /// Worker threads; 0 = one per core.
  unsigned threads = 0;
  /// Told (elements done, elements total) on the calling thread about every
  /// 50 ms; its cancel flag is read by every worker.
  Progress progress;
  /// Reads elements [first, first + count) into `out` instead of
  /// WeightView::readBytes (a viewer showing unsaved edits over the file).
  /// Called from the worker threads.
  std::function<void(uint64_t first, uint64_t count, uint8_t *out)> read;
};

/// The pooled grid, row-major.
struct Heatmap {
  /// Cells.
  uint32_t height = 0, width = 0;
  /// Source elements per cell along each side (the last row and column of
  /// cells may cover fewer).
  uint64_t rowsPerCell = 1, colsPerCell = 1;
  /// The rectangle pooled, in slice elements.
  uint64_t row0 = 0, rows = 0, col0 = 0, cols = 0;
  /// Per cell over its finite elements (complex: magnitudes); NaN when the
  /// cell holds none.
  std::vector<float> min, max, mean, absMax;
  enum Flag : uint8_t { HasNaN = 1, HasPosInf = 2, HasNegInf = 4 };
  std::vector<uint8_t> flags;
  /// Over all cells: the finite range and the largest magnitude (NaN when
  /// no element is finite).
  double lo = 0, hi = 0, absMaxAll = 0;
};

/// Pools the requested slice of `view`. Errors: axes or fixed indices out of
/// range, or cancelled.
llvm::Expected<Heatmap> poolHeatmap(const WeightView &view,
                                    const HeatmapRequest &request);

/// What a heatmap shows for one element, from its raw little-endian bytes:
/// its value (decodeElement), or a complex number's magnitude.
double heatmapValue(DType dtype, const uint8_t *bytes);

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_HEATMAP_H
