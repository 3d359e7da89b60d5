//===- BlobJobs.cpp - Tensor preview and export, off the worker thread ----===//

#include "BlobJobs.h"

#include "mlirscope/Archive/ParameterArchive.h"
#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Blob/Export.h"
#include "mlirscope/Blob/Heatmap.h"
#include "mlirscope/Support/FaultGuard.h"

#include "llvm/Support/Base64.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"

#include <cmath>

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

static llvm::Error failed(const llvm::Twine &message) {
  return llvm::make_error<lsp::LSPError>(message.str(),
                                         lsp::ErrorCode::RequestFailed);
}

/// JSON has no NaN or infinity: they go out as null.
static llvm::json::Value number(double v) {
  return std::isfinite(v) ? llvm::json::Value(v) : llvm::json::Value(nullptr);
}

static llvm::Error changedOnDisk(const ModelIndex &index) {
  return failed(index.file->getName() +
                ": changed on disk while it was read; reopen it");
}

/// A model on disk may have changed since it was indexed: reading its
/// mapping past a new end would fault.
static llvm::Error checkFile(const BlobJob &job, bool recheckFiles) {
  if (!recheckFiles)
    return llvm::Error::success();
  if (job.onDisk)
    if (llvm::Error e = checkUnchanged(*job.index->file))
      return failed(llvm::toString(std::move(e)));
  // A parameter's bytes are in its archive, a file on disk.
  const Weight &w = *job.weight;
  if (w.kind == WeightKind::Parameter && w.archive != kNone)
    if (llvm::Error e =
            checkUnchanged(*job.index->archives[w.archive].archive->file))
      return failed(llvm::toString(std::move(e)));
  return llvm::Error::success();
}

/// The axes drawn by default: the last two (rank 1: one row; rank 0: one
/// cell), and checks of what the client chose.
static llvm::Error chooseAxes(const PreviewRequest &request,
                              llvm::ArrayRef<int64_t> shape,
                              HeatmapRequest &out) {
  int rank = int(shape.size());
  out.rowAxis = rank >= 2 ? rank - 2 : -1;
  out.colAxis = rank >= 1 ? rank - 1 : -1;
  if (request.rowAxis)
    out.rowAxis = *request.rowAxis;
  if (request.colAxis)
    out.colAxis = *request.colAxis;
  auto bad = [&](const llvm::Twine &why) {
    return invalidParams(why + " (a rank-" + llvm::Twine(rank) + " tensor)");
  };
  if (out.rowAxis < -1 || out.rowAxis >= rank || out.colAxis < -1 ||
      out.colAxis >= rank)
    return bad("rowAxis and colAxis must be -1 or an axis");
  if (out.rowAxis >= 0 && out.colAxis < 0)
    return bad("a rowAxis needs a colAxis");
  if (out.rowAxis >= 0 && out.rowAxis == out.colAxis)
    return bad("rowAxis and colAxis must differ");
  if (!request.fixed.empty() && int(request.fixed.size()) != rank)
    return bad("fixed needs one index per axis");
  for (int i = 0; i < int(request.fixed.size()); ++i)
    if (i != out.rowAxis && i != out.colAxis &&
        (request.fixed[i] < 0 || request.fixed[i] >= shape[i]))
      return bad("fixed[" + llvm::Twine(i) +
                 "] = " + llvm::Twine(request.fixed[i]) + " is out of range");
  out.fixed = request.fixed;
  if (out.fixed.empty())
    out.fixed.assign(rank, 0);
  return llvm::Error::success();
}

static std::string base64Floats(const std::vector<float> &values) {
  std::string bytes(values.size() * 4, '\0');
  for (size_t i = 0; i < values.size(); ++i)
    llvm::support::endian::write32le(&bytes[i * 4],
                                     llvm::bit_cast<uint32_t>(values[i]));
  return llvm::encodeBase64(bytes);
}

