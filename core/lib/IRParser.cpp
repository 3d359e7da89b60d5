//===- IRParser.cpp - Finding MLIR's parser for text IR -------------------===//

#include "mlirscope/IRParser.h"

#include <dlfcn.h>
#include <limits.h>
#include <mutex>
#include <unistd.h>

using namespace mlirscope;

static IRParserFn registered = nullptr;

void mlirscope::registerIRParser(IRParserFn parser) { registered = parser; }

/// Directory of the running executable, from /proc/self/exe.
static std::string executableDir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0)
    return ".";
  std::string path(buf, size_t(n));
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

IRParserFn mlirscope::getIRParser(std::string &why) {
  if (registered)
    return registered;
  static std::once_flag once;
  static IRParserFn plugin = nullptr;
  static std::string error;
  std::call_once(once, [] {
    const char *env = std::getenv("MLIRSCOPE_MLIR_PARSER");
    std::string path = env && *env
                           ? std::string(env)
                           : executableDir() + "/../lib/libMLIRScopeMLIRParser.so";
    // RTLD_LOCAL: libMLIR.so and its libLLVM.so stay private to the plugin,
    // separate from the copy of LLVM Support linked into the executable.
    void *handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char *e = ::dlerror();
      error = e ? e : ("cannot load " + path);
      return;
    }
    plugin = reinterpret_cast<IRParserFn>(::dlsym(handle, kIRParserSymbol));
    if (!plugin)
      error = path + " does not export " + kIRParserSymbol;
  });
  if (!plugin)
    why = error;
  return plugin;
}
