//===- Model.cpp - An open model: its weights as arrays, its documents ----===//
//
// Arrays of raw weights are the mapping itself: a numpy array whose data
// pointer is the weight's span (WeightView::rawBytes) and whose base is a
// capsule holding the index and the view, so the file stays mapped while any
// array lives, whatever happens to the Model. Everything else core decodes
// (hex digits, literal lists, splats, packed bits, quantized gguf blocks)
// comes as a new array: there are no bytes of those elements to point at.
// Nor are there for a model opened from a URL: its raw weights are read
// from the source (readAt: only the bytes asked for, large reads in
// parallel parts) into new arrays, without a WeightView, which would fetch
// the whole weight even to learn its shape.
//
//===----------------------------------------------------------------------===//

#include "Model.h"
#include "Errors.h"

#include "mlirscope/Archive/ParameterArchive.h"
#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Graph/DefaultView.h"
#include "mlirscope/Graph/GraphJson.h"
#include "mlirscope/Index/CloseNames.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Index/OpJson.h"
#include "mlirscope/Index/Parameters.h"
#include "mlirscope/Index/SummaryJson.h"
#include "mlirscope/Remote/Remote.h"
#include "mlirscope/Support/FaultGuard.h"

#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>

namespace py = pybind11;
using namespace mlirscope;
using namespace mlirscope::python;

py::object mlirscope::python::loadJson(const std::string &text) {
  // Imported per call (a dictionary lookup): a static py::object would be
  // released after the interpreter is gone.
  return py::module_::import("json").attr("loads")(py::str(text));
}

static std::string jsonText(const llvm::json::Value &value) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << value;
  return out;
}

RemoteScope::RemoteScope(RemoteHook *hook, Progress progress) : hook(hook) {
  if (!hook)
    return;
  std::lock_guard<std::mutex> lock(hook->mutex);
  previous = std::exchange(hook->current, std::move(progress));
}

RemoteScope::~RemoteScope() {
  if (!hook)
    return;
  std::lock_guard<std::mutex> lock(hook->mutex);
  hook->current = std::move(previous);
}

std::shared_ptr<const ModelIndex> mlirscope::python::openIndex(
    const std::string &path, const std::vector<std::string> &parameters,
    uint64_t minInlineBytes, const std::shared_ptr<RemoteHook> &remote) {
  IndexOptions options;
  options.minInlineBytes = minInlineBytes;
  for (const std::string &p : parameters)
    options.parameters.push_back(parseParameterOption(p));
  // Ctrl-C stops a URL's fetch (a text model is fetched whole).
  PyProgress pp{py::none()};
  llvm::Expected<std::unique_ptr<ModelIndex>> index = [&] {
    py::gil_scoped_release release;
    if (!remote)
      return indexFile(path, options);
    RemoteOptions remoteOptions = RemoteOptions::fromEnvironment();
    remoteOptions.counters = remote->counters;
    // The hook is shared with the source, which may outlive the Model (an
    // index kept by an Edit).
    remoteOptions.progress = Progress([remote](uint64_t done, uint64_t total) {
      std::lock_guard<std::mutex> lock(remote->mutex);
      return remote->current.report(done, total);
    });
    RemoteScope scope(remote.get(), pp.get());
    return indexFile(path, options, remoteOptions);
  }();
  return std::shared_ptr<const ModelIndex>(pp.check(std::move(index)));
}

void Model::reopen() {
  index = openIndex(path, parameters, minInlineBytes.value_or(0), remote);
}

const ModelIndex &Model::get() const {
  if (!index) {
    PyErr_SetString(PyExc_ValueError, "the model is closed");
    throw py::error_already_set();
  }
  return *index;
}

WeightView Model::view(const std::string &name) const {
  const ModelIndex &idx = get();
  const Weight *w = idx.findWeight(name);
  const Resource *r = w ? nullptr : idx.findResource(name);
  if (!w && !r) {
    std::string message = idx.file->getName() + ": no weight '" + name + "'";
    std::vector<std::string> close = closeWeightNames(idx, name);
    for (size_t i = 0; i < close.size(); ++i)
      message += (i ? ", '" : "; did you mean '") + close[i] + "'";
    message += close.empty() ? " (Model.keys() lists them)" : "?";
    raiseNoSuchWeight(message);
  }
  auto view = w ? WeightView::get(idx, *w) : WeightView::get(idx, *r);
  if (!view)
    raiseError(idx.file->getName() + ": " + llvm::toString(view.takeError()));
  return *view;
}

