//===- Errors.cpp - core's errors as Python exceptions --------------------===//

#include "Errors.h"

#include "mlirscope/Remote/Remote.h"
#include "mlirscope/Support/FormatError.h"

#include <cerrno>
#include <system_error>

namespace py = pybind11;
using namespace mlirscope;
using namespace mlirscope::python;

static PyObject *errorType, *formatErrorType, *noSuchWeightType, *cancelledType;

static PyObject *newException(py::module_ &m, const char *name, const char *doc,
                              PyObject *bases) {
  std::string full = std::string("mlirscope.") + name;
  PyObject *type = PyErr_NewExceptionWithDoc(full.c_str(), doc, bases, nullptr);
  if (!type)
    throw py::error_already_set();
  m.add_object(name, py::handle(type));
  return type;
}

void mlirscope::python::defineExceptions(py::module_ &m) {
  errorType = newException(m, "Error",
                           "Base of mlirscope's own exceptions; the message "
                           "is core's one line.",
                           PyExc_Exception);
  formatErrorType = newException(
      m, "FormatError",
      "Malformed input: 'FILE: offset N: expected X'. Also a ValueError.",
      py::make_tuple(py::handle(errorType), py::handle(PyExc_ValueError))
          .release()
          .ptr());
  noSuchWeightType = newException(
      m, "NoSuchWeight",
      "No weight of that name; the message lists the close names. Also a "
      "KeyError.",
      py::make_tuple(py::handle(errorType), py::handle(PyExc_KeyError))
          .release()
          .ptr());
  cancelledType = newException(
      m, "Cancelled", "A progress callback returned False.", errorType);
}

void mlirscope::python::raiseError(const std::string &message) {
  PyErr_SetString(errorType, message.c_str());
  throw py::error_already_set();
}

void mlirscope::python::raiseNoSuchWeight(const std::string &message) {
  PyErr_SetString(noSuchWeightType, message.c_str());
  throw py::error_already_set();
}

/// The errno of a failed transfer: its message starts with the URL
/// (`URL: offset N: HTTP 404 Not Found`), as a failed read of a file starts
/// with its path, and is an OSError as that one is (404: FileNotFoundError,
/// 401/403: PermissionError, the rest: EIO). 0 for any other message.
static int remoteErrno(llvm::StringRef message) {
  size_t at = message.find(": offset ");
  if (at == llvm::StringRef::npos || !isUrl(message.take_front(at)))
    return 0;
  if (message.contains(": HTTP 404") || message.contains(": HTTP 410"))
    return ENOENT;
  if (message.contains(": HTTP 401") || message.contains(": HTTP 403"))
    return EACCES;
  return EIO;
}

void mlirscope::python::raise(llvm::Error e) {
  PyObject *type = errorType;
  int err = 0;
  std::string message;
  llvm::handleAllErrors(
      std::move(e),
      [&](const FormatError &f) {
        type = formatErrorType;
        message = f.message();
      },
      [&](const llvm::ErrorInfoBase &info) {
        message = info.message();
        std::error_code code = info.convertToErrorCode();
        if (code == std::errc::operation_canceled)
          type = cancelledType;
        else if (code.category() == std::generic_category() ||
                 code.category() == std::system_category())
          err = code.value();
      });
  if (!err && type == errorType)
    err = remoteErrno(message);
  if (err) {
    // OSError(errno, message): Python picks the subclass
    // (FileNotFoundError, PermissionError...) from the errno.
    PyErr_SetObject(PyExc_OSError, py::make_tuple(err, message).ptr());
    throw py::error_already_set();
  }
  PyErr_SetString(type, message.c_str());
  throw py::error_already_set();
}

PyProgress::~PyProgress() {
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
}

Progress PyProgress::get() {
  return Progress([this](uint64_t done, uint64_t total) {
    py::gil_scoped_acquire gil;
    if (type || declined)
      return false;
    if (PyErr_CheckSignals() != 0) {
      PyErr_Fetch(&type, &value, &traceback);
      return false;
    }
    if (fn.is_none())
      return true;
    PyObject *answer = PyObject_CallFunction(
        fn.ptr(), "KK", (unsigned long long)done, (unsigned long long)total);
    if (!answer) {
      PyErr_Fetch(&type, &value, &traceback);
      return false;
    }
    // None (a callback that only reports) goes on; False stops.
    bool goOn = answer == Py_None || PyObject_IsTrue(answer);
    Py_DECREF(answer);
    declined = !goOn;
    return goOn;
  });
}

void PyProgress::raise(llvm::Error e) {
  if (type) {
    llvm::consumeError(std::move(e));
    PyErr_Restore(type, value, traceback);
    type = value = traceback = nullptr;
    throw py::error_already_set();
  }
  python::raise(std::move(e));
}
