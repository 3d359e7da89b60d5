//===- MLIRBridge.h - What core asks of MLIR itself -------------*- C++ -*-===//
//
// Some jobs need MLIR's own code: parsing the IR of text files (so op counts
// and references are exactly MLIR's), the IR half of converting text to
// bytecode and back, and changing a resource's type in the IR. Everything else in core reads bytes directly. Loading
// libMLIR.so alone costs ~80 MB of RSS and tens of milliseconds, which a tool
// reading only bytecode should not pay, so these jobs are reached through
// this bridge: a tool that links MLIR anyway (the language server) registers
// it directly; others (the CLI) load the plugin `libMLIRScopeMLIRBridgePlugin.so`
// on first use.
//
// Blob bytes never cross the bridge: callers cut the metadata out of text
// and hand over bytecode whose blobs are declarations only.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_TEXT_MLIRBRIDGE_H
#define MLIRSCOPE_TEXT_MLIRBRIDGE_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace mlirscope {

class ModelIndex;

/// Where the bytes of IR handed to MLIR came from: IR cut out of a text file
/// (one `// -----` chunk without its metadata blocks) is a sequence of
/// segments; segment k starts at `irBegins[k]` in the IR and at
/// `fileBegins[k]` in the file (both ascending).
struct IROffsetMap {
  const uint64_t *irBegins = nullptr;
  const uint64_t *fileBegins = nullptr;
  size_t size = 0;
  /// The file's 1-based line at each segment's start, and the file's path:
  /// MLIR's own locations (buffer:line:col) are turned into the file's.
  const uint32_t *fileLines = nullptr;
  const char *path = "";

  uint64_t toFile(uint64_t irOffset) const {
    size_t lo = 0, hi = size;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (irBegins[mid] <= irOffset)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo == 0 ? irOffset : fileBegins[lo - 1] + (irOffset - irBegins[lo - 1]);
  }
};

struct MLIRBridge {
  /// Parses `ir` (one chunk of a text file without its metadata blocks;
  /// `map` gives file offsets) and appends to `index`'s ops, values,
  /// operands, op names, dialects and references (op names and dialects are
  /// interned with those already there; a chunk that is not one
  /// builtin.module gets an implicit one, as mlir-opt adds). False, with
  /// `diagnostic` set ("offset N: ..."), if MLIR cannot parse it.
  bool (*parseIR)(ModelIndex &index, const char *ir, size_t size,
                  IROffsetMap map, std::string &diagnostic);
  /// Parses text IR (which may carry an external_resources block but no
  /// dialect blobs) and writes it as bytecode of `version` into `out`;
  /// dense_resource keys become declarations.
  bool (*textToBytecode)(const char *ir, size_t size, int64_t version,
                         const char *producer, std::string &out,
                         std::string &diagnostic);
  /// Reads bytecode (blobs as declarations only) and prints its IR as text.
  bool (*bytecodeToText)(const uint8_t *bytecode, size_t size,
                         std::string &out, std::string &diagnostic);
  /// Reads bytecode (blobs as declarations only), gives every
  /// dense_resource<key> attribute the type `newType` (and constant-like ops
  /// producing it that result type), verifies, and writes bytecode of
  /// `version` into `out`.
  bool (*retypeResource)(const uint8_t *bytecode, size_t size,
                         const char *key, const char *newType,
                         int64_t version, std::string &out,
                         std::string &diagnostic);
};

/// Registers the bridge to use (tools that link MLIR directly).
void registerMLIRBridge(const MLIRBridge *bridge);

/// The registered bridge or, failing that, the plugin's (loaded once, from
/// $MLIRSCOPE_MLIR_BRIDGE or `../lib/libMLIRScopeMLIRBridgePlugin.so` beside the
/// executable). Null, with `why` set, when neither is available.
const MLIRBridge *getMLIRBridge(std::string &why);

/// Name of the C entry point the plugin exports: `const MLIRBridge *()`.
inline constexpr const char *kMLIRBridgeSymbol = "mlirscope_mlir_bridge_v1";

} // namespace mlirscope

#endif // MLIRSCOPE_TEXT_MLIRBRIDGE_H