/// The first rows and columns of the slice `pool` draws, formatted as a
/// table shows them: reads a few pages, whatever the weight's size.
static llvm::json::Object valuePage(const WeightView &view,
                                    const HeatmapRequest &pool) {
  llvm::ArrayRef<int64_t> shape = view.getShape();
  int64_t rows = pool.rowAxis >= 0 ? shape[pool.rowAxis] : 1;
  int64_t cols = pool.colAxis >= 0 ? shape[pool.colAxis] : 1;
  int64_t pageRows = std::min(rows, kValuePageRows);
  int64_t pageCols = std::min(cols, kValuePageCols);
  if (view.size() == 0)
    pageRows = pageCols = 0;
  std::vector<int64_t> at(pool.fixed.begin(), pool.fixed.end());
  llvm::json::Array cells;
  for (int64_t i = 0; i < pageRows; ++i) {
    for (int64_t j = 0; j < pageCols; ++j) {
      if (pool.rowAxis >= 0)
        at[pool.rowAxis] = i;
      if (pool.colAxis >= 0)
        at[pool.colAxis] = j;
      auto flat = view.flatIndex(at);
      if (!flat) {
        llvm::consumeError(flat.takeError());
        cells.push_back(nullptr);
        continue;
      }
      cells.push_back(view.format(*flat, ElementStyle::Short));
    }
  }
  return llvm::json::Object{{"rows", pageRows},
                            {"cols", pageCols},
                            {"totalRows", rows},
                            {"totalCols", cols},
                            {"cells", std::move(cells)}};
}

llvm::Expected<llvm::json::Value>
lspserver::previewTensor(const BlobJob &job, const PreviewRequest &request,
                         bool recheckFiles, const JobProgress &progress,
                         std::atomic<bool> *cancel) {
  const ModelIndex &index = *job.index;
  const Weight &w = *job.weight;
  // A blob is known by its key (a weight's name may add `#2` to a key
  // repeated in chunks).
  const std::string &key = job.resource ? job.resource->key : w.name;
  if (llvm::Error e = checkFile(job, recheckFiles))
    return std::move(e);

  std::optional<WeightView> view;
  std::optional<BlobStats> stats;
  std::optional<Heatmap> heatmap;
  std::optional<llvm::json::Object> values;
  HeatmapRequest pool;
  // The first error, set inside the guarded region.
  std::optional<llvm::Error> error;
  // Statistics read the blob once or twice (the histogram), the heatmap a
  // slice of it: 70% and 30% of the bar.
  bool faulted = runGuarded([&] {
    auto v = WeightView::get(index, w);
    if (!v) {
      error = failed(llvm::toString(v.takeError()));
      return;
    }
    view.emplace(*v);
    if (llvm::Error e = chooseAxes(request, view->getShape(), pool)) {
      error = std::move(e);
      return;
    }
    values = valuePage(*view, pool);
    StatsOptions options;
    options.bins = request.bins;
    options.firstValues = 8; // the cache serves hovers too
    options.progress = Progress(cancel);
    if (progress)
      options.progress = Progress(
          [&](uint64_t done, uint64_t total) {
            progress(total ? 0.7 * double(done) / double(total) : 0.7);
          },
          cancel);
    // The quick form reads no more than the page above, unless the weight
    // is small enough to read within a keystroke.
    bool cheap = view->sizeInBytes() <= request.cheapBytes;
    if (request.quick && !cheap) {
      stats = job.stats->find(index, *view, options);
      return;
    }
    auto s = job.stats->get(index, *view, options);
    if (!s) {
      error = failed(llvm::toString(s.takeError()));
      return;
    }
    stats = std::move(*s);
    pool.maxCells = request.maxCells;
    pool.progress = Progress(cancel);
    if (progress)
      pool.progress = Progress(
          [&](uint64_t done, uint64_t total) {
            progress(0.7 + (total ? 0.3 * double(done) / double(total) : 0.3));
          },
          cancel);
    auto h = poolHeatmap(*view, pool);
    if (!h) {
      error = failed(llvm::toString(h.takeError()));
      return;
    }
    heatmap = std::move(*h);
  });
  if (faulted) {
    if (error)
      llvm::consumeError(std::move(*error));
    return changedOnDisk(index);
  }
  if (error)
    return std::move(*error);

  llvm::json::Array shape, fixed;
  for (int64_t d : view->getShape())
    shape.push_back(d);
  for (int64_t i : pool.fixed)
    fixed.push_back(i);
  llvm::json::Object result{
      {"key", llvm::json::isUTF8(key) ? key : llvm::json::fixUTF8(key)},
      {"kind", weightKindName(w.kind)},
      {"encoding", weightEncodingName(w.encoding)},
      {"splat", w.splat},
      {"chunk", index.format == ModelIndex::Format::Text
                    ? llvm::json::Value(w.chunk + 1)
                    : llvm::json::Value(nullptr)},
      {"dtype", dtypeName(view->getDType())},
      {"shape", std::move(shape)},
      {"bytes", view->sizeInBytes()},
      // In the model file, or a parameter's in its archive (`archive`).
      {"offset", w.offset},
      {"archive", w.kind == WeightKind::Parameter && w.archive != kNone
                      ? llvm::json::Value(index.archives[w.archive].path)
                      : llvm::json::Value(nullptr)},
      {"values", std::move(*values)},
      // What a quick reply left for the full one.
      {"pending", llvm::json::Array{}},
  };
  llvm::json::Array &pending = *result.getArray("pending");
  if (stats) {
    llvm::json::Array counts;
    for (uint64_t c : stats->histogram)
      counts.push_back(c);
    result["stats"] = llvm::json::Object{
        {"count", stats->count},       {"finite", stats->finite},
        {"zeros", stats->zeros},       {"nans", stats->nans},
        {"posInfs", stats->posInfs},   {"negInfs", stats->negInfs},
        {"min", number(stats->min)},   {"max", number(stats->max)},
        {"mean", number(stats->mean)}, {"stddev", number(stats->stddev)}};
    result["histogram"] = llvm::json::Object{{"lo", number(stats->min)},
                                             {"hi", number(stats->max)},
                                             {"counts", std::move(counts)}};
  } else {
    pending.push_back("stats");
  }
  if (heatmap) {
    const Heatmap &h = *heatmap;
    result["heatmap"] =
        llvm::json::Object{{"width", h.width},
                           {"height", h.height},
                           {"rowsPerCell", h.rowsPerCell},
                           {"colsPerCell", h.colsPerCell},
                           {"rowAxis", pool.rowAxis},
                           {"colAxis", pool.colAxis},
                           {"fixed", std::move(fixed)},
                           {"lo", number(h.lo)},
                           {"hi", number(h.hi)},
                           {"absMax", number(h.absMaxAll)},
                           {"mean", base64Floats(h.mean)},
                           {"flags", llvm::encodeBase64(h.flags)}};
  } else {
    pending.push_back("heatmap");
  }
  return llvm::json::Value(std::move(result));
}