/// The numpy type elements of `d` are stored as: numpy's own, else an
/// unsigned integer of the same width (bf16, the f8 family).
static py::dtype storageDType(DType d) {
  const char *np = dtypeNumpy(d);
  if (*np)
    return py::dtype(std::string(np));
  return py::dtype(dtypeSize(d) == 2 ? "<u2" : "|u1");
}

static std::vector<py::ssize_t> shapeOf(const WeightView &v) {
  return std::vector<py::ssize_t>(v.getShape().begin(), v.getShape().end());
}

/// What a zero-copy array's base holds: the index (the mapping, the
/// archives) and the view (its span).
namespace {
struct Pin {
  std::shared_ptr<const ModelIndex> index;
  WeightView view;
};
} // namespace

/// Raises when a mapped file shrank while `fn` read it (the bytes read are
/// zeros, not the weight).
static void readGuarded(const std::function<void()> &fn) {
  uint64_t before = faultCount();
  {
    py::gil_scoped_release release;
    runGuarded(fn);
  }
  if (faultCount() != before) {
    noteFaultReported();
    raiseError(describeFault() + ": " + kFileChangedWhileRead);
  }
}

/// Where a raw weight of a remote model lies, found without reading it
/// (WeightView::get reads a remote weight whole). Only plain raw elements
/// (not hex, splat, packed bits, literals, quantized or partial archive
/// entries: WeightView handles those) of a source that is not memory (a
/// text model fetched whole is memory).
namespace {
struct RemoteRaw {
  const ByteSource *source;
  uint64_t offset;
  DType dtype;
  std::vector<py::ssize_t> shape;
  uint64_t bytes;
};
} // namespace

static std::optional<RemoteRaw> remoteRaw(const Model &model,
                                          const std::string &name) {
  if (!model.remote)
    return std::nullopt;
  const ModelIndex &idx = model.get();
  const Weight *w = idx.findWeight(name);
  if (!w || w->encoding != WeightEncoding::Raw || w->splat || w->bitPacked ||
      !w->type || !w->type->ranked || !w->type->numElements())
    return std::nullopt;
  const ByteSource *source = idx.file.get();
  if (w->kind == WeightKind::Parameter) {
    if (w->entry == kNone || w->archive >= idx.archives.size())
      return std::nullopt;
    source = idx.archives[w->archive].archive->file.get();
  }
  DType dtype = dtypeFor(w->type->element);
  if (!source || !source->isRemote() || source->memory() ||
      dtype == DType::Unsupported)
    return std::nullopt;
  uint64_t bytes = *w->type->numElements() * dtypeSize(dtype);
  if (w->dataBytes != bytes || w->size != bytes || w->offset > source->size() ||
      bytes > source->size() - w->offset)
    return std::nullopt;
  return RemoteRaw{
      source, w->offset, dtype,
      std::vector<py::ssize_t>(w->type->shape.begin(), w->type->shape.end()),
      bytes};
}

/// Bytes [offset, offset + n) of a remote weight into `out`, the GIL
/// released, its transfers stopped by Ctrl-C and `progress`.
static void readRemote(const Model &model, const RemoteRaw &place,
                       uint64_t offset, uint64_t n, uint8_t *out,
                       PyProgress &pp) {
  llvm::Error e = [&]() -> llvm::Error {
    py::gil_scoped_release release;
    RemoteScope scope(model.remote.get(), pp.get());
    if (place.source->readAt(place.offset + offset, out, n) == n)
      return llvm::Error::success();
    if (llvm::Error why = place.source->takeReadError())
      return why;
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: offset %llu: short read",
                                   place.source->getName().c_str(),
                                   (unsigned long long)(place.offset + offset));
  }();
  pp.check(std::move(e));
}

/// (array, dtype name, copied): the weight as an array, read-only.
static py::tuple tensor(const Model &model, const std::string &name) {
  if (std::optional<RemoteRaw> place = remoteRaw(model, name)) {
    // No mapping to point into: a new array, read in parallel parts.
    py::array array(storageDType(place->dtype), place->shape);
    PyProgress pp{py::none()};
    readRemote(model, *place, 0, place->bytes,
               static_cast<uint8_t *>(array.mutable_data()), pp);
    array.attr("setflags")(py::arg("write") = false);
    return py::make_tuple(array, dtypeName(place->dtype), true);
  }
  WeightView v = model.view(name);
  py::dtype dt = storageDType(v.getDType());
  std::vector<py::ssize_t> shape = shapeOf(v);
  bool copied = !v.isRaw();
  py::array array;
  if (!copied && v.sizeInBytes()) {
    auto *pin = new Pin{model.index, v};
    py::capsule base(pin, [](void *p) { delete static_cast<Pin *>(p); });
    array = py::array(dt, shape, {}, v.rawBytes().data(), base);
  } else {
    array = py::array(dt, shape);
    auto *out = static_cast<uint8_t *>(array.mutable_data());
    readGuarded([&] { v.readBytes(0, v.size(), out); });
    // A URL's weight that failed to arrive: the reason, not zeros.
    if (llvm::Error e = v.readError())
      raiseError(llvm::toString(std::move(e)));
  }
  array.attr("setflags")(py::arg("write") = false);
  return py::make_tuple(array, dtypeName(v.getDType()), copied);
}

