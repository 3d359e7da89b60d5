//===- Document.cpp - One open model and its unsaved edits ----------------===//

#include "Document.h"

#include "mlirscope/Index/Index.h"
#include "mlirscope/Support/AtomicFile.h"
#include "mlirscope/Edit/Editor.h"
#include "mlirscope/Blob/Export.h"
#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/Format.h"
#include "mlirscope/Blob/Heatmap.h"
#include "mlirscope/Blob/Npy.h"
#include "mlirscope/Support/MappedFile.h"

#include <cmath>
#include <cstring>

namespace mlirscope::view {

namespace {

std::string errorText(llvm::Error e) { return llvm::toString(std::move(e)); }

/// Indexes and summarizes `path` (on a worker).
void indexInto(const std::string &path, const IndexOptions &options,
               std::shared_ptr<ModelIndex> &index, ModelSummary &summary,
               std::string &error, const RemoteOptions &remote = {}) {
  std::unique_ptr<ModelIndex> result;
  bool faulted = runGuarded([&] {
    auto i = indexFile(path, options, remote);
    if (!i) {
      error = errorText(i.takeError());
      return;
    }
    result = std::move(*i);
    summary = summarize(*result, 20);
  });
  if (faulted) {
    error = describeFault() + ": the file changed while it was read";
    return;
  }
  if (result) {
    summary.path = path;
    index = std::move(result);
  }
}

/// Applies `actions` to the indexed file in place, under core's journal.
std::string writeEdits(const ModelIndex &index,
                       const std::vector<EditAction> &actions, Job &job) {
  auto editor = InPlaceEditor::open(index);
  if (!editor)
    return errorText(editor.takeError());
  uint64_t total = 0, done = 0;
  for (const EditAction &a : actions) {
    for (const EditRange &r : a.ranges)
      total += r.newBytes.size();
    if (a.npy)
      total += index.weights[a.replacedWeight].bytes();
  }
  std::string error;
  bool faulted = runGuarded([&] {
    for (const EditAction &a : actions) {
      if (a.npy) {
        const Weight &w = index.weights[a.replacedWeight];
        uint64_t bytes = w.bytes();
        const uint8_t *src = a.npy->data() + a.npyDataOffset;
        uint64_t before = done;
        auto progress = [&](uint64_t d, uint64_t t) {
          // writeRegion counts the journal and the write: 2 * span.
          return job.progress(before + (t ? d * bytes / t : 0), total);
        };
        if (auto e = editor->writeWeight(w, llvm::ArrayRef<uint8_t>(src, bytes),
                                         progress)) {
          error = errorText(std::move(e));
          return;
        }
        done += bytes;
      }
      for (const EditRange &range : a.ranges) {
        auto view = WeightView::get(index, index.weights[range.weight]);
        if (!view) {
          error = errorText(view.takeError());
          return;
        }
        // Checked when the edit was made; checked again against the index
        // being written (a save-as copy is indexed anew).
        if (auto e = canEditInPlace(*view)) {
          error = errorText(std::move(e));
          return;
        }
        FileRange fr = encodeForFile(*view, range.byteOffset, range.newBytes);
        if (auto e = editor->write(fr.offset, fr.bytes)) {
          error = errorText(std::move(e));
          return;
        }
        done += range.newBytes.size();
        if (!job.progress(done, total)) {
          error = "cancelled (the edits written so far are in the file)";
          return;
        }
      }
    }
  });
  if (faulted && error.empty())
    error = describeFault() + ": the file changed while it was written";
  return error;
}

/// Calls fn(flat) for every element of the runs.
template <typename Fn>
void forEachElement(const std::vector<std::pair<uint64_t, uint64_t>> &runs,
                    Fn fn) {
  for (auto [b, e] : runs)
    for (uint64_t i = b; i < e; ++i)
      fn(i);
}

} // namespace

Document::Document(std::string path, IndexOptions options)
    : filePath(path), options(std::move(options)) {
  startLoad(std::move(path));
}

void Document::startLoad(std::string path) {
  loadResult = std::make_shared<LoadResult>();
  auto result = loadResult;
  IndexOptions opts = options;
  if (!isUrl(path)) {
    loadJob = Job::start("indexing " + path, [result, path, opts](Job &) {
      indexInto(path, opts, result->index, result->summary, result->error);
    });
    return;
  }
  // A URL: the status bar shows the bytes fetched and requests made
  // (counters), the bar the share of the object fetched; cancel stops the
  // transfers.
  counters = std::make_shared<RemoteCounters>();
  auto shared = counters;
  loadJob = Job::start("fetching " + path, [result, path, opts,
                                            shared](Job &job) {
    RemoteOptions remote = RemoteOptions::fromEnvironment();
    remote.counters = shared;
    remote.progress = mlirscope::Progress(
        [&job](uint64_t done, uint64_t total) {
          return total ? job.progress(done, total) : !job.cancelled();
        },
        job.cancelFlag());
    indexInto(path, opts, result->index, result->summary, result->error,
              remote);
  });
}

std::string
Document::bindParameters(std::pair<std::string, std::string> parameter) {
  if (loadJob || saveJob)
    return "wait for the running job to finish";
  if (editStack.dirty())
    return "save or undo the unsaved edits before binding parameters";
  options.parameters.push_back(std::move(parameter));
  binding = true;
  startLoad(filePath);
  return "";
}

std::string Document::poll() {
  std::string message;
  if (loadJob && loadJob->finished()) {
    loadJob.reset();
    LoadResult &r = *loadResult;
    if (!r.error.empty() && binding && modelIndex) {
      // An archive that cannot be bound: unbind it and keep the index.
      options.parameters.pop_back();
      message = "failed: " + r.error;
    } else if (!r.error.empty()) {
      loadError = r.error;
    } else {
      loadError.clear();
      modelIndex = std::move(r.index);
      modelSummary = std::move(r.summary);
      stats->clear();
      ++indexGeneration;
      message = "indexed " + filePath;
      // What the status bar showed while it loaded, in its final numbers.
      if (counters)
        message += " (" + formatBytes(counters->bytesFetched) + " fetched, " +
                   formatCount(counters->requests) + " requests, " +
                   formatCount(counters->roundTrips) + " round trips)";
      if (binding) {
        const auto &[scope, path] = options.parameters.back();
        message = "bound " + (scope.empty() ? "" : scope + "=") + path;
      }
    }
    loadResult.reset();
    binding = false;
  }
  if (saveJob && saveJob->finished()) {
    saveJob.reset();
    LoadResult &r = *saveResult;
    if (!r.error.empty()) {
      loadError = r.error;
      message = "failed: " + r.error;
    } else {
      if (r.clearEdits)
        editStack.clear();
      if (!r.newPath.empty())
        filePath = r.newPath;
      if (r.index) {
        modelIndex = std::move(r.index);
        modelSummary = std::move(r.summary);
        stats->clear();
        ++indexGeneration;
      }
      message = r.message;
    }
    saveResult.reset();
  }
  return message;
}

llvm::Expected<WeightView> Document::view(uint32_t w) const {
  if (!modelIndex || w >= modelIndex->weights.size())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no such weight");
  return WeightView::get(*modelIndex, modelIndex->weights[w]);
}

uint32_t Document::findWeight(llvm::StringRef name) const {
  if (!modelIndex)
    return kNone;
  const Weight *w = modelIndex->findWeight(name);
  return w ? uint32_t(w - modelIndex->weights.data()) : kNone;
}

uint32_t Document::weightIndex(const WeightView &view) const {
  if (!modelIndex)
    return kNone;
  const Weight *w = &view.getWeight();
  const std::vector<Weight> &all = modelIndex->weights;
  // A view of an older index (before a save) names no weight of this one.
  if (all.empty() || w < all.data() || w >= all.data() + all.size())
    return kNone;
  return uint32_t(w - all.data());
}

std::string Document::whyNotEditable(uint32_t w) const {
  auto v = view(w);
  if (!v)
    return errorText(v.takeError());
  if (auto e = canEditInPlace(*v))
    return errorText(std::move(e));
  return "";
}

bool Document::readElements(const WeightView &view, uint64_t first,
                            uint64_t count, uint8_t *out) const {
  unsigned esize = dtypeSize(view.getDType());
  uint32_t w = weightIndex(view);
  bool faulted = runGuarded([&] {
    view.readBytes(first, count, out);
    editStack.apply(w, first * esize, count * esize, out);
  });
  if (faulted)
    std::memset(out, 0, count * esize);
  return !faulted;
}

std::string Document::setElement(uint32_t w, uint64_t flat,
                                 llvm::StringRef text) {
  return fill(w, {{flat, flat + 1}}, text);
}

std::string
Document::fill(uint32_t w,
               const std::vector<std::pair<uint64_t, uint64_t>> &runs,
               llvm::StringRef text) {
  auto v = view(w);
  if (!v)
    return errorText(v.takeError());
  if (auto e = canEditInPlace(*v))
    return errorText(std::move(e));
  auto bytes = encodeElement(v->getDType(), text);
  if (!bytes)
    return errorText(bytes.takeError());
  unsigned esize = dtypeSize(v->getDType());
  EditAction action;
  uint64_t n = 0;
  for (auto [b, e] : runs) {
    if (b >= e || e > v->size())
      return "index out of range";
    EditRange range;
    range.weight = w;
    range.byteOffset = b * esize;
    range.oldBytes.resize((e - b) * esize);
    if (!readElements(*v, b, e - b, range.oldBytes.data()))
      return describeFault() + ": the file changed on disk; reopen it";
    for (uint64_t i = b; i < e; ++i)
      range.newBytes.insert(range.newBytes.end(), bytes->begin(), bytes->end());
    n += e - b;
    action.ranges.push_back(std::move(range));
  }
  const std::string &name = modelIndex->weights[w].name;
  action.label = n == 1 ? "set " + name + " = " + text.str()
                        : "fill " + std::to_string(n) + " elements of " + name +
                              " with " + text.str();
  editStack.push(std::move(action));
  return "";
}

std::string
Document::scale(uint32_t w,
                const std::vector<std::pair<uint64_t, uint64_t>> &runs,
                double factor) {
  auto v = view(w);
  if (!v)
    return errorText(v.takeError());
  if (auto e = canEditInPlace(*v))
    return errorText(std::move(e));
  DType dtype = v->getDType();
  if (isComplex(dtype) || dtype == DType::Bool)
    return std::string("scaling ") + dtypeName(dtype) + " is not supported";
  unsigned esize = dtypeSize(dtype);
  EditAction action;
  uint64_t n = 0;
  for (auto [b, e] : runs) {
    if (b >= e || e > v->size())
      return "index out of range";
    EditRange range;
    range.weight = w;
    range.byteOffset = b * esize;
    range.oldBytes.resize((e - b) * esize);
    if (!readElements(*v, b, e - b, range.oldBytes.data()))
      return describeFault() + ": the file changed on disk; reopen it";
    for (uint64_t i = 0; i < e - b; ++i) {
      double x = heatmapValue(dtype, range.oldBytes.data() + i * esize) * factor;
      char buf[48];
      if (isFloat(dtype))
        snprintf(buf, sizeof buf, "%.17g", x);
      else if (std::isfinite(x))
        snprintf(buf, sizeof buf, "%.0f", std::nearbyint(x));
      else
        snprintf(buf, sizeof buf, "%g", x);
      auto bytes = encodeElement(dtype, buf);
      if (!bytes)
        return errorText(bytes.takeError());
      range.newBytes.insert(range.newBytes.end(), bytes->begin(), bytes->end());
    }
    n += e - b;
    action.ranges.push_back(std::move(range));
  }
  char f[32];
  snprintf(f, sizeof f, "%g", factor);
  action.label = "scale " + std::to_string(n) + " elements of " +
                 modelIndex->weights[w].name + " by " + f;
  editStack.push(std::move(action));
  return "";
}

std::string Document::replaceFromNpy(uint32_t w, const std::string &npyPath) {
  auto v = view(w);
  if (!v)
    return errorText(v.takeError());
  if (auto e = canEditInPlace(*v))
    return errorText(std::move(e));
  auto npy = MappedFile::open(npyPath);
  if (!npy)
    return errorText(npy.takeError());
  auto header = parseNpyHeader((*npy)->bytes(), npyPath);
  if (!header)
    return errorText(header.takeError());
  auto norm = [](std::string d) {
    if (!d.empty() && (d[0] == '|' || d[0] == '='))
      d[0] = '<';
    return d;
  };
  std::string want = npyDescrFor(v->getDType());
  std::vector<int64_t> shape(v->getShape().begin(), v->getShape().end());
  if (norm(header->descr) != norm(want) || header->shape != shape ||
      header->fortranOrder) {
    std::string have;
    for (int64_t d : header->shape)
      have += (have.empty() ? "" : "x") + std::to_string(d);
    return npyPath + " holds " + header->descr + "[" + have + "]" +
           (header->fortranOrder ? " in Fortran order" : "") + ", but " +
           modelIndex->weights[w].name + " needs '" + want + "' [" +
           v->getWeight().type->shapeString() + "] in C order";
  }
  if ((*npy)->size() - header->dataOffset != v->sizeInBytes())
    return npyPath + ": expected " + std::to_string(v->sizeInBytes()) +
           " bytes of data after the header, found " +
           std::to_string((*npy)->size() - header->dataOffset);
  EditAction action;
  action.label = "replace " + modelIndex->weights[w].name + " from " + npyPath;
  action.replacedWeight = w;
  action.npy = std::move(*npy);
  action.npyDataOffset = header->dataOffset;
  editStack.push(std::move(action));
  return "";
}

void Document::exportNpy(uint32_t w, const std::string &outPath) {
  if (saveJob || !modelIndex || w >= modelIndex->weights.size())
    return;
  saveResult = std::make_shared<LoadResult>();
  auto result = saveResult;
  auto index = modelIndex;
  bool edited = editStack.touches(w);
  // The overlay is copied: the job must not see later edits.
  auto edits = std::make_shared<EditStack>();
  for (const EditAction &a : editStack.actions())
    edits->push(a);
  saveJob = Job::start("exporting " + outPath, [=](Job &job) {
    auto view = WeightView::get(*index, index->weights[w]);
    if (!view) {
      result->error = errorText(view.takeError());
      return;
    }
    bool faulted = runGuarded([&] {
      if (!edited) {
        if (auto e = mlirscope::exportNpy(*index, *view, outPath,
                                          [&](uint64_t d, uint64_t t) {
                                            return job.progress(d, t);
                                          }))
          result->error = errorText(std::move(e));
        return;
      }
      auto out = AtomicFile::create(outPath);
      if (!out) {
        result->error = errorText(out.takeError());
        return;
      }
      std::vector<int64_t> shape(view->getShape().begin(),
                                 view->getShape().end());
      if (auto e = out->write(makeNpyHeader(npyDescrFor(view->getDType()), shape))) {
        result->error = errorText(std::move(e));
        return;
      }
      unsigned esize = dtypeSize(view->getDType());
      std::vector<uint8_t> buf;
      uint64_t chunk = std::max<uint64_t>(1, (8u << 20) / esize);
      for (uint64_t at = 0; at < view->size(); at += chunk) {
        uint64_t n = std::min(chunk, view->size() - at);
        buf.resize(n * esize);
        view->readBytes(at, n, buf.data());
        edits->apply(w, at * esize, n * esize, buf.data());
        if (auto e = out->write(llvm::ArrayRef<uint8_t>(buf))) {
          result->error = errorText(std::move(e));
          return;
        }
        if (!job.progress(at + n, view->size())) {
          result->error = "cancelled";
          return;
        }
      }
      if (auto e = out->commit())
        result->error = errorText(std::move(e));
    });
    if (faulted && result->error.empty())
      result->error = describeFault() + ": the file changed while it was read";
    if (result->error.empty())
      result->message = "exported " + index->weights[w].name + " to " + outPath;
  });
}

void Document::save() {
  if (saveJob || !modelIndex || !editStack.dirty() || isRemote())
    return;
  saveResult = std::make_shared<LoadResult>();
  auto result = saveResult;
  auto index = modelIndex;
  auto actions = editStack.actions();
  std::string path = filePath;
  IndexOptions opts = options;
  saveJob = Job::start("saving " + path, [=](Job &job) {
    if (auto e = checkUnchanged(*index->file)) {
      result->error = errorText(std::move(e));
      return;
    }
    result->error = writeEdits(*index, actions, job);
    if (!result->error.empty())
      return;
    result->clearEdits = true;
    indexInto(path, opts, result->index, result->summary, result->error);
    result->message = "saved " + std::to_string(actions.size()) +
                      " edit(s) to " + path;
  });
}

void Document::saveAs(const std::string &outPath) {
  if (saveJob || !modelIndex)
    return;
  saveResult = std::make_shared<LoadResult>();
  auto result = saveResult;
  auto index = modelIndex;
  auto actions = editStack.actions();
  IndexOptions opts = options;
  saveJob = Job::start("saving " + outPath, [=](Job &job) {
    // 1. A byte copy of the model, written atomically.
    bool faulted = runGuarded([&] {
      auto out = AtomicFile::create(outPath);
      if (!out) {
        result->error = errorText(out.takeError());
        return;
      }
      const ByteSource &in = *index->file;
      constexpr uint64_t kChunk = 16u << 20;
      for (uint64_t at = 0; at < in.size(); at += kChunk) {
        uint64_t n = std::min(kChunk, in.size() - at);
        llvm::Expected<Span> bytes = in.read(at, n);
        if (!bytes) {
          result->error = errorText(bytes.takeError());
          return;
        }
        if (auto e = out->write(bytes->bytes())) {
          result->error = errorText(std::move(e));
          return;
        }
        if (!job.progress(at + n, in.size())) {
          result->error = "cancelled";
          return;
        }
      }
      if (auto e = out->commit())
        result->error = errorText(std::move(e));
    });
    if (faulted && result->error.empty())
      result->error = describeFault() + ": the file changed while it was read";
    if (!result->error.empty())
      return;
    // 2. The edits, in place in the copy.
    std::shared_ptr<ModelIndex> copy;
    ModelSummary summary;
    indexInto(outPath, opts, copy, summary, result->error);
    if (!result->error.empty())
      return;
    if (!actions.empty()) {
      result->error = writeEdits(*copy, actions, job);
      if (!result->error.empty())
        return;
      copy.reset();
      indexInto(outPath, opts, copy, summary, result->error);
      if (!result->error.empty())
        return;
    }
    result->index = std::move(copy);
    result->summary = std::move(summary);
    result->clearEdits = true;
    result->newPath = outPath;
    result->message = "saved as " + outPath;
  });
}

} // namespace mlirscope::view