llvm::Expected<uint64_t> lspserver::exportTensor(const BlobJob &job,
                                                 llvm::StringRef path,
                                                 bool recheckFiles,
                                                 const JobProgress &progress,
                                                 std::atomic<bool> *cancel) {
  const ModelIndex &index = *job.index;
  if (llvm::Error e = checkFile(job, recheckFiles))
    return std::move(e);
  std::optional<llvm::Error> error;
  bool faulted = runGuarded([&] {
    auto view = WeightView::get(index, *job.weight);
    if (!view) {
      error = failed(llvm::toString(view.takeError()));
      return;
    }
    // Called after each 64 MiB and once more before the rename: a cancel
    // seen there leaves only the temporary, which AtomicFile removes.
    Progress onProgress = [&](uint64_t done, uint64_t total) {
      if (progress)
        progress(total ? double(done) / double(total) : 1);
      return !(cancel && cancel->load());
    };
    if (llvm::Error e = exportNpy(index, *view, path, onProgress))
      error = failed(llvm::toString(std::move(e)));
  });
  if (faulted) {
    // AtomicFile refused to commit what it read from a shrunken file.
    if (error)
      llvm::consumeError(std::move(*error));
    return changedOnDisk(index);
  }
  if (error)
    return std::move(*error);
  uint64_t size = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, size))
    return failed(path + ": " + ec.message());
  return size;
}
