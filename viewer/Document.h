//===- Document.h - One open model and its unsaved edits --------*- C++ -*-===//
//
// The viewer's handle on a model file: core's index (built on a worker),
// its summary, the edit overlay, and the jobs that save or export. It holds
// no ImGui state. Every read of weight bytes for display goes through
// readElements() (the file or an archive through WeightView, then the
// overlay). Weights are named by their index into ModelIndex::weights; the
// same file indexed with the same parameters lists them in the same order.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_DOCUMENT_H
#define MLIRSCOPE_VIEWER_DOCUMENT_H

#include "EditStack.h"
#include "Job.h"

#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Index/Summary.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlirscope::view {

class Document {
public:
  /// Starts indexing `path` on a worker. `options` (the parameter archives
  /// to bind, the smallest inline weight listed) hold for every later
  /// indexing of it too (after a save, a save-as).
  explicit Document(std::string path, IndexOptions options = {});

  const std::string &path() const { return filePath; }
  /// A model read from a URL (http, https, s3): it cannot be saved back.
  bool isRemote() const { return isUrl(filePath); }
  /// What reading it from its URL costs so far (bytes fetched, requests),
  /// for the status bar; null for a local file.
  const std::shared_ptr<RemoteCounters> &remoteCounters() const {
    return counters;
  }
  /// Called once per frame: picks up finished jobs. Returns a message for
  /// the status line when something completed ("saved X"), else "".
  std::string poll();

  bool loading() const { return bool(loadJob); }
  const std::shared_ptr<Job> &activeJob() const {
    return loadJob ? loadJob : saveJob;
  }
  /// Indexing or the last save failed: one line, as the CLI prints it.
  const std::string &error() const { return loadError; }
  /// Null until indexed.
  const std::shared_ptr<ModelIndex> &index() const { return modelIndex; }
  const ModelSummary &summary() const { return modelSummary; }
  /// Bumped whenever the index is replaced (after a save): views of the old
  /// one must be made again.
  unsigned generation() const { return indexGeneration; }
  StatsCache &statsCache() { return *stats; }

  /// The archives bound to parameter scopes: (scope, path).
  const std::vector<std::pair<std::string, std::string>> &parameters() const {
    return options.parameters;
  }
  /// Binds one more archive and indexes the file again; "" or why not (a
  /// job is running, unsaved edits would lose their weights' indices).
  std::string bindParameters(std::pair<std::string, std::string> parameter);

  /// The typed view of weight `w`, or the reason there is none.
  llvm::Expected<WeightView> view(uint32_t w) const;
  /// Index of the weight named `name` (Weight.h), or kNone.
  uint32_t findWeight(llvm::StringRef name) const;
  /// Index of the weight `view` shows, or kNone.
  uint32_t weightIndex(const WeightView &view) const;
  /// "" when weight `w` can take edits, else the one-line reason
  /// (canEditInPlace: literal lists, splats, packed bits, archive entries).
  std::string whyNotEditable(uint32_t w) const;

  /// Elements [first, first + count) of `view` with unsaved edits applied.
  /// Returns false when reading faulted (the file shrank on disk).
  bool readElements(const WeightView &view, uint64_t first, uint64_t count,
                    uint8_t *out) const;

  // Edits. Each returns "" or a one-line reason it was refused.
  EditStack &edits() { return editStack; }
  bool dirty() const { return editStack.dirty(); }
  // Each refuses a weight that cannot be edited in place (whyNotEditable).
  /// One element from text ("rejected unless representable").
  std::string setElement(uint32_t w, uint64_t flat, llvm::StringRef text);
  /// The same value into every element of `runs` (flat [begin, end) runs).
  std::string fill(uint32_t w,
                   const std::vector<std::pair<uint64_t, uint64_t>> &runs,
                   llvm::StringRef text);
  /// Every element of `runs` multiplied by `factor` (rounded for integers).
  std::string scale(uint32_t w,
                    const std::vector<std::pair<uint64_t, uint64_t>> &runs,
                    double factor);
  /// The whole weight from a .npy of the same dtype and shape.
  std::string replaceFromNpy(uint32_t w, const std::string &npyPath);

  // Jobs.
  /// Writes weight `w` (with unsaved edits) to a .npy file.
  void exportNpy(uint32_t w, const std::string &outPath);
  /// Writes every unsaved edit into the file in place (journaled), then
  /// indexes it again.
  void save();
  /// Copies the model to `outPath` with the edits applied, then continues
  /// with that file.
  void saveAs(const std::string &outPath);
  bool saving() const { return bool(saveJob); }

private:
  void startLoad(std::string path);
  std::string filePath;
  IndexOptions options;
  std::shared_ptr<RemoteCounters> counters;
  /// The running load binds the last of options.parameters.
  bool binding = false;
  std::shared_ptr<ModelIndex> modelIndex;
  ModelSummary modelSummary;
  unsigned indexGeneration = 0;
  std::string loadError;
  std::unique_ptr<StatsCache> stats = std::make_unique<StatsCache>();
  EditStack editStack;

  struct LoadResult {
    std::shared_ptr<ModelIndex> index;
    ModelSummary summary;
    std::string error;
    std::string message;
    std::string newPath;
    bool clearEdits = false;
  };
  std::shared_ptr<Job> loadJob, saveJob;
  std::shared_ptr<LoadResult> loadResult, saveResult;
};

} // namespace mlirscope::view

#endif
