//===- BlobJobs.h - Requests on one blob, off the worker thread -*- C++ -*-===//
//
// `mlirscope/tensorPreview` (statistics, histogram and a pooled heatmap; in
// its quick form only what needs no pass over the blob) and
// `mlirscope/exportResource` (.npy) read a whole blob: seconds for a GB. They
// run on a thread of their own (Scheduler::runJob) with a BlobJob
// (everything they need, owned), so MLIRScopeServer, which only the worker
// thread touches, is not involved and other requests are answered meanwhile.
// Every read of blob bytes runs under core's fault guard (FaultGuard.h).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_BLOBJOBS_H
#define MLIRSCOPE_LSP_BLOBJOBS_H

#include "Server.h"

#include "llvm/Support/JSON.h"

#include <atomic>
#include <functional>
#include <optional>
#include <vector>

namespace mlirscope {
namespace lspserver {

/// Called with the fraction of the work done, in [0, 1].
using JobProgress = std::function<void(double)>;

/// What `mlirscope/tensorPreview` asks for (defaults as in
/// docs/lsp-extensions.md).
struct PreviewRequest {
  std::optional<int> rowAxis, colAxis;
  std::vector<int64_t> fixed;
  unsigned maxCells = 256;
  unsigned bins = 64;
  /// Answer at once (the first paint): metadata and the first page of
  /// values; statistics only if cached, the heatmap only for a weight of
  /// at most `cheapBytes`. The client asks again without it for the rest.
  bool quick = false;
  uint64_t cheapBytes = 4ull << 20;
};

/// The first page of values of a slice: at most this many rows and columns.
constexpr int64_t kValuePageRows = 16, kValuePageCols = 16;

/// The result object of `mlirscope/tensorPreview`. Errors are LSPErrors:
/// InvalidParams for axes or indices that do not fit the shape,
/// RequestFailed for a blob that cannot be read (and when cancelled).
llvm::Expected<llvm::json::Value> previewTensor(const BlobJob &job,
                                                const PreviewRequest &request,
                                                bool recheckFiles,
                                                const JobProgress &progress,
                                                std::atomic<bool> *cancel);

/// Writes the blob as a .npy file at `path` (atomically: nothing is left at
/// `path` on failure or cancel) and returns the bytes written.
llvm::Expected<uint64_t> exportTensor(const BlobJob &job, llvm::StringRef path,
                                      bool recheckFiles,
                                      const JobProgress &progress,
                                      std::atomic<bool> *cancel);

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_BLOBJOBS_H
