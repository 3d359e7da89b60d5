//===- MLIRBridge.cpp - Finding the bridge to MLIR ------------------------===//

#include "mlirscope/Text/MLIRBridge.h"

#include <dlfcn.h>
#include <limits.h>
#include <mutex>
#include <unistd.h>

using namespace mlirscope;

static const MLIRBridge *registered = nullptr;

void mlirscope::registerMLIRBridge(const MLIRBridge *bridge) {
  registered = bridge;
}

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

const MLIRBridge *mlirscope::getMLIRBridge(std::string &why) {
  if (registered)
    return registered;
  static std::once_flag once;
  static const MLIRBridge *plugin = nullptr;
  static std::string error;
  std::call_once(once, [] {
    const char *env = std::getenv("MLIRSCOPE_MLIR_BRIDGE");
    std::string path = env && *env
                           ? std::string(env)
                           : executableDir() + "/../lib/libMLIRScopeMLIRBridgePlugin.so";
    // RTLD_LOCAL: libMLIR.so and its libLLVM.so stay private to the plugin,
    // separate from the copy of LLVM Support linked into the executable.
    void *handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char *e = ::dlerror();
      error = e ? e : ("cannot load " + path);
      return;
    }
    using EntryFn = const MLIRBridge *(*)();
    auto entry = reinterpret_cast<EntryFn>(::dlsym(handle, kMLIRBridgeSymbol));
    plugin = entry ? entry() : nullptr;
    if (!plugin)
      error = path + " does not export " + kMLIRBridgeSymbol;
  });
  if (!plugin)
    why = error;
  return plugin;
}
