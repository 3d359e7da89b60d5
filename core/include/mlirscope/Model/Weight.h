//===- Weight.h - A model's weights, wherever the producer put them -*- C++ -*-===//
//
// Producers keep weights in three places: `dense_resource` blobs (the
// resource section), inline elements attributes (`dense<"0x...">`,
// `dense<[...]>`, bytecode raw data, `#vhlo.tensor_v1`) and external
// parameter archives bound by name (`#stream.parameter.named<"s"::"k">`).
// A Weight is one of them seen the same way: a name a user can type, a type,
// and a place (file, offset, size, encoding). Nothing here holds bytes; the
// Blob layer's WeightView reads them.
//
// Names (stable across runs of the same file, unique within an index):
//   - a resource blob: its key (`blob0`);
//   - an inline weight held by a symbol op (`util.global`, `memref.global`,
//     `ml_program.global`, ...): the symbol, `@name`;
//   - any other inline weight: `@scope/op.name#N`, where `@scope` is the
//     nearest enclosing symbol (empty at top level: `/op.name#N`) and N counts
//     that scope's ops of that name holding elements attributes, from 0, in
//     IR order; a second attribute of the same op appends `.1`, `.2`...;
//   - a parameter: `scope::key`, or `key` when the reference has no scope.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_MODEL_WEIGHT_H
#define MLIRSCOPE_MODEL_WEIGHT_H

#include "mlirscope/Model/TensorType.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace mlirscope {

/// Where a weight lives.
enum class WeightKind : uint8_t {
  Resource,  ///< A dense_resource blob (ModelIndex::resources).
  Inline,    ///< An elements attribute in the IR itself.
  Parameter, ///< An entry of an external parameter archive, named in the IR.
};

/// How the stored bytes are written.
enum class WeightEncoding : uint8_t {
  Raw,     ///< Little-endian element bytes (bytecode, archives).
  Hex,     ///< Hex digits of those bytes in text (`"0x..."`, text blobs).
  Literal, ///< Numbers written out in text (`dense<[1.0, 2.0]>`).
  Strings, ///< String elements: counted and shown, never decoded as numbers.
};

llvm::StringRef weightKindName(WeightKind kind);   ///< "resource"...
llvm::StringRef weightEncodingName(WeightEncoding encoding); ///< "raw"...

/// One weight. A location, never a copy.
struct Weight {
  WeightKind kind = WeightKind::Resource;
  WeightEncoding encoding = WeightEncoding::Raw;
  /// The stored data is one element repeated over the shape (a splat
  /// attribute, an archive's splat entry: see `pattern`).
  bool splat = false;
  /// i1 elements stored eight per byte (MLIR's raw dense data for bools).
  bool bitPacked = false;
  /// Unique name (see the file comment).
  std::string name;
  /// The type the IR gives it (the attribute's type, or the parameter
  /// reference's type). nullopt when nothing says.
  std::optional<TensorType> type;

  /// Where the stored data is: in the model file, or for a bound parameter
  /// in its archive's file. Hex: the digits (after `"0x`); Literal: the text
  /// between `dense<` and its closing `>`.
  uint64_t offset = 0, size = 0;
  /// Where the attribute (or the parameter reference) begins in the model
  /// file, for go-to and hover ranges; its end (text only, else 0).
  uint64_t attrOffset = 0, attrEnd = 0;
  /// Text only: one past the value itself (the `>` closing `dense<...>` or
  /// the parameter reference), before the type written after it.
  uint64_t valueEnd = 0;
  /// The op holding the attribute (an index into ModelIndex::ops), kNone
  /// when not known (a lexical scan of text that MLIR did not parse).
  uint32_t op = kNone;
  /// Spelling of the holding op's name ("stablehlo.constant"), when known.
  std::string opName;
  /// The chunk of a split text file (0 otherwise).
  uint32_t chunk = 0;

  /// Resource: index into ModelIndex::resources.
  uint32_t resource = kNone;

  /// Parameter: the reference's scope (may be empty) and key, the archive it
  /// is bound to (ModelIndex::archives) and the entry in it; kNone when no
  /// bound archive has the key.
  std::string scope, key;
  uint32_t archive = kNone, entry = kNone;

  /// Bytes of the stored data once decoded: raw, the byte count; hex, half
  /// the digits; a literal, elements x element size (0 when the type is not
  /// known); a splat, one element; an archive splat, the entry's logical
  /// size; strings, the text's size. Totals and listings use this.
  uint64_t dataBytes = 0;

  /// Bytes the type says the weight holds (elements x element size; i1 is
  /// one byte), nullopt when the type is unknown or not static.
  std::optional<uint64_t> logicalBytes() const;
  /// The bytes a user thinks of it as taking: the logical size when known,
  /// else the stored data's.
  uint64_t bytes() const { return logicalBytes().value_or(dataBytes); }
};

/// Fills `splat`, `bitPacked` and `dataBytes` of an elements weight whose
/// type is known, from the byte count of its raw data, as MLIR reads raw
/// dense data (DenseElementsAttr::isValidRawBuffer): one element's bytes are
/// a splat; i1 is bit packed, and one byte is a splat when
/// `singleByteIsSplat` (builtin: the byte is 0x00 or 0xff; VHLO: never).
void classifyElementsData(Weight &w, uint64_t stored, bool singleByteIsSplat);

/// Parses a parameter reference at the start of `text`:
/// `#stream.parameter.named<"scope"::"key">`, `#stream.parameter.named<"key">`
/// or the `#flow` spelling, options after the key allowed. Returns the weight
/// with kind, scope, key and name set, and its length in `length`.
std::optional<Weight> parseParameterReference(llvm::StringRef text,
                                              size_t &length);

/// An external parameter archive bound to a scope, as
/// `iree-run-module --parameters=SCOPE=FILE` binds it. The archive itself is
/// read by the Archive layer; the index only keeps it alive.
struct ParameterArchive;
struct BoundArchive {
  std::string scope; ///< Empty: binds references without a scope.
  std::string path;
  std::shared_ptr<const ParameterArchive> archive;
};

} // namespace mlirscope

#endif // MLIRSCOPE_MODEL_WEIGHT_H