/// Elements [first, first + count) as a new 1-d array (the regions of a
/// slice of a weight that is not raw bytes).
static py::array readElements(const Model &model, const std::string &name,
                              uint64_t first, uint64_t count) {
  if (std::optional<RemoteRaw> place = remoteRaw(model, name)) {
    // Only these bytes are fetched (whole blocks of the source's cache).
    uint64_t esz = dtypeSize(place->dtype), size = place->bytes / esz;
    if (first > size || count > size - first) {
      PyErr_SetString(PyExc_IndexError, "elements out of range");
      throw py::error_already_set();
    }
    py::array array(storageDType(place->dtype),
                    std::vector<py::ssize_t>{py::ssize_t(count)});
    PyProgress pp{py::none()};
    readRemote(model, *place, first * esz, count * esz,
               static_cast<uint8_t *>(array.mutable_data()), pp);
    return array;
  }
  WeightView v = model.view(name);
  if (first > v.size() || count > v.size() - first) {
    PyErr_SetString(PyExc_IndexError, "elements out of range");
    throw py::error_already_set();
  }
  py::array array(storageDType(v.getDType()),
                  std::vector<py::ssize_t>{py::ssize_t(count)});
  auto *out = static_cast<uint8_t *>(array.mutable_data());
  readGuarded([&] { v.readBytes(first, count, out); });
  if (llvm::Error e = v.readError())
    raiseError(llvm::toString(std::move(e)));
  return array;
}

/// (dtype name, shape, numpy storage dtype, raw): what a slice needs.
static py::tuple info(const Model &model, const std::string &name) {
  if (std::optional<RemoteRaw> place = remoteRaw(model, name))
    return py::make_tuple(dtypeName(place->dtype),
                          py::tuple(py::cast(place->shape)),
                          storageDType(place->dtype), true);
  WeightView v = model.view(name);
  return py::make_tuple(dtypeName(v.getDType()),
                        py::tuple(py::cast(shapeOf(v))),
                        storageDType(v.getDType()), v.isRaw());
}

static py::object stats(const Model &model, const std::string &name,
                        unsigned bins, unsigned threads, py::object progress) {
  PyProgress pp(std::move(progress));
  // The views below point into the index: it must outlive them, even if
  // another thread closes the model while the GIL is released.
  model.get();
  std::shared_ptr<const ModelIndex> keep = model.index;
  std::optional<WeightView> fetched;
  if (std::optional<RemoteRaw> place = remoteRaw(model, name)) {
    // A remote weight of up to one stream window is fetched whole by its
    // view: that fetch reports (bytes fetched, weight's bytes) and stops on
    // Ctrl-C or False. A larger one is streamed by computeStats, whose own
    // progress reports and cancels.
    std::shared_ptr<RemoteCounters> counters = model.remote->counters;
    uint64_t start = counters->bytesFetched, total = place->bytes;
    Progress inner = pp.get();
    Progress fetch([inner, counters, start, total](uint64_t, uint64_t) {
      uint64_t done = counters->bytesFetched - start;
      return inner.report(std::min(done, total), total);
    });
    model.get();
    std::shared_ptr<const ModelIndex> idx = model.index;
    llvm::Expected<WeightView> view = [&] {
      py::gil_scoped_release release;
      RemoteScope scope(model.remote.get(), fetch);
      return WeightView::get(*idx, *idx->findWeight(name));
    }();
    fetched = pp.check(std::move(view));
  }
  WeightView v = fetched ? *fetched : model.view(name);
  const Weight &w = v.getWeight();
  StatsOptions options;
  options.bins = bins;
  options.threads = threads;
  options.progress = pp.get();
  uint64_t before = faultCount();
  llvm::Expected<BlobStats> result = [&] {
    py::gil_scoped_release release;
    return computeStats(v, options);
  }();
  if (faultCount() != before) {
    llvm::consumeError(result.takeError());
    noteFaultReported();
    raiseError(describeFault() + ": " + kFileChangedWhileRead);
  }
  BlobStats s = pp.check(std::move(result));
  // The keys of `mlirscope stats --json`.
  py::dict d;
  d["key"] = w.name;
  d["name"] = w.name;
  d["kind"] = weightKindName(w.kind).str();
  d["dtype"] = dtypeName(v.getDType());
  d["shape"] = shapeOf(v);
  d["elements"] = s.count;
  d["bytes"] = w.bytes();
  d["finite"] = s.finite;
  d["zeros"] = s.zeros;
  d["nan"] = s.nans;
  d["pos_inf"] = s.posInfs;
  d["neg_inf"] = s.negInfs;
  d["first"] = s.first;
  auto num = [](double x) -> py::object {
    return std::isfinite(x) ? py::object(py::float_(x)) : py::none();
  };
  d["min"] = num(s.min);
  d["max"] = num(s.max);
  d["mean"] = num(s.mean);
  d["std"] = num(s.stddev);
  if (!s.histogram.empty())
    d["histogram"] = s.histogram;
  return std::move(d);
}

