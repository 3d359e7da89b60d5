//===- Errors.h - core's errors as Python exceptions ------------*- C++ -*-===//
//
// Every failure reaches Python as an exception carrying core's one-line
// message: mlirscope.FormatError (a ValueError: malformed input, `FILE:
// offset N: expected X`), mlirscope.NoSuchWeight (a KeyError naming the
// close names), OSError (a failed system call, with its errno),
// mlirscope.Cancelled (a progress callback said stop), KeyboardInterrupt
// (Ctrl-C during long work), and mlirscope.Error for the rest.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_PYTHON_ERRORS_H
#define MLIRSCOPE_PYTHON_ERRORS_H

#include "mlirscope/Support/Progress.h"

#include "llvm/Support/Error.h"

#include <pybind11/pybind11.h>

#include <atomic>
#include <string>

namespace mlirscope::python {

/// Creates the exception classes in module `m`.
void defineExceptions(pybind11::module_ &m);

/// Raises `e` as the Python exception of its kind.
[[noreturn]] void raise(llvm::Error e);
/// Raises mlirscope.Error (or `type`) with `message`.
[[noreturn]] void raiseError(const std::string &message);
[[noreturn]] void raiseNoSuchWeight(const std::string &message);

/// Unwraps `value` or raises its error.
template <typename T> T check(llvm::Expected<T> value) {
  if (!value)
    raise(value.takeError());
  return std::move(*value);
}
inline void check(llvm::Error e) {
  if (e)
    raise(std::move(e));
}

/// A core Progress for work that runs with the GIL released: each report
/// takes the GIL, checks for Ctrl-C (PyErr_CheckSignals) and calls the
/// user's callback `fn(done, total)` (None: none). A pending signal, an
/// exception from the callback or a False answer cancel the work; `finish`
/// then raises what stopped it (KeyboardInterrupt, the callback's exception,
/// mlirscope.Cancelled) instead of core's "cancelled".
class PyProgress {
public:
  explicit PyProgress(pybind11::object fn) : fn(std::move(fn)) {}
  ~PyProgress();
  Progress get();
  /// Raises `e` (or what stopped the work, when it was cancelled).
  [[noreturn]] void raise(llvm::Error e);
  template <typename T> T check(llvm::Expected<T> value) {
    if (!value)
      raise(value.takeError());
    return std::move(*value);
  }
  void check(llvm::Error e) {
    if (e)
      raise(std::move(e));
  }

private:
  pybind11::object fn;
  /// The exception that stopped the work (owned references), if any.
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  bool declined = false;
};

} // namespace mlirscope::python

#endif // MLIRSCOPE_PYTHON_ERRORS_H
