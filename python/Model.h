//===- Model.h - An open model as Python sees it ----------------*- C++ -*-===//
//
// The C++ half of mlirscope.Model: core's index of one file and the calls
// that read it. The Python half (mlirscope/_model.py) adds the protocols
// (context manager, mapping, pickling) and slices, torch and edits on top.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_PYTHON_MODEL_H
#define MLIRSCOPE_PYTHON_MODEL_H

#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Model/ModelIndex.h"
#include "mlirscope/Remote/Remote.h"

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mlirscope::python {

/// What the transfers of a model opened from a URL report to. The source
/// takes its progress once, when it opens; each call that fetches (open, a
/// weight's read, stats) puts its own progress here while it runs, so that
/// Ctrl-C and the caller's callback reach the transfers. Set and cleared
/// with the GIL released: the transfer threads call the progress under the
/// mutex, and it takes the GIL.
struct RemoteHook {
  std::mutex mutex;
  Progress current;
  std::shared_ptr<RemoteCounters> counters = std::make_shared<RemoteCounters>();
};

/// Puts `progress` on `hook` (may be null) for the scope's life, and puts
/// back what was there when it ends (scopes of one thread nest). Only with
/// the GIL released.
class RemoteScope {
public:
  RemoteScope(RemoteHook *hook, Progress progress);
  ~RemoteScope();

private:
  RemoteHook *hook;
  Progress previous;
};

/// One open model: how it was opened (to reopen it: after an edit, or on
/// another machine) and its index, shared with the arrays it handed out so
/// that the mapping lives as long as any of them.
struct Model {
  std::string path;
  std::vector<std::string> parameters;
  /// Unset: every inline weight is a weight (looked up by name), and the
  /// summary uses the CLI's default threshold, as `inspect --summary` does.
  std::optional<uint64_t> minInlineBytes;
  std::shared_ptr<const ModelIndex> index;
  /// Set when `path` is a URL.
  std::shared_ptr<RemoteHook> remote;

  /// Indexes `path` again (GIL released).
  void reopen();
  const ModelIndex &get() const;
  /// The view of weight (or resource) `name`; NoSuchWeight naming the close
  /// names when there is none.
  WeightView view(const std::string &name) const;
};

/// Indexes `path` with these options, the GIL released; a URL's
/// transfers report to `remote`.
std::shared_ptr<const ModelIndex>
openIndex(const std::string &path, const std::vector<std::string> &parameters,
          uint64_t minInlineBytes, const std::shared_ptr<RemoteHook> &remote);

/// JSON text as Python objects (json.loads).
pybind11::object loadJson(const std::string &text);

void defineModel(pybind11::module_ &m);
void defineEdit(pybind11::module_ &m);

} // namespace mlirscope::python

#endif // MLIRSCOPE_PYTHON_MODEL_H
