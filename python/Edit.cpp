//===- Edit.cpp - Same-size edits staged in memory, committed at once -----===//
//
// `with model.edit() as e:` stages every write (an element, a region, a
// whole weight) in memory, as the file bytes to write (encodeForFile: hex
// digits where the weight is hex). Nothing reaches the file before commit,
// which writes them all under one journal (InPlaceEditor::writeRegion over
// the span from the first staged byte to the last), so a crash leaves the
// old content or the new, never part of an edit. Edits far apart in a file
// journal the bytes between them too: the price of one atomic commit.
//
//===----------------------------------------------------------------------===//

#include "Errors.h"
#include "Model.h"

#include "mlirscope/Blob/DType.h"
#include "mlirscope/Edit/Editor.h"
#include "mlirscope/Remote/Remote.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace py = pybind11;
using namespace mlirscope;
using namespace mlirscope::python;

namespace {
class Edit {
public:
  explicit Edit(std::shared_ptr<Model> model)
      : model(std::move(model)), index(this->model->index) {
    this->model->get();
  }

  /// Stages the elements `flat` of weight `name` with the element bytes
  /// `data` (one element after another, in the weight's storage type).
  void stage(const std::string &name, py::array_t<uint64_t> flat,
             py::buffer data) {
    WeightView v = editable(name);
    py::buffer_info bytes = data.request();
    unsigned size = dtypeSize(v.getDType());
    uint64_t n = uint64_t(flat.size());
    if (uint64_t(bytes.size * bytes.itemsize) != n * size)
      throw py::value_error("element bytes do not match the elements");
    const uint64_t *at = flat.data();
    const auto *src = static_cast<const uint8_t *>(bytes.ptr);
    for (uint64_t i = 0; i < n;) {
      if (at[i] >= v.size())
        throw py::index_error("element " + std::to_string(at[i]) +
                              " out of range");
      // A run of consecutive elements is one range.
      uint64_t j = i + 1;
      while (j < n && at[j] == at[j - 1] + 1)
        ++j;
      ranges.push_back(encodeForFile(
          v, at[i] * size,
          llvm::ArrayRef<uint8_t>(src + i * size, (j - i) * size)));
      i = j;
    }
  }

  /// Stages all of weight `name` as `data` (its raw bytes, row-major).
  void stageAll(const std::string &name, py::buffer data) {
    WeightView v = editable(name);
    py::buffer_info bytes = data.request();
    if (uint64_t(bytes.size * bytes.itemsize) != v.sizeInBytes())
      throw py::value_error(name + ": the new data has " +
                            std::to_string(bytes.size * bytes.itemsize) +
                            " bytes; the weight has " +
                            std::to_string(v.sizeInBytes()));
    ranges.push_back(encodeForFile(
        v, 0,
        llvm::ArrayRef<uint8_t>(static_cast<const uint8_t *>(bytes.ptr),
                                v.sizeInBytes())));
  }

  size_t pending() const { return ranges.size(); }
  void discard() { ranges.clear(); }

  void commit(py::object progress) {
    if (ranges.empty())
      return;
    uint64_t begin = UINT64_MAX, end = 0;
    for (const FileRange &r : ranges) {
      begin = std::min(begin, r.offset);
      end = std::max(end, r.offset + r.bytes.size());
    }
    PyProgress pp(std::move(progress));
    const ByteSource &file = *index->file;
    {
      InPlaceEditor editor = check(InPlaceEditor::open(*index));
      Progress p = pp.get();
      llvm::Error e = [&] {
        py::gil_scoped_release release;
        return editor.writeRegion(
            begin, end - begin,
            [&](uint64_t at,
                llvm::MutableArrayRef<uint8_t> buf) -> llvm::Error {
              uint64_t from = begin + at, to = from + buf.size();
              if (file.readAt(from, buf.data(), buf.size()) != buf.size())
                return llvm::createStringError(
                    llvm::inconvertibleErrorCode(),
                    "%s: cannot read the bytes to keep",
                    file.getName().c_str());
              // Later stages win where they overlap earlier ones.
              for (const FileRange &r : ranges) {
                uint64_t lo = std::max(from, r.offset),
                         hi = std::min(to, r.offset + r.bytes.size());
                if (lo < hi)
                  std::memcpy(buf.data() + (lo - from),
                              r.bytes.data() + (lo - r.offset), hi - lo);
              }
              return llvm::Error::success();
            },
            p);
      }();
      pp.check(std::move(e));
    }
    ranges.clear();
    // The file's identity changed with the write: index it again, so the
    // next edit finds the file it indexed.
    model->reopen();
    index = model->index;
  }

private:
  WeightView editable(const std::string &name) {
    if (model->index != index)
      throw py::value_error("the model was reopened since this edit began");
    // Said before the weight is fetched, in the CLI's words: the edit could
    // never be written back.
    if (isUrl(model->path))
      raiseError(model->path + ": '" + name +
                 "' cannot be edited in place: the model is remote; make a "
                 "local copy first (mlirscope rewrite " +
                 model->path + " -o local.mlirbc) and edit that");
    WeightView v = model->view(name);
    if (llvm::Error e = canEditInPlace(v))
      raiseError(v.getWeight().name + ": " + llvm::toString(std::move(e)));
    return v;
  }

  std::shared_ptr<Model> model;
  std::shared_ptr<const ModelIndex> index;
  std::vector<FileRange> ranges;
};
} // namespace

static DType dtypeNamed(const std::string &name) {
  for (unsigned i = 0; i < unsigned(DType::Unsupported); ++i)
    if (name == dtypeName(DType(i)))
      return DType(i);
  throw py::value_error("unknown dtype " + name);
}

/// The element bytes of `values` in type `dtype` (bf16, an f8 type): core
/// encodes them as it encodes `mlirscope set`'s values.
static py::bytes encodeFloats(
    const std::string &dtype,
    py::array_t<double, py::array::c_style | py::array::forcecast> values) {
  DType d = dtypeNamed(dtype);
  std::string out;
  const double *v = values.data();
  char text[64];
  for (py::ssize_t i = 0; i < values.size(); ++i) {
    std::snprintf(text, sizeof(text), "%.17g", v[i]);
    std::vector<uint8_t> bytes = check(encodeElement(d, text));
    out.append(bytes.begin(), bytes.end());
  }
  return py::bytes(out);
}

void mlirscope::python::defineEdit(py::module_ &m) {
  py::class_<Edit>(m, "_Edit", "staged same-size edits (see mlirscope.Edit)")
      .def(py::init<std::shared_ptr<Model>>(), py::arg("model"))
      .def("stage", &Edit::stage, py::arg("name"), py::arg("flat"),
           py::arg("data"))
      .def("stage_all", &Edit::stageAll, py::arg("name"), py::arg("data"))
      .def("commit", &Edit::commit, py::arg("progress"))
      .def("discard", &Edit::discard)
      .def_property_readonly("pending", &Edit::pending);
  m.def("_encode_floats", &encodeFloats, py::arg("dtype"), py::arg("values"));
}
