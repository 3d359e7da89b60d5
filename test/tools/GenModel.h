//===- GenModel.h - Shared pieces of mlirscope-genmodel ---------*- C++ -*-===//
//
// What the IR builders (GenModelIR.cpp) hand to the file writers
// (mlirscope-genmodel.cpp): the IR as text with its resources only declared,
// the weights behind each `dense_resource` key, and, for the models that
// carry them, the location of every op written.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_TEST_TOOLS_GENMODEL_H
#define MLIRSCOPE_TEST_TOOLS_GENMODEL_H

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <cstdint>
#include <string>
#include <vector>

namespace genmodel {

/// Prints "mlirscope-genmodel: error: MSG", removes the temporary output and
/// exits with 1.
[[noreturn]] void fatal(const llvm::Twine &msg);

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

enum class Gen { F32, F16, BF16, F64, Bool, Int, ComplexF32 };
enum class Chain { AddF, AddI, Select };

struct DType {
  const char *name; // command-line name
  const char *mlir; // MLIR element type
  unsigned bytes;   // bytes per element in the blob
  Gen gen;          // how blob values are generated
  Chain chain;      // op chaining the weights in the `weights` model
};

const DType *lookupDType(llvm::StringRef name);

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

/// What the file holds.
enum class ModelKind {
  /// `func.func @forward` adding `layer{i}.weight` blobs one after the other
  /// (the original model of this tool).
  Weights,
  /// A decoder-only transformer (Llama-like) in func/arith/math/tensor/linalg.
  Transformer,
  /// One value with `--users` users, folded back by a tree of adds.
  FanOut,
  /// A chain of `--length` unary ops, each using the previous result.
  Chain,
};

/// How op locations are written.
enum class LocStyle {
  /// What MLIR's parser gives text without locations: `"genmodel":L:C`.
  Source,
  /// JAX: `NameLoc("jit(main)/transformer/layer_3/attn/dot_general",
  /// FileLineColLoc("model.py", L, C))`.
  Jax,
  /// PyTorch: `NameLoc("model.layers.3.self_attn.q_proj", CallSiteLoc(...))`,
  /// the call site chain being the torch-mlir FX importer's (one
  /// `file:line:0` frame per stack-trace entry, innermost first).
  Torch,
  /// `loc(unknown)` everywhere.
  None,
};

struct Options {
  std::string output;
  ModelKind model = ModelKind::Weights;
  uint64_t layers = 1;
  std::vector<uint64_t> shape = {4, 4};
  const DType *dtype = nullptr; // default per model
  bool sparse = false;
  bool text = false;
  /// Weights as inline elements attributes (`dense<"0x...">`, bytecode raw
  /// data) instead of dense_resource blobs.
  bool inlineWeights = false;
  int64_t version = 0; // set in parseArgs
  uint64_t seed = 0;
  std::string externalGroup;
  bool verbose = false;
  LocStyle locStyle = LocStyle::Jax;
  bool locStyleGiven = false;
  // Transformer sizes.
  uint64_t hidden = 64;
  uint64_t intermediate = 176;
  uint64_t heads = 4;
  uint64_t kvHeads = 0; // 0: same as heads
  uint64_t vocab = 256;
  uint64_t seqLen = 8;
  // Stress shapes.
  uint64_t users = 10000;
  uint64_t length = 100000;
};

/// One `dense_resource` blob of the builtin dialect.
struct Weight {
  std::string key;
  std::vector<uint64_t> shape;
  /// Blob values come from an independent stream per (seed, stream).
  uint64_t stream;

  uint64_t numElements() const;
};

/// Where an op came from, in every style; turned into a `Location` once the
/// IR is parsed.
struct LocSpec {
  bool unknown = false;
  std::string jaxName; // empty: file-only location
  unsigned jaxLine = 0, jaxCol = 0;
  std::string torchName; // empty: call sites only
  /// Stack-trace frames, outermost first.
  std::vector<std::pair<const char *, unsigned>> torchFrames;
};

struct GeneratedIR {
  std::string text;
  std::vector<Weight> weights;
  /// One per op of `text` in pre-order (the order they are written), each an
  /// index into `locs`; empty when the parser's own locations are kept.
  std::vector<std::pair<const char *, uint32_t>> opLocs;
  std::vector<LocSpec> locs;
  /// Locations of the entry block arguments of the function, by name.
  std::vector<std::string> argNames;
};

GeneratedIR buildIR(const Options &o);

/// Replaces the parser's locations with the ones `ir` asks for.
void applyLocations(mlir::ModuleOp module, const GeneratedIR &ir,
                    LocStyle style);

} // namespace genmodel

#endif // MLIRSCOPE_TEST_TOOLS_GENMODEL_H