static py::object summary(Model &model, unsigned top) {
  std::shared_ptr<const ModelIndex> idx = model.index;
  model.get();
  // Without a threshold of its own the model lists every inline weight;
  // the summary counts them as `inspect --summary` does by default.
  if (!model.minInlineBytes) {
    if (model.remote) {
      // Indexed again from the source already open, whose cache holds the
      // IR: opening the URL anew would fetch it again.
      IndexOptions options;
      for (const std::string &p : model.parameters)
        options.parameters.push_back(parseParameterOption(p));
      PyProgress pp{py::none()};
      llvm::Expected<std::unique_ptr<ModelIndex>> again = [&] {
        py::gil_scoped_release release;
        RemoteScope scope(model.remote.get(), pp.get());
        return indexMapped(idx->file, options);
      }();
      idx = std::shared_ptr<const ModelIndex>(pp.check(std::move(again)));
    } else {
      idx = openIndex(model.path, model.parameters,
                      IndexOptions().minInlineBytes, nullptr);
    }
  }
  ModelSummary s = summarize(*idx, top);
  return loadJson(jsonText(summaryToJson(*idx, s)));
}

static py::object weights(const Model &model) {
  const ModelIndex &idx = model.get();
  llvm::json::Array all;
  for (const Weight &w : idx.weights) {
    llvm::json::Value j = weightJson(idx, w);
    // Which file holds the stored data: the model's, or its archive's.
    std::string where = idx.file->getName();
    if (w.kind == WeightKind::Parameter)
      where = w.archive < idx.archives.size() ? idx.archives[w.archive].path
                                              : std::string();
    if (llvm::json::Object *o = j.getAsObject())
      (*o)["where"] =
          where.empty() ? llvm::json::Value(nullptr) : llvm::json::Value(where);
    all.push_back(std::move(j));
  }
  return loadJson(jsonText(llvm::json::Value(std::move(all))));
}

static py::object ops(const Model &model) {
  const ModelIndex &idx = model.get();
  std::string text = "[";
  for (uint32_t i = 0; i < idx.ops.size(); ++i)
    text += (i ? "," : "") + opJsonLine(idx, i);
  text += "]";
  return loadJson(text);
}

static py::object graph(const Model &model, const std::string &func,
                        const std::string &group, py::object expand,
                        bool scopes, bool fold, py::object progress) {
  const ModelIndex &idx = model.get();
  PyProgress pp(std::move(progress));
  GraphOptions graphOptions;
  graphOptions.scopes = scopes;
  graphOptions.progress = pp.get();
  llvm::Expected<ModelGraph> built = [&] {
    py::gil_scoped_release release;
    return ModelGraph::build(idx, graphOptions);
  }();
  ModelGraph g = pp.check(std::move(built));
  uint32_t root = ModelGraph::kRoot;
  if (!func.empty()) {
    root = g.findFunction(func);
    if (root == kNone)
      raiseNoSuchWeight(idx.file->getName() + ": no function @" + func);
  }
  if (!group.empty()) {
    std::string full;
    for (uint32_t id : g.pathTo(root))
      full += g.group(id).label + "/";
    root = g.findGroup(full + group);
    if (root == kNone)
      raiseNoSuchWeight(idx.file->getName() + ": no group '" + group + "'");
  }
  // As `mlirscope graph`: no expand, func or group opens the viewer's
  // first view; else "none", "all" or a number of levels.
  bool all = false;
  unsigned levels = 0;
  if (py::isinstance<py::str>(expand)) {
    std::string e = expand.cast<std::string>();
    if (e == "all")
      all = true;
    else if (e != "none")
      throw py::value_error("expand takes None, 'none', 'all' or a number");
  } else if (!expand.is_none()) {
    levels = expand.cast<unsigned>();
  }
  bool firstView = expand.is_none() && func.empty() && group.empty();
  std::vector<bool> open(g.groups().size(), false);
  if (firstView)
    for (uint32_t id : defaultOpenGroups(g))
      open[id] = true;
  ViewOptions view;
  view.foldRepeats = fold;
  view.expand = [&](uint32_t id, unsigned depth) {
    return firstView ? bool(open[id]) : all || depth < levels;
  };
  if (firstView)
    view.unfold = [&](uint32_t id) { return bool(open[id]); };
  view.layout.progress = pp.get();
  llvm::Expected<GraphView> laid = [&] {
    py::gil_scoped_release release;
    return layoutView(g, root, view);
  }();
  GraphView v = pp.check(std::move(laid));
  return loadJson(graphToJson(g, v));
}

