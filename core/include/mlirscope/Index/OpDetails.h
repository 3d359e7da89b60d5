//===- OpDetails.h - What a node of the graph shows about an op -*- C++ -*-===//
//
// An op's location, operand and result types, attributes and successors, as
// MLIR prints them. For bytecode they are decoded from the attribute and
// type tables when asked for (AttrTypeReader), for text MLIR printed them
// when it parsed the file. Never touches blob bytes: a dense_resource prints
// as its key and type.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_INDEX_OPDETAILS_H
#define MLIRSCOPE_INDEX_OPDETAILS_H

#include "mlirscope/Model/ModelIndex.h"

#include <string>
#include <utility>
#include <vector>

namespace mlirscope {

struct OpDetails {
  /// The location as MLIR prints it inside `loc(...)`: `"x.py":3:7`,
  /// `"name"("x.py":3:7)`, `callsite(... at ...)`, `fused[...]`, `unknown`.
  /// Empty when not known (ops counted lexically).
  std::string location;
  /// The scope path grouping uses (see locationScope).
  std::vector<std::string> scope;
  std::vector<std::string> operandTypes, resultTypes;
  /// Inherent (properties) and discardable attributes, name → text.
  /// Properties of registered ops in bytecode carry no names (they are the
  /// op's own encoding): they are listed as `<property N>` when each is an
  /// attribute, or one `<properties>` entry giving their size.
  std::vector<std::pair<std::string, std::string>> attributes;
  /// Successor blocks (BlockRecord indices).
  std::vector<uint32_t> successors;
};

/// The details of op `op`. Thread-safe; decoding is cached per entry.
OpDetails getOpDetails(const ModelIndex &index, uint32_t op);

/// getOpDetails(index, op).scope alone: grouping asks it of every op, and
/// the rest of the details (types and attributes printed) cost ten times more.
std::vector<std::string> getOpScope(const ModelIndex &index, uint32_t op);

/// The type of value `value` as MLIR prints it, or "" when unknown.
std::string getValueType(const ModelIndex &index, uint32_t value);

/// The scope path of a location's NameLoc names (outermost first):
/// - JAX/TensorFlow names are `/`-separated paths ending in the primitive
///   (`jit(main)/transformer/layer_3/attn/dot_general`): every segment but
///   the last of the innermost name;
/// - PyTorch module paths (`model.layers.3.self_attn.q_proj`) split on `.`,
///   a numeric part kept with the one before (`layers.3`), so that repeated
///   layers are siblings;
/// - any other name is one segment; several names (a CallSiteLoc chain)
///   concatenate. A location without names (file:line:col) has no scope.
std::vector<std::string> locationScope(const std::vector<std::string> &names);

} // namespace mlirscope

#endif // MLIRSCOPE_INDEX_OPDETAILS_H
