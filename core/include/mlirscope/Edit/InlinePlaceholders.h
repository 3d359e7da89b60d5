//===- InlinePlaceholders.h - Inline weights as resource keys ---*- C++ -*-===//
//
// Inline weights (builtin DenseIntOrFPElementsAttr raw data in a bytecode
// file's attribute section) stand in for their data as `dense_resource`
// declarations, so that MLIR prints a model's IR without reading or
// printing the weights (a 256x256 f32 constant is 512 KiB of hex), and come
// back from such a placeholder exactly, their bytes copied from the model
// they were taken from. Both ways work on bytecode, through rewriteBytecode:
// the attribute entries change in place (every attribute index keeps its
// meaning), and the placeholders are resource declarations without data.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_EDIT_INLINEPLACEHOLDERS_H
#define MLIRSCOPE_EDIT_INLINEPLACEHOLDERS_H

#include "mlirscope/Edit/Rewrite.h"

#include <optional>
#include <string>
#include <vector>

namespace mlirscope {

/// A placeholder's resource key is this prefix and the weight's name
/// (Weight.h): `inline:@main/arith.constant#0`.
inline constexpr llvm::StringLiteral kInlinePlaceholderPrefix = "inline:";

/// The weight name a placeholder key stands for, or nullopt when `key` is
/// not a placeholder's.
std::optional<llvm::StringRef> placeholderWeightName(llvm::StringRef key);

/// An inline weight planned to be shown as a placeholder.
struct InlinePlaceholder {
  std::string key;
  const Weight *weight = nullptr;
  uint64_t attr = 0; ///< its attribute index
};

/// Plans showing each inline weight of bytecode `index` whose data is raw
/// builtin dense elements of at least `minBytes` as a placeholder: its
/// attribute entry becomes a DenseResourceElementsAttr of the same type
/// naming a new builtin resource declaration. Weights of other encodings
/// (VHLO tensors, strings, splats below `minBytes`) and those whose key
/// would collide with an existing resource are left as they are, and so are
/// the weights named in `keep` (an op may require dense elements where the
/// weight is: shape.const_shape's DenseIntElementsAttr). `keyOf` gives each
/// placeholder's key (default: `inline:` and the weight's name). Adds to
/// `plan` and returns the placeholders in weight order.
llvm::Expected<std::vector<InlinePlaceholder>>
planInlinePlaceholders(const ModelIndex &index, uint64_t minBytes,
                       RewritePlan &plan,
                       const llvm::StringSet<> *keep = nullptr,
                       llvm::function_ref<std::string(const Weight &)> keyOf = {});

/// The way back: every builtin dense_resource attribute of bytecode `index`
/// whose key is a placeholder, and not a resource of `source`, becomes the
/// DenseIntOrFPElementsAttr of `source`'s inline weight of that name: the
/// type is the placeholder attribute's, the raw bytes the weight's (copied
/// from `source`'s file). Errors when the weight is not there or its bytes
/// do not fit the type. Adds to `plan`; `restored` receives the keys.
llvm::Error planRestoreInline(const ModelIndex &index, const ModelIndex &source,
                              RewritePlan &plan, llvm::StringSet<> &restored);

} // namespace mlirscope

#endif // MLIRSCOPE_EDIT_INLINEPLACEHOLDERS_H