/// The float32 value of each of the 256 bit patterns of one-byte float type
/// `name` (to_float32 of f8 arrays is a table lookup).
static py::array float8Table(const std::string &name) {
  for (unsigned i = 0; i < unsigned(DType::Unsupported); ++i) {
    DType d = DType(i);
    if (isFloat8(d) && name == dtypeName(d)) {
      py::array_t<float> table(256);
      float *out = table.mutable_data();
      for (unsigned b = 0; b < 256; ++b)
        out[b] = float8ToFloat(d, uint8_t(b));
      return std::move(table);
    }
  }
  throw py::value_error("not a one-byte float type: " + name);
}

void mlirscope::python::defineModel(py::module_ &m) {
  py::class_<Model, std::shared_ptr<Model>>(
      m, "_Model", "core's index of one model file (see mlirscope.Model)")
      .def(py::init([](const std::string &path,
                       std::vector<std::string> parameters,
                       std::optional<uint64_t> minInlineBytes) {
             auto model = std::make_shared<Model>();
             model->path = path;
             model->parameters = std::move(parameters);
             model->minInlineBytes = minInlineBytes;
             if (isUrl(path))
               model->remote = std::make_shared<RemoteHook>();
             model->reopen();
             return model;
           }),
           py::arg("path"), py::arg("parameters"), py::arg("min_inline_bytes"))
      .def_readonly("path", &Model::path)
      .def_readonly("parameters", &Model::parameters)
      .def_readonly("min_inline_bytes", &Model::minInlineBytes)
      .def_property_readonly("closed", [](const Model &m) { return !m.index; })
      .def_property_readonly("remote",
                             [](const Model &m) { return bool(m.remote); })
      .def("fetch_counters",
           [](const Model &m) {
             py::dict d;
             if (!m.remote)
               return d;
             const RemoteCounters &c = *m.remote->counters;
             d["requests"] = c.requests.load();
             d["round_trips"] = c.roundTrips.load();
             d["bytes_fetched"] = c.bytesFetched.load();
             d["cache_hits"] = c.cacheHits.load();
             d["disk_hits"] = c.diskHits.load();
             d["cache_misses"] = c.cacheMisses.load();
             d["retries"] = c.retries.load();
             return d;
           })
      .def("close", [](Model &m) { m.index.reset(); })
      .def("reopen", &Model::reopen)
      .def("format",
           [](const Model &m) {
             return m.get().format == ModelIndex::Format::Bytecode ? "bytecode"
                                                                   : "text";
           })
      .def("keys",
           [](const Model &m) {
             std::vector<std::string> names;
             for (const Weight &w : m.get().weights)
               names.push_back(w.name);
             return names;
           })
      .def("contains",
           [](const Model &m, const std::string &name) {
             const ModelIndex &idx = m.get();
             return idx.findWeight(name) || idx.findResource(name);
           })
      .def("summary", &summary, py::arg("top"))
      .def("weights", &weights)
      .def("ops", &ops)
      .def("graph", &graph, py::arg("func"), py::arg("group"),
           py::arg("expand"), py::arg("scopes"), py::arg("fold"),
           py::arg("progress"))
      .def("tensor", &tensor, py::arg("name"))
      .def("info", &info, py::arg("name"))
      .def("read", &readElements, py::arg("name"), py::arg("first"),
           py::arg("count"))
      .def("stats", &stats, py::arg("name"), py::arg("bins"),
           py::arg("threads"), py::arg("progress"));
  m.def("_float8_table", &float8Table, py::arg("dtype"));
}
